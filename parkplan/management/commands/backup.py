import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from parkplan.backups import BackupError, create_backup


class Command(BaseCommand):
    help = "Back up the whole database and the uploaded and generated files into one archive (备份)."

    def add_arguments(self, parser):
        default = os.getenv("BACKUP_DIR", str(Path(settings.BASE_DIR) / ".var" / "backups"))
        parser.add_argument("--output", "-o", default=default, help=f"directory for the archive (default {default})")

    def handle(self, *args, **options):
        try:
            archive = create_backup(Path(options["output"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        return str(archive)
