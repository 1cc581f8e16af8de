"""The engine: files in, findings out, in three passes.

1. parse each file once and collect its declarations (`ModuleInfo`);
2. merge them into the `ProjectIndex` and type every module (`FactStore`);
3. run the enabled rules over each module's tree in one walk.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from repolint.findings import FileError, Finding, Severity
from repolint.rules import ALL_RULES
from repolint.rules.base import Rule
from repolint.semantics.context import Context
from repolint.semantics.index import ProjectIndex
from repolint.semantics.module import ModuleInfo, build_module
from repolint.semantics.source import Parsed, Unparsable, parse_source, read_source
from repolint.settings import Settings

PARSE_ERROR_CODE = "RPL000"


@dataclass
class Project:
    """The parsed, indexed project: `modules` are every file read, `targets` the reported ones."""

    index: ProjectIndex
    modules: list[ModuleInfo]
    targets: list[ModuleInfo]


@dataclass
class EngineResult:
    findings: list[Finding] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    project: Project | None = None


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


def analyse(
    files: Sequence[Path],
    settings: Settings,
    enabled: frozenset[str],
    *,
    display: Mapping[Path, str] | None = None,
    overrides: Mapping[Path, str] | None = None,
    roots: Sequence[Path] | None = None,
    context: Sequence[Path] = (),
) -> EngineResult:
    """Analyse `files` as one project and return the findings of the `enabled` codes.

    `context` files belong to the same project: they are indexed (their models,
    repositories, providers reach the rules) but not reported on, so checking
    one file gives the findings that checking the whole project gives for it.
    """
    result = EngineResult()
    project = build_project(
        files,
        settings,
        display=display,
        overrides=overrides,
        roots=roots,
        context=context,
        result=result,
    )
    result.project = project
    index, modules = project.index, project.modules
    targets = {id(m) for m in project.targets}
    rules = [cls() for cls in ALL_RULES if cls.code in enabled and cls.code != PARSE_ERROR_CODE]
    typed = {}
    for module in modules:
        try:
            typed[module.name] = index.facts.analyse_module(module)
        except RecursionError:
            result.errors.append(FileError(module.display, "too deeply nested to analyse, skipped"))
    for module in modules:
        if module.name not in typed or id(module) not in targets:
            continue
        try:
            _run_rules(index, module, typed[module.name], settings, rules, result.findings.append)
        except RecursionError:
            result.errors.append(FileError(module.display, "too deeply nested to analyse, skipped"))
    return result


def build_project(
    files: Sequence[Path],
    settings: Settings,
    *,
    display: Mapping[Path, str] | None = None,
    overrides: Mapping[Path, str] | None = None,
    roots: Sequence[Path] | None = None,
    context: Sequence[Path] = (),
    result: EngineResult | None = None,
) -> Project:
    """Passes 1 and 2 of `analyse`: parse every file once and index them as one project.

    Files that cannot be read or parsed go to `result` (an error, an RPL000 finding).
    """
    result = result if result is not None else EngineResult()
    display = display or {}
    overrides = overrides or {}
    roots = list(roots) if roots is not None else default_roots(settings, files)
    modules: list[ModuleInfo] = []
    for path in files:
        shown = display.get(path, str(path))
        parsed = _parse_file(path, shown, overrides, result)
        if parsed is None:
            continue
        name, is_package = module_name(path, roots)
        modules.append(build_module(name, path, shown, parsed.tree, parsed.text, is_package))
    targets = list(modules)
    for path in context:
        if path in display:
            continue
        parsed = _parse_file(path, str(path), {}, EngineResult())
        if parsed is not None:
            name, is_package = module_name(path, roots)
            modules.append(
                build_module(name, path, str(path), parsed.tree, parsed.text, is_package)
            )
    return Project(ProjectIndex(modules, settings), modules, targets)


def _parse_file(
    path: Path, shown: str, overrides: Mapping[Path, str], result: EngineResult
) -> Parsed | None:
    if path in overrides:
        data: bytes | Unparsable = overrides[path].encode("utf-8")
    else:
        try:
            data = read_source(path)
        except OSError as exc:
            result.errors.append(FileError(shown, exc.strerror or str(exc)))
            return None
    parsed = data if isinstance(data, Unparsable) else parse_source(data)
    if isinstance(parsed, Unparsable):
        result.findings.append(
            Finding(
                path=shown,
                line=parsed.line,
                column=parsed.column,
                code=PARSE_ERROR_CODE,
                message=parsed.message,
                name="cannot-parse",
                severity=Severity.ERROR,
            )
        )
        return None
    return parsed


def _run_rules(index, module, typed, settings, rules: list[Rule], sink) -> None:  # type: ignore[no-untyped-def]
    """One walk over the tree, calling each rule's `visit_<Node>` methods."""
    ctx = Context(index, module, typed, settings, sink)
    table: dict[str, list] = {}
    for rule in rules:
        for attr in dir(rule):
            if attr.startswith("visit_"):
                table.setdefault(attr[6:], []).append(getattr(rule, attr))
    if not table:
        return
    for node in module.nodes:
        for visit in table.get(type(node).__name__, ()):
            visit(node, ctx)
