"""A bug in one rule on one module is one error line; the other rules and files still run."""

from __future__ import annotations

import ast
import inspect
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from repolint import engine
from repolint.cli import main
from repolint.rules import LazyLoadPerRow
from repolint.semantics.context import Context
from repolint.semantics.facts import FactStore
from repolint.semantics.module import ModuleInfo
from repolint.semantics.summaries import TypedModule
from tests.test_flake8_plugin import REPORTS, write_mini_project

BLOCKING = """

async def touch(db: Session) -> None:
    db.commit()
"""


class CrashingLazyLoad(LazyLoadPerRow):
    """RPL301 that raises on every attribute of `app/reports.py`."""

    def visit_Attribute(self, node: ast.Attribute, ctx: Context) -> None:
        if ctx.module.display.endswith("app/reports.py"):
            raise ValueError("boom\nsecond line")
        super().visit_Attribute(node, ctx)


def invoke(*args: str) -> Result:
    mixable = "mix_stderr" in inspect.signature(CliRunner.__init__).parameters  # click < 8.2
    return CliRunner(**({"mix_stderr": False} if mixable else {})).invoke(main, list(args))


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    reports = write_mini_project(tmp_path)
    reports.write_text(REPORTS + BLOCKING)
    (tmp_path / "app" / "other.py").write_text(REPORTS)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("REPOLINT_OUTPUT_FORMAT", raising=False)
    return tmp_path


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_crashing_rule_is_one_error_line_and_the_rest_is_reported(
    project: Path, monkeypatch: pytest.MonkeyPatch, jobs: str
) -> None:
    args = ("check", "--no-cache", "--output-format", "json", "--jobs", jobs, "app")
    healthy = invoke(*args)
    assert {(f["path"], f["code"]) for f in json.loads(healthy.stdout)} == {
        ("app/other.py", "RPL301"),
        ("app/reports.py", "RPL101"),
        ("app/reports.py", "RPL301"),
    }
    rules = [CrashingLazyLoad if rule is LazyLoadPerRow else rule for rule in engine.ALL_RULES]
    monkeypatch.setattr(engine, "ALL_RULES", rules)

    result = invoke(*args)
    assert result.exit_code == 2
    found = [(f["path"], f["line"], f["code"]) for f in json.loads(result.stdout)]
    # RPL301 still runs on the other file, the other rules still run on this one.
    assert found == [
        ("app/other.py", 10, "RPL301"),
        ("app/other.py", 15, "RPL301"),
        ("app/reports.py", 19, "RPL101"),
    ]
    assert result.stderr == (
        "error: app/reports.py: internal error in rule RPL301 (lazy-load-per-row): "
        "ValueError: boom (this is a bug in repolint: please report it with the command "
        "and the file)\n"
    )


def test_a_crash_while_typing_a_module_spares_the_others(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = FactStore.analyse_module

    def crash(self: FactStore, module: ModuleInfo) -> TypedModule:
        if module.display == "app/other.py":
            raise ValueError("typing failed")
        return original(self, module)

    monkeypatch.setattr(FactStore, "analyse_module", crash)
    result = invoke("check", "--no-cache", "--output-format", "json", "app")
    assert result.exit_code == 2
    assert [(f["path"], f["line"], f["code"]) for f in json.loads(result.stdout)] == [
        ("app/reports.py", 10, "RPL301"),
        ("app/reports.py", 15, "RPL301"),
        ("app/reports.py", 19, "RPL101"),
    ]
    assert result.stderr.startswith(
        "error: app/other.py: internal error while analysing the module: ValueError: "
        "typing failed (this is a bug"
    )
