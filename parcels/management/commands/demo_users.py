from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

# username, password, is_staff, is_superuser, description
DEMO_USERS = [
    ("admin", "Demo-Admin-2025", True, True, "系统管理员 administrator"),
    ("office", "Demo-Office-2025", True, False, "联席会议办公室 joint-meeting office"),
    ("official", "Demo-Official-2025", False, False, "区领导/科委 district official"),
]


class Command(BaseCommand):
    help = "Create the demo logins (if missing) and print them (创建演示账号)."

    def handle(self, *args, **options):
        User = get_user_model()
        for username, password, staff, superuser, description in DEMO_USERS:
            user, created = User.objects.get_or_create(username=username)
            if created:
                user.set_password(password)
                user.is_staff, user.is_superuser = staff, superuser
                user.save()
            self.stdout.write(f"{username:<10} {password:<20} {description}")
