from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand
from django.db import transaction

from parcels import access

# The office keeps the plan's reference data and the statistics in the admin;
# user accounts and tokens stay with administrators (whoever may edit users may
# make themselves one).
OFFICE_APPS = ("parcels", "indicators")


class Command(BaseCommand):
    help = "Create the role groups (official, manager, office) and give the office its admin permissions (创建角色)."

    def handle(self, *args, **options):
        with transaction.atomic():
            for name in access.ROLE_NAMES:
                _group, created = Group.objects.get_or_create(name=name)
                if options["verbosity"]:
                    self.stdout.write(f"{name:<9} {access.ROLE_NAMES[name]}{'（新建）' if created else ''}")
            office = Group.objects.get(name=access.OFFICE)
            office.permissions.set(Permission.objects.filter(content_type__app_label__in=OFFICE_APPS))
