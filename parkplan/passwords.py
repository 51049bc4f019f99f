"""A password validator that refuses the weak passwords common in China.

Django's own validators know the English-speaking world's list; this one adds
what a Chinese office actually types: love numbers (520, 1314), pinyin
(woaini, zhangwei1988), keyboard walks (qwe123, 1qaz2wsx, !QAZ2wsx), the
administrator's favourites (Admin@123, P@ssw0rd) and the username dressed up
with digits, symbols or spelled backwards.
"""

from __future__ import annotations

import re
from functools import cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Whole passwords, compared after lower-casing.
COMMON = frozenset(
    [
        "123456",
        "1234567",
        "12345678",
        "123456789",
        "1234567890",
        "111111",
        "11111111",
        "000000",
        "00000000",
        "666666",
        "888888",
        "88888888",
        "112233",
        "123123",
        "123321",
        "654321",
        "147258",
        "147258369",
        "159357",
        "5201314",
        "1314520",
        "520520",
        "521521",
        "13145200",
        "woaini",
        "woaini1314",
        "woaini520",
        "woaini521",
        "woaini123",
        "5201314a",
        "a5201314",
        "iloveyou",
        "iloveyou1314",
        "a123456",
        "a1234567",
        "a12345678",
        "a123456789",
        "aa123456",
        "aa12345678",
        "aaa123456",
        "abc123",
        "abc123456",
        "abcd1234",
        "qwe123",
        "123qwe",
        "qwe123456",
        "qwer1234",
        "1234qwer",
        "qwerty",
        "qwerty123",
        "asd123",
        "asdf1234",
        "zxc123",
        "zxcvbnm",
        "1q2w3e4r",
        "1qaz2wsx",
        "qaz123",
        "qazwsx",
        "1qaz@wsx",
        "!qaz2wsx",
        "2wsx3edc",
        "admin",
        "admin123",
        "admin888",
        "admin@123",
        "admin#123",
        "admin123456",
        "administrator",
        "root",
        "root123",
        "root@123",
        "password",
        "password1",
        "password123",
        "p@ssw0rd",
        "p@ssword",
        "passw0rd",
        "test123",
        "test@123",
        "guest123",
        "system123",
        "sys@123",
        "super123",
        "welcome",
        "welcome1",
        "welcome@123",
        "nihao123",
        "baobei520",
        "laopo520",
        "laogong520",
        "woshishui",
        "zhongguo",
        "china123",
        "shanghai123",
        "shanghai@123",
    ]
)

# Words that are no secret: a password that is one of them plus digits or symbols is weak.
WEAK_WORDS = frozenset(
    [
        "woaini",
        "woaiwojia",
        "aini",
        "iloveyou",
        "love",
        "admin",
        "administrator",
        "root",
        "password",
        "passwd",
        "pass",
        "test",
        "guest",
        "user",
        "system",
        "sys",
        "super",
        "manager",
        "welcome",
        "hello",
        "nihao",
        "baobei",
        "laopo",
        "laogong",
        "qwe",
        "qwer",
        "qwert",
        "qwerty",
        "asd",
        "asdf",
        "zxc",
        "zxcv",
        "abc",
        "abcd",
        "abcde",
        "abcdef",
        "china",
        "zhongguo",
        "shanghai",
        "baoshan",
        "zhangjiang",
        "beijing",
        "gov",
        "kewei",
        "yuanqu",
        "park",
    ]
)

# The most common surnames, romanised; a pinyin name is one of these and at most two more syllables.
SURNAMES = frozenset(
    [
        "wang",
        "li",
        "zhang",
        "liu",
        "chen",
        "yang",
        "huang",
        "zhao",
        "wu",
        "zhou",
        "xu",
        "sun",
        "ma",
        "zhu",
        "hu",
        "guo",
        "he",
        "lin",
        "gao",
        "luo",
        "zheng",
        "liang",
        "xie",
        "song",
        "tang",
        "han",
        "feng",
        "deng",
        "cao",
        "peng",
        "zeng",
        "xiao",
        "tian",
        "dong",
        "pan",
        "yuan",
        "cai",
        "jiang",
        "yu",
        "du",
        "ye",
        "cheng",
        "wei",
        "su",
        "lv",
        "lu",
        "ding",
        "shen",
        "ren",
        "yao",
        "jin",
        "fu",
        "qian",
        "fan",
        "fang",
        "shi",
        "tan",
        "xia",
        "qiu",
        "hou",
        "zou",
        "xiong",
        "meng",
        "qin",
        "bai",
        "mao",
        "hao",
        "kong",
    ]
)

