"""In a real browser: the office starts a report, watches it finish and downloads its files; writes a narrative."""

import io
import threading
import time

import pytest
from django.db import connection
from PIL import Image

from indicators import services as indicator_services
from indicators.models import Report
from indicators.reports import figures, queries, services
from parcels import demo
from parcels.access import OFFICE, OFFICIAL
from tests.conftest import login
from tests.factories import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), "#0b3d73").save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def worker(monkeypatch):
    """A stand-in Celery worker: picks up the queued report, as the beat-driven sweep does."""

    def quick_images(report, *, progress=None):
        keys = figures.indicator_figures(report.snapshot, report.language)
        total = len(keys)
        for i in range(1, total + 1):
            time.sleep(0.05)  # long enough for the page to see the bar move
            if progress:
                progress(5 + int(60 * i / total), f"正在绘制图表（{i}/{total}）")
        return {key: _png() for key in keys}

    monkeypatch.setattr(services, "render_images", quick_images)
    stop = threading.Event()

    def run():
        try:
            while not stop.is_set():
                if services.run_queued_reports():
                    return
                time.sleep(0.2)
        finally:
            connection.close()

    thread = threading.Thread(target=run, daemon=True)
    yield thread
    stop.set()
    if thread.is_alive():
        thread.join(timeout=60)


def test_it_starts_a_report_shows_its_progress_and_downloads_all_three_files(page, plan, worker):
    demo.seed_demo(enterprises=40, seed=5)
    indicator_services.recompute(full=True)
    make_user("office2", role=OFFICE)

    login(page, "office2", PASSWORD)
    page.goto(page.base_url + "/reports/")
    assert "规划实施情况评估报告" in page.inner_text("h1")
    page.select_option("select[name=year]", "2023")
    page.click("details.report-comments summary")
    page.fill("textarea[name=comment_I4]", "请加快高新技术企业培育。")
    page.click("button.primary[type=submit]")
    page.wait_for_url("**/reports/*/")
    assert page.get_attribute("#report-progress", "data-state") == "queued"

    worker.start()
    page.wait_for_selector("#report-progress[data-state=done]", timeout=60_000)
    assert page.get_attribute("#report-bar", "value") == "100"
    assert page.inner_text("#report-percent") == "100%"
    links = page.locator("#report-downloads a")
    assert links.count() == 3

    report = Report.objects.get()
    assert report.comments == {"I4": "请加快高新技术企业培育。"}
    for fmt in ("docx", "pdf", "xlsx"):
        with page.expect_download() as info:
            page.click(f"#report-downloads a[data-format={fmt}]")
        download = info.value
        assert download.suggested_filename.endswith(f".{fmt}")
        with open(download.path(), "rb") as f:
            assert f.read() == bytes(queries.stored_file(report, fmt).content)

    page.goto(page.base_url + "/reports/")
    assert page.locator(f"tr[data-report='{report.id}']").count() == 1
    assert page.problems == []


def test_the_office_writes_an_indicators_narrative_and_an_official_reads_it(page, plan, browser, live_server):
    demo.seed_demo(enterprises=40, seed=5)
    indicator_services.recompute(full=True)
    make_user("office3", role=OFFICE, first_name="王办")
    make_user("official3", role=OFFICIAL)

    login(page, "office3", PASSWORD)
    page.goto(page.base_url + "/indicators/I4/?year=2025")
    page.fill("#narrative textarea[name=reasons]", "高企认定周期延长，部分企业延至次年。")
    page.fill("#narrative textarea[name=measures]", "建立培育库，按季度跟踪。")
    page.click("#narrative button.primary")
    page.wait_for_url("**/indicators/I4/?year=2025#narrative")
    assert "已保存为新版本。" in page.inner_text("#narrative")
    assert "第1版 · 王办" in page.inner_text("#narrative .narrative-meta")
    assert page.problems == []

    reader = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN").new_page()
    reader.base_url = live_server.url
    login(reader, "official3", PASSWORD)
    reader.goto(live_server.url + "/indicators/I4/?year=2025")
    text = reader.inner_text("#narrative")
    assert "高企认定周期延长" in text and "建立培育库" in text
    assert reader.locator("#narrative form").count() == 0  # officials read, they do not write
    reader.context.close()
