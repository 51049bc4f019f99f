"""The documents the code cites exist, and the README documents every setting read from the environment."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("parkplan", "parcels", "indicators", "tests", "bench")
CITATION = re.compile(r"docs/([\w-]+\.md)((?:,? ?§\d+(?:–§\d+)?)*)")
ENVIRONMENT = re.compile(r"""env(?:bool|int|float)?\(\s*["']([A-Z_]+)["']|os\.getenv\(\s*["']([A-Z_]+)["']""")


def sources():
    return [path for package in PACKAGES for path in (ROOT / package).rglob("*.py") if "migrations" not in path.parts]


def test_every_cited_document_and_section_exists():
    cited = 0
    for path in sources():
        for name, sections in CITATION.findall(path.read_text(encoding="utf-8")):
            document = ROOT / "docs" / name
            assert document.is_file(), f"{path.relative_to(ROOT)} cites docs/{name}, which does not exist"
            headings = re.findall(r"^#+ (§\d+)", document.read_text(encoding="utf-8"), flags=re.M)
            for section in re.findall(r"§\d+", sections):
                assert section in headings, f"{path.relative_to(ROOT)} cites docs/{name} {section}: no such section"
            cited += 1
    assert cited > 10  # the method is cited where it is computed


def test_the_readme_documents_every_setting_read_from_the_environment():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    code = "".join(path.read_text(encoding="utf-8") for path in (ROOT / "parkplan").glob("*.py"))
    names = {a or b for a, b in ENVIRONMENT.findall(code)} - {"DJANGO_SETTINGS_MODULE"}
    assert "SECRET_KEY" in names
    assert sorted(name for name in names if f"`{name}`" not in readme) == []
