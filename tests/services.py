"""Real services for tests: a throw-away Redis and a Celery worker against the test database."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, seconds: float = 60.0, every: float = 0.25) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(every)
    return False


class Redis:
    """A throw-away redis-server on loopback that a test can stop and start."""

    def __init__(self, tmp_path: Path):
        self.port = free_port()
        self.dir = tmp_path
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        args = ["--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"]
        self.proc = subprocess.Popen(["redis-server", *args, "--dir", str(self.dir)], stdout=subprocess.DEVNULL)
        assert wait_for(lambda: _can_connect(self.port), 10)

    def stop(self) -> None:
        if self.proc:
            self.proc.terminate()
            self.proc.wait(10)
            self.proc = None


def _can_connect(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def start_worker(broker_url: str, log: Path, **settings: str) -> subprocess.Popen:
    """Start a Celery worker with embedded beat against the test database, in its own process group.

    ``settings`` are more environment settings for it (REPORT_STALE_SECONDS="5").
    """
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": broker_url,
        "RECOMPUTE_POLL_SECONDS": "1",
        **settings,
    }
    args = ["worker", "-B", "--pool=solo", "--loglevel=INFO", "--schedule", str(log.parent / "beat-schedule")]
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "parkplan", *args],
        cwd=ROOT,
        env=env,
        stdout=log.open("a"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # a kill of the group takes the embedded beat too
    )


def stop(worker: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    """Stop a worker started by start_worker (and its beat)."""
    if worker.poll() is None:
        os.killpg(worker.pid, sig)
        worker.wait(20)
