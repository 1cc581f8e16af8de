"""One matcher for path patterns: `exclude`, `per-file-ignores`, `.gitignore`, and the
`tests`, `migrations` and `repository-modules` settings.

Patterns follow gitignore, through `pathspec`: a pattern without a `/` (a
trailing one aside) matches a file or folder name at any depth; one with a `/`
is anchored at its base folder (the project root for the settings, the
`.gitignore`'s own folder); `*`, `?` and `[...]` stay within a name, `**`
crosses folders; a trailing `/` matches folders only; `!pattern` re-includes;
and a folder that matches covers everything under it.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable
from pathlib import PurePath

from pathspec import GitIgnoreSpec


class Patterns:
    """Gitignore-style patterns, matched against `/`-separated paths relative to their base."""

    def __init__(self, lines: Iterable[str]) -> None:
        self.lines = tuple(lines)
        self._spec = GitIgnoreSpec.from_lines(self.lines)

    def check(self, rel: str, *, is_dir: bool = False, own: bool = False) -> bool | None:
        """True when `rel` matches, False when a `!` pattern re-includes it, None when
        no pattern applies. `own`: leave out what `rel` inherits from its parent folder
        (for the contents of a folder named on the command line)."""
        key = rel + "/" if is_dir else rel
        if not own:
            return self._spec.check_file(key).include
        parent = PurePath(rel).parent.as_posix() + "/"
        result = None
        for spec in self._each:
            found = spec.check_file(key).include
            if found is not None and (parent == "./" or spec.check_file(parent).include is None):
                result = found
        return result

    @functools.cached_property
    def _each(self) -> tuple[GitIgnoreSpec, ...]:
        """One spec per pattern (for `own`: which patterns match the parent too)."""
        return tuple(GitIgnoreSpec.from_lines([line]) for line in self.lines)


class ProjectPatterns:
    """Globs from the settings (`exclude`, a `per-file-ignores` key), as ruff reads them:
    relative to the project root (`./x` anchored there too), absolute paths allowed. A
    path outside the root can only match a name without `/`, a `**/` pattern or an
    absolute pattern."""

    def __init__(self, patterns: Iterable[str], root: str) -> None:
        self.root = os.path.abspath(root)
        inside: list[str] = []
        outside: list[str] = []
        for raw in patterns:
            pattern = raw.strip()
            if os.path.isabs(pattern):
                outside.append(PurePath(os.path.normpath(pattern)).as_posix())
                rel = os.path.relpath(os.path.normpath(pattern), self.root)
                if rel != "." and not rel.startswith(".."):
                    inside.append("/" + PurePath(rel).as_posix())
            elif pattern.startswith("./"):
                if pattern.strip("./"):
                    inside.append("/" + pattern[2:])  # anchored at the root
            elif pattern:
                inside.append("\\" + pattern if pattern.startswith("#") else pattern)
                if "/" not in pattern.rstrip("/") or pattern.startswith("**/"):
                    outside.append(inside[-1])  # unanchored: any depth, any place
        self._inside = Patterns(inside)
        self._outside = Patterns(outside)

    def matches(self, path: str, *, is_dir: bool = False, own: bool = False) -> bool:
        """Whether absolute `path` (or, unless `own`, a folder above it) matches."""
        rel = relative(path, self.root)
        if rel is not None:
            return bool(rel) and self._inside.check(rel, is_dir=is_dir, own=own) is True
        absolute = PurePath(path).as_posix().lstrip("/")
        return self._outside.check(absolute, is_dir=is_dir, own=own) is True


def relative(path: str, base: str) -> str | None:
    """Normalised absolute `path` relative to `base`, `/`-separated ("" for `base`
    itself), or None when it is outside `base`."""
    if path == base:
        return ""
    prefix = base if base.endswith(os.sep) else base + os.sep
    if not path.startswith(prefix):
        return None
    rel = path[len(prefix) :]
    return rel if os.sep == "/" else rel.replace(os.sep, "/")


@functools.lru_cache(maxsize=256)
def project_patterns(patterns: tuple[str, ...], root: str) -> ProjectPatterns:
    """`ProjectPatterns`, built once per pattern list and root."""
    return ProjectPatterns(patterns, root)


def in_settings_globs(path: str | os.PathLike[str], patterns: tuple[str, ...], root: str) -> bool:
    """Whether file `path` matches one of the settings' globs (`tests`, `migrations`,
    `repository-modules`), read like `exclude`: relative to the project root `root`."""
    if not patterns:
        return False
    return project_patterns(patterns, os.path.abspath(root)).matches(os.path.abspath(path))
