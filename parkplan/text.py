"""Translation for the pure modules, which import no Django.

The pure modules (number parsing, validation, formatting, compute) mark their
user-facing words with ``_`` from here. Until the project's app config installs
Django's translation functions (``parkplan.apps``), ``_`` returns the Chinese
source text and ``language()`` is ``"zh"``, so the modules and their tests run
without Django.
"""

from __future__ import annotations

from collections.abc import Callable


def _source_language() -> str | None:
    return "zh-hans"


_translate: Callable[[str], str] = str
_active_language: Callable[[], str | None] = _source_language


def install(*, gettext: Callable[[str], str], get_language: Callable[[], str | None]) -> None:
    """Route ``_`` and ``language`` through the given functions (Django's, at start-up)."""
    global _translate, _active_language
    _translate, _active_language = gettext, get_language


def _(message: str) -> str:
    """Return ``message`` in the active language."""
    return _translate(message)


gettext = _


def language() -> str:
    """Return "en" when English is active, else "zh"."""
    return "en" if (_active_language() or "").startswith("en") else "zh"
