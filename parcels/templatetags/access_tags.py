"""Role checks for templates (the navigation shows each role its own pages)."""

from django import template

from parcels import access

register = template.Library()


@register.filter
def may_enter_returns(user) -> bool:
    return access.may_enter_returns(user)


@register.filter
def may_review(user) -> bool:
    return access.may_review(user)
