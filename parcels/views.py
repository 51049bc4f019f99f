"""Pages of the parcels app outside the returns workflow (parcels.returns.views): an enterprise's history."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from . import access, queries


@login_required
def enterprise_history(request, code: str):
    """Every recorded change of an enterprise and its statistics in the parcels the user may see."""
    enterprise = access.enterprise_or_404(request.user, code)
    ctx = {
        "nav": "review" if access.may_review(request.user) else "returns",
        "enterprise": enterprise,
        "entries": queries.enterprise_history(enterprise, access.statistics_for(request.user)),
    }
    return render(request, "parcels/enterprise_history.html", ctx)
