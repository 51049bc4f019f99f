"""Who may see and change what: the one place every view, export, upload and API call asks.

Roles are Django groups:
- 区领导/科委 (official): reads every aggregate, no enterprise records;
- 园区管理人员 (manager): reads and writes the enterprises and statistics of their assigned parcels only;
- 联席会议办公室 (office): reviews and approves returns, keeps benchmarks, targets and users, sees everything;
- administrators (superusers) run the admin and count as office.
"""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Parcel

OFFICIAL, MANAGER, OFFICE = "official", "manager", "office"
ROLE_NAMES = {OFFICIAL: "区领导/科委", MANAGER: "园区管理人员", OFFICE: "联席会议办公室"}

# Parcel figures built from fewer enterprises than this are hidden from all but the office.
CONFIDENTIAL_BELOW = 3


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
    """Whether the user may see parcel figures built from fewer than three enterprises."""
    return is_office(user)


def parcels_for(user) -> QuerySet[Parcel]:
    """Return the parcels whose enterprise records the user may read and write."""
    if is_office(user):
        return Parcel.objects.all()
    if is_manager(user):
        return Parcel.objects.filter(managers__user=user)
    return Parcel.objects.none()
