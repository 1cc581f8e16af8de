"""Baseline: record today's findings, report only new ones.

A finding's fingerprint never uses its line number: it hashes the code, the
file's path relative to the baseline file's folder (POSIX separators), the
qualified name of the enclosing function or class (`PersonRepository.update`)
and the reported line's text with whitespace collapsed, plus an occurrence
index that tells identical findings apart. Editing a file above a finding
therefore keeps it hidden; editing the reported line itself makes it new
again; and the baseline matches from any folder, whatever the paths look like
as printed. `RPL000` (a file that cannot be parsed) is recorded like any other.

The file is JSON: `{"version": 2, "tool": "repolint", "findings": [{"fingerprint",
"code", "path", "scope", "text"}, ...]}`; only the fingerprint is matched, the
rest is there for people reading a diff of it. Version 1 files (paths as
printed, relative to the folder repolint ran in) are still read, and matched
with the paths as printed; writing the baseline again upgrades it.
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

from repolint.config import ConfigError
from repolint.findings import Finding
from repolint.semantics.source import parse_text

BASELINE_VERSION = 2
"""2: paths relative to the baseline's folder, RPL000 recorded; 1: paths as printed."""
READ_VERSIONS = (1, 2)
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
class Baseline:
    """A baseline file as read: its entries and how their paths are keyed."""

    entries: list[Entry]
    folder: str
    """The absolute folder of the file: version 2 paths are relative to it."""
    version: int = BASELINE_VERSION

    @property
    def key_folder(self) -> str | None:
        """The folder paths are relative to; None for version 1 (paths as printed)."""
        return self.folder if self.version >= 2 else None

    def absolute(self, entry: Entry) -> str:
        """The absolute path of an entry's file."""
        base = self.key_folder or os.getcwd()
        return os.path.normpath(os.path.join(base, entry.path))


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


def key_path(path: str, folder: str | None) -> str:
    """A finding's path in the baseline: relative to `folder` (POSIX separators), or as
    printed when `folder` is None (version 1)."""
    if folder is not None:
        try:
            path = os.path.relpath(os.path.abspath(path), folder)
        except ValueError:  # another drive (Windows): keep it absolute
            path = os.path.abspath(path)
    return PurePath(path).as_posix()


def entries(
    findings: Iterable[Finding], sources: Mapping[str, str], folder: str | None = None
) -> list[Entry]:
    """The baseline entry of each finding, in the order given; paths relative to
    `folder` (None: as printed)."""
    tables: dict[str, list[tuple[int, int, str]]] = {}
    seen: Counter[tuple[str, str, str, str]] = Counter()
    result: list[Entry] = []
    for finding in findings:
        source = sources.get(finding.path)
        if finding.path not in tables:
            tables[finding.path] = _scope_table(source) if source is not None else []
        path = key_path(finding.path, folder)
        scope = scope_of(tables[finding.path], finding.line)
        text = normalized_line(source, finding.line)
        key = (finding.code, path, scope, text)
        occurrence = seen[key]
        seen[key] += 1
        digest = hashlib.sha256("\0".join([*key, str(occurrence)]).encode("utf-8", "surrogatepass"))
        result.append(Entry(digest.hexdigest()[:24], finding.code, path, scope, text))
    return result


def write_baseline(
    path: str,
    findings: Sequence[Finding],
    sources: Mapping[str, str],
    *,
    checked: Iterable[str] | None = None,
) -> int:
    """Write the baseline of `findings` to `path` atomically; return the entry count.

    `checked` are the paths given to the run: the entries an existing (version 2)
    baseline holds for files outside them are kept, so that writing from a
    subfolder updates that subfolder only. `None` replaces the whole file.
    """
    target = Path(os.path.abspath(path))
    folder = str(target.parent)
    recorded = entries(findings, sources, folder)
    if checked is not None:
        roots = [os.path.abspath(p) for p in checked]
        old = _previous(path)
        if old is not None:
            kept = [e for e in old.entries if not _under(old.absolute(e), roots)]
            recorded = sorted([*kept, *recorded], key=lambda e: e.path)  # stable
    document = {
        "version": BASELINE_VERSION,
        "tool": "repolint",
        "findings": [entry.__dict__ for entry in recorded],
    }
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


def _previous(path: str) -> Baseline | None:
    """The version 2 baseline at `path` to update, if there is a readable one."""
    if not os.path.isfile(path):
        return None
    try:
        old = load_baseline(path)
    except ConfigError:
        return None  # unreadable or foreign: replaced
    return old if old.key_folder is not None else None


def load_baseline(path: str) -> Baseline:
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
    version = document.get("version")
    if version not in READ_VERSIONS or isinstance(version, bool):
        raise ConfigError(
            f"{path}: baseline version {version!r} is not supported "
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
    return Baseline(loaded, os.path.dirname(os.path.abspath(path)), version)


def apply_baseline(
    findings: Sequence[Finding],
    sources: Mapping[str, str],
    baseline: Baseline,
    *,
    checked: Iterable[str] | None = None,
) -> Applied:
    """Hide the findings the baseline records.

    `checked` are the paths given to the run: a baseline entry counts as stale
    only when its file lies under one of them (checking one file does not make
    the rest of the baseline stale); `None` counts every unmatched entry.
    """
    recorded = {entry.fingerprint for entry in baseline.entries}
    kept: list[Finding] = []
    matched: set[str] = set()
    keyed = entries(findings, sources, baseline.key_folder)
    for finding, entry in zip(findings, keyed, strict=True):
        if entry.fingerprint in recorded:
            matched.add(entry.fingerprint)
        else:
            kept.append(finding)
    roots = None if checked is None else [os.path.abspath(p) for p in checked]
    stale = sum(
        1
        for entry in baseline.entries
        if entry.fingerprint not in matched and _under(baseline.absolute(entry), roots)
    )
    return Applied(kept, len(findings) - len(kept), stale)


def _under(path: str, roots: Sequence[str] | None) -> bool:
    """Whether `path` (absolute, or relative to the current folder) is under a root."""
    if roots is None:
        return True
    absolute = os.path.abspath(path)
    return any(
        absolute == root or absolute.startswith(root.rstrip(os.sep) + os.sep) for root in roots
    )
