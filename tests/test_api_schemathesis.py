"""Schemathesis against the live API and its live schema, as two park managers and a district official.

It runs the schemathesis command on pytest-django's live server with a Web
Fuzzing Commons auth document of three tokens, all three listed as peers, so
its object-level authorization check replays each identity's reads of its own
objects as the others. Every check applies: no server error, responses and
status codes as the schema says, and no identity reads another's objects.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token

from indicators import services as indicator_services
from parcels import access, demo, services
from parcels.models import Enterprise, Parcel

pytestmark = [pytest.mark.django_db(transaction=True)]

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
# Small on purpose: the point is every operation, every check and every peer, within a minute.
MAX_EXAMPLES = 8


def _row(enterprise: Enterprise) -> dict:
    return {
        "credit_code": enterprise.credit_code,
        "enterprise_name": enterprise.name,
        "revenue": "1000",
        "employees": "100",
        "masters_plus": "10",
    }


def _identity(username: str, role: str, parcel: str | None = None) -> dict:
    user = get_user_model().objects.create_user(username, password="Pw-for-tests-2025")
    if parcel:
        manager_parcel = Parcel.objects.get(code=parcel)
        services.assign_manager(user=user, parcel=manager_parcel)
        # Something of their own to read: a draft return of their parcel.
        rows = [_row(e) for e in Enterprise.objects.filter(parcel=manager_parcel).order_by("credit_code")[:3]]
        services.save_return(parcel=manager_parcel, year=2025, quarter=1, rows=rows, version=0, user=user)
    else:
        from django.contrib.auth.models import Group

        user.groups.add(Group.objects.get_or_create(name=role)[0])
    token = Token.objects.create(user=user).key
    return {"name": username, "fixedHeaders": [{"name": "Authorization", "value": f"Token {token}"}]}


def test_schemathesis_finds_nothing_against_the_live_schema(plan, live_server, tmp_path):
    demo.seed_demo(enterprises=40, seed=5)
    indicator_services.recompute(full=True)
    identities = [
        _identity("manager-robot", access.MANAGER, "robot-park"),
        _identity("official", access.OFFICIAL),
        _identity("manager-nanda", access.MANAGER, "nanda"),
    ]
    auth = tmp_path / "auth.json"
    auth.write_text(json.dumps({"auth": identities}))
    (tmp_path / "schemathesis.toml").write_text(
        f"""
[auth.wfc]
path = "{auth}"
peers = {json.dumps([i["name"] for i in identities])}
"""
    )
    result = subprocess.run(
        [
            str(SCHEMATHESIS),
            "run",
            f"{live_server.url}/api/schema/?format=json",
            "--url",
            live_server.url,
            "--checks",
            "all",
            "--max-examples",
            str(MAX_EXAMPLES),
            "--seed",
            "20250101",
            "--no-color",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    assert "object_level_authorization" in report
