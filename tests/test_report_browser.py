"""The HTML report in a real browser: Debian's chromium driven by Playwright (never `playwright install`).

Skipped when chromium or Playwright is missing, except under `.ci/run`, which installs chromium and sets
REACTIVITY_REQUIRE_BROWSER=1 so that a missing browser fails instead of skipping.
Expected counts are those of the example library (see tests/test_report.py).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reactivity.batch.annotate import AnnotateSettings
from reactivity.cli import app
from reactivity.report.collect import ReportRecord, iter_report_records
from reactivity.report.html import ReportOptions, render_report

CHROMIUM = os.environ.get("REACTIVITY_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
REQUIRED = os.environ.get("REACTIVITY_REQUIRE_BROWSER") == "1"


def _playwright():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if REQUIRED:
            raise
        pytest.skip("playwright is not installed (pip install '.[test]')")
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        if REQUIRED:
            pytest.fail(f"no chromium at {CHROMIUM}")
        pytest.skip("no system chromium (apt-get install -y chromium)")
    return sync_playwright


@pytest.fixture(scope="module")
def browser():
    sync_playwright = _playwright()
    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


@pytest.fixture(scope="module")
def example_report(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("browser") / "example.html"
    result = CliRunner().invoke(app, ["report", "--example", "-o", str(target)])
    assert result.exit_code == 0, result.output
    return target


class Page:
    """A page opened from file:// with every request and console message logged."""

    def __init__(self, browser, path: Path, height: int = 900):
        self.context = browser.new_context(viewport={"width": 1280, "height": height}, offline=True)
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.console: list[tuple[str, str]] = []
        self.failures: dict[str, str | None] = {}
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("requestfailed", lambda request: self.failures.__setitem__(request.url, request.failure))
        self.page.on("console", lambda message: self.console.append((message.type, message.text)))
        self.page.on("pageerror", lambda error: self.console.append(("pageerror", str(error))))
        self.url = path.resolve().as_uri()
        self.page.goto(self.url)
        self.page.wait_for_selector("#grid .card")

    def cards(self) -> int:
        return self.page.locator("#grid .card").count()

    def close(self) -> None:
        self.context.close()


@pytest.fixture()
def opened(browser, example_report):
    page = Page(browser, example_report)
    yield page
    page.close()


def test_loads_from_file_with_no_network_request_and_no_console_error(opened):
    print("requests:", opened.requests)
    assert opened.requests == [opened.url]  # the document itself, nothing else
    assert [entry for entry in opened.console if entry[0] in ("error", "pageerror", "warning")] == []


def test_grid_shows_every_record_as_a_card(opened):
    assert opened.cards() == 14
    assert opened.page.inner_text("#count").startswith("14 of 14 records match")


@pytest.mark.parametrize(
    "control, value, expected",
    [
        ("#f-status", "ok", 8),  # the eight ring-bearing records
        ("#f-status", "error", 1),
        ("#f-class", "imine", 6),  # the six 4,5-imine benzodiazepin-2-ones
        ("#f-class", "carbamate", 1),  # N4-Boc
    ],
)
def test_filter_changes_the_visible_count(opened, control, value, expected):
    opened.page.select_option(control, value)
    assert opened.cards() == expected
    assert opened.page.inner_text("#count").startswith(f"{expected} of 14")


def test_text_search_and_sort(opened):
    opened.page.fill("#f-text", "azepam")  # diazepam, nordazepam, oxazepam, lorazepam, nitrazepam, flurazepam; not clobazam
    assert opened.cards() == 6
    opened.page.fill("#f-text", "")
    opened.page.select_option("#f-sort", "pka_desc")
    assert opened.page.locator("#grid .card h3").first.inner_text() == "1,4-diazepan-2-one"  # the only basic N4


def test_detail_view_shows_the_ph_rate_profile(opened):
    opened.page.locator(".card", has_text="diazepam").first.get_by_role("button", name="details").click()
    detail = opened.page.locator("#detail")
    assert detail.is_visible()
    assert detail.locator("h2").inner_text() == "diazepam"
    profile = detail.locator(".profile svg")
    assert profile.count() == 1
    box = profile.bounding_box()
    assert box["width"] > 300 and box["height"] > 150
    assert "stable window" in profile.inner_html()
    import reactivity

    guidance = reactivity.perceive_smiles("CN1C(=O)CN=C(c2ccccc2)c2cc(Cl)ccc21")[0].guidance
    sites = detail.locator("table").first.locator("tr td:first-child").all_inner_texts()
    assert sites == [g.site for g in guidance] and {"N1", "C2", "N4"} <= set(sites)  # every guidance line, one row each
    text = detail.inner_text()
    assert "lactam_hydrolysis" in text
    # Diazepam's hydrolysis end product 2-(methylamino)-5-chlorobenzophenone, C14H12ClNO: [M+H]+ 246.068.
    assert "Degradants" in text and "246.068" in text
    opened.page.keyboard.press("Escape")
    assert not detail.is_visible()
    assert opened.console == []


