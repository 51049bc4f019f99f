"""Backups: the whole database (pg_dump) and the uploaded and generated files in one archive.

An archive `parkplan-backup-YYYYmmdd-HHMMSS.tar` holds
  database.dump   pg_dump --format=custom of the whole database
  media.tar.gz    MEDIA_ROOT: uploaded returns and generated reports
  manifest.json   when, from which database, and the sha256 and size of each part
It is written to a temporary name and renamed when complete, readable by its owner only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess  # pg_dump and pg_restore only, without a shell  # nosec B404
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

import dj_database_url
from django.conf import settings

DUMP, MEDIA, MANIFEST = "database.dump", "media.tar.gz", "manifest.json"


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why, in Chinese."""


def pg_tool(name: str) -> str:
    """Return the path of a PostgreSQL client program: the newest under /usr/lib/postgresql, else PATH."""
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: int(p.parts[-3]))
    if candidates:
        return str(candidates[-1])
    found = shutil.which(name)
    if not found:
        raise BackupError(f"找不到 {name}：请安装 PostgreSQL 客户端（postgresql-client）")
    return found


def _connection_args(url: str) -> tuple[list[str], dict[str, str]]:
    db = dj_database_url.parse(url)
    args = ["--host", db["HOST"] or "localhost", "--port", str(db["PORT"] or 5432), "--username", db["USER"]]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]  # never on the command line, where ps shows it
    return [*args, "--dbname", db["NAME"]], env


def _current_database_url() -> str:
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _run(args: list[str], env: dict[str, str], what: str) -> None:
    # A fixed program (pg_dump or pg_restore) with arguments from settings, no shell.
    result = subprocess.run(args, env=env, capture_output=True, text=True)  # noqa: S603  # nosec B603
    if result.returncode != 0:
        raise BackupError(f"{what}失败：{result.stderr.strip()[-2000:]}")


def create_backup(output_dir: Path, *, database_url: str | None = None, media_root: Path | None = None) -> Path:
    """Write a backup archive into output_dir and return its path."""
    output_dir.mkdir(parents=True, exist_ok=True)
    media_root = Path(media_root or settings.MEDIA_ROOT)
    database_url = database_url or _current_database_url()
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    archive = output_dir / f"parkplan-backup-{stamp}.tar"
    with tempfile.TemporaryDirectory(dir=output_dir, prefix=".backup-") as work:
        work = Path(work)
        args, env = _connection_args(database_url)
        _run([pg_tool("pg_dump"), "--format=custom", "--file", str(work / DUMP), *args], env, "数据库导出（pg_dump）")
        with tarfile.open(work / MEDIA, "w:gz") as media:
            if media_root.exists():
                media.add(media_root, arcname="media")
        manifest = {
            "format": 1,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "database": dj_database_url.parse(database_url)["NAME"],
            "parts": {
                name: {"sha256": _sha256(work / name), "bytes": (work / name).stat().st_size} for name in (DUMP, MEDIA)
            },
        }
        (work / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        partial = work / archive.name
        with tarfile.open(partial, "w") as tar:
            for name in (MANIFEST, DUMP, MEDIA):
                tar.add(work / name, arcname=name)
        partial.chmod(0o600)  # enterprises' confidential statistics
        partial.replace(archive)
    return archive


@dataclass(frozen=True)
class Restored:
    database: str
    media_files: int
    media_moved_to: Path | None


def restore_backup(archive: Path, *, database_url: str | None = None, media_root: Path | None = None) -> Restored:
    """Restore an archive into a database (replacing what is there) and MEDIA_ROOT.

    The checksums are verified before anything is touched; the database is
    restored in one transaction (a failure leaves it as it was); files already in
    MEDIA_ROOT are moved aside to MEDIA_ROOT.before-restore-<time>, not deleted.
    """
    media_root = Path(media_root or settings.MEDIA_ROOT)
    database_url = database_url or _current_database_url()
    with tempfile.TemporaryDirectory(prefix="parkplan-restore-") as work:
        work = Path(work)
        try:
            with tarfile.open(archive) as tar:
                tar.extractall(work, filter="data")
            manifest = json.loads((work / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, tarfile.TarError, ValueError) as exc:
            raise BackupError(f"无法读取备份文件 {archive}：{exc}") from exc
        for name, part in manifest["parts"].items():
            if not (work / name).exists() or _sha256(work / name) != part["sha256"]:
                raise BackupError(f"备份文件已损坏：{name} 的校验值不符，未做任何恢复")

        args, env = _connection_args(database_url)
        restore = [pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-acl"]
        _run(
            [*restore, "--single-transaction", "--exit-on-error", *args, str(work / DUMP)],
            env,
            "数据库恢复（pg_restore）",
        )

        moved = None
        if media_root.exists() and any(media_root.iterdir()):
            moved = media_root.with_name(f"{media_root.name}.before-restore-{dt.datetime.now():%Y%m%d-%H%M%S}")
            media_root.rename(moved)
        media_root.mkdir(parents=True, exist_ok=True)
        files = 0
        with tarfile.open(work / MEDIA) as media:
            media.extractall(work / "unpacked", filter="data")
        source = work / "unpacked" / "media"
        if source.exists():
            for path in source.rglob("*"):
                target = media_root / path.relative_to(source)
                if path.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                else:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(path, target)
                    files += 1
    return Restored(database=dj_database_url.parse(database_url)["NAME"], media_files=files, media_moved_to=moved)
