"""Production settings, security headers, password rules, login throttling and the pinned lock file."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from parcels import access
from parkplan.passwords import weakness
from tests.factories import make_user

ROOT = Path(__file__).resolve().parent.parent
LOGIN = "/accounts/login/"
GOOD_PASSWORD = "Lu7#qiao-Yun9"


def production_env(**extra: str) -> dict[str, str]:
    """The environment of a production server: DEBUG off, HTTPS on (the default), a real secret."""
    unset = {"HTTPS", "DEBUG", "SECRET_KEY", "SECURE_HSTS_SECONDS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in unset}
    return {
        **env,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "kw.baoshan.example.gov.cn",
        **extra,
    }


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_it_passes_the_deploy_check_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr


PRODUCTION_SETTINGS = [
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_HTTPONLY",
    "SESSION_COOKIE_AGE",
    "SESSION_SAVE_EVERY_REQUEST",
]


@pytest.fixture(scope="module")
def production_settings():
    """The values settings.py gives these settings on a production server (read in a fresh process)."""
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{k: getattr(settings, k) for k in {PRODUCTION_SETTINGS!r}}}))"
    )
    env = production_env(DJANGO_SETTINGS_MODULE="parkplan.settings")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_it_turns_https_on_in_production_and_expires_idle_sessions_after_a_working_day(production_settings):
    assert production_settings["SECURE_SSL_REDIRECT"] is True
    assert production_settings["SECURE_HSTS_SECONDS"] >= 31536000
    assert production_settings["SESSION_COOKIE_SECURE"] and production_settings["CSRF_COOKIE_SECURE"]
    assert production_settings["SESSION_COOKIE_HTTPONLY"] and production_settings["CSRF_COOKIE_HTTPONLY"]
    assert 8 * 3600 <= production_settings["SESSION_COOKIE_AGE"] <= 10 * 3600
    assert production_settings["SESSION_SAVE_EVERY_REQUEST"] is True


@pytest.fixture
def production(settings, production_settings):
    for name, value in production_settings.items():
        setattr(settings, name, value)
    return settings


@pytest.fixture
def official(db):
    return make_user("official_zhou", role=access.OFFICIAL, password=GOOD_PASSWORD)


@pytest.mark.parametrize("path", [LOGIN, "/", "/admin/login/"])
def test_it_sends_the_security_headers_on_every_page(production, plan, client, official, path):
    client.force_login(official)
    response = client.get(path, secure=True, follow=True)
    assert response.status_code == 200
    csp = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";") if part.strip())
    assert csp["default-src"] == "'self'"
    assert csp["script-src"] == "'self'"
    assert "'unsafe-inline'" not in csp["style-src"] and "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert csp["frame-ancestors"] == "'none'"
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_it_redirects_plain_http_to_https(production, client):
    response = client.get(LOGIN)
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_it_sets_only_secure_httponly_cookies_and_renews_the_session_on_each_request(production, official):
    browser = Client()
    browser.get(LOGIN, secure=True)
    token = browser.cookies["csrftoken"]
    assert token["secure"] and token["httponly"]
    browser = Client(enforce_csrf_checks=False)
    response = browser.post(LOGIN, {"username": "official_zhou", "password": GOOD_PASSWORD}, secure=True)
    assert response.status_code == 302
    session = browser.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    assert int(session["max-age"]) == production.SESSION_COOKIE_AGE
    expiry = browser.session.get_expiry_date()
    browser.get("/", secure=True)
    assert browser.session.get_expiry_date() > expiry  # inactivity, not time since login, ends the session


# -- passwords ------------------------------------------------------------------------------------------

WEAK = [
    # (password, username): each must be refused by the house rule
    ("woaini1314", ""),
    ("WoAiNi520", ""),
    ("Admin@123", ""),
    ("admin#2024", ""),
    ("P@ssw0rd", ""),
    ("123456", ""),
    ("qwe123", ""),
    ("QWE!@#", ""),
    ("1qaz2wsx", ""),
    ("!QAZ2wsx", ""),
    ("asdfghjkl", ""),
    ("zxcvbnm123", ""),
    ("a1234567", ""),
    ("aa123456", ""),
    ("5201314", ""),
    ("zhang123", ""),
    ("zhangwei1988", ""),
    ("WangFang@2025", ""),
    ("liuyang520", ""),
    ("shanghai@123", ""),
    ("zhoujie2025", "zhoujie"),
    ("Zhoujie@2025", "zhoujie"),
    ("#zhoujie#", "zhoujie"),
    ("eijuohz", "zhoujie"),
    ("eijuohz123", "zhoujie"),
    ("manager01!", "manager01"),
]
STRONG = [
    ("Lu7#qiao-Yun9", "zhoujie"),
    ("铁路桥边的梧桐树2025", ""),
    ("correct horse battery staple", ""),
    ("Baoshan-Kw-Q3-report!", "zhoujie"),
    ("t8Vq-3mRz-Lp0x", "admin"),
]


@pytest.mark.parametrize(("password", "username"), WEAK)
def test_it_refuses_common_chinese_weak_passwords(password, username):
    assert weakness(password, username) is not None


@pytest.mark.parametrize(("password", "username"), STRONG)
def test_it_accepts_passwords_that_are_not_weak(password, username):
    assert weakness(password, username) is None


@pytest.mark.django_db
@pytest.mark.parametrize(("password", "username"), [w for w in WEAK if len(w[0]) >= 8])
def test_it_explains_the_refusal_in_chinese_through_django(password, username):
    user = get_user_model()(username=username or "someone")
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user)
    messages = " ".join(refused.value.messages)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in messages), messages


@pytest.mark.django_db
@pytest.mark.parametrize("password", ["Zjgx@2025", "Bsyq@12345", "Pa55word!2025", "Baoshan#2025", "Zhangjiang2026!"])
def test_it_refuses_initials_and_leet_words_with_a_year_by_their_guessability(password):
    with pytest.raises(ValidationError) as refused:
        validate_password(password, get_user_model()(username="wangfang"))
    messages = " ".join(refused.value.messages)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in messages), messages  # in Chinese


@pytest.mark.django_db
@pytest.mark.parametrize(("password", "username"), STRONG)
def test_it_accepts_strong_passwords_through_every_validator(password, username):
    validate_password(password, get_user_model()(username=username or "someone"))


@pytest.mark.django_db
def test_it_accepts_a_strong_password_through_every_validator():
    validate_password("Lu7#qiao-Yun9", get_user_model()(username="zhoujie"))


# -- login throttling -----------------------------------------------------------------------------------


def attempt(username: str, password: str, ip: str):
    return Client(REMOTE_ADDR=ip).post(LOGIN, {"username": username, "password": password})


@pytest.fixture
def office_users(db):
    return (
        make_user("manager_a", role=access.OFFICE, password=GOOD_PASSWORD),
        make_user("manager_b", role=access.OFFICE, password=GOOD_PASSWORD),
    )


def test_it_locks_one_user_at_one_address_only_and_lets_them_in_after_the_cool_off(office_users, settings):
    office, home = "10.8.0.1", "10.9.0.7"
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt("manager_a", "wrong-password", office).status_code == 200  # the form again, with the error
    assert attempt("manager_a", "wrong-password", office).status_code == 429  # the fifth failure locks

    locked = attempt("manager_a", GOOD_PASSWORD, office)  # even the right password waits out the cool-off
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "登录已暂停" in page and "15 分钟后再试" in page

    assert attempt("manager_b", GOOD_PASSWORD, office).status_code == 302  # a colleague behind the same NAT
    assert attempt("manager_a", GOOD_PASSWORD, home).status_code == 302  # the same person elsewhere

    audit = AccessFailureLog.objects.filter(username="manager_a", ip_address=office)
    assert audit.count() >= settings.AXES_FAILURE_LIMIT and audit.filter(locked_out=True).exists()

    earlier = timezone.now() - settings.AXES_COOLOFF_TIME - dt.timedelta(seconds=1)
    AccessAttempt.objects.filter(username="manager_a").update(attempt_time=earlier)  # the cool-off has passed
    assert attempt("manager_a", GOOD_PASSWORD, office).status_code == 302


def test_it_counts_the_address_the_proxy_saw_not_the_one_a_client_claims(office_users, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(settings.AXES_FAILURE_LIMIT):
        forged = f"203.0.113.{n}, 10.8.0.1"  # the client forges the left part; nginx appends the real address
        Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forged).post(
            LOGIN, {"username": "manager_a", "password": "wrong"}
        )
    blocked = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.9, 10.8.0.1").post(
        LOGIN, {"username": "manager_a", "password": GOOD_PASSWORD}
    )
    assert blocked.status_code == 429
    assert AccessAttempt.objects.get(username="manager_a").ip_address == "10.8.0.1"


def test_it_shows_lockouts_to_administrators_in_the_admin(office_users, admin_client):
    for _ in range(5):
        attempt("manager_a", "wrong-password", "10.8.0.1")
    assert admin_client.get("/admin/axes/accessattempt/").content.decode().count("manager_a") >= 1
    assert admin_client.get("/admin/axes/accessfailurelog/").status_code == 200


# -- supply chain ---------------------------------------------------------------------------------------


def test_it_pins_every_installed_package_in_requirements():
    """requirements.txt is the lock file (uv pip compile requirements.in): the venv holds exactly its pins."""

    def pins(lines):
        found = {}
        for line in lines:
            line = line.split("#", 1)[0].strip()
            if not line or line.startswith("-"):
                continue
            name, _, version = line.partition("==")
            found[re.sub(r"[-_.]+", "-", name.split("[")[0].strip().lower())] = version.strip()  # PEP 503 names
        return found

    frozen = subprocess.run(
        [sys.executable, "-m", "pip", "freeze", "--all", "--disable-pip-version-check"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    installed = {k: v for k, v in pins(frozen).items() if k not in {"pip", "setuptools", "wheel"}}
    required = pins((ROOT / "requirements.txt").read_text().splitlines())
    required = {k: v for k, v in required.items() if k not in {"pip", "setuptools", "wheel"}}
    assert all(required.values()), "every line of requirements.txt must pin an exact version (==)"
    missing = {k: v for k, v in installed.items() if required.get(k) != v}
    stale = sorted(set(required) - set(installed))
    assert not missing and not stale, f"installed but not pinned: {missing}; pinned but not installed: {stale}"
