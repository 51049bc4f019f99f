"""A quarter-end peak against a running site: managers saving returns, uploaders sending 1 MB files, officials reading.

Reads LOAD_DIR/plan.json (bench/load/prepare.py). Every user signs in through
the login form once, then loops with a think time of LOAD_WAIT_MIN to
LOAD_WAIT_MAX seconds (1 and 5 by default):

- ManagerUser: POST the return form (a draft) with two enterprises' employee
  counts changed and the version last read, then GET the page the save
  redirects to, which must say the draft was saved and show the next version.
  A save answered with the conflict page (409) or the error page is not a
  success; its reason is counted.
- UploadUser: POST its CSV to the upload URL. Uploading saves a draft at once
  (there is no separate confirmation step); the answer is a redirect whose
  message (Django's signed "messages" cookie, read here without the key) says
  how many enterprises were read. The 1 MB return is not rendered afterwards:
  the 5 000-row page is not what this test measures.
- OfficialUser: GET the overview, an indicator's page and the parcels page.

Request names group the statistics: "page: …" (page views), "save: return
form", "upload: 1 MB csv", "login". At the end each user's successes per
return are written to LOAD_DIR/client.json, and every request's start time,
name, status and duration to LOAD_DIR/requests.csv, for bench/load/verify.py.

Run: scripts/load  (or locust -f bench/load/locustfile.py --headless ... --host http://127.0.0.1:8090)
"""

from __future__ import annotations

import base64
import csv
import html
import json
import os
import random
import re
import time
import zlib
from collections import Counter, defaultdict
from itertools import cycle
from pathlib import Path

from locust import HttpUser, between, events, task

LOAD_DIR = Path(os.getenv("LOAD_DIR", Path(__file__).resolve().parents[2] / ".var" / "load"))
PLAN = json.loads((LOAD_DIR / "plan.json").read_text(encoding="utf-8"))
WAIT = between(float(os.getenv("LOAD_WAIT_MIN", "1")), float(os.getenv("LOAD_WAIT_MAX", "5")))

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION_RE = re.compile(r'<input type="hidden" name="version" value="(\d+)">')
FORM_RE = re.compile(r'<form method="post" id="return-form".*?</form>', re.S)
INPUT_RE = re.compile(r"<input\b([^>]*)>")
TEXTAREA_RE = re.compile(r'<textarea name="([^"]+)"[^>]*>(.*?)</textarea>', re.S)
ATTR_RE = re.compile(r'(\w[\w-]*)="([^"]*)"')
SAVED_TEXT = "草稿已保存"
SUCCESS_LEVEL = 25  # django.contrib.messages.SUCCESS

# Shared by all users of this process; written out at test stop.
SUCCESSES: Counter = Counter()  # (kind, parcel, year, quarter) -> successful saves
REFUSALS: Counter = Counter()  # (kind, reason) -> count
LOGINS: dict[str, float] = {}  # username -> time the login finished
REQUEST_LOG: list[tuple[float, str, str, int, float, int]] = []


def _pool(role: str):
    entries = list(PLAN[role])
    return cycle(entries)


POOLS = {role: _pool(role) for role in ("managers", "uploaders", "officials")}


def form_fields(page: str) -> dict[str, str]:
    """Return what the browser would post from the return form: its inputs, ticked boxes and text areas."""
    match = FORM_RE.search(page)
    if not match:
        return {}
    fields: dict[str, str] = {}
    for tag in INPUT_RE.finditer(match.group(0)):
        attrs = {k: html.unescape(v) for k, v in ATTR_RE.findall(tag.group(1))}
        name = attrs.get("name")
        if not name or "disabled" in tag.group(1).split():
            continue
        if attrs.get("type") == "checkbox":
            if re.search(r"\schecked\b", tag.group(1)):
                fields[name] = attrs.get("value", "on")
            continue
        fields[name] = attrs.get("value", "")
    for name, text in TEXTAREA_RE.findall(match.group(0)):
        fields[name] = html.unescape(text).strip("\n")
    return fields


def read_messages(cookie: str | None) -> list[tuple[int, str]]:
    """Decode Django's signed messages cookie (level, text) without checking the signature."""
    if not cookie:
        return []
    value = cookie.strip('"').encode().decode("unicode_escape")
    payload = value.split(":", 1)[0]  # payload:timestamp:signature
    compressed = payload.startswith(".")
    raw = base64.urlsafe_b64decode(payload.lstrip(".") + "=" * (-len(payload.lstrip(".")) % 4))
    if compressed:
        raw = zlib.decompress(raw)
    data = json.loads(raw)
    out = []
    for item in data if isinstance(data, list) else []:
        if isinstance(item, list) and item and item[0] == "__json_message":
            out.append((item[2], item[3]))
    return out


