"""The rule catalogue: `rules/` is what `repolint docs` renders, every rule's
docs follow the conventions (`repolint/docs/__init__.py`), each Example fires
its rule and each Use instead is clean; and the `rules`, `explain` and `docs`
commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from repolint.cli import main
from repolint.commands import catalogue
from repolint.docs.docstring import (
    DEFAULT_FILE,
    doc_problems,
    parse_doc,
    snippet_files,
    summary_problems,
)
from repolint.docs.examples import PRELUDE, prelude_files, run_section, run_snippets
from repolint.docs.render import GENERATED, page_body, page_name, plan, render_catalogue
from repolint.rules import ALL_RULES
from repolint.rules.base import Rule

REPO = Path(__file__).resolve().parent.parent
CATALOGUE = REPO / "rules"
FIX = "run `repolint docs --write` and commit rules/"


def _id(rule: type[Rule]) -> str:
    return getattr(rule, "code", rule.__name__)


@pytest.fixture(scope="module")
def rendered() -> dict[str, str]:
    return render_catalogue()


# -- rules/ is generated ---------------------------------------------------------


def test_catalogue_folder_is_up_to_date(rendered: dict[str, str]) -> None:
    changes = plan(CATALOGUE, rendered)
    if changes:
        diffs = "".join(c.diff(f"rules/{c.path.name}") for c in changes)
        pytest.fail(f"rules/ is stale: {FIX}\n\n{diffs}", pytrace=False)


@pytest.mark.parametrize("rule", ALL_RULES, ids=_id)
def test_every_rule_has_a_page(rule: type[Rule], rendered: dict[str, str]) -> None:
    assert (CATALOGUE / page_name(rule)).is_file(), f"no rules/{page_name(rule)}: {FIX}"
    assert f"]({page_name(rule)})" in rendered["README.md"]


def test_codes_and_names_are_unique() -> None:
    codes = [r.code for r in ALL_RULES]
    names = [r.name for r in ALL_RULES]
    assert len(set(codes)) == len(codes), codes
    assert len(set(names)) == len(names), names


# -- each rule's documentation -----------------------------------------------------


@pytest.mark.parametrize("rule", ALL_RULES, ids=_id)
def test_rule_docs_follow_the_conventions(rule: type[Rule]) -> None:
    problems = doc_problems(rule)
    if problems:
        pytest.fail(f"{rule.code} ({rule.__module__}):\n- " + "\n- ".join(problems), False)


@pytest.mark.parametrize("rule", ALL_RULES, ids=_id)
def test_summary_is_one_line(rule: type[Rule]) -> None:
    assert "\n" not in rule.summary and rule.summary.strip(), repr(rule.summary)


@pytest.mark.parametrize("rule", ALL_RULES, ids=_id)
def test_example_fires_the_rule(rule: type[Rule]) -> None:
    run = run_section(rule, "Example")
    assert run is not None, f"{rule.code}: `## Example` has no ```python block"
    print(f"{rule.code} Example gives:\n{run.describe()}")
    if rule.code not in run.codes() or run.errors:
        pytest.fail(
            f"{rule.code}'s Example gives no {rule.code} finding. It gives:\n{run.describe()}",
            pytrace=False,
        )


@pytest.mark.parametrize("rule", ALL_RULES, ids=_id)
def test_use_instead_is_clean(rule: type[Rule]) -> None:
    run = run_section(rule, "Use instead")
    assert run is not None, f"{rule.code}: `## Use instead` has no ```python block"
    print(f"{rule.code} Use instead gives:\n{run.describe()}")
    if run.findings or run.errors:
        pytest.fail(
            f"{rule.code}'s Use instead must give no finding. It gives:\n{run.describe()}",
            pytrace=False,
        )


def test_the_prelude_is_clean() -> None:
    files = {rel: path.read_text(encoding="utf-8") for rel, path in prelude_files().items()}
    assert "app/models.py" in files and "app/db.py" in files
    run = run_snippets(files)
    assert not run.findings and not run.errors, run.describe()


# -- the docstring reader ----------------------------------------------------------

DOC = """## What it does
Flags things.

