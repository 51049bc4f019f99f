from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from parcels import access, services
from parcels.models import Parcel

# username, password, is_staff, is_superuser, group, parcels (by order), description
DEMO_USERS = [
    ("admin", "Demo-Admin-2025", True, True, None, (), "系统管理员 administrator"),
    ("office", "Demo-Office-2025", True, False, access.OFFICE, (), "联席会议办公室 joint-meeting office"),
    ("official", "Demo-Official-2025", False, False, access.OFFICIAL, (), "区领导/科委 district official"),
    ("manager1", "Demo-Manager1-2025", False, False, access.MANAGER, (1, 2), "园区管理人员 park manager"),
    ("manager2", "Demo-Manager2-2025", False, False, access.MANAGER, (3, 4, 5), "园区管理人员 park manager"),
]


class Command(BaseCommand):
    help = "Create the demo logins and role groups if missing, assign the managers' parcels, print them (创建演示账号)."

    def handle(self, *args, **options):
        User = get_user_model()
        with transaction.atomic():
            for name in access.ROLE_NAMES:
                Group.objects.get_or_create(name=name)
            for username, password, staff, superuser, group, orders, description in DEMO_USERS:
                user, created = User.objects.get_or_create(username=username)
                if created:
                    user.set_password(password)
                    user.is_staff, user.is_superuser = staff, superuser
                    user.email = f"{username}@example.org"
                    user.save()
                if group:
                    user.groups.add(Group.objects.get(name=group))
                parcels = list(Parcel.objects.filter(order__in=orders))
                for parcel in parcels:
                    services.assign_manager(user=user, parcel=parcel)
                where = "、".join(p.name_zh for p in parcels)
                self.stdout.write(f"{username:<10} {password:<20} {description}{'：' + where if where else ''}")
