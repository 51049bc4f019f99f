"""Accounts in production: role groups without demo logins, and demo logins only where asked for."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from parcels import access


def test_it_refuses_the_published_demo_passwords_on_a_server(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=1"):
        call_command("demo_users")
    assert not get_user_model().objects.exists()


def test_it_creates_the_demo_logins_when_asked_for_a_public_demo(plan, settings, capsys):
    settings.DEBUG = False
    call_command("demo_users", public_demo=True)
    assert "manager1" in capsys.readouterr().out
    assert get_user_model().objects.filter(username="admin", is_superuser=True).exists()


def test_it_creates_the_role_groups_without_any_login(db, capsys):
    call_command("setup_roles")
    assert set(Group.objects.values_list("name", flat=True)) == set(access.ROLE_NAMES)
    assert not get_user_model().objects.exists()
    office = Group.objects.get(name=access.OFFICE).permissions
    assert office.filter(codename="change_benchmarkvalue").exists()
    # Whoever may edit users may make themselves an administrator: that stays with administrators.
    assert not office.filter(content_type__app_label__in=["auth", "authtoken"]).exists()
    assert not Group.objects.get(name=access.OFFICIAL).permissions.exists()
    call_command("setup_roles")  # safe to run twice
    assert Group.objects.count() == 3