class SignedIn(HttpUser):
    abstract = True
    wait_time = WAIT
    role = ""

    def on_start(self) -> None:
        self.me = next(POOLS[self.role])
        page = self.client.get("/accounts/login/", name="login")
        token = CSRF_RE.search(page.text).group(1)
        with self.client.post(
            "/accounts/login/",
            data={"username": self.me["username"], "password": PLAN["password"], "csrfmiddlewaretoken": token},
            headers={"Referer": self.host + "/accounts/login/"},
            name="login",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login answered {response.status_code}")
        LOGINS[self.me["username"]] = time.time()

    def post_headers(self, path: str) -> dict[str, str]:
        # CSRF over plain http checks the Origin against the host; a browser sends both.
        return {"Referer": self.host + path, "Origin": self.host}


class ManagerUser(SignedIn):
    fixed_count = int(os.getenv("LOAD_MANAGERS", "200"))
    role = "managers"

    def on_start(self) -> None:
        super().on_start()
        self.path = f"/returns/{self.me['parcel']}/{self.me['year']}/{self.me['quarter']}/"
        self.key = ("form", self.me["parcel"], self.me["year"], self.me["quarter"])
        self.fields: dict[str, str] = {}
        self.turn = 0
        self.load_page()

    def load_page(self) -> str | None:
        with self.client.get(self.path, name="page: return", catch_response=True) as response:
            if response.status_code != 200 or not VERSION_RE.search(response.text):
                response.failure(f"return page {response.status_code}")
                return None
            text = response.text
        if not self.fields:
            self.fields = form_fields(text)
            # Blank figures of enterprises without official data this period are left blank (allowed).
        self.fields["version"] = VERSION_RE.search(text).group(1)
        self.fields["csrfmiddlewaretoken"] = CSRF_RE.search(text).group(1)
        return text

    @task
    def save_draft(self) -> None:
        if not self.fields:
            self.load_page()
            return
        rows = int(self.fields.get("rows", "0"))
        self.turn += 1
        # Two enterprises' head counts go up by one, then back: a real edit every time, never breaking a rule.
        for i in {self.turn % max(rows, 1), (self.turn * 7 + 3) % max(rows, 1)}:
            name = f"r-{i}-employees"
            if name in self.fields and self.fields[name].isdigit():
                n = int(self.fields[name])
                self.fields[name] = str(n + 1 if self.turn % 2 else max(n - 1, 0))
        data = {**self.fields, "action": "draft"}
        with self.client.post(
            self.path,
            data=data,
            headers=self.post_headers(self.path),
            name="save: return form",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 302 and response.headers.get("Location", "").endswith(self.path):
                response.success()
                outcome = "redirect"
            elif response.status_code == 409:
                response.success()  # a clear answer, not a server failure; counted below
                outcome = "conflict"
            elif response.status_code == 200:
                response.success()
                outcome = "refused (errors shown)"
            else:
                response.failure(f"save answered {response.status_code}")
                outcome = f"http {response.status_code}"
        if outcome != "redirect":
            REFUSALS[("form", outcome)] += 1
            self.load_page()
            return
        before = int(self.fields["version"])
        text = self.load_page()
        # A first save creates the return at version 1 and saves it as 2; later saves add one.
        if text and SAVED_TEXT in text and int(self.fields["version"]) == (before + 1 if before else 2):
            SUCCESSES[self.key] += 1
        else:
            REFUSALS[("form", "redirect without the saved message")] += 1


class UploadUser(SignedIn):
    fixed_count = int(os.getenv("LOAD_UPLOADERS", "20"))
    role = "uploaders"

    def on_start(self) -> None:
        super().on_start()
        self.path = f"/returns/{self.me['parcel']}/{self.me['year']}/{self.me['quarter']}/"
        self.key = ("upload", self.me["parcel"], self.me["year"], self.me["quarter"])
        self.data = Path(self.me["file"]).read_bytes()
        self.filename = Path(self.me["file"]).name
        self.token = ""

    @task
    def upload(self) -> None:
        if not self.token:
            # The upload form sits on the return page; its token is the session's, so one read is enough.
            response = self.client.get("/returns/", name="page: my returns")
            match = CSRF_RE.search(response.text)
            if not match:
                return
            self.token = match.group(1)
        self.client.cookies.pop("messages", None)
        with self.client.post(
            self.path + "upload/",
            data={"csrfmiddlewaretoken": self.token},
            files={"file": (self.filename, self.data, "text/csv")},
            headers=self.post_headers(self.path),
            name="upload: 1 MB csv",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code >= 500 or response.status_code not in (200, 302):
                response.failure(f"upload answered {response.status_code}")
                REFUSALS[("upload", f"http {response.status_code}")] += 1
                return
            response.success()
            levels = read_messages(response.cookies.get("messages"))
        if response.status_code == 302 and any(level == SUCCESS_LEVEL for level, _text in levels):
            SUCCESSES[self.key] += 1
        else:
            reason = next((text for _level, text in levels), f"http {response.status_code}")
            REFUSALS[("upload", reason[:80])] += 1


class OfficialUser(SignedIn):
    fixed_count = int(os.getenv("LOAD_OFFICIALS", "50"))
    role = "officials"

    @task(2)
    def overview(self) -> None:
        self.client.get("/", name="page: overview")

    @task(2)
    def indicator(self) -> None:
        code = random.choice(PLAN["indicators"])
        self.client.get(f"/indicators/{code}/", name="page: indicator")

    @task(1)
    def parcels(self) -> None:
        self.client.get("/parcels/", name="page: parcels")


@events.request.add_listener
def _record(request_type, name, response_time, response_length, response=None, exception=None, **_kw):
    status = getattr(response, "status_code", 0) if response is not None else 0
    if exception is not None and not status:
        status = -1
    REQUEST_LOG.append((time.time() - response_time / 1000, request_type, name, status, response_time, response_length))


@events.test_stop.add_listener
def _write(environment, **_kw):
    by_return: dict[str, int] = defaultdict(int)
    for (kind, parcel, year, quarter), n in SUCCESSES.items():
        by_return[f"{kind}:{parcel}:{year}:{quarter}"] += n
    summary = {
        "successes": dict(by_return),
        "successful_saves": sum(n for (kind, *_), n in SUCCESSES.items() if kind == "form"),
        "successful_uploads": sum(n for (kind, *_), n in SUCCESSES.items() if kind == "upload"),
        "refusals": {f"{k}: {reason}": n for (k, reason), n in REFUSALS.items()},
        "logins": len(LOGINS),
        "last_login": max(LOGINS.values(), default=0.0),
    }
    (LOAD_DIR / "client.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    with (LOAD_DIR / "requests.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["start", "method", "name", "status", "ms", "bytes"])
        writer.writerows(REQUEST_LOG)
