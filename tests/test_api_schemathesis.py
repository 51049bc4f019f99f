"""Schemathesis against the live API and its live schema, as two park managers and a district official.

It runs the schemathesis command on pytest-django's live server with a Web
Fuzzing Commons auth document of three tokens, all three listed as peers, so
its object-level authorization check replays each identity's reads of its own
objects as the others. Every check applies: no server error, responses and
status codes as the schema says, and no identity reads another's objects.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rest_framework.authtoken.models import Token

from indicators import services as indicator_services
from parcels import access, demo
from parcels.models import Enterprise, Parcel
from parcels.returns import services as return_services
from tests.factories import make_user

pytestmark = [pytest.mark.django_db(transaction=True)]

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
# Small on purpose: the point is every operation, every check and every peer, within a minute.
MAX_EXAMPLES = 4
# The coverage phase walks every boundary of every parameter: thorough but ~70 s here, so it
# runs when asked (SCHEMATHESIS_PHASES=examples,coverage,fuzzing,stateful).
PHASES = os.environ.get("SCHEMATHESIS_PHASES", "examples,fuzzing,stateful")
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "positive_data_acceptance",
    "missing_required_header",
    "unsupported_method",
    "use_after_free",
    "ensure_resource_availability",
    "ignored_auth",
    "object_level_authorization",
]


def _row(enterprise: Enterprise) -> dict:
    return {
        "credit_code": enterprise.credit_code,
        "enterprise_name": enterprise.name,
        "revenue": "1000",
        "employees": "100",
        "masters_plus": "10",
    }


def _identity(username: str, role: str, parcel: str | None = None) -> dict:
    user = make_user(username, role=role, parcels=(parcel,) if parcel else ())
    if parcel:
        manager_parcel = Parcel.objects.get(code=parcel)
        # Something of their own to read: a draft return of their parcel, of a quarter the demo has not imported
        # (it has 2020 to 2026 Q3; a first quarter, so no earlier quarter of the year to agree with).
        rows = [_row(e) for e in Enterprise.objects.filter(parcel=manager_parcel).order_by("credit_code")[:3]]
        return_services.save_return(parcel=manager_parcel, year=2027, quarter=1, rows=rows, version=0, user=user)
    token = Token.objects.create(user=user).key
    return {"name": username, "fixedHeaders": [{"name": "Authorization", "value": f"Token {token}"}]}


def test_schemathesis_finds_nothing_against_the_live_schema(plan, live_server, tmp_path):
    demo.seed_demo(enterprises=30, seed=5)
    indicator_services.recompute(full=True)
    identities = [
        _identity("manager-robot", access.MANAGER, "robot-park"),
        _identity("official", access.OFFICIAL),
        _identity("manager-nanda", access.MANAGER, "nanda"),
    ]
    mine = Parcel.objects.get(code="robot-park")
    ids = {
        "GET /api/v1/returns/{id}/": {"id": mine.returns.get().id},
        "GET /api/v1/enterprises/{credit_code}/": {"credit_code": mine.enterprises.order_by("id").first().credit_code},
        "GET /api/v1/statistics/{id}/": {"id": mine.statistics.order_by("id").first().id},
    }
    operations = "".join(
        f"""
[[operations]]
include-name = "{name}"
parameters = {{ {", ".join(f"{k} = {json.dumps(v)}" for k, v in values.items())} }}
"""
        for name, values in ids.items()
    )
    auth = tmp_path / "auth.json"
    auth.write_text(json.dumps({"auth": identities}))
    (tmp_path / "schemathesis.toml").write_text(
        f"""
[auth.wfc]
path = "{auth}"
peers = {json.dumps([i["name"] for i in identities])}

# A return's rows pass the schema yet may break the return's own rules (a credit code's check
# character, an enterprise of another parcel, a change on last year to explain): those answers are
# 400 by design, so "schema-valid data is accepted" cannot hold for this one operation.
[[operations]]
include-path = "/api/v1/returns/"
include-method = "POST"
checks.positive_data_acceptance.enabled = false
{operations}"""
    )
    result = subprocess.run(
        [
            str(SCHEMATHESIS),
            "run",
            f"{live_server.url}/api/schema/?format=json",
            "--url",
            live_server.url,
            "--checks",
            # Every check by name, so one that cannot run says so instead of passing quietly.
            ",".join(CHECKS),
            "--max-examples",
            str(MAX_EXAMPLES),
            "--seed",
            "20250101",
            "--phases",
            PHASES,
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
    assert "will not run" not in report, report
    summary = re.search(r"(\d+) generated, (\d+) passed", report)
    assert summary and summary[1] == summary[2] and int(summary[1]) > 100, report
