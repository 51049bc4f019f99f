"""Read a report's document as a reader would and list every generated sentence that says what its tables do not.

The sentences are parsed from their text, not from how they were made: each
status word must be the table's, each number a figure of the table (or the
difference the sentence names: a gap, what is needed a year), each year one
the report may speak of, and the target year is never projected.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from indicators.reports import sentences as say

STATUS_ZH = sorted((zh for zh, _en in say.STATUS_WORDS.values() if zh != "—"), key=len, reverse=True)
CODE_BY_ZH = {zh: code for code, (zh, _en) in say.STATUS_WORDS.items()}
# The English sentences say a status in a phrase of their own (sentences._status_phrase).
PHRASES_EN = [
    ("has been achieved early", "achieved_early"),
    ("has not been achieved", "not_achieved"),
    ("has been achieved", "achieved"),
    ("ahead of schedule", "ahead"),
    ("behind schedule", "behind"),
    ("on schedule", "on_track"),
    ("the benchmark is missing", "benchmark_missing"),
    ("too few data", "insufficient_data"),
]
NUMBER = re.compile(r"(?<![\d.])-?\d[\d,]*(?:\.\d+)?%?")


def statuses_zh(text: str) -> list[str]:
    """Return the status words of a Chinese text, longest first where they overlap (提前实现 before 实现…)."""
    found, rest = [], text
    for word in STATUS_ZH:
        while word in rest:
            found.append(word)
            rest = rest.replace(word, "□", 1)
    return found


def to_float(text: str) -> float:
    return float(text.replace(",", "").rstrip("%"))


class Tables:
    """The tables of a document, keyed for the checks: the completion table by indicator, each parcel table."""

    def __init__(self, doc: Mapping):
        completion = doc["completion"]
        self.year_headers = [h["text"] for h in completion["header"][1]]
        self.rows = {}
        for row in completion["rows"]:
            texts = [c["text"] for c in row]
            self.rows[texts[1]] = {
                "no": texts[0],
                "name": texts[1],
                "unit": texts[2],
                "base": row[4],
                "target": row[5],
                "years": dict(zip(self.year_headers, row[6 : 6 + len(self.year_headers)], strict=True)),
                "actual": row[5 + len(self.year_headers)],
                "completion": row[6 + len(self.year_headers)],
                "status": texts[-1],
            }
        self.footnotes = completion["footnotes"]
        self.parcels = {}
        for code, table in doc["parcel_tables"].items():
            header = [h["text"] for h in table["header"][0]]
            self.parcels[code] = {r[0]["text"]: dict(zip(header, r, strict=True)) for r in table["rows"]}

    def by_code(self, doc: Mapping, code: str) -> dict:
        name = next(t for c, t in doc["parcel_tables"].items() if c == code)["title"].split(" ", 1)[1]
        return self.rows[name]


def problems(doc: Mapping, snapshot: Mapping) -> list[str]:
    """Return every disagreement between a document's generated sentences and its tables (empty when none)."""
    tables = Tables(doc)
    language = doc["language"]
    out = []
    for block in doc["blocks"]:
        about = block.get("about") if block["kind"] == "paragraph" else None
        if not about:
            continue
        text = block["text"]
        out += [f"{p}: {text}" for p in _common(text, snapshot, language)]
        if about["scope"] == "park":
            row = tables.by_code(doc, about["indicator"])
            out += [f"{p}: {text}" for p in _park(text, row, snapshot, about["indicator"], language)]
        elif about["scope"] == "parcels" and language == "zh":
            out += [f"{p}: {text}" for p in _parcels(text, tables.parcels[about["indicator"]], snapshot)]
        elif about["scope"] == "summary" and language == "zh":
            out += [f"{p}: {text}" for p in _summary(text, tables)]
    return out


