"""Template context shared by every page: the plan, the recompute state, the demo flag, the role."""

from indicators import queries
from parcels import access
from parcels.models import Statistic


def site(request):
    if not request.user.is_authenticated:
        return {}
    return {
        "plan": queries.plan_in_force(),
        "recompute": queries.recompute_state(),
        "demo_data": Statistic.objects.filter(source=Statistic.Source.DEMO).exists(),
        "is_office": access.is_office(request.user),
    }
