"""Adapters for tools that hand repolint one file at a time (flake8, pylint).

Findings are project-aware, so the first file asked about analyses its whole
project once (the nearest folder above it with a `pyproject.toml`,
`setup.cfg`, `setup.py` or `.git`, as `repolint check` does) and keeps every
file's findings for the rest of the process. flake8 and pylint run their
workers as separate processes: the first to start analyses the project and
stores it in the content-hash cache (`repolint.cache`) while the others wait
for it and read it; a later run on an unchanged project only reads it.

A file whose text differs from the disk (an editor's buffer on standard input)
is analysed on its own, against the rest of the project as context.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from repolint.cache import CACHE_DIR_NAME, ResultCache, cache_disabled_by_environment
from repolint.config import PARSE_ERROR_CODE, ConfigError, enabled_codes, load_settings
from repolint.discovery import Discovery, discover
from repolint.findings import Finding, Severity
from repolint.runner import (
    MAX_CONTEXT_FILES,
    analyse_with_cache,
    default_src,
    project_root_of,
    read_source,
)
from repolint.settings import Settings
from repolint.suppression import Suppressions, filter_findings, per_file_ignored, scan_comments

_REPOLINT_COMMENT = re.compile(r"#\s*repolint\s*:", re.IGNORECASE)


@dataclass
class Project:
    """One analysed project: its settings, files and every file's findings.

    Findings are keyed by absolute path, selected by `[tool.repolint]` but not
    yet suppressed (each adapter decides who honours `# noqa`).
    """

    root: Path
    settings: Settings
    enabled: frozenset[str]
    files: tuple[Path, ...]
    findings: dict[str, list[Finding]]
    paths: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        self.paths = frozenset(os.path.abspath(f) for f in self.files)


ProjectLoader = Callable[[Path, Settings], Project]
"""Builds a `Project`: `cached_analyse_project` (the default) or `analyse_project`."""


def analyse_project(root: Path, settings: Settings, cache: ResultCache | None = None) -> Project:
    """Discover and analyse every Python file under `root` as one project.

    With a `cache`, an unchanged project is read back instead, and processes that
    start together (flake8's workers) analyse it once between them.
    """
    if not settings.src:
        settings = replace(settings, src=default_src([str(root)], settings))
    enabled = enabled_codes(settings)
    files = discover([str(root)], settings, cwd=str(root)).files
    if len(files) > MAX_CONTEXT_FILES:
        files = []
    display = {path: os.path.abspath(path) for path in files}
    found = Discovery(files=files, display=display)
    result = analyse_with_cache(found, settings, enabled, cache=cache, jobs=None)
    by_path: dict[str, list[Finding]] = {}
    for finding in result.findings:
        by_path.setdefault(finding.path, []).append(finding)
    return Project(root, settings, enabled, tuple(files), by_path)


def cached_analyse_project(root: Path, settings: Settings) -> Project:
    """`analyse_project` through the content-hash cache in `root/.repolint_cache`
    (`REPOLINT_CACHE_DIR` names another folder, `REPOLINT_NO_CACHE=1` turns it off)."""
    if cache_disabled_by_environment():
        return analyse_project(root, settings)
    folder = os.environ.get("REPOLINT_CACHE_DIR") or root / CACHE_DIR_NAME
    return analyse_project(root, settings, ResultCache(Path(folder)))


_projects: dict[tuple[str, str], Project] = {}
_buffers: dict[str, tuple[str, list[Finding]]] = {}
loader: ProjectLoader = cached_analyse_project


@functools.lru_cache(maxsize=256)
def _settings_for(folder: str) -> tuple[Settings, str]:
    settings, config = load_settings([folder])
    return settings, str(config or "")


def project_of(path: str) -> Project:
    """The analysed project `path` belongs to (analysed on first use)."""
    absolute = Path(os.path.abspath(path))
    settings, config = _settings_for(str(absolute.parent))
    root = project_root_of([absolute]) or absolute.parent
    key = (str(root), config)
    if key not in _projects:
        _projects[key] = loader(root, settings)
    return _projects[key]


def raw_findings(path: str, text: str | None = None) -> tuple[Project, list[Finding]]:
    """The findings of the file at `path`, before suppression.

    `text` is the source the calling tool read; when it differs from the file
    on disk (or the file is not part of the analysed project) the file is
    analysed alone with the project as context.
    """
    from repolint import engine

    absolute = os.path.abspath(path)
    project = project_of(absolute)
    if absolute in project.paths and (text is None or text == read_source(Path(absolute))):
        return project, project.findings.get(absolute, [])
    if text is None:
        text = read_source(Path(absolute)) or ""
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    cached = _buffers.get(absolute)
    if cached is not None and cached[0] == digest:
        return project, cached[1]
    target = Path(absolute)
    result = engine.analyse(
        [target],
        project.settings,
        project.enabled,
        display={target: absolute},
        overrides={target: text},
        context=[f for f in project.files if os.path.abspath(f) != absolute],
    )
    _buffers[absolute] = (digest, result.findings)
    return project, result.findings


def findings_for(path: str, text: str | None = None, *, honour_noqa: bool = True) -> list[Finding]:
    """The findings `repolint check` reports for the file at `path`, sorted.

    With `honour_noqa=False` only `# repolint: disable=...` comments suppress,
    for tools that apply `# noqa` themselves (flake8). A configuration error
    becomes one RPL000 finding on the file's first line, so the run fails
    with the reason instead of a traceback.
    """
    absolute = os.path.abspath(path)
    try:
        project, found = raw_findings(path, text)
    except ConfigError as exc:
        message = f"cannot run repolint: {exc}"
        return [Finding(absolute, 1, 1, PARSE_ERROR_CODE, message, "cannot-parse", Severity.ERROR)]
    if not found:
        return []  # most files: no need to read their comments
    if text is None:
        text = read_source(Path(absolute))
    if honour_noqa:
        kept = filter_findings(
            found,
            enabled=project.enabled,
            settings=project.settings,
            real_path=lambda shown: shown,
            source=lambda shown: text,
        )
    else:
        comments = repolint_comments(text or "")
        kept = [
            f
            for f in found
            if (f.code == PARSE_ERROR_CODE or f.code in project.enabled)
            and not per_file_ignored(absolute, f.code, project.settings)
            and not comments.suppresses(f)
        ]
    return sorted(kept, key=Finding.sort_key)


def repolint_comments(text: str) -> Suppressions:
    """The lines silenced by `# repolint: disable=...` comments alone (not `# noqa`)."""
    if not _REPOLINT_COMMENT.search(text):
        return Suppressions({})
    return scan_comments(text, _directives)


def _directives(comment: str) -> Sequence[str]:
    """The `# repolint: ...` parts of a comment that may hold several directives."""
    parts = ["#" + part for part in comment.split("#")[1:]]
    return [part for part in parts if _REPOLINT_COMMENT.match(part)]


def reset() -> None:
    """Forget every analysed project (tests, long-lived processes)."""
    _projects.clear()
    _buffers.clear()
    _settings_for.cache_clear()
