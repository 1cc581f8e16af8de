"""The HTML audit report, opened in headless Chromium (Debian's `chromium` package).

Skipped when Chromium is absent, unless REPOLINT_REQUIRE_CHROMIUM is set (CI
installs Chromium in .ci/run and sets it, so there the test cannot be skipped)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.test_audit import AUDITED, ROOT, invoke

MEASURE = """<script>
const table = document.getElementById("checklist");
const box = table.getBoundingClientRect();
const shown = [...table.querySelectorAll("td[data-status]")].filter(
  (td) => td.getBoundingClientRect().width > 0 && td.textContent.trim() !== "");
document.body.dataset.table = Math.round(box.width) + "x" + Math.round(box.height);
document.body.dataset.cells = String(shown.length);
</script>"""
"""Added to a copy of the page only: it writes the laid-out size of the table into the DOM."""


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("REPOLINT_REQUIRE_CHROMIUM"):
            pytest.fail("chromium is required (REPOLINT_REQUIRE_CHROMIUM) but not installed")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return found


def run_chromium(profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [
        chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)


class Rows(HTMLParser):
    """The checklist table's rows: repository name -> the statuses of its cells."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, list[str]] = {}
        self.body: dict[str, str | None] = {}
        self._row: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "body":
            self.body = found
        elif tag == "tr" and found.get("data-repository"):
            self._row = found["data-repository"]
            self.rows[self._row] = []
        elif tag == "td" and self._row and found.get("data-status"):
            self.rows[self._row].append(found["data-status"] or "")


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict]:
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        html = invoke("audit", "--output-format", "html", *AUDITED).stdout
        data = json.loads(invoke("audit", "--output-format", "json", *AUDITED).stdout)
    finally:
        os.chdir(cwd)
    return html, data


def test_the_page_is_self_contained(pages: tuple[str, dict]) -> None:
    html, _ = pages
    assert html.startswith("<!DOCTYPE html>")
    assert "<script" not in html and "<link" not in html and "@import" not in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "@media print" in html


def test_chromium_renders_the_checklist_table(pages: tuple[str, dict], tmp_path: Path) -> None:
    html, data = pages
    page = tmp_path / "audit.html"
    page.write_text(html.replace("</body>", MEASURE + "</body>"), encoding="utf-8")
    result = run_chromium(tmp_path / "profile", "--dump-dom", page.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    parsed = Rows()
    parsed.feed(result.stdout)
    expected = {r["name"]: [c["status"] for c in r["checks"]] for r in data["repositories"]}
    assert parsed.rows == expected
    width, height = (int(n) for n in (parsed.body.get("data-table") or "0x0").split("x"))
    assert width > 400 and height > 20 * len(expected), (width, height)
    assert parsed.body.get("data-cells") == str(11 * len(expected))


def test_chromium_prints_it(pages: tuple[str, dict], tmp_path: Path) -> None:
    html, _ = pages
    page = tmp_path / "audit.html"
    page.write_text(html, encoding="utf-8")
    pdf = tmp_path / "audit.pdf"
    result = run_chromium(
        tmp_path / "profile", "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri()
    )
    assert pdf.exists(), result.stderr[-2000:]
    assert pdf.read_bytes().startswith(b"%PDF")


ORDER = """<script>
const ids = ["summary", "fix-first", "bases", "per-item", "checklist"];
document.body.dataset.order = ids.map(
  (id) => Math.round(document.getElementById(id).getBoundingClientRect().top)).join(",");
</script>"""
"""Added to a copy of the page: the laid-out top of each section, in the terminal's order."""


def test_chromium_lays_out_the_terminal_order(pages: tuple[str, dict], tmp_path: Path) -> None:
    """Summary, fix first, bases, verdicts per item, then the per-repository checklist."""
    html, data = pages
    assert data["actions"] and data["bases"]
    page = tmp_path / "audit.html"
    page.write_text(html.replace("</body>", ORDER + "</body>"), encoding="utf-8")
    result = run_chromium(tmp_path / "profile", "--dump-dom", page.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    parsed = Rows()
    parsed.feed(result.stdout)
    tops = [int(n) for n in (parsed.body.get("data-order") or "").split(",")]
    assert len(tops) == 5 and tops == sorted(tops) and len(set(tops)) == 5, tops
