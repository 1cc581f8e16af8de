"""Discovery: command-line paths -> the sorted Python files to check.

Follows ruff: directories are walked for `.py`/`.pyi` files, skipping hidden
directories, names and globs in `exclude`/`extend-exclude`, and what
`.gitignore` ignores (asked of `git check-ignore` when git is there). A path
given explicitly is always checked, unless `force_exclude` is set. Problems
with a path become `FileError`s and the walk goes on.
"""

from __future__ import annotations

import errno
import functools
import os
import re
import subprocess
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from repolint.findings import FileError
from repolint.settings import Settings

PYTHON_SUFFIXES = (".py", ".pyi")


@dataclass
class Discovery:
    """The files found (absolute, symlinks kept), how to print them, and errors."""

    files: list[Path] = field(default_factory=list)
    display: dict[Path, str] = field(default_factory=dict)
    errors: list[FileError] = field(default_factory=list)


@functools.lru_cache(maxsize=512)
def _glob_regex(pattern: str) -> re.Pattern[str]:
    """Translate a glob (`*`, `?`, `[...]`, `**`) to a regex on `/`-separated paths."""
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "[" and "]" in pattern[i + 2 :]:
            end = pattern.index("]", i + 2)
            body = pattern[i + 1 : end]
            if body.startswith("!"):
                body = "^" + body[1:]
            out.append("[" + body.replace("\\", "\\\\") + "]")
            i = end + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + r"\Z")


def glob_match(path: str, pattern: str, root: str) -> bool:
    """Whether absolute `path` matches `pattern`, as ruff matches exclude globs:
    a pattern without `/` matches the name; one with `/` is anchored at `root`
    (the project root); `**` crosses directories."""
    pattern = pattern.strip().removeprefix("./").rstrip("/")
    if not pattern:
        return False
    if "/" not in pattern:
        return bool(_glob_regex(pattern).match(os.path.basename(path)))
    if os.path.isabs(pattern):
        return bool(_glob_regex(os.path.normpath(pattern)).match(path))
    rel = os.path.relpath(path, root)
    if rel.startswith(".."):
        return False
    return bool(_glob_regex(pattern.lstrip("/")).match(Path(rel).as_posix()))


def matches_path_or_parent(path: str, pattern: str, root: str) -> bool:
    """Whether `path` or one of its parents (up to `root`) matches `pattern`."""
    current = path
    while True:
        if glob_match(current, pattern, root):
            return True
        parent = os.path.dirname(current)
        if parent == current or current == root:
            return False
        current = parent


def is_excluded(path: str, settings: Settings, *, parents: bool = False) -> bool:
    """Whether `exclude`/`extend-exclude` exclude `path` (or a parent of it)."""
    match = matches_path_or_parent if parents else glob_match
    root = os.path.abspath(settings.project_root)
    return any(match(path, p, root) for p in (*settings.exclude, *settings.extend_exclude))


def display_path(path: str, given: str, cwd: str) -> str:
    """Relative to the current directory when under it, else as given."""
    if path == cwd or path.startswith(cwd.rstrip(os.sep) + os.sep):
        return os.path.relpath(path, cwd)
    return os.path.normpath(given)


