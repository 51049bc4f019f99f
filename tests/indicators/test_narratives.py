"""The narrative of an indicator per year: who writes it, its versions, the draft from the year before, the report."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from docx import Document
from PIL import Image

from indicators import services as indicator_services
from indicators.models import Indicator, Narrative
from indicators.narratives import queries, services
from indicators.reports import services as report_services
from parcels import demo
from parcels.access import MANAGER, OFFICE, OFFICIAL
from tests.factories import make_user

pytestmark = pytest.mark.django_db

REASONS = "受外部需求影响，部分企业高企认定延后。"
MEASURES = "加快高企培育库建设，每季度走访重点企业。"


@pytest.fixture
def i4(plan):
    return Indicator.objects.get(code="I4")


@pytest.fixture
def office(db):
    return make_user("office-n", role=OFFICE, first_name="王办")


def write(indicator, user, *, year=2025, reasons=REASONS, measures=MEASURES, based_on=0):
    return services.record_narrative(
        indicator=indicator, year=year, reasons=reasons, measures=measures, based_on=based_on, user=user
    )


def test_it_keeps_every_version_with_who_wrote_it_and_when(i4, office):
    first, added = write(i4, office)
    assert added and first.version == 1 and first.written_by == office
    same, added = write(i4, office, based_on=1)
    assert not added and same == first  # nothing changed, no new version
    second, added = write(i4, office, reasons=REASONS + "\r\n其次，统计口径调整。", based_on=1)
    assert added and second.version == 2 and second.reasons.endswith("\n其次，统计口径调整。")
    assert [n.version for n in queries.versions(i4, 2025)] == [2, 1]
    assert queries.current(i4, 2025) == second
    assert Narrative.objects.get(version=1).reasons == REASONS  # an old version is never changed


def test_it_refuses_to_save_over_a_version_the_writer_has_not_seen(i4, office):
    write(i4, office)
    other = make_user("office-m", role=OFFICE, first_name="李办")
    write(i4, other, reasons="另一人的分析。", based_on=1)
    with pytest.raises(ValidationError) as error:
        write(i4, office, reasons="我的修改。", based_on=1)
    assert "李办已于" in error.value.messages[0] and "第2版" in error.value.messages[0]
    assert queries.current(i4, 2025).reasons == "另一人的分析。"


def test_the_office_and_the_unit_responsible_write_officials_and_others_do_not(i4, office):
    official = make_user(role=OFFICIAL)
    manager = make_user(role=MANAGER, parcels=("robot-park",))
    responsible = make_user(role=MANAGER)
    i4.responsible_unit = "区科委"
    i4.save()
    i4.responsible_users.add(responsible)
    assert queries.may_write(office, i4) and queries.may_write(responsible, i4)
    assert not queries.may_write(official, i4) and not queries.may_write(manager, i4)
    assert not queries.may_write(responsible, Indicator.objects.get(code="I5"))
    with pytest.raises(PermissionDenied):
        write(i4, official)
    narrative, _added = write(i4, responsible)
    assert narrative.written_by == responsible


def test_it_refuses_a_year_outside_the_plan_and_a_text_too_long(i4, office):
    with pytest.raises(ValidationError, match="2019"):
        write(i4, office, year=2019)
    with pytest.raises(ValidationError, match="超过4000字"):
        write(i4, office, reasons="字" * 4001)
    with pytest.raises(ValidationError, match="均为空"):
        write(i4, office, reasons="", measures="  ")
    assert not Narrative.objects.exists()


def test_the_page_shows_the_narrative_to_officials_and_the_form_to_writers(client, i4, office):
    write(i4, office, year=2024)
    official = make_user(role=OFFICIAL)
    client.force_login(official)
    page = client.get("/indicators/I4/?year=2024").content.decode()
    assert "2024年原因分析和下一步措施" in page and REASONS in page and "第1版 · 王办" in page
    assert 'action="/indicators/I4/narrative/"' not in page
    assert client.post("/indicators/I4/narrative/", {"year": 2024, "based_on": 1, "reasons": "x"}).status_code == 403
    client.force_login(office)
    page = client.get("/indicators/I4/?year=2025").content.decode()
    # A new year starts from the year before's text, as a draft: nothing is saved until the office saves.
    assert "以下为2024年的内容，作为草稿供修改" in page and REASONS in page
    assert not Narrative.objects.filter(year=2025).exists()


def test_the_page_saves_a_version_and_keeps_what_was_typed_on_a_conflict(client, i4, office):
    client.force_login(office)
    response = client.post(
        "/indicators/I4/narrative/", {"year": 2025, "based_on": 0, "reasons": REASONS, "measures": MEASURES}
    )
    assert response.status_code == 302 and response.url == "/plans/fyp-14/indicators/I4/?year=2025#narrative"
    page = client.get(response.url).content.decode()
    assert "已保存为新版本。" in page and MEASURES in page
    stale = {"year": 2025, "based_on": 0, "reasons": "过期的修改，不应丢失。", "measures": ""}
    response = client.post("/indicators/I4/narrative/", stale)
    assert response.status_code == 400
    page = response.content.decode()
    assert "您的修改未保存" in page and "过期的修改，不应丢失。" in page  # what was typed is shown again
    assert Narrative.objects.count() == 1


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), "#0b3d73").save(out, format="PNG")
    return out.getvalue()


def test_the_report_prints_the_facts_then_the_narrative_and_lists_its_edits(plan, i4, office, monkeypatch):
    demo.seed_demo(enterprises=60, seed=3)
    indicator_services.recompute(full=True)
    monkeypatch.setattr(report_services, "render_images", lambda report, progress=None: {})
    write(i4, office)
    first = report_services.generate_report(report_services.start_report(year=2025, user=office).id)
    text = "\n".join(p.text for p in Document(io.BytesIO(bytes(first.files.get(format="docx").content))).paragraphs)
    facts = next(line for line in text.splitlines() if line.startswith("2025年经认定的高新技术企业达到"))
    assert text.index(facts) < text.index("原因分析：" + REASONS)  # the generated sentence, then the office's text
    assert "经认定的高新技术企业：" + MEASURES in text  # in 五、对下一规划期的建议
    assert "五、对下一规划期的建议" in text

    write(i4, office, measures=MEASURES + "并落实专项资金。", based_on=1)
    second = report_services.generate_report(report_services.start_report(year=2025, user=office).id)
    assert second.data_version == first.data_version and second.snapshot_sha256 != first.snapshot_sha256
    text = "\n".join(p.text for p in Document(io.BytesIO(bytes(second.files.get(format="docx").content))).paragraphs)
    changes = text[text.index("（五）与上次报告相比的变化") :]
    assert "经认定的高新技术企业：下一步措施已修改（第2版，王办，" in changes
    assert "原因分析和下一步措施已修改" not in changes  # the causes did not change
