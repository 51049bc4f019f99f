"""Template context shared by every page: the plan and its switcher, the recompute state, the demo flag, the role."""

from indicators import queries
from indicators.dashboard import plans
from parcels import access
from parcels.models import Statistic


def site(request):
    demo_data = Statistic.objects.filter(source=Statistic.Source.DEMO).exists()
    if not request.user.is_authenticated:
        return {"demo_data": demo_data}  # the login page says where the demo logins are
    plan = plans.shown_plan(request)
    return {
        "plan": plan,
        **plans.header(request, plan),
        "recompute": queries.recompute_state(),
        "demo_data": demo_data,
        "is_office": access.is_office(request.user),
    }
