"""Discovery: command-line paths -> the sorted Python files to check.

Follows ruff: directories are walked for `.py`/`.pyi` files, skipping hidden
directories, names and globs in `exclude`/`extend-exclude` (the default `build`
and `dist` only when they are build outputs, not packages), and what the ignore
files of a git work tree ignore; all through one matcher (`repolint.pathmatch`).
A path given explicitly is always checked, unless `force_exclude` is set.
Problems with a path become `FileError`s and the walk goes on.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import subprocess
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from repolint.findings import FileError
from repolint.pathmatch import Patterns, project_patterns, relative
from repolint.settings import DEFAULT_EXCLUDE, Settings

PYTHON_SUFFIXES = (".py", ".pyi")


@dataclass
class Discovery:
    """The files found (absolute, symlinks kept), how to print them, and errors."""

    files: list[Path] = field(default_factory=list)
    display: dict[Path, str] = field(default_factory=dict)
    errors: list[FileError] = field(default_factory=list)


BUILD_OUTPUTS = frozenset({"build", "dist"})
"""Default excludes that skip build outputs only: such a folder is checked when it is
a package (it has an `__init__.py`), or holds modules and sits in a package."""


class Excludes:
    """`exclude` and `extend-exclude`, matched by the one matcher (`repolint.pathmatch`)."""

    def __init__(self, settings: Settings) -> None:
        self.root = os.path.abspath(settings.project_root)
        exclude = settings.exclude
        self.outputs: frozenset[str] = frozenset()
        if exclude == DEFAULT_EXCLUDE:
            self.outputs = BUILD_OUTPUTS
            exclude = tuple(p for p in exclude if p not in BUILD_OUTPUTS)
        self.patterns = project_patterns((*exclude, *settings.extend_exclude), self.root)

    def entry(self, path: str, *, is_dir: bool, own: bool = False) -> bool:
        """Whether a file or folder met in a walk is excluded (`own`: by its own
        name, not its parent's, inside a folder named on the command line)."""
        if self.patterns.matches(path, is_dir=is_dir, own=own):
            return True
        return is_dir and os.path.basename(path) in self.outputs and not _is_source(path)

    def path(self, path: str, *, is_dir: bool) -> bool:
        """Whether `path` or a folder above it (up to the project root) is excluded."""
        if self.patterns.matches(path, is_dir=is_dir):
            return True
        folder = path if is_dir else os.path.dirname(path)
        while self.outputs and folder not in (self.root, os.path.dirname(folder)):
            if os.path.basename(folder) in self.outputs and not _is_source(folder):
                return True
            folder = os.path.dirname(folder)
        return False


def _is_package(folder: str) -> bool:
    return any(os.path.isfile(os.path.join(folder, n)) for n in ("__init__.py", "__init__.pyi"))


def _is_source(folder: str) -> bool:
    """Whether a `build`/`dist` folder is source code, not a build output: a package,
    or modules inside a package (a namespace subpackage)."""
    if _is_package(folder):
        return True
    if not _is_package(os.path.dirname(folder)):
        return False
    try:
        with os.scandir(folder) as scan:
            return any(e.name.endswith(PYTHON_SUFFIXES) and e.is_file() for e in scan)
    except OSError:
        return False


def is_excluded(path: str, settings: Settings, *, parents: bool = False) -> bool:
    """Whether `exclude`/`extend-exclude` exclude `path` (or, with `parents`, a folder
    above it, as `--force-exclude` does)."""
    excludes = Excludes(settings)
    is_dir = os.path.isdir(path)
    return excludes.path(path, is_dir=is_dir) if parents else excludes.entry(path, is_dir=is_dir)


def display_path(path: str, given: str, cwd: str) -> str:
    """Relative to the current directory when under it, else as given."""
    if path == cwd or path.startswith(cwd.rstrip(os.sep) + os.sep):
        return os.path.relpath(path, cwd)
    return os.path.normpath(given)


Rules = tuple[tuple[str, Patterns], ...]
"""The ignore files in force in a folder: (their base folder, their patterns), outermost first."""


class _GitIgnore:
    """What git work trees ignore, read as git does (each folder's `.gitignore`, the
    repository's `info/exclude`, the global excludes file) by the one matcher."""

    def __init__(self) -> None:
        self._files: dict[str, Patterns | None] = {}

    def rules(self, folder: str) -> Rules | None:
        """The rules in force inside `folder` (None outside a work tree)."""
        parent = os.path.dirname(folder)
        return self.enter(None if parent == folder else self.rules(parent), folder)

    def enter(self, above: Rules | None, folder: str) -> Rules | None:
        """The rules inside `folder`, given those of its parent."""
        if os.path.lexists(os.path.join(folder, ".git")):
            above = tuple((folder, p) for p in map(self._read, _repository_files(folder)) if p)
        if above is None:
            return None
        own = self._read(os.path.join(folder, ".gitignore"))
        return above if own is None else (*above, (folder, own))

    @staticmethod
    def ignored(rules: Rules, path: str, *, is_dir: bool, own: bool = False) -> bool:
        """Whether `path` is ignored; the deepest ignore file that decides wins."""
        for base, patterns in reversed(rules):
            rel = relative(path, base)
            if not rel:
                continue
            found = patterns.check(rel, is_dir=is_dir, own=own)
            if found is not None:
                return found
        return False

    def _read(self, name: str) -> Patterns | None:
        if name not in self._files:
            try:
                with open(name, encoding="utf-8", errors="surrogateescape") as file:
                    lines = file.read().splitlines()
            except OSError:
                lines = []
            self._files[name] = Patterns(lines) if lines else None
        return self._files[name]


def _repository_files(top: str) -> list[str]:
    """The global excludes file and `info/exclude` of the work tree at `top`."""
    git_dir = os.path.join(top, ".git")
    if os.path.isfile(git_dir):  # a linked work tree or a submodule: "gitdir: <path>"
        with contextlib.suppress(OSError, UnicodeDecodeError):
            text = Path(git_dir).read_text(encoding="utf-8").strip()
            git_dir = os.path.join(top, text.removeprefix("gitdir:").strip())
            with contextlib.suppress(OSError):
                common = Path(git_dir, "commondir").read_text(encoding="utf-8").strip()
                git_dir = os.path.normpath(os.path.join(git_dir, common))
    return [_global_excludes(top), os.path.join(git_dir, "info", "exclude")]


@functools.lru_cache(maxsize=64)
def _global_excludes(top: str) -> str:
    """`core.excludesFile` (asked of git when it is there), else git's default."""
    try:
        done = subprocess.run(
            ["git", "-C", top, "config", "--path", "--get", "core.excludesFile"],
            capture_output=True,
            check=False,
            timeout=60,
        )
        configured = done.stdout.decode("utf-8", "surrogateescape").strip()
    except (OSError, subprocess.SubprocessError):
        configured = ""
    if configured:
        return os.path.join(top, os.path.expanduser(configured))
    config = os.environ.get("XDG_CONFIG_HOME") or os.path.expanduser("~/.config")
    return os.path.join(config, "git", "ignore")


Folder = tuple[str, str, frozenset[tuple[int, int]], Rules | None, bool]
"""A folder to walk: absolute path, display, ids of the folders above it, its ignore
rules, and whether it is (inside) a folder named on the command line that is itself
excluded or ignored (then only what matches by its own name is skipped)."""


def discover(
    paths: Sequence[str],
    settings: Settings,
    *,
    force_exclude: bool = False,
    respect_gitignore: bool = True,
    cwd: str | None = None,
) -> Discovery:
    """Expand `paths` into the files to check (sorted by display path)."""
    cwd = os.path.abspath(cwd or os.getcwd())
    result = Discovery()
    excludes = Excludes(settings)
    git = _GitIgnore() if respect_gitignore else None
    seen: set[str] = set()
    frontier: list[Folder] = []

    def add_file(path: str, shown: str, real: str | None = None) -> None:
        real = real or os.path.realpath(path)
        if real not in seen:
            seen.add(real)
            result.files.append(Path(path))
            result.display[Path(path)] = shown

    for given in paths:
        path = os.path.normpath(os.path.join(cwd, given))
        shown = display_path(path, given, cwd)
        if force_exclude and excludes.path(path, is_dir=os.path.isdir(path)):
            continue
        try:
            info = os.stat(path)
        except OSError as exc:
            result.errors.append(FileError(shown, _describe(exc, path)))
            continue
        if os.path.isdir(path):
            above = git.rules(os.path.dirname(path)) if git else None
            named = excludes.path(path, is_dir=True) or bool(
                above and _GitIgnore.ignored(above, path, is_dir=True)
            )
            rules = git.enter(above, path) if git else None
            frontier.append((path, shown, frozenset({(info.st_dev, info.st_ino)}), rules, named))
        else:
            add_file(path, shown)

    while frontier:
        frontier = _walk_level(frontier, excludes, git, add_file, result.errors)

    result.files.sort(key=lambda p: result.display[p])
    return result


def _walk_level(
    frontier: Iterable[Folder],
    excludes: Excludes,
    git: _GitIgnore | None,
    add_file: Callable[[str, str, str | None], None],
    errors: list[FileError],
) -> list[Folder]:
    """Scan one level of folders; return the next level."""
    dirs: list[Folder] = []
    for folder, shown, above, rules, named in frontier:
        try:
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=lambda e: e.name)
        except OSError as exc:
            errors.append(FileError(shown, _describe(exc, folder)))
            continue
        real_folder: str | None = None  # resolved once: a plain file's real path is in it
        for entry in entries:
            child_shown = entry.name if shown == "." else os.path.join(shown, entry.name)
            is_dir = _is_dir(entry)
            if not is_dir and not entry.name.endswith(PYTHON_SUFFIXES):
                continue
            if (
                (is_dir and entry.name.startswith("."))
                or excludes.entry(entry.path, is_dir=is_dir, own=named)
                or (rules and _GitIgnore.ignored(rules, entry.path, is_dir=is_dir, own=named))
            ):
                continue
            if is_dir:
                try:
                    info = os.stat(entry.path)
                except OSError as exc:
                    errors.append(FileError(child_shown, _describe(exc, entry.path)))
                    continue
                key = (info.st_dev, info.st_ino)
                if key in above:
                    errors.append(
                        FileError(
                            child_shown, "symlink loop (links back to a parent directory); skipped"
                        )
                    )
                    continue
                inner = git.enter(rules, entry.path) if git else None
                dirs.append((entry.path, child_shown, above | {key}, inner, named))
                continue
            try:
                if entry.is_file():
                    real = None
                    if not entry.is_symlink():
                        real_folder = real_folder or os.path.realpath(folder)
                        real = os.path.join(real_folder, entry.name)
                    add_file(entry.path, child_shown, real)
                elif entry.is_symlink():
                    os.stat(entry.path)
            except OSError as exc:
                errors.append(FileError(child_shown, _describe(exc, entry.path)))
    return dirs


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _describe(exc: OSError, path: str) -> str:
    """One line for an OSError, without the path (the caller prints it)."""
    if os.path.islink(path) and not os.path.exists(path):
        if exc.errno == errno.ELOOP:
            return "symlink loop (too many levels of symbolic links)"
        return "broken symbolic link"
    if isinstance(exc, FileNotFoundError):
        return "No such file or directory"
    if isinstance(exc, PermissionError):
        return "Permission denied"
    return exc.strerror or str(exc)