def _common(text: str, snapshot: Mapping, language: str) -> list[str]:
    """Years a report may name, no thousands separator in a year, no projection of the target year."""
    out = []
    plan, year = snapshot["plan"], snapshot["year"]
    if re.search(r"\b\d,\d{3}年|\b2,0\d\d\b", text):
        out.append("a year with a thousands separator")
    years = {int(y) for y in re.findall(r"(?<!\d)(20\d\d)(?!\d)", text)}
    allowed = set(range(plan["base_year"], plan["end_year"] + 1))
    if years - allowed:
        out.append(f"years outside the plan {sorted(years - allowed)}")
    if year >= plan["end_year"] and re.search(r"预计|推算|would be|projection|trend", text):
        out.append("the target year is projected")
    future = {y for y in years if year < y < plan["end_year"]}
    if future and not re.search(r"每年需|需新增|需提高|more needed", text):
        out.append(f"years after the assessed one {sorted(future)}")
    return out


def _park(text: str, row: Mapping, snapshot: Mapping, code: str, language: str) -> list[str]:
    """An indicator's sentence: its status, value, completion, target, gap and need as the table prints them."""
    out = []
    status = row["status"]
    if language == "zh":
        said = set(statuses_zh(text))
        if said != {status}:
            out.append(f"status words {sorted(said)} but the table says {status}")
    else:
        said = {c for phrase, c in PHRASES_EN if _phrase(text, phrase)}
        code_word = say.status_word(next(iter(said)), "en") if len(said) == 1 else None
        if code_word != status:
            out.append(f"status phrases {sorted(said)} but the table says {status}")
    out += _park_numbers(text, row, snapshot, code)
    return out


def _phrase(text: str, phrase: str) -> bool:
    """Tell whether a phrase stands in the text on its own (not 'has been achieved' inside '… achieved early')."""
    if phrase == "has been achieved":
        return re.search(r"has been achieved(?! early)", text) is not None
    return phrase in text


def _park_numbers(text: str, row: Mapping, snapshot: Mapping, code: str) -> list[str]:
    indicator = next(i for i in snapshot["indicators"] if i["code"] == code)
    year, end = snapshot["year"], snapshot["plan"]["end_year"]
    decimals = 0 if row["unit"] in ("家", "enterprises") else indicator["decimals"]
    step = 10**-decimals
    actual, target = row["actual"]["value"], row["target"]["value"]
    shown = {row["actual"]["text"], row["completion"]["text"], row["target"]["text"], row["base"]["text"]}
    derived = []
    if actual is not None and target is not None:
        gap = target - actual
        derived.append(math.ceil(gap - 1e-9) if decimals == 0 else gap)
        if year < end and gap > 0:
            need = gap / (end - year)
            derived.append(math.ceil(need - 1e-9) if decimals == 0 else need)
    current = next((r for r in indicator["park"] if r["year"] == year), {})
    if year < end and current.get("projected") is not None:
        derived.append(current["projected"])
    out = []
    text = text.replace(row["name"], "")  # a name or a unit may hold digits (营收10亿以上…, per 10,000 employees)
    if row["unit"] != "%":
        text = text.replace(row["unit"], "")
    for token in NUMBER.findall(re.sub(r"(?<!\d)20\d\d(?:年|–|—|\b)", "", text)):
        if token in shown or token.rstrip("%") in shown:
            continue
        value = to_float(token)
        if not any(abs(value - d) <= 1.5 * step for d in derived):
            out.append(f"the number {token} is not in the table")
    return out


def _parcels(text: str, parcels: Mapping[str, Mapping], snapshot: Mapping) -> list[str]:
    """The parcels' sentence: counts by status, the parcels named, their figures and the ties, as the table has them."""
    out = []
    statuses = [r["评价"]["text"] for r in parcels.values() if "评价" in r and r["评价"]["text"] not in ("—", "*")]
    for word, n in re.findall(r"(提前实现|快于预期|基本符合预期|滞后|已实现|未实现)(\d+)个", text):
        if statuses.count(word) != int(n):
            out.append(f"{word}{n}个 but the table has {statuses.count(word)}")
    named = re.findall(r"([^、，。；（）]+?)（(-?[\d.]+%)）", text)
    for name, figure in named:
        name = re.sub(r"^(.*最低的是|.*最高的是|和)", "", name)
        row = parcels.get(name)
        if row is None:
            out.append(f"{name} is not a parcel of the table")
            continue
        cells = {c["text"] for c in row.values()}
        if figure not in cells:
            out.append(f"{name}（{figure}） is not what the table says ({sorted(cells)})")
    out += _lowest_named(text, parcels)
    out += _unchanged(text, parcels, snapshot)
    return out


