"""Back up, restore into a fresh database, and find every record, history entry, file and indicator value."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from indicators import services
from parcels.demo import seed_demo
from parcels.models import Statistic

ROOT = Path(__file__).resolve().parent.parent


def table_fingerprints(dsn: dict) -> dict[str, tuple[int, str]]:
    """Return, for every table of the public schema, its row count and an md5 of all its rows."""
    with psycopg2.connect(**dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        tables = [t for (t,) in cur.fetchall()]
        found = {}
        for table in tables:
            cur.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM \"{table}\" t"
            )
            found[table] = cur.fetchone()
    conn.close()
    return found


def dsn_for(name: str) -> dict:
    db = connection.settings_dict
    return {"host": db["HOST"], "port": db["PORT"], "user": db["USER"], "dbname": name, "password": db["PASSWORD"]}


def url_for(name: str) -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{name}"


@pytest.fixture
def fresh_database():
    """An empty database on the same server, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(**dsn_for("postgres"))
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
    yield name
    with admin.cursor() as cur:
        cur.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name])
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.close()


def export_values(database_url: str) -> str:
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "1"}
    result = subprocess.run(
        [sys.executable, "manage.py", "export_indicator_values"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.django_db(transaction=True)
def test_it_restores_every_record_history_entry_file_and_indicator_value(plan, tmp_path, settings, fresh_database):
    settings.MEDIA_ROOT = tmp_path / "media"
    uploads = settings.MEDIA_ROOT / "returns" / "2025Q3"
    uploads.mkdir(parents=True)
    (uploads / "宝山工业园区-2025Q3.xlsx").write_bytes(os.urandom(4096))
    (settings.MEDIA_ROOT / "reports").mkdir()
    (settings.MEDIA_ROOT / "reports" / "评估报告-2025.pdf").write_bytes(b"%PDF-1.7 report")
    seed_demo(enterprises=30, seed=7)
    revised = Statistic.objects.order_by("id").first()
    revised.employees += 1
    revised.save()  # a revision leaves a history entry
    services.recompute(full=True)

    archive = Path(call_command("backup", output=str(tmp_path / "backups")).strip())
    with tarfile.open(archive) as tar:
        assert sorted(tar.getnames()) == ["database.dump", "manifest.json", "media.tar.gz"]
        manifest = json.load(tar.extractfile("manifest.json"))
    assert set(manifest["parts"]) == {"database.dump", "media.tar.gz"}
    assert archive.stat().st_mode & 0o077 == 0  # readable by its owner only

    restored_media = tmp_path / "restored-media"
    out = io.StringIO()
    call_command(
        "restore", str(archive), database=url_for(fresh_database), media_root=str(restored_media), yes=True, stdout=out
    )
    assert "media_files=2" in out.getvalue()

    source, restored = (
        table_fingerprints(dsn_for(connection.settings_dict["NAME"])),
        table_fingerprints(dsn_for(fresh_database)),
    )
    assert restored == source
    history = [t for t in source if t.endswith("event") or "history" in t]
    assert any(source[t][0] > 0 for t in history), "the history tables hold the changes"
    assert source["parcels_statistic"][0] > 0 and source["indicators_indicatorvalue"][0] > 0
    for path in settings.MEDIA_ROOT.rglob("*"):
        if path.is_file():
            assert (restored_media / path.relative_to(settings.MEDIA_ROOT)).read_bytes() == path.read_bytes()
    assert export_values(url_for(fresh_database)) == export_values(url_for(connection.settings_dict["NAME"]))


@pytest.mark.django_db(transaction=True)
def test_it_refuses_a_damaged_archive_and_touches_nothing(plan, tmp_path, settings, fresh_database):
    settings.MEDIA_ROOT = tmp_path / "media"
    archive = Path(call_command("backup", output=str(tmp_path)).strip())
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as tar, tarfile.open(damaged, "w") as out:
        for member in tar.getmembers():
            data = tar.extractfile(member).read()
            if member.name == "database.dump":
                data = data[:-10] + b"0123456789"
            member.size = len(data)
            out.addfile(member, io.BytesIO(data))
    with pytest.raises(CommandError, match="校验值不符"):
        call_command("restore", str(damaged), database=url_for(fresh_database), yes=True)
    assert table_fingerprints(dsn_for(fresh_database)) == {}
