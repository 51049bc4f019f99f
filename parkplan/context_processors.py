"""Template context shared by every page: the plan, the recompute state, the demo flag, the role."""

from indicators import queries
from parcels import access
from parcels.models import Statistic


def site(request):
    demo_data = Statistic.objects.filter(source=Statistic.Source.DEMO).exists()
    if not request.user.is_authenticated:
        return {"demo_data": demo_data}  # the login page says where the demo logins are
    return {
        "plan": queries.current_plan(),
        "recompute": queries.recompute_state(),
        "demo_data": demo_data,
        "is_office": access.is_office(request.user),
    }
