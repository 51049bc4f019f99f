from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
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
    help = (
        "Create the demo logins with their published passwords, assign the managers' parcels, print them "
        "(创建演示账号). Only with DEBUG=1 or --public-demo: never on a server with real data."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--public-demo",
            action="store_true",
            help="this installation is a demonstration open to anyone who knows the published passwords",
        )

    def handle(self, *args, public_demo=False, **options):
        if not (settings.DEBUG or public_demo):
            raise CommandError(
                "演示账号的密码是公开的，只能在演示环境中创建：请设置 DEBUG=1 或加 --public-demo。"
                "生产环境请用 setup_roles 和 createsuperuser（见 docs/deploy.md）。"
            )
        User = get_user_model()
        with transaction.atomic():
            call_command("setup_roles", verbosity=0)
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
