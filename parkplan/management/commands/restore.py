from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from parkplan.backups import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restore a backup archive into the database (replacing its contents) and MEDIA_ROOT (恢复备份)."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="a parkplan-backup-*.tar written by the backup command")
        parser.add_argument(
            "--database", help="postgres:// URL of the database to restore into (default: DATABASE_URL)"
        )
        parser.add_argument("--media-root", help="directory for the files (default: MEDIA_ROOT)")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, **options):
        target = options["database"] or "DATABASE_URL"
        if not options["yes"]:
            answer = input(f"将用备份替换 {target} 中的全部数据，确定吗？输入 yes 继续：")
            if answer.strip().lower() != "yes":
                raise CommandError("已取消，未做任何改动")
        try:
            restored = restore_backup(
                Path(options["archive"]),
                database_url=options["database"],
                media_root=Path(options["media_root"]) if options["media_root"] else None,
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"restored database={restored.database} media_files={restored.media_files}")
        if restored.media_moved_to:
            self.stdout.write(f"previous files moved to {restored.media_moved_to}")