def test_screenshot_is_not_blank(opened, tmp_path):
    shot = tmp_path / "report.png"
    opened.page.screenshot(path=str(shot), full_page=True)
    import matplotlib.image

    pixels = matplotlib.image.imread(str(shot))[..., :3]
    non_white = (pixels.min(axis=2) < 0.9).mean()
    assert pixels.shape[0] > 900 and 0.02 < non_white < 0.9
    assert pixels.std() > 0.05


def test_network_attempts_from_the_page_are_blocked(opened):
    """The CSP forbids fetches and images from elsewhere: nothing leaves the page even if a script tries."""
    fetched, violations = opened.page.evaluate(
        """async () => {
            const violations = [];
            document.addEventListener("securitypolicyviolation", (e) => violations.push(e.violatedDirective));
            let fetched = "sent";
            try { await fetch("http://127.0.0.1:9/x"); } catch (e) { fetched = "blocked"; }
            const img = new Image(); img.src = "http://127.0.0.1:9/pixel.png";
            await new Promise((r) => setTimeout(r, 300));
            return [fetched, violations];
        }"""
    )
    assert fetched == "blocked"
    assert set(violations) == {"connect-src", "img-src"}
    # Chromium reports the image as a request that failed with reason "csp": stopped before leaving the page.
    attempts = [url for url in opened.requests if url != opened.url]
    assert all(opened.failures.get(url) == "csp" for url in attempts), opened.failures


def test_pages_of_sixty_cards(browser, tmp_path):
    table = tmp_path / "many.smi"
    table.write_text("".join(f"O=C1CN(C{'C' * (i % 5)})CCCN1 ring{i}\n" if i % 2 else f"c1ccccc1{'C' * (i % 7)} plain{i}\n"
                             for i in range(130)))
    target = tmp_path / "many.html"
    html, summary = render_report(iter_report_records([str(table)], AnnotateSettings(stability=True, basicity=True)),
                                  ReportOptions(max_depictions=20, max_profiles=0))
    target.write_text(html, encoding="utf-8")
    assert (summary.records, summary.ok, summary.depictions) == (130, 65, 20)
    page = Page(browser, target)
    try:
        assert page.cards() == 60
        page.page.click("#next")
        page.page.click("#next")
        assert page.cards() == 10 and page.page.inner_text("#page") == "page 3 of 3"
        page.page.select_option("#f-status", "ok")
        assert page.cards() == 60 and page.page.inner_text("#count").startswith("65 of 130")
        assert page.page.locator("#grid .card svg").count() == 20  # hits first, then the cap
        assert page.console == [] and page.requests == [page.url]
    finally:
        page.close()


def test_degradants_are_listed_when_the_stability_result_has_them(browser, tmp_path):
    """A pathway carrying ``degradants`` (name, SMILES, masses) gets a degradant table in the detail view."""
    from importlib.resources import files

    example = str(files("reactivity").joinpath("data", "example_library.sdf"))
    records = list(iter_report_records([example], AnnotateSettings(stability=True, basicity=True)))[:1]
    document = json.loads(json.dumps(records[0].document))
    from rdkit import Chem
    from rdkit.Chem.Descriptors import ExactMolWt

    opened_ring = "CNc1ccc(Cl)cc1C(=NCC(=O)O)c1ccccc1"  # C2-N1 bond of diazepam hydrolysed
    mz = round(ExactMolWt(Chem.MolFromSmiles(opened_ring)) + 1.007276, 4)
    document["stability"]["pathways"][0]["degradants"] = [{"name": "ring-opened amino acid", "smiles": opened_ring, "mz_mh": mz}]
    record = ReportRecord(0, "diazepam", "ok", document, records[0].tags, records[0].molblock, False)
    target = tmp_path / "degradants.html"
    target.write_text(render_report([record], ReportOptions(max_profiles=1))[0], encoding="utf-8")
    page = Page(browser, target)
    try:
        page.page.get_by_role("button", name="details").click()
        text = page.page.inner_text("#detail")
        assert "Degradants" in text and "ring-opened amino acid" in text and opened_ring in text
        assert page.console == []
    finally:
        page.close()
