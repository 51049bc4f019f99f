"""Who may see and change what: the one place every view, export, upload and API call asks.

Roles are Django groups:
- 区领导/科委 (official): reads every aggregate, no enterprise records;
- 园区管理人员 (manager): reads and writes the enterprises and statistics of their assigned parcels only;
- 联席会议办公室 (office): reviews and approves returns, keeps benchmarks, targets and users, sees everything;
- administrators (superusers) run the admin and count as office.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import Enterprise, Parcel, ParcelReturn, Statistic

OFFICIAL, MANAGER, OFFICE = "official", "manager", "office"
ROLE_NAMES = {OFFICIAL: "区领导/科委", MANAGER: "园区管理人员", OFFICE: "联席会议办公室"}


def _in_group(user, name: str) -> bool:
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_role_groups", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._role_groups = cached
    return name in cached


def is_office(user) -> bool:
    return user.is_authenticated and (user.is_superuser or _in_group(user, OFFICE))


def is_manager(user) -> bool:
    return _in_group(user, MANAGER)


def is_official(user) -> bool:
    return _in_group(user, OFFICIAL)


def sees_confidential(user) -> bool:
    """Whether the user sees the parcel figures the disclosure rules withhold (indicators.disclosure): the office."""
    return is_office(user)


def parcels_for(user) -> QuerySet[Parcel]:
    """Return the parcels whose enterprise records the user may read and write."""
    if is_office(user):
        return Parcel.objects.all()
    if is_manager(user):
        return Parcel.objects.filter(managers__user=user)
    return Parcel.objects.none()


def may_enter_returns(user) -> bool:
    """Whether the user fills in returns: a park manager with at least one parcel."""
    return is_manager(user) and parcels_for(user).exists()


def may_review(user) -> bool:
    """Whether the user reviews, approves, returns and unlocks returns (the office and administrators)."""
    return is_office(user)


def may_edit_return(user, parcel_return) -> bool:
    """Whether the user may change the rows of this return: a manager of its parcel."""
    return is_manager(user) and parcels_for(user).filter(pk=parcel_return.parcel_id).exists()


def parcel_or_404(user, parcel_id: int) -> Parcel:
    """Return a parcel the user may read and write, or raise Http404 (another parcel is not there for them)."""
    return get_object_or_404(parcels_for(user), pk=parcel_id)


def returns_for(user) -> QuerySet[ParcelReturn]:
    """Return the quarterly returns the user may see."""
    return ParcelReturn.objects.filter(parcel__in=parcels_for(user))


def return_or_404(user, pk: int) -> ParcelReturn:
    return get_object_or_404(returns_for(user).select_related("parcel"), pk=pk)


def enterprises_for(user) -> QuerySet[Enterprise]:
    """Return the enterprises whose records the user may read: the office sees those without a parcel too."""
    if is_office(user):
        return Enterprise.objects.all()
    return Enterprise.objects.filter(parcel__in=parcels_for(user))


def enterprise_or_404(user, credit_code: str) -> Enterprise:
    """Return an enterprise whose records the user may read, or raise Http404."""
    return get_object_or_404(enterprises_for(user), credit_code=credit_code)


def statistics_for(user) -> QuerySet[Statistic]:
    return Statistic.objects.filter(parcel__in=parcels_for(user))


def require(allowed: bool) -> None:
    """Raise PermissionDenied (403) unless the role allows the action at all."""
    if not allowed:
        raise PermissionDenied
