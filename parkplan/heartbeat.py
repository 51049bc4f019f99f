"""The worker's heartbeat: every few seconds a live worker writes a short-lived key to Redis.

Connected in every process by the parkplan app's ready() (``connect``); only a
Celery worker sends the signals that start and stop it. A thread of the worker's main process
writes it, so a worker busy with a long recompute still shows as alive, and a
worker that was killed disappears from /healthz within HEARTBEAT_TTL seconds.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import threading
import time

import redis
from celery.signals import worker_ready, worker_shutdown
from django.conf import settings

log = logging.getLogger(__name__)

KEY_PREFIX = "parkplan:worker-heartbeat:"
HEARTBEAT_SECONDS = 5
HEARTBEAT_TTL = 20
_stop = threading.Event()


def broker() -> redis.Redis:
    """Return a Redis client for the broker that gives up within a second."""
    return redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=1, socket_connect_timeout=1)


def beat(client: redis.Redis, hostname: str) -> None:
    """Write one heartbeat for this worker."""
    entry = {"hostname": hostname, "pid": os.getpid(), "at": time.time()}
    client.set(KEY_PREFIX + hostname, json.dumps(entry), ex=HEARTBEAT_TTL)


def _run(hostname: str) -> None:
    client = broker()
    while not _stop.is_set():
        try:
            beat(client, hostname)
        except redis.RedisError as exc:  # the broker is down: the worker retries it on its own
            log.warning("heartbeat not written: %s", exc)
        _stop.wait(HEARTBEAT_SECONDS)


def start_heartbeat(sender=None, **kwargs) -> None:
    hostname = getattr(sender, "hostname", None) or socket.gethostname()
    _stop.clear()
    threading.Thread(target=_run, args=(hostname,), name="heartbeat", daemon=True).start()


def stop_heartbeat(sender=None, **kwargs) -> None:
    _stop.set()
    with contextlib.suppress(redis.RedisError):
        broker().delete(KEY_PREFIX + (getattr(sender, "hostname", None) or socket.gethostname()))


def connect() -> None:
    """Start the heartbeat when a worker is ready and stop it when the worker shuts down."""
    worker_ready.connect(start_heartbeat, dispatch_uid="parkplan-heartbeat-start")
    worker_shutdown.connect(stop_heartbeat, dispatch_uid="parkplan-heartbeat-stop")
