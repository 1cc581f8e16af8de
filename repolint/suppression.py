"""Suppression: `# noqa`, `# repolint: disable=...`, per-file-ignores, selection.

Comments are read with `tokenize`, so a `# noqa` inside a string literal does
not count. As in flake8, a code in a noqa list also matches as a prefix
(`# noqa: RPL3` covers RPL301). RPL000 (cannot parse) is never suppressed.
"""

from __future__ import annotations

import io
import os
import re
import tokenize
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from repolint.config import PARSE_ERROR_CODE
from repolint.findings import Finding
from repolint.pathmatch import project_patterns
from repolint.settings import Settings

_CODES = r"[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*"
_NOQA = re.compile(rf"#\s*noqa\b(?:\s*:\s*(?P<codes>{_CODES}))?", re.IGNORECASE)
_DISABLE = re.compile(rf"#\s*repolint\s*:\s*disable\b(?:\s*=\s*(?P<codes>{_CODES}))?", re.I)
_MAY_SUPPRESS = re.compile(r"noqa|repolint", re.IGNORECASE)
"""Both comment forms contain one of these words: a text without them needs no tokenizing."""

ALL_CODES = None
"""Marks a line whose comment suppresses every code (bare `# noqa`)."""


@dataclass(frozen=True)
class Suppressions:
    """Per line: the codes its comment suppresses (`None`: all of them)."""

    lines: Mapping[int, frozenset[str] | None]

    def suppresses(self, finding: Finding) -> bool:
        """Whether a comment on the finding's line silences it."""
        if finding.code == PARSE_ERROR_CODE or finding.line not in self.lines:
            return False
        codes = self.lines[finding.line]
        return codes is ALL_CODES or any(finding.code.startswith(code) for code in codes)


def parse_comment(comment: str) -> tuple[bool, frozenset[str] | None]:
    """`(found, codes)` for one comment; `codes` is None for a bare suppression."""
    found = False
    codes: set[str] = set()
    for pattern in (_NOQA, _DISABLE):
        for match in pattern.finditer(comment):
            found = True
            if match.group("codes") is None:
                return True, ALL_CODES
            codes.update(re.split(r"[\s,]+", match.group("codes").upper().strip()))
    return found, frozenset(codes)


def parse_suppressions(text: str) -> Suppressions:
    """Read the suppression comments of a module's source (tolerates bad syntax:
    the comments before the point where tokenizing fails still count)."""
    if not _MAY_SUPPRESS.search(text):  # tokenizing is slow; most files have no such comment
        return Suppressions({})
    return scan_comments(text)


def scan_comments(
    text: str, parts: Callable[[str], Iterable[str]] = lambda comment: (comment,)
) -> Suppressions:
    """Suppressions from the `parts` of each comment token (by default the whole comment)."""
    lines: dict[int, frozenset[str] | None] = {}
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type != tokenize.COMMENT:
                continue
            for part in parts(token.string):
                found, codes = parse_comment(part)
                if not found:
                    continue
                line = token.start[0]
                previous = lines.get(line, frozenset())
                lines[line] = ALL_CODES if codes is None or previous is None else previous | codes
    except (tokenize.TokenError, SyntaxError):
        pass
    return Suppressions(lines)


def per_file_ignored(path: str, code: str, settings: Settings) -> bool:
    """Whether `per-file-ignores` turn `code` off for the file at absolute `path`
    (a glob matches the file or a folder above it, as an exclude does)."""
    if code == PARSE_ERROR_CODE:
        return False
    root = os.path.abspath(settings.project_root)
    for pattern, codes in settings.per_file_ignores:
        if any(code.startswith(c) or c == "ALL" for c in codes) and project_patterns(
            (pattern,), root
        ).matches(path):
            return True
    return False


def filter_findings(
    findings: Iterable[Finding],
    *,
    enabled: frozenset[str],
    settings: Settings,
    real_path: Callable[[str], str],
    source: Callable[[str], str | None],
) -> list[Finding]:
    """Keep the findings that selection, per-file-ignores and comments allow.

    `real_path` maps a finding's printed path to the absolute path of its file;
    `source` gives the file's text (None when it cannot be read).
    """
    parsed: dict[str, Suppressions] = {}
    lines: dict[str, list[str]] = {}
    kept = []
    for finding in findings:
        if finding.code != PARSE_ERROR_CODE and finding.code not in enabled:
            continue
        if per_file_ignored(real_path(finding.path), finding.code, settings):
            continue
        if finding.code == PARSE_ERROR_CODE:  # never silenced: no need to read the file
            kept.append(finding)
            continue
        if finding.path not in lines:
            text = source(finding.path)
            lines[finding.path] = [] if text is None else text.split("\n")  # as ast counts
        line = lines[finding.path][finding.line - 1 : finding.line]
        if not line or not _MAY_SUPPRESS.search(line[0]):
            kept.append(finding)  # no such comment on its line: tokenizing cannot change that
            continue
        if finding.path not in parsed:
            parsed[finding.path] = parse_suppressions(source(finding.path) or "")
        if not parsed[finding.path].suppresses(finding):
            kept.append(finding)
    return kept
