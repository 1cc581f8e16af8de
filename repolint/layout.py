"""Where files sit in the project: dotted module names and import roots.

Kept apart from the engine so that the cache can name modules (module names
are part of what findings depend on) without loading the analysis code.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from repolint.settings import Settings


def module_name(path: Path, roots: Sequence[Path]) -> tuple[str, bool]:
    """Dotted module name of a file: by its packages (`__init__.py`), else by import root."""
    path = path.absolute()
    is_package = path.name == "__init__.py"
    parts: list[str] = [] if is_package else [path.stem]
    folder = path.parent
    if _in_package(folder):
        # a folder without `__init__.py` inside a package is part of it (`app/models/x.py`)
        while _in_package(folder) and folder.parent != folder:
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


def _in_package(folder: Path) -> bool:
    return (folder / "__init__.py").exists() or (folder.parent / "__init__.py").exists()


def default_roots(settings: Settings, files: Sequence[Path]) -> list[Path]:
    """Import roots: `src` setting, else the project root and its `src/`."""
    base = Path(settings.project_root or ".")
    roots = [base / s for s in settings.src] if settings.src else [base, base / "src"]
    return roots


__all__ = ["default_roots", "module_name"]