## Example
```python
from app.models import Person
## not a heading: inside a fence
```
Some text.
```toml
[tool.repolint]
```
```python
# file: app/repositories/teams.py
from app.models import Team
```
```py
x = Person
```

## Use instead
Nothing to run here.
"""


def test_sections_split_on_headings_outside_fences() -> None:
    doc = parse_doc(DOC)
    assert [s.title for s in doc.sections] == ["What it does", "Example", "Use instead"]
    assert "## not a heading" in doc.sections[1].body
    assert doc.markdown().startswith("## What it does\nFlags things.\n\n## Example\n")


def test_python_blocks_become_files_and_markers_choose_the_file() -> None:
    example = parse_doc(DOC).section("Example")
    assert example is not None
    files = snippet_files(example)
    assert list(files) == [DEFAULT_FILE, "app/repositories/teams.py"]
    assert files[DEFAULT_FILE] == (
        "from app.models import Person\n## not a heading: inside a fence\n\n\nx = Person\n"
    )
    assert files["app/repositories/teams.py"].startswith("# file: app/repositories/teams.py\n")


def test_doc_problems_name_what_is_missing() -> None:
    class Broken(Rule):
        code = "RPL9"
        name = "Broken_Rule"
        summary = "Two\nlines."

    problems = "\n".join(doc_problems(Broken))
    for expected in ("RPL followed by three digits", "lower-case words", "expected repolint"):
        assert expected in problems
    assert summary_problems("Two\nlines.") == [
        "summary must be one line without surrounding spaces",
        "summary must not end with a period",
    ]
    assert summary_problems("x" * 101)[0].startswith("summary is 101 characters")


def test_snippets_span_files_and_replace_prelude_files() -> None:
    helper = (
        "from sqlalchemy import func, select\n"
        "from app.db import SessionLocal\n"
        "from app.models import Person\n\n"
        "def active_count() -> int:\n"
        "    with SessionLocal() as db:\n"
        "        return db.scalar(select(func.count(Person.id)))\n"
    )
    route = (
        "from app.services.stats import active_count\n\n"
        "async def dashboard():\n"
        "    return active_count()\n"
    )
    run = run_snippets({"app/services/stats.py": helper, DEFAULT_FILE: route})
    assert [(f.path, f.code) for f in run.findings] == [(DEFAULT_FILE, "RPL102")]
    # a snippet named like a prelude file replaces it: no Person model any more
    run = run_snippets({"app/models.py": "", DEFAULT_FILE: "from app.models import Person\n"})
    assert not run.findings


def test_prelude_is_not_a_package_of_repolint() -> None:
    assert not (PRELUDE / "__init__.py").exists()  # else its modules would not be `app.*`


# -- repolint rules ----------------------------------------------------------------


def _invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_rules_json_lists_every_rule() -> None:
    code, out, _ = _invoke("rules", "--output-format", "json")
    assert code == 0
    rows = json.loads(out)
    assert [r["code"] for r in rows] == sorted(r.code for r in ALL_RULES)
    lazy = next(r for r in rows if r["code"] == "RPL301")
    assert lazy == {
        "code": "RPL301",
        "name": "lazy-load-per-row",
        "summary": lazy["summary"],
        "severity": "warning",
        "default_enabled": True,
        "since": "0.1.0",
        "page": "rules/RPL301-lazy-load-per-row.md",
    }


def test_rules_table_and_selection() -> None:
    code, out, _ = _invoke("rules")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["Code", "Name", "Severity", "Default", "Summary"]
    assert len(lines) == len(ALL_RULES) + 1  # piped: one line per rule
    assert all(line == line.rstrip() for line in lines)
    code, out, _ = _invoke("rules", "--select", "RPL30,cannot-parse", "--output-format", "concise")
    assert code == 0
    codes = [line.split()[0] for line in out.splitlines()]
    assert codes == sorted({"RPL000"} | {r.code for r in ALL_RULES if r.code.startswith("RPL30")})


def test_rules_unknown_selector_is_a_usage_error() -> None:
    code, out, err = _invoke("rules", "--select", "RPL999")
    assert (code, out) == (2, "")
    assert err == "error: no rule matches `RPL999` (see `repolint rules`)\n"


# -- repolint explain --------------------------------------------------------------


@pytest.mark.parametrize("spelling", ["RPL301", "rpl301", "lazy-load-per-row", "lazy_load_per_row"])
def test_explain_accepts_code_or_name(spelling: str) -> None:
    code, out, err = _invoke("explain", spelling)
    assert (code, err) == (0, "")
    assert out.startswith("# RPL301: lazy-load-per-row\n")
    assert "## Example\n```python\n" in out and "## Use instead\n" in out
    assert "Message, on the example below:" in out
    assert GENERATED not in out


def test_explain_plain_when_piped_is_the_page() -> None:
    from repolint.docs.examples import example_message
    from repolint.rules import RULES_BY_CODE

    rule = RULES_BY_CODE["RPL201"]
    assert _invoke("explain", "RPL201")[1] == page_body(rule, example_message(rule))


def test_explain_renders_markdown_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(catalogue, "_is_terminal", lambda stream: True)
    monkeypatch.setenv("NO_COLOR", "1")
    code, out, _ = _invoke("explain", "RPL301")
    assert code == 0
    assert "RPL301: lazy-load-per-row" in out
    assert "## " not in out and "```" not in out  # rendered, not raw Markdown


def test_explain_unknown_rule() -> None:
    code, out, err = _invoke("explain", "lazy-load-per-rows")
    assert (code, out) == (2, "")
    assert err == (
        "error: unknown rule `lazy-load-per-rows`; did you mean RPL301 (lazy-load-per-row)? "
        "(see `repolint rules`)\n"
    )
    code, _, err = _invoke("explain", "RPL999")
    assert code == 2 and err == "error: unknown rule `RPL999` (see `repolint rules`)\n"


# -- repolint docs -----------------------------------------------------------------


def test_docs_write_then_check(tmp_path: Path, rendered: dict[str, str]) -> None:
    folder = tmp_path / "rules"
    code, out, _ = _invoke("docs", "--check", "--dir", str(folder))
    assert code == 1 and "would create" in out
    code, out, _ = _invoke("docs", "--dir", str(folder))
    assert code == 0 and f"+++ {folder.as_posix()}/README.md" in out  # a diff, nothing written
    assert not folder.exists()
    code, out, _ = _invoke("docs", "--write", "--dir", str(folder))
    assert code == 0 and out.count("created ") == len(rendered)
    assert {p.name for p in folder.iterdir()} == set(rendered)
    assert _invoke("docs", "--check", "--dir", str(folder))[:2] == (0, f"{folder}/ is up to date\n")


def test_docs_updates_changed_pages_and_deletes_stale_ones(
    tmp_path: Path, rendered: dict[str, str]
) -> None:
    for name, text in rendered.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    page = tmp_path / "RPL301-lazy-load-per-row.md"
    page.write_text(page.read_text(encoding="utf-8") + "hand edit\n", encoding="utf-8")
    renamed = tmp_path / "RPL399-old-name.md"
    renamed.write_text(GENERATED + "\n", encoding="utf-8")
    notes = tmp_path / "notes.md"
    notes.write_text("not generated\n", encoding="utf-8")
    code, out, _ = _invoke("docs", "--check", "--dir", str(tmp_path))
    assert code == 1
    assert sorted(out.splitlines()) == [
        f"would delete {renamed}",
        f"would update {page}",
    ]
    code, _, _ = _invoke("docs", "--write", "--dir", str(tmp_path))
    assert code == 0 and not renamed.exists() and notes.exists()
    assert page.read_text(encoding="utf-8") == rendered[page.name]


def test_docs_refuses_to_overwrite_a_foreign_file(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# my project\n", encoding="utf-8")
    code, _, err = _invoke("docs", "--write", "--dir", str(tmp_path))
    assert code == 2
    assert "README.md: not generated by repolint" in err
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == "# my project\n"


def test_docs_write_and_check_together_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = _invoke("docs", "--write", "--check", "--dir", str(tmp_path))
    assert code == 2 and err == "error: --write and --check cannot be used together\n"