_INITIALS = [
    "b",
    "p",
    "m",
    "f",
    "d",
    "t",
    "n",
    "l",
    "g",
    "k",
    "h",
    "j",
    "q",
    "x",
    "zh",
    "ch",
    "sh",
    "r",
    "z",
    "c",
    "s",
    "y",
    "w",
]
_FINALS = [
    "a",
    "o",
    "e",
    "i",
    "u",
    "v",
    "ai",
    "ei",
    "ui",
    "ao",
    "ou",
    "iu",
    "ie",
    "ve",
    "er",
    "an",
    "en",
    "in",
    "un",
    "vn",
    "ang",
    "eng",
    "ing",
    "ong",
    "ia",
    "iao",
    "ian",
    "iang",
    "iong",
    "ua",
    "uo",
    "uai",
    "uan",
    "uang",
]
# Syllables standing alone (zero initial) and the common ones the table above would miss.
_EXTRA = [
    "a",
    "o",
    "e",
    "ai",
    "ei",
    "ao",
    "ou",
    "an",
    "en",
    "ang",
    "eng",
    "er",
    "yi",
    "wu",
    "yu",
    "ya",
    "ye",
    "yao",
    "you",
    "yan",
    "yin",
    "yang",
    "ying",
    "yong",
    "wa",
    "wo",
    "wai",
    "wei",
    "wan",
    "wen",
    "wang",
    "weng",
    "yue",
    "yuan",
    "yun",
]

# Keyboard walks: rows, columns and diagonals of a QWERTY keyboard, both ways.
_WALKS = (
    "1234567890",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
    "qazwsxedcrfvtgbyhnujmikolp",
)
_WALK_TEXT = " ".join(_WALKS + tuple(w[::-1] for w in _WALKS))
# Shifted digits as typed for symbols: !QAZ2wsx is 1qaz2wsx with the shift key.
_SHIFTED = str.maketrans("!@#$%^&*()", "1234567890")
_LEET = str.maketrans("@0$1!3", "aosiie")


@cache
def _syllables() -> frozenset[str]:
    return frozenset({i + f for i in _INITIALS for f in _FINALS} | set(_FINALS) | set(_EXTRA))


def _pinyin_parts(letters: str, limit: int = 4) -> list[str] | None:
    """Split letters into at most `limit` pinyin syllables (longest first), or None."""
    syllables = _syllables()

    def split(rest: str, left: int) -> list[str] | None:
        if not rest:
            return []
        if left == 0:
            return None
        for size in range(min(6, len(rest)), 0, -1):
            head = rest[:size]
            if head in syllables:
                tail = split(rest[size:], left - 1)
                if tail is not None:
                    return [head, *tail]
        return None

    return split(letters, limit)


def _is_walk(text: str) -> bool:
    """Whether text is made only of keyboard-walk runs of at least three keys (after unshifting)."""
    text = text.translate(_SHIFTED)
    if len(text) < 3:
        return False
    ends = [False] * (len(text) + 1)
    ends[0] = True
    for start in range(len(text)):
        if not ends[start]:
            continue
        for stop in range(start + 3, len(text) + 1):
            if text[start:stop] in _WALK_TEXT:
                ends[stop] = True
            else:
                break
    return ends[-1]


def _core(password: str) -> str:
    """Return the letters of a password once leading and trailing digits and symbols are stripped."""
    return re.sub(r"^[\W\d_]+|[\W\d_]+$", "", password)


def _padding_only(text: str) -> bool:
    """Whether text is nothing but digits and symbols (a year, 123, @, #…)."""
    return re.fullmatch(r"[\W\d_]*", text) is not None


def weakness(password: str, username: str = "") -> str | None:
    """Return why a password is weak (a Chinese message), or None if none of these rules refuses it."""
    lowered = password.strip().lower()
    core = _core(lowered)
    core_leet = _core(lowered.translate(_LEET))
    name = username.strip().lower()
    if name and len(name) >= 3:
        for variant in (name, name[::-1]):
            if variant in lowered and _padding_only(lowered.replace(variant, "", 1)):
                return _("密码不能是用户名或其变形（加数字、加符号或倒写），请换一个。")
            if lowered[::-1] == variant:
                return _("密码不能是用户名或其变形（加数字、加符号或倒写），请换一个。")
    if lowered in COMMON or lowered.translate(_LEET) in COMMON:
        return _("该密码属于常见弱密码（如 woaini1314、Admin@123），很容易被猜中，请换一个。")
    if core in WEAK_WORDS or core_leet in WEAK_WORDS or (lowered != core and len(core) <= 2):
        return _("该密码只是常见词语或几个字母加数字、符号（如 admin@123、a1234567），很容易被猜中，请换一个。")
    if _is_walk(lowered) or (core and _is_walk(core) and _padding_only(lowered.replace(core, "", 1))):
        return _("密码不能是键盘上连续的按键（如 qwe123、1qaz2wsx），请换一个。")
    letters = re.fullmatch(r"([a-z]+)[\W_]*\d*[\W_]*", lowered)
    if letters:
        parts = _pinyin_parts(letters.group(1), limit=3)
        if parts and parts[0] in SURNAMES:
            return _("密码不能是拼音姓名加数字（如 zhangwei1988），请换一个。")
    return None


class ChineseWeakPasswordValidator:
    """Refuse common Chinese weak passwords, keyboard walks, pinyin names and username variants."""

    def validate(self, password: str, user=None) -> None:
        username = getattr(user, "username", "") or "" if user is not None else ""
        reason = weakness(password, username)
        if reason:
            raise ValidationError(reason, code="password_too_weak")

    def get_help_text(self) -> str:
        return _("密码不能是常见弱密码、键盘上连续的按键、拼音姓名加数字，或用户名的变形。")
