"""Health of the running system: database, broker, workers and how far the indicators lag the data.

`/healthz` answers monitoring (JSON, no login, nothing secret; 200 when healthy,
503 otherwise); `/health/` shows the office the same with the queue length.
"""

from __future__ import annotations

import datetime as dt
import json
import time

import redis
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from parcels.access import is_office

from .heartbeat import KEY_PREFIX, broker

# The queue Celery's default route sends tasks to (a Redis list of that name).
QUEUE = "celery"


def _database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return {"ok": True}
    except Exception as exc:  # any failure is the answer, not an error of this page
        return {"ok": False, "error": type(exc).__name__}


def _broker() -> tuple[dict, redis.Redis | None]:
    client = broker()
    try:
        client.ping()
        return {"ok": True, "queue_length": client.llen(QUEUE)}, client
    except redis.RedisError as exc:
        return {"ok": False, "error": type(exc).__name__}, None


def _workers(client: redis.Redis | None) -> dict:
    if client is None:
        return {"ok": False, "error": "broker unreachable", "alive": []}
    try:
        keys = sorted(client.scan_iter(match=KEY_PREFIX + "*", count=100))
        beats = [json.loads(raw) for raw in client.mget(keys) if raw] if keys else []
    except redis.RedisError as exc:
        return {"ok": False, "error": type(exc).__name__, "alive": []}
    now = time.time()
    alive = [{"hostname": b["hostname"], "seconds_since_heartbeat": round(now - b["at"], 1)} for b in beats]
    return {"ok": bool(alive), "alive": alive}


def _recompute(database_ok: bool) -> dict:
    if not database_ok:
        return {"ok": False, "error": "database unreachable"}
    from indicators.models import RecomputeState
    from parcels.models import DataChange

    try:
        state = RecomputeState.objects.filter(id=1).first()
        computed = state.computed_version if state and state.computed_at else 0
        first_pending = DataChange.objects.filter(id__gt=computed).order_by("id").values_list("at", flat=True).first()
        latest = DataChange.objects.order_by("-id").values_list("id", flat=True).first() or 0
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__}
    now = timezone.now()
    behind_seconds = (now - first_pending).total_seconds() if first_pending else 0.0
    return {
        "ok": behind_seconds <= settings.HEALTH_RECOMPUTE_LAG_SECONDS,
        "computed_at": state.computed_at.isoformat() if state and state.computed_at else None,
        "age_seconds": round((now - state.computed_at).total_seconds(), 1) if state and state.computed_at else None,
        "computed_version": computed,
        "data_version": latest,
        "behind": latest > computed,
        "behind_seconds": round(behind_seconds, 1),
    }


def status() -> dict:
    """Check every part and return {"ok": bool, "checks": {database, broker, worker, recompute}}.

    recompute.ok is false when a data change has waited longer than
    HEALTH_RECOMPUTE_LAG_SECONDS for the indicators to catch up.
    """
    database = _database()
    broker_check, client = _broker()
    checks = {
        "database": database,
        "broker": broker_check,
        "worker": _workers(client),
        "recompute": _recompute(database["ok"]),
    }
    return {"ok": all(c["ok"] for c in checks.values()), "checks": checks, "time": timezone.now().isoformat()}


@never_cache
def healthz(request):
    """Answer monitoring: 200 when every part is healthy, 503 otherwise."""
    report = status()
    return JsonResponse(report, status=200 if report["ok"] else 503, json_dumps_params={"ensure_ascii": False})


PARTS = {"database": "数据库", "broker": "消息队列（Redis）", "worker": "后台计算进程", "recompute": "指标计算"}


@never_cache
@login_required
def health_page(request):
    """Show the office the health of the system, with the queue length."""
    if not is_office(request.user):
        raise PermissionDenied
    report = status()
    checks = report["checks"]
    rows = [
        {"name": _(label), "ok": checks[key]["ok"], "detail": _detail(key, checks[key])} for key, label in PARTS.items()
    ]
    checked_at = timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")
    ctx = {"report": report, "rows": rows, "checked_at": checked_at, "nav": "health"}
    return render(request, "health.html", ctx, status=200 if report["ok"] else 503)


def _detail(key: str, check: dict) -> str:
    if "error" in check and not check.get("alive"):
        return _("无法连接：%(error)s") % {"error": check["error"]}
    if key == "broker":
        return _("队列中待处理任务 %(n)s 个") % {"n": check["queue_length"]}
    if key == "worker":
        names = "、".join(f"{w['hostname']}（{w['seconds_since_heartbeat']:.0f} 秒前）" for w in check["alive"])
        return _("在线：%(names)s") % {"names": names}
    if key == "recompute":
        if check["computed_at"] is None:
            return _("尚未计算")
        at = timezone.localtime(dt.datetime.fromisoformat(check["computed_at"])).strftime("%Y-%m-%d %H:%M:%S")
        text = _("最近一次计算于 %(at)s（%(age)s 秒前），数据版本 %(v)s") % {
            "at": at,
            "age": f"{check['age_seconds']:.0f}",
            "v": check["computed_version"],
        }
        if check["behind"]:
            text += _("；有新数据待计算（最新版本 %(v)s，已等待 %(s)s 秒）") % {
                "v": check["data_version"],
                "s": f"{check['behind_seconds']:.0f}",
            }
        return text
    return _("正常")
