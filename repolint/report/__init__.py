"""Reporters: turn a `RunResult` into text for people (`full`, `concise`) or tools
(`json`, `json-lines`, `sarif`, `github`, `junit`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from repolint.runner import RunResult

from repolint.settings import OUTPUT_FORMATS

__all__ = ["MACHINE_FORMATS", "OUTPUT_FORMATS", "render_machine"]

MACHINE_FORMATS = ("json-lines", "sarif", "github", "junit")
"""Formats rendered by `render_machine`: exact output for tools, no summary line."""


def render_machine(
    output_format: str, result: RunResult, *, statistics: bool = False, with_fix: bool = False
) -> str:
    """Render `result` in one of `MACHINE_FORMATS` (empty text when there is nothing);
    `with_fix`: json-lines objects all have a `fix` key (a fix option was given)."""
    if output_format == "json-lines":
        from repolint.report.jsonlines import render_json_lines, render_json_lines_statistics

        if statistics:
            return render_json_lines_statistics(result.findings)
        return render_json_lines(result.findings, with_fix=with_fix)
    if output_format == "sarif":
        from repolint.report.sarif import render_sarif

        return render_sarif(result.findings, result.sources, result.errors)
    if output_format == "github":
        from repolint.report.github import render_github

        return render_github(result.findings)
    if output_format == "junit":
        from repolint.report.junit import render_junit

        return render_junit(result.findings, result.errors)
    raise ValueError(f"unknown output format {output_format!r}")
