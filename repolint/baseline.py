"""Baseline: record today's findings, report only new ones.

A finding's fingerprint never uses its line number: it hashes the code, the
path as printed (POSIX separators), the qualified name of the enclosing
function or class (`PersonRepository.update`) and the reported line's text
with whitespace collapsed, plus an occurrence index that tells identical
findings apart. Editing a file above a finding therefore keeps it hidden;
editing the reported line itself makes it new again.

The file is JSON: `{"version": 1, "tool": "repolint", "findings": [{"fingerprint",
"code", "path", "scope", "text"}, ...]}`; only the fingerprint is matched, the
rest is there for people reading a diff of it.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import tempfile
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath

from repolint.config import PARSE_ERROR_CODE, ConfigError
from repolint.findings import Finding
from repolint.semantics.source import parse_text

BASELINE_VERSION = 1
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


@dataclass(frozen=True)
class Entry:
    """One recorded finding."""

    fingerprint: str
    code: str
    path: str
    scope: str
    text: str


@dataclass(frozen=True)
class Applied:
    """The findings a baseline leaves, and what it matched."""

    findings: list[Finding]
    hidden: int
    stale: int
    """Entries for the files checked that matched no finding any more."""


def _scope_table(text: str) -> list[tuple[int, int, str]]:
    """(first line, last line, qualified name) of every def and class, outer first."""
    try:
        tree = parse_text(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    table: list[tuple[int, int, str]] = []

    def walk(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, _SCOPES):
                name = f"{prefix}{child.name}"
                first = min([child.lineno, *(d.lineno for d in child.decorator_list)])
                table.append((first, child.end_lineno or child.lineno, name))
                walk(child, f"{name}.")
            else:
                walk(child, prefix)

    try:
        walk(tree, "")
    except RecursionError:  # generated code nested deeper than the recursion limit
        return []
    return table


def scope_of(table: Sequence[tuple[int, int, str]], line: int) -> str:
    """The innermost def or class around `line` (empty at module level)."""
    found = ""
    for first, last, name in table:
        if first <= line <= last and len(name) >= len(found):
            found = name
    return found


def normalized_line(text: str | None, line: int) -> str:
    """The reported line with runs of whitespace collapsed to one space."""
    if text is None:
        return ""
    lines = text.splitlines()
    return " ".join(lines[line - 1].split()) if 1 <= line <= len(lines) else ""


def entries(findings: Iterable[Finding], sources: Mapping[str, str]) -> list[Entry]:
    """The baseline entry of each finding, in the order given."""
    tables: dict[str, list[tuple[int, int, str]]] = {}
    seen: Counter[tuple[str, str, str, str]] = Counter()
    result: list[Entry] = []
    for finding in findings:
        source = sources.get(finding.path)
        if finding.path not in tables:
            tables[finding.path] = _scope_table(source) if source is not None else []
        path = PurePath(finding.path).as_posix()
        scope = scope_of(tables[finding.path], finding.line)
        text = normalized_line(source, finding.line)
        key = (finding.code, path, scope, text)
        occurrence = seen[key]
        seen[key] += 1
        digest = hashlib.sha256("\0".join([*key, str(occurrence)]).encode("utf-8", "surrogatepass"))
        result.append(Entry(digest.hexdigest()[:24], finding.code, path, scope, text))
    return result


def write_baseline(path: str, findings: Sequence[Finding], sources: Mapping[str, str]) -> int:
    """Write the baseline of `findings` to `path` atomically; return the entry count."""
    recorded = [
        entry
        for entry in entries(findings, sources)
        if entry.code != PARSE_ERROR_CODE  # a file that does not parse is never accepted
    ]
    document = {
        "version": BASELINE_VERSION,
        "tool": "repolint",
        "findings": [entry.__dict__ for entry in recorded],
    }
    target = Path(os.path.abspath(path))
    try:
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=target.parent, prefix=f".{target.name}.", delete=False
        ) as handle:
            json.dump(document, handle, indent=2)
            handle.write("\n")
        os.replace(handle.name, target)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot write the baseline: {exc.strerror or exc}") from exc
    return len(recorded)


def load_baseline(path: str) -> list[Entry]:
    """Read a baseline file; a missing or malformed one is a configuration error."""
    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: baseline file not found") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the baseline: {exc.strerror or exc}") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not a repolint baseline (invalid JSON: {exc})") from exc
    if not isinstance(document, dict) or not isinstance(document.get("findings"), list):
        raise ConfigError(f"{path}: not a repolint baseline (no findings list)")
    if document.get("version") != BASELINE_VERSION:
        raise ConfigError(
            f"{path}: baseline version {document.get('version')!r} is not supported "
            f"(expected {BASELINE_VERSION}); write it again with --write-baseline"
        )
    loaded = []
    for item in document["findings"]:
        if not isinstance(item, dict) or not isinstance(item.get("fingerprint"), str):
            raise ConfigError(f"{path}: not a repolint baseline (an entry has no fingerprint)")
        loaded.append(
            Entry(
                item["fingerprint"],
                str(item.get("code", "")),
                str(item.get("path", "")),
                str(item.get("scope", "")),
                str(item.get("text", "")),
            )
        )
    return loaded


def apply_baseline(
    findings: Sequence[Finding],
    sources: Mapping[str, str],
    baseline: Sequence[Entry],
    *,
    checked: Iterable[str] | None = None,
) -> Applied:
    """Hide the findings the baseline records.

    `checked` are the paths given to the run: a baseline entry counts as stale
    only when its file lies under one of them (checking one file does not make
    the rest of the baseline stale); `None` counts every unmatched entry.
    """
    recorded = {entry.fingerprint for entry in baseline}
    kept: list[Finding] = []
    matched: set[str] = set()
    for finding, entry in zip(findings, entries(findings, sources), strict=True):
        if entry.fingerprint in recorded and finding.code != PARSE_ERROR_CODE:
            matched.add(entry.fingerprint)
        else:
            kept.append(finding)
    roots = None if checked is None else [os.path.abspath(p) for p in checked]
    stale = sum(
        1 for entry in baseline if entry.fingerprint not in matched and _under(entry.path, roots)
    )
    return Applied(kept, len(findings) - len(kept), stale)


def _under(path: str, roots: Sequence[str] | None) -> bool:
    """Whether `path` (relative to the current folder, or absolute) is under a root."""
    if roots is None:
        return True
    absolute = os.path.abspath(path)
    return any(
        absolute == root or absolute.startswith(root.rstrip(os.sep) + os.sep) for root in roots
    )
