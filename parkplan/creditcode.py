"""Unified social credit codes (统一社会信用代码, GB 32100-2015).

Eighteen characters from a 31-character alphabet (digits and capital letters
without I, O, S, V, Z); the last one is a check character over the first 17.
Pure Python, no Django.
"""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [pow(3, i, 31) for i in range(17)]
_VALUE = {c: i for i, c in enumerate(ALPHABET)}


def check_character(first17: str) -> str:
    """Return the check character for the first 17 characters of a code."""
    total = sum(_VALUE[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalize(raw: str) -> str:
    """Strip spaces and fold full-width characters and case."""
    folded = "".join(chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" else c for c in str(raw))
    return "".join(folded.split()).upper()


def problem(code: str) -> str | None:
    """Return what is wrong with a normalized code, in Chinese, or None if it is valid."""
    if len(code) != 18:
        return f"应为18位，实为{len(code)}位"
    bad = sorted({c for c in code if c not in _VALUE})
    if bad:
        return f"含有不允许的字符：{''.join(bad)}"
    expected = check_character(code[:17])
    if code[17] != expected:
        return f"校验位错误（应为{expected}）"
    return None


def is_valid(code: str) -> bool:
    return problem(normalize(code)) is None


def make_code(body17: str) -> str:
    """Append the check character to 17 characters (used to generate demo codes)."""
    return body17 + check_character(body17)
