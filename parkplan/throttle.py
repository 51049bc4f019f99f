"""The client address that login throttling counts failures against."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.shortcuts import render


def client_ip(request) -> str:
    """Return the address of the browser, looking through the trusted proxies in front of gunicorn.

    With TRUSTED_PROXY_COUNT = n, the n-th address from the right of
    X-Forwarded-For is the one the first trusted proxy saw; anything to its left
    was written by the client and is not trusted.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    if len(forwarded) >= count:
        return forwarded[-count]
    return forwarded[0] if forwarded else remote


def lockout_response(request, original_response=None, credentials=None):
    """Render the Chinese lockout page (HTTP 429) with the cool-off in whole minutes."""
    cool_off = get_cool_off(request)
    ctx = {
        "failure_limit": get_failure_limit(request, credentials),
        "cooloff_minutes": max(1, round(cool_off.total_seconds() / 60)) if cool_off else None,
    }
    return render(request, "axes_lockout.html", ctx, status=429)


class LoginThrottleBackend(AxesStandaloneBackend):
    """Check the lockout of every login that comes with a request; let calls without one through.

    Web, admin and API logins always carry the request. Code that authenticates
    without one (the test client's login, a shell) has no address to count
    failures against and is not throttled.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)