class _GitIgnore:
    """Asks `git check-ignore` which paths a work tree ignores; off without git."""

    def __init__(self) -> None:
        self._toplevels: dict[str, str | None] = {}

    def toplevel(self, folder: str) -> str | None:
        if folder not in self._toplevels:
            self._toplevels[folder] = self._git(folder, ["rev-parse", "--show-toplevel"])
        return self._toplevels[folder]

    @staticmethod
    def _git(folder: str, args: list[str], stdin: str | None = None) -> str | None:
        try:
            done = subprocess.run(
                ["git", "-C", folder, *args],
                input=stdin.encode() if stdin is not None else None,
                capture_output=True,
                check=False,
                timeout=60,
            )
        except (OSError, subprocess.SubprocessError):
            return None
        if done.returncode not in (0, 1):
            return None
        return done.stdout.decode("utf-8", "surrogateescape").strip()

    def ignored(self, toplevel: str, paths: Sequence[str]) -> set[str]:
        """The subset of `paths` (absolute, inside `toplevel`) that git ignores."""
        if not paths:
            return set()
        real_top = os.path.realpath(toplevel)
        rel = {}
        for path in paths:
            relative = os.path.relpath(os.path.realpath(os.path.dirname(path)), real_top)
            if relative.startswith(".."):
                continue
            rel[Path(relative, os.path.basename(path)).as_posix()] = path
        out = self._git(toplevel, ["check-ignore", "--stdin", "-z"], "\0".join(rel))
        if not out:
            return set()
        return {rel[item] for item in out.split("\0") if item in rel}


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
    git = _GitIgnore() if respect_gitignore else None
    seen: set[str] = set()
    # (absolute dir, display, ids of the directories above it, git toplevel)
    frontier: list[tuple[str, str, frozenset[tuple[int, int]], str | None]] = []

    def add_file(path: str, shown: str) -> None:
        real = os.path.realpath(path)
        if real not in seen:
            seen.add(real)
            result.files.append(Path(path))
            result.display[Path(path)] = shown

    for given in paths:
        path = os.path.normpath(os.path.join(cwd, given))
        shown = display_path(path, given, cwd)
        if force_exclude and is_excluded(path, settings, parents=True):
            continue
        try:
            info = os.stat(path)
        except OSError as exc:
            result.errors.append(FileError(shown, _describe(exc, path)))
            continue
        if os.path.isdir(path):
            top = git.toplevel(path) if git else None
            frontier.append((path, shown, frozenset({(info.st_dev, info.st_ino)}), top))
        else:
            add_file(path, shown)

    while frontier:
        frontier = _walk_level(frontier, settings, git, add_file, result.errors)

    result.files.sort(key=lambda p: result.display[p])
    return result


def _walk_level(
    frontier: Iterable[tuple[str, str, frozenset[tuple[int, int]], str | None]],
    settings: Settings,
    git: _GitIgnore | None,
    add_file: Callable[[str, str], None],
    errors: list[FileError],
) -> list[tuple[str, str, frozenset[tuple[int, int]], str | None]]:
    """Scan one level of directories; return the next level."""
    dirs: list[tuple[str, str, frozenset[tuple[int, int]], str | None]] = []
    files: list[tuple[str, str, str | None]] = []
    for folder, shown, above, top in frontier:
        try:
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=lambda e: e.name)
        except OSError as exc:
            errors.append(FileError(shown, _describe(exc, folder)))
            continue
        for entry in entries:
            child_shown = entry.name if shown == "." else os.path.join(shown, entry.name)
            if _is_dir(entry):
                if entry.name.startswith(".") or is_excluded(entry.path, settings):
                    continue
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
                dirs.append((entry.path, child_shown, above | {key}, top))
            elif entry.name.endswith(PYTHON_SUFFIXES) and not is_excluded(entry.path, settings):
                try:
                    if entry.is_file():
                        files.append((entry.path, child_shown, top))
                    elif entry.is_symlink():
                        os.stat(entry.path)
                except OSError as exc:
                    errors.append(FileError(child_shown, _describe(exc, entry.path)))
    if git is not None:
        ignored = _ignored(git, [(d[0], d[3]) for d in dirs] + [(f[0], f[2]) for f in files])
        dirs = [d for d in dirs if d[0] not in ignored]
        files = [f for f in files if f[0] not in ignored]
    for path, shown, _ in files:
        add_file(path, shown)
    return dirs


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _ignored(git: _GitIgnore, items: list[tuple[str, str | None]]) -> set[str]:
    by_top: dict[str, list[str]] = {}
    for path, top in items:
        if top:
            by_top.setdefault(top, []).append(path)
    ignored: set[str] = set()
    for top, paths in by_top.items():
        ignored |= git.ignored(top, paths)
    return ignored


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
