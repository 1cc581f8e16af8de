"""SARIF 2.1.0 reporter, for GitHub code scanning and other SARIF viewers.

One run whose driver is `repolint`, with one `rules` entry per rule of the
catalogue (short and full description, help from the rule's docstring, a link
to its page under `rules/`), and one result per finding with a physical
location relative to `%SRCROOT%` (the current folder), 1-based columns counted
in Unicode code points, and a line-independent fingerprint (the baseline's).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePath
from typing import Any
from urllib.parse import quote

from repolint import __version__
from repolint.baseline import entries
from repolint.docs.docstring import docstring_of, parse_doc
from repolint.findings import FileError, Finding, Severity
from repolint.fixes.edits import Fix
from repolint.rules import ALL_RULES, Rule

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
REPOSITORY_URL = "https://github.com/repolint/repolint"
RULES_DOCS_URL = f"{REPOSITORY_URL}/blob/main/rules/"
"""Where the rule pages (`rules/RPL301-lazy-load-per-row.md`) are published."""
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "repolint/v1"


def help_uri(rule: type[Rule]) -> str:
    """The URL of a rule's page."""
    return f"{RULES_DOCS_URL}{rule.code}-{rule.name}.md"


def _level(severity: Severity) -> str:
    return "error" if severity is Severity.ERROR else "warning"


def rule_descriptor(rule: type[Rule]) -> dict[str, Any]:
    """The `reportingDescriptor` of one rule."""
    doc = docstring_of(rule)
    parsed = parse_doc(doc)
    what = parsed.section("What it does")
    full = " ".join(what.body.split()) if what is not None else rule.summary
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": full},
        "help": {"text": doc or rule.summary, "markdown": doc or rule.summary},
        "helpUri": help_uri(rule),
        "defaultConfiguration": {
            "enabled": rule.default_enabled,
            "level": _level(rule.severity),
        },
        "properties": {"tags": ["repolint", f"RPL{rule.code[3]}"]},
    }


def artifact_location(path: str) -> dict[str, str]:
    """A relative path becomes a URI under `%SRCROOT%`; an absolute one a file URI."""
    if os.path.isabs(path):
        return {"uri": Path(path).as_uri()}
    return {"uri": quote(PurePath(path).as_posix(), safe="/"), "uriBaseId": SRCROOT}


def _result(finding: Finding, index: int, fingerprint: str) -> dict[str, Any]:
    end_line, end_column = finding.span_end()
    start_column = max(finding.column, 1)
    region = {
        "startLine": finding.line,
        "startColumn": start_column,
        "endLine": end_line,
        "endColumn": max(end_column, start_column + 1) if end_line == finding.line else end_column,
    }
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "level": _level(finding.severity),
        "message": {"text": finding.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": artifact_location(finding.path),
                    "region": region,
                }
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
    }
    if index >= 0:
        result["ruleIndex"] = index
    if finding.fix is not None:
        result["fixes"] = [sarif_fix(finding.fix)]
    return result


def sarif_fix(fix: Fix) -> dict[str, Any]:
    """A SARIF `fix`: its message, and per file the regions replaced and their new text."""
    changes = []
    for path in sorted(fix.paths()):
        replacements = [
            {
                "deletedRegion": {
                    "startLine": edit.line,
                    "startColumn": edit.column,
                    "endLine": edit.end_line,
                    "endColumn": edit.end_column,
                },
                "insertedContent": {"text": edit.content},
            }
            for edit in fix.edits
            if edit.path == path
        ]
        changes.append({"artifactLocation": artifact_location(path), "replacements": replacements})
    return {
        "description": {"text": f"{fix.message} ({fix.applicability.value})"},
        "artifactChanges": changes,
    }


def render_sarif(
    findings: Sequence[Finding],
    sources: Mapping[str, str] | None = None,
    errors: Sequence[FileError] = (),
    *,
    root: str | None = None,
) -> str:
    """The SARIF log of a run, as indented JSON."""
    rules = sorted(ALL_RULES, key=lambda rule: rule.code)
    index = {rule.code: i for i, rule in enumerate(rules)}
    prints = entries(findings, sources or {})
    base = Path(os.path.abspath(root or os.getcwd())).as_uri().rstrip("/") + "/"
    notifications = [
        {
            "level": "error",
            "message": {"text": error.message},
            "locations": [
                {"physicalLocation": {"artifactLocation": artifact_location(error.path)}}
            ],
        }
        for error in errors
    ]
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "repolint",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": REPOSITORY_URL,
                "rules": [rule_descriptor(rule) for rule in rules],
            }
        },
        "invocations": [
            {
                "executionSuccessful": not errors,
                "toolExecutionNotifications": notifications,
            }
        ],
        "originalUriBaseIds": {SRCROOT: {"uri": base}},
        "columnKind": "unicodeCodePoints",
        "results": [
            _result(finding, index.get(finding.code, -1), entry.fingerprint)
            for finding, entry in zip(findings, prints, strict=True)
        ],
    }
    log = {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}
    return json.dumps(log, indent=2)
