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
    inits = {} if inits is None else inits
    path = path.absolute()
    is_package = path.name == "__init__.py"
    parts: list[str] = [] if is_package else [path.stem]
    folder = path.parent
    if _in_package(folder, inits):
        # a folder without `__init__.py` inside a package is part of it (`app/models/x.py`)
        while _in_package(folder, inits) and folder.parent != folder:
            parts.insert(0, folder.name)
            folder = folder.parent
        return ".".join(parts), is_package
    for root in sorted((r.absolute() for r in roots), key=lambda r: len(r.parts), reverse=True):
        try:
            rel = path.relative_to(root)
        except ValueError:
            continue
        names = list(rel.with_suffix("").parts)
        if names and names[-1] == "__init__":
            names.pop()
        if names:
            return ".".join(names), is_package
    return ".".join(parts) or path.parent.name, is_package


def _in_package(folder: Path, inits: dict[Path, bool]) -> bool:
    return _has_init(folder, inits) or _has_init(folder.parent, inits)


def _has_init(folder: Path, inits: dict[Path, bool]) -> bool:
    known = inits.get(folder)
    if known is None:
        known = inits[folder] = (folder / "__init__.py").exists()
    return known


def module_names(paths: Sequence[Path], roots: Sequence[Path]) -> list[tuple[str, bool]]:
    """`module_name` of many files, asking the file system once per folder."""
    inits: dict[Path, bool] = {}
    return [module_name(path, roots, inits) for path in paths]


def default_roots(settings: Settings, files: Sequence[Path]) -> list[Path]:
    """Import roots: `src` setting, else the project root and its `src/`."""
    base = Path(settings.project_root or ".")
    roots = [base / s for s in settings.src] if settings.src else [base, base / "src"]
    return roots


__all__ = ["default_roots", "module_name", "module_names"]
