"""Where files sit in the project: dotted module names and import roots.

Kept apart from the engine so that the cache can name modules (module names
are part of what findings depend on) without loading the analysis code.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from repolint.settings import Settings


def module_name(
    path: Path, roots: Sequence[Path], inits: dict[Path, bool] | None = None
) -> tuple[str, bool]:
    """Dotted module name of a file: by its packages (`__init__.py`), else by import root.
    `inits` remembers which folders hold an `__init__.py` (see `module_names`)."""
    return ModuleNamer(roots, inits)(path)


class ModuleNamer:
    """`module_name` of many files: each folder's `__init__.py` is looked for once, and
    each package folder's dotted name worked out once."""

    def __init__(self, roots: Sequence[Path], inits: dict[Path, bool] | None = None) -> None:
        absolute = (r.absolute() for r in roots)
        self._roots = sorted(absolute, key=lambda r: len(r.parts), reverse=True)
        self._inits = {} if inits is None else inits
        self._packages: dict[Path, list[str]] = {}

    def __call__(self, path: Path) -> tuple[str, bool]:
        path = path.absolute()
        is_package = path.name == "__init__.py"
        folder = path.parent
        if self._in_package(folder):
            # a folder without `__init__.py` inside a package is part of it (`app/models/x.py`)
            parts = self._package_parts(folder)
            return ".".join(parts if is_package else [*parts, path.stem]), is_package
        for root in self._roots:
            try:
                rel = path.relative_to(root)
            except ValueError:
                continue
            names = list(rel.with_suffix("").parts)
            if names and names[-1] == "__init__":
                names.pop()
            if names:
                return ".".join(names), is_package
        return ("" if is_package else path.stem) or path.parent.name, is_package

    def _package_parts(self, folder: Path) -> list[str]:
        """The names of `folder` and the package folders above it, outermost first."""
        found = self._packages.get(folder)
        if found is None:
            above = folder.parent
            if above == folder:  # the file system's root: no name
                found = []
            elif self._in_package(above):
                found = [*self._package_parts(above), folder.name]
            else:
                found = [folder.name]
            self._packages[folder] = found
        return found

    def _in_package(self, folder: Path) -> bool:
        return self._has_init(folder) or self._has_init(folder.parent)

    def _has_init(self, folder: Path) -> bool:
        known = self._inits.get(folder)
        if known is None:
            known = self._inits[folder] = (folder / "__init__.py").exists()
        return known


def module_names(paths: Sequence[Path], roots: Sequence[Path]) -> list[tuple[str, bool]]:
    """`module_name` of many files, asking the file system once per folder."""
    name = ModuleNamer(roots)
    return [name(path) for path in paths]


def default_roots(settings: Settings, files: Sequence[Path]) -> list[Path]:
    """Import roots: `src` setting, else the project root and its `src/`."""
    base = Path(settings.project_root or ".")
    roots = [base / s for s in settings.src] if settings.src else [base, base / "src"]
    return roots


__all__ = ["default_roots", "module_name", "module_names"]
