"""The demo's report.html in headless Chromium (Debian's chromium, driven by Playwright): it renders offline,
without console errors, shows every pillar section, and prints to PDF."""

from __future__ import annotations

from pathlib import Path

import pytest

from wafr.findings import evaluate
from wafr.outputs import write_reports
from wafr.review import review_of_estate

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--no-first-run"]
FIRST_PAGE = Path("/tmp/report-first-page.png")
PILLARS = ("security", "reliability", "operational-excellence", "performance-efficiency", "cost-optimization")

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)")


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    run = pytest.importorskip("wafr.demo.run", reason="the demo estate is not available")
    estate = run.run_demo()
    out = tmp_path_factory.mktemp("demo-report")
    write_reports(review_of_estate(estate, evaluate(estate)), out)
    return out / "report.html"


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright (the test extra)")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


def test_the_report_renders_offline_without_errors_and_shows_every_pillar(browser, report):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    outside: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))

    def only_the_file(route):
        if route.request.url.startswith(("file:", "data:")):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_the_file)
    page.goto(report.as_uri())
    for pillar in PILLARS:
        section = page.locator(f"#pillar-{pillar}")
        assert section.is_visible(), pillar
        assert section.locator("h2").inner_text().endswith("findings")
    for section in ("summary", "projects", "roadmap", "assessments", "coverage"):
        assert page.locator(f"#{section}").is_visible(), section
    chart = page.locator("svg.chart").bounding_box()
    assert chart and chart["width"] > 300 and chart["height"] > 100
    assert page.locator("#pillar-security table.focus").count() >= 2  # HRI and MRI tables
    page.screenshot(path=str(FIRST_PAGE))
    assert problems == [] and outside == []
    assert page.pdf(format="A4").startswith(b"%PDF")
    page.close()
