"""Runner: discover, analyse, suppress, sort. No printing."""

from __future__ import annotations

import io
import os
import tokenize
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from repolint.config import PARSE_ERROR_CODE, enabled_codes
from repolint.discovery import Discovery, discover, is_excluded
from repolint.findings import FileError, Finding
from repolint.semantics.source import MAX_FILE_BYTES
from repolint.settings import Settings
from repolint.suppression import filter_findings

if TYPE_CHECKING:
    from repolint.cache import ResultCache
    from repolint.engine import Progress, Project

AUTO_PARALLEL_FILES = 48
"""With `jobs=None`, fewer files than this are checked in one process (forking costs more)."""


@dataclass
class RunResult:
    """What a run found: findings sorted by path/line/column/code, files that
    could not be read, how many files were checked, and the text of the files
    with findings (for reporters that show the source line)."""

    findings: list[Finding]
    errors: list[FileError]
    files_checked: int
    sources: dict[str, str] = field(default_factory=dict)
    project: Project | None = None
    """The parsed, indexed project, for commands that read more than findings (audit)."""
    files: dict[str, Path] = field(default_factory=dict)
    """The path of each file checked, by the path findings show (for `--fix`)."""


def read_source(path: Path) -> str | None:
    """The text of a Python file, decoded as Python does (PEP 263), or None (also for
    a file too large to analyse)."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return None
        return decode_source(path.read_bytes())
    except OSError:
        return None


def decode_source(data: bytes) -> str | None:
    """Source bytes decoded as Python (and `tokenize.open`) decode a file: a BOM or a
    PEP 263 coding line, else UTF-8; universal newlines. None when undecodable."""
    try:
        buffer = io.BytesIO(data)
        encoding, _ = tokenize.detect_encoding(buffer.readline)
        buffer.seek(0)
        return io.TextIOWrapper(buffer, encoding, line_buffering=True).read()
    except (SyntaxError, UnicodeDecodeError, LookupError):
        return None


def default_src(paths: Sequence[str], settings: Settings) -> tuple[str, ...]:
    """Import roots when none are configured: each folder given (a file's
    folder), the project root, and a `src/` folder under each, as ruff does."""
    roots: list[str] = []
    folders = [os.path.abspath(p) for p in paths]
    folders = [p if os.path.isdir(p) else os.path.dirname(p) for p in folders]
    for folder in [*folders, os.path.abspath(settings.project_root)]:
        for root in (folder, os.path.join(folder, "src")):
            if os.path.isdir(root) and root not in roots:
                roots.append(root)
    return tuple(roots)


PROJECT_MARKERS = ("pyproject.toml", "setup.cfg", "setup.py", ".git")
MAX_CONTEXT_FILES = 20_000


def project_root_of(files: Sequence[Path]) -> Path | None:
    """The nearest folder above the first file with a project marker, if it holds them all;
    without any marker, the current folder when it holds them all (not a file system root
    nor the home folder): the CLI, flake8 and pylint then see the same project."""
    if not files:
        return None
    folder = Path(os.path.abspath(files[0])).parent
    absolute = [os.path.normcase(Path(os.path.abspath(f))) for f in files]
    for candidate in (folder, *folder.parents):
        if any((candidate / marker).exists() for marker in PROJECT_MARKERS):
            return candidate if _holds_all(candidate, absolute) else None
    cwd = Path(os.getcwd())
    if cwd == Path(cwd.anchor) or cwd == Path.home():
        return None
    return cwd if _holds_all(cwd, absolute) else None


def _holds_all(folder: Path, files: Sequence[str]) -> bool:
    """Every one of `files` (absolute, `normcase`d) lies somewhere below `folder`."""
    prefix = os.path.normcase(folder)
    if not prefix.endswith(os.sep):
        prefix += os.sep
    return all(f.startswith(prefix) for f in files)


def project_context(
    files: Sequence[Path], settings: Settings, given: Sequence[str] = ()
) -> list[Path]:
    """The other Python files of the checked files' project, for cross-file facts
    (none when the project's root folder is among the `given` paths: all its files
    are checked already)."""
    root = project_root_of(files)
    if root is None or str(root) in {os.path.abspath(path) for path in given}:
        return []
    found = discover([str(root)], settings, cwd=str(root))
    if len(found.files) > MAX_CONTEXT_FILES:
        return []
    targets = {os.path.abspath(f) for f in files}
    return [f for f in found.files if os.path.abspath(f) not in targets]


def run(
    paths: Sequence[str],
    settings: Settings,
    *,
    stdin_filename: str | None = None,
    stdin_text: str | bytes | None = None,
    force_exclude: bool = False,
    cache: ResultCache | None = None,
    jobs: int | None = 1,
    progress: Progress | None = None,
    edited: Mapping[Path, bytes] | None = None,
) -> RunResult:
    """Check `paths` (or, when `stdin_text` is given, that source as `stdin_filename`;
    bytes are decoded as a file's are, an undecodable source is RPL000).

    `edited` gives the content of some files in place of what is on disk (`--fix`
    analyses its edits before writing them); the cache is not used then.

    `cache` answers a project checked before with the same content and settings
    (standard input is never cached); `jobs` processes analyse it (None: as
    many as there are CPUs, for projects large enough to gain from it).
    """
    enabled = enabled_codes(settings)
    given = [stdin_filename or "-"] if stdin_text is not None else list(paths)
    if not settings.src:
        settings = replace(settings, src=default_src(given, settings))
    overrides: dict[Path, str | bytes] = {}
    if stdin_text is not None:
        shown = stdin_filename or "-"
        stdin_path = Path(os.path.abspath(shown))
        if (
            force_exclude
            and stdin_filename
            and is_excluded(str(stdin_path), settings, parents=True)
        ):
            return RunResult([], [], 0)
        found = Discovery(files=[stdin_path], display={stdin_path: shown})
        overrides[stdin_path] = stdin_text
    else:
        found = discover(paths, settings, force_exclude=force_exclude)
        if edited:
            overrides.update({path: edited[path] for path in found.files if path in edited})
    context = project_context(found.files, settings, () if stdin_text is not None else paths)
    result = analyse_with_cache(
        found,
        settings,
        enabled,
        context=context,
        overrides=overrides,
        cache=cache,
        jobs=jobs,
        progress=progress,
    )

    by_display = {shown: path for path, shown in found.display.items()}
    sources: dict[str, str] = {}

    def source(shown: str) -> str | None:
        if shown not in sources:
            path = by_display.get(shown, Path(shown))
            override = overrides.get(path)
            if override is None:
                text = read_source(path)
            else:
                text = decode_source(override) if isinstance(override, bytes) else override
            if text is None:
                return None
            sources[shown] = text
        return sources[shown]

    def real_path(shown: str) -> str:
        return os.path.abspath(by_display.get(shown, Path(shown)))

    findings = filter_findings(
        result.findings, enabled=enabled, settings=settings, real_path=real_path, source=source
    )
    findings = [
        _to_end_of_line(f, source(f.path)) if f.code == PARSE_ERROR_CODE else f for f in findings
    ]  # reporters show the line of an unparsable file too
    findings.sort(key=Finding.sort_key)
    errors = sorted([*found.errors, *result.errors], key=lambda e: e.path)
    project = getattr(result, "project", None)  # engines stand-ins (tests) may have none
    files = {shown: path for path, shown in found.display.items()}
    return RunResult(findings, errors, len(found.files), sources, project, files)


def _to_end_of_line(finding: Finding, text: str | None) -> Finding:
    """An RPL000 finding without an end, spanning from its column to the end of its line."""
    if finding.end_line or text is None:
        return finding
    lines = text.splitlines()
    if not 1 <= finding.line <= len(lines):
        return finding
    end = max(len(lines[finding.line - 1].rstrip()) + 1, finding.column + 1)
    return replace(finding, end_line=finding.line, end_column=end)


class _Analysis(Protocol):
    """What the runner reads of an engine result (`engine.EngineResult`)."""

    findings: list[Finding]
    errors: list[FileError]


@dataclass
class _Reused:
    """An engine result read back from the cache."""

    findings: list[Finding]
    errors: list[FileError]
    project: Project | None = None


def analyse_with_cache(
    found: Discovery,
    settings: Settings,
    enabled: frozenset[str],
    *,
    context: Sequence[Path] = (),
    overrides: dict[Path, str | bytes] | None = None,
    cache: ResultCache | None = None,
    jobs: int | None = 1,
    progress: Progress | None = None,
) -> _Analysis:
    """The engine's result for `found`, from `cache` when the project is unchanged.

    On a miss the key is locked while the project is analysed, so that processes
    started together (flake8 workers) analyse it once and the others read it.
    """
    key = None
    if cache is not None and not overrides:
        key = cache.key(found.files, settings, enabled, display=found.display, context=context)
    if cache is None or key is None:
        return _run_engine(found, settings, enabled, context, overrides, jobs, progress)
    hit = cache.load(key)
    if hit is not None:
        return _Reused(*hit)
    with cache.lock(key):
        hit = cache.load(key)  # another process may have written it meanwhile
        if hit is not None:
            return _Reused(*hit)
        result = _run_engine(found, settings, enabled, context, overrides, jobs, progress)
        # files edited while they were analysed would file new findings under the old key
        again = cache.key(found.files, settings, enabled, display=found.display, context=context)
        if again == key:
            cache.store(key, result.findings, result.errors)
    return result


def _run_engine(
    found: Discovery,
    settings: Settings,
    enabled: frozenset[str],
    context: Sequence[Path],
    overrides: dict[Path, str | bytes] | None,
    jobs: int | None,
    progress: Progress | None,
) -> _Analysis:
    from repolint import engine  # the engine is heavy: load it only when analysing

    if jobs is None:
        jobs = auto_jobs(len(found.files) + len(context))
    result: _Analysis = engine.analyse(
        found.files,
        settings,
        enabled,
        display=found.display,
        overrides=overrides or None,
        context=context,
        jobs=jobs,
        progress=progress,
    )
    return result


def auto_jobs(files: int) -> int:
    """The processes worth starting for `files` files: one per CPU, or one for few files."""
    from repolint.parallel import available_cpus

    return available_cpus() if files >= AUTO_PARALLEL_FILES else 1