def _lowest_named(text: str, parcels: Mapping[str, Mapping]) -> list[str]:
    """Those named as lowest (or largest) are exactly the lowest ones, every tie with the last one included."""
    match = re.search(
        r"(?:(提前实现|快于预期|基本符合预期|滞后|已实现|未实现)的地块中)?完成目标比例最低的是(.+?)。", text
    )
    key, reverse = "完成情况", False
    if not match:
        match = re.search(r"()增量中占比最高的是(.+?)[；。]", text)
        key, reverse = "占园区变化比重", True
    if not match:
        return []
    word = match.group(1) or ""
    named = [n for n in re.findall(r"([^、和（）]+)（", match.group(2))]
    pool = [
        (name, r[key]["value"], r[key]["text"])
        for name, r in parcels.items()
        if key in r and isinstance(r[key]["value"], int | float) and (not word or r.get("评价", {}).get("text") == word)
        and (not reverse or r[key]["value"] > 0)
    ]  # fmt: skip
    pool.sort(key=lambda p: -p[1] if reverse else p[1])
    if not named:
        return []
    last = parcels[named[-1]][key]["text"]
    must = {n for n, _v, t in pool[: len(named)]} | {n for n, _v, t in pool if t == last}
    if set(named) != must:
        return [f"named {named} but the table's {'largest' if reverse else 'lowest'} are {sorted(must)}"]
    return []


def _unchanged(text: str, parcels: Mapping[str, Mapping], snapshot: Mapping) -> list[str]:
    base = snapshot["plan"]["base_year"]
    same = [name for name, r in parcels.items() if r.get("较基期变化", {}).get("value") == 0]
    counted = re.search(rf"(\d+)个地块与{base}年持平", text)
    if counted and int(counted.group(1)) != len(same):
        return [f"{counted.group(1)} unchanged parcels but the table has {len(same)}"]
    listed = re.search(rf"；([^；]+?)与{base}年持平", text)
    if listed and not counted:
        names = re.split(r"、|和", listed.group(1))
        if sorted(names) != sorted(same):
            return [f"unchanged {names} but the table has {same}"]
    if not counted and not listed and same and "持平" not in text and "增量" in text:
        return [f"{len(same)} unchanged parcels left unsaid"]
    return []


def _summary(text: str, tables: Tables) -> list[str]:
    """Counts and lists by status: exactly the table's indicators of each status, in the table's order."""
    out = []
    by_status: dict[str, list[str]] = {}
    for name, row in tables.rows.items():
        by_status.setdefault(row["status"], []).append(name)
    for word, n in re.findall(r"(提前实现|快于预期|基本符合预期|滞后|已实现|未实现|基准缺失|数据不足)(\d+)项", text):
        if len(by_status.get(word, [])) != int(n):
            out.append(f"{word}{n}项 but the table has {len(by_status.get(word, []))}")
    for word, names in re.findall(
        r"(提前实现|快于预期|基本符合预期|滞后|已实现|未实现|基准缺失|数据不足)(?:的指标\d+项)?：([^；。]+)", text
    ):
        listed = names.split("、")
        if listed != by_status.get(word, []):
            out.append(f"{word}: {listed} but the table has {by_status.get(word, [])}")
    for name, used in re.findall(r"([^。：]+)：\d{4}年对标基准值尚未录入，评价暂用(\d{4})年基准值", text):
        if not any(f"暂用{used}年基准值" in note and name in note for note in tables.footnotes):
            out.append(f"{name} provisionally uses {used} but the table's note does not say so")
    return out
