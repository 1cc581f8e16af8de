"""The engine: files in, findings out, in three passes.

1. parse each file once and collect its declarations (`ModuleInfo`);
2. merge them into the `ProjectIndex` and type every module (`FactStore`);
3. run the enabled rules over each module's tree in one walk.

Passes 2 and 3 go module by module (`Checker.first`): a module is typed, its
rules run, and its per-node maps are dropped. Rules that read facts gathered
from every module (`Rule.needs_whole_project`, RPL304) run in a second walk
once all modules are typed (`Checker.second`). With `jobs > 1` both walks are
spread over forked processes (`repolint.parallel`); the findings are merged in
the order one process gives.
"""

from __future__ import annotations

import ast
import contextlib
import gc
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from repolint.findings import BUG_REPORT_HINT, FileError, Finding, Severity, internal_error
from repolint.layout import ModuleNamer, default_roots
from repolint.pathmatch import in_settings_globs
from repolint.rules import ALL_RULES
from repolint.rules.base import Rule
from repolint.semantics.context import Context
from repolint.semantics.index import ProjectIndex
from repolint.semantics.module import ModuleInfo, build_module
from repolint.semantics.order import dependency_order
from repolint.semantics.source import Parsed, Unparsable, parse_source, read_source
from repolint.semantics.summaries import TypedModule
from repolint.settings import Settings

PARSE_ERROR_CODE = "RPL000"
NESTED_TOO_DEEP = "too deeply nested to analyse, skipped"

Progress = Callable[[str, int, int], None]
"""`progress(phase, done, total)`: phase is "parsing" or "analysing"."""


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


def analyse(
    files: Sequence[Path],
    settings: Settings,
    enabled: frozenset[str],
    *,
    display: Mapping[Path, str] | None = None,
    overrides: Mapping[Path, str | bytes] | None = None,
    roots: Sequence[Path] | None = None,
    context: Sequence[Path] = (),
    jobs: int = 1,
    progress: Progress | None = None,
) -> EngineResult:
    """Analyse `files` as one project and return the findings of the `enabled` codes.

    `context` files belong to the same project: they are indexed (their models,
    repositories, providers reach the rules) but not reported on, so checking
    one file gives the findings that checking the whole project gives for it.
    `jobs > 1` types and checks the modules in that many processes where the
    platform can fork; the result is the same as with one.
    """
    result = EngineResult()
    with trees_kept_out_of_gc() as parsed:
        project = build_project(
            files,
            settings,
            display=display,
            overrides=overrides,
            roots=roots,
            context=context,
            result=result,
            progress=progress,
        )
        parsed()
        result.project = project
        rules = [cls() for cls in ALL_RULES if cls.code in enabled and cls.code != PARSE_ERROR_CODE]
        checker = Checker(project, settings, rules)
        outcome: CheckOutcome | None = None
        if jobs > 1 and len(project.modules) > 1:
            from repolint import parallel

            outcome = parallel.check_in_processes(checker, jobs, progress)
        if outcome is None:
            outcome = checker.check_all(progress)
    result.findings.extend(outcome.findings)
    result.errors.extend(outcome.errors)
    return result


@contextlib.contextmanager
def trees_kept_out_of_gc() -> Iterator[Callable[[], None]]:
    """Pause the cyclic garbage collector while parsing; call the value once the trees
    are built to move them out of its reach (`gc.freeze`) and resume collecting,
    less often (`ANALYSIS_GC_THRESHOLD`).

    Syntax trees hold no cycles and live for the whole run, yet every collection
    walks them again: with the collector running, parsing takes five times as long
    as `ast.parse` alone. The analysis then allocates many short-lived objects and
    few cycles: at the default threshold, its 500 collections took 4% of its time.
    Everything is given back to the collector, at its own threshold, at the end.

    A host that froze objects after importing repolint keeps them frozen: then the
    trees are not frozen either. Objects frozen before (Python 3.12 starts with a few
    hundred) are given back with the trees: leaving the trees in reach cost 1.8 s of
    collections on prefect under Python 3.12, against 0.06 s.
    """
    was_enabled = gc.isenabled()
    owns_freeze = gc.get_freeze_count() <= FROZEN_AT_IMPORT
    thresholds = gc.get_threshold()
    frozen = False
    gc.disable()

    def parsed() -> None:
        nonlocal frozen
        if owns_freeze:
            gc.freeze()
            frozen = True
        gc.set_threshold(max(thresholds[0], ANALYSIS_GC_THRESHOLD), *thresholds[1:])
        if was_enabled:
            gc.enable()

    try:
        yield parsed
    finally:
        gc.set_threshold(*thresholds)
        if frozen:
            gc.unfreeze()
        if was_enabled:
            gc.enable()


ANALYSIS_GC_THRESHOLD = 50_000
"""Allocations between two young-generation collections while the analysis runs."""
FROZEN_AT_IMPORT = gc.get_freeze_count()
"""Objects frozen when repolint was imported: more at a run's start means a host froze
objects since, and keeps them frozen (`trees_kept_out_of_gc`)."""


@dataclass
class ModuleOutcome:
    """Findings and errors of one module in one walk."""

    findings: list[Finding] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    typed: bool = True
    """False when the module could not be typed (too deeply nested): no second walk."""


@dataclass
class CheckOutcome:
    """Passes 2 and 3 over a whole project, in the order one process gives."""

    findings: list[Finding] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)

    @classmethod
    def merge(cls, first: Sequence[ModuleOutcome], second: Sequence[ModuleOutcome]) -> CheckOutcome:
        """First walks by module, then second walks by module."""
        out = cls()
        for part in (*first, *second):
            out.findings.extend(part.findings)
            out.errors.extend(part.errors)
        return out


Traversals = dict[tuple[str, str], list[tuple[str, int, str]]]


class Checker:
    """Passes 2 and 3 of one project, module by module (in one process or several)."""

    def __init__(self, project: Project, settings: Settings, rules: Sequence[Rule]) -> None:
        self.project = project
        self.settings = settings
        self.modules = project.modules
        self._targets = {id(m) for m in project.targets}
        self._local = _visit_table([r for r in rules if not r.needs_whole_project])
        self._whole = _visit_table([r for r in rules if r.needs_whole_project])
        self._later: dict[int, list[ast.AST]] = {}
        """Nodes of each module that the second walk visits, kept by the first."""
        self._failed: set[int] = set()

    def is_target(self, i: int) -> bool:
        return id(self.modules[i]) in self._targets

    def first(self, i: int) -> ModuleOutcome:
        """Type module `i` (all modules: their traversals count), then run the
        rules that need this module only, if it is reported on."""
        module = self.modules[i]
        facts = self.project.index.facts
        out = ModuleOutcome()
        try:
            typed = facts.analyse_module(module)
            if self.is_target(i):
                index, settings = self.project.index, self.settings
                later = _run_rules(index, module, typed, settings, self._local, out, self._whole)
                if later:
                    self._later[i] = later
        except RecursionError:
            out.errors.append(FileError(module.display, NESTED_TOO_DEEP))
            out.typed = False
            self._failed.add(i)
        except Exception as exc:  # a bug while typing it: the other modules still run
            out.errors.append(
                FileError(module.display, _crashed("while analysing the module", exc))
            )
            out.typed = False
            self._failed.add(i)
        finally:
            facts.typed.pop(module.name, None)
            module.release_walk()
        return out

    def traversals(self) -> Traversals:
        """Relationship reads on rows repository methods returned, as typed so far."""
        return self.project.index.facts.traversals

    def use_traversals(self, traversals: Traversals) -> None:
        """Replace the traversals by the complete, normalised set (see `merge_traversals`)."""
        self.project.index.facts.traversals = traversals

    def second(self, i: int) -> ModuleOutcome:
        """Run the rules that need every module typed, on module `i`."""
        out = ModuleOutcome()
        nodes = self._later.pop(i, None)
        if not nodes or i in self._failed:
            return out
        module = self.modules[i]
        facts = self.project.index.facts
        typed = cast(TypedModule, _TypedOnDemand(lambda: facts.analyse_module(module)))
        try:
            _run_rules(
                self.project.index, module, typed, self.settings, self._whole, out, nodes=nodes
            )
        except RecursionError:
            out.errors.append(FileError(module.display, NESTED_TOO_DEEP))
        except Exception as exc:
            out.errors.append(
                FileError(module.display, _crashed("while analysing the module", exc))
            )
        finally:
            facts.typed.pop(module.name, None)
            module.release_walk()
        return out

    def check_all(self, progress: Progress | None = None) -> CheckOutcome:
        """Both walks over every module, in this process."""
        total = len(self.modules)
        outcomes: dict[int, ModuleOutcome] = {}
        for done, i in enumerate(dependency_order(self.modules), 1):
            outcomes[i] = self.first(i)
            if progress is not None:
                progress("analysing", done, total)
        first = [outcomes[i] for i in range(total)]
        self.use_traversals(merge_traversals([self.traversals()]))
        second = [self.second(i) for i in range(total)]
        return CheckOutcome.merge(first, second)


def merge_traversals(parts: Sequence[Traversals]) -> Traversals:
    """One traversal table from several processes' tables: sorted, without duplicates,
    so that the second walk sees the same table whatever the number of processes."""
    merged: dict[tuple[str, str], set[tuple[str, int, str]]] = {}
    for part in parts:
        for key, reads in part.items():
            merged.setdefault(key, set()).update(reads)
    return {key: sorted(merged[key]) for key in sorted(merged)}


class _TypedOnDemand:
    """Stands for a module's `TypedModule` in the second walk: the module is typed
    again only if a rule asks for a type (RPL304 never does)."""

    def __init__(self, compute: Callable[[], TypedModule]) -> None:
        self._compute = compute
        self._typed: TypedModule | None = None

    def __getattr__(self, name: str) -> object:
        if self._typed is None:
            self._typed = self._compute()
        return getattr(self._typed, name)


def build_project(
    files: Sequence[Path],
    settings: Settings,
    *,
    display: Mapping[Path, str] | None = None,
    overrides: Mapping[Path, str | bytes] | None = None,
    roots: Sequence[Path] | None = None,
    context: Sequence[Path] = (),
    result: EngineResult | None = None,
    progress: Progress | None = None,
) -> Project:
    """Passes 1 and 2 of `analyse`: parse every file once and index them as one project.

    Files that cannot be read or parsed go to `result` (an error, an RPL000 finding).
    """
    result = result if result is not None else EngineResult()
    display = display or {}
    overrides = overrides or {}
    roots = list(roots) if roots is not None else default_roots(settings, files)
    modules: list[ModuleInfo] = []
    name_of = ModuleNamer(roots)  # asks each folder for its `__init__.py` once
    total = len(files) + len(context)
    for done, path in enumerate(files, 1):
        if progress is not None and done % 32 == 0:
            progress("parsing", done, total)
        shown = display.get(path, str(path))
        parsed = _parse_file(path, shown, overrides, result)
        if parsed is None:
            continue
        name, is_package = name_of(path)
        is_test = is_test_file(path, settings)
        modules.append(
            build_module(name, path, shown, parsed.tree, parsed.text, is_package, is_test)
        )
    targets = list(modules)
    for path in context:
        if path in display:
            continue
        parsed = _parse_file(path, str(path), {}, EngineResult())
        if parsed is not None:
            name, is_package = name_of(path)
            is_test = is_test_file(path, settings)
            modules.append(
                build_module(name, path, str(path), parsed.tree, parsed.text, is_package, is_test)
            )
    return Project(ProjectIndex(modules, settings), modules, targets)


def is_test_file(path: Path, settings: Settings) -> bool:
    """A test file: a `conftest.py`, or a match of the `tests` globs."""
    return path.name == "conftest.py" or in_settings_globs(
        path, settings.tests, settings.project_root
    )


def _parse_file(
    path: Path, shown: str, overrides: Mapping[Path, str | bytes], result: EngineResult
) -> Parsed | None:
    """Parse one file, or its override: bytes (standard input) are decoded as a file's."""
    if path in overrides:
        override = overrides[path]
        data: bytes | Unparsable = (
            override if isinstance(override, bytes) else override.encode("utf-8")
        )
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


VisitTable = dict[type, list[Callable[[ast.AST, Context], None]]]


def _visit_table(rules: Sequence[Rule]) -> VisitTable:
    """Node class -> the rules' `visit_<Node>` methods, in rule order."""
    table: VisitTable = {}
    for rule in rules:
        for attr in dir(rule):
            node_class = getattr(ast, attr[6:], None) if attr.startswith("visit_") else None
            if isinstance(node_class, type):
                table.setdefault(node_class, []).append(getattr(rule, attr))
    return table


def _run_rules(
    index: ProjectIndex,
    module: ModuleInfo,
    typed: TypedModule,
    settings: Settings,
    table: VisitTable,
    out: ModuleOutcome,
    keep: VisitTable | None = None,
    *,
    nodes: Sequence[ast.AST] | None = None,
) -> list[ast.AST]:
    """One walk over the tree (or `nodes`), calling each rule's `visit_<Node>` methods;
    returns the nodes the `keep` table would visit, for a later walk."""
    kept: list[ast.AST] = []
    if not table and not keep:
        return kept
    ctx = Context(index, module, typed, settings, out.findings.append)
    get, wanted = table.get, keep or {}
    for node in module.nodes if nodes is None else nodes:
        node_class = node.__class__
        visits = get(node_class)
        if visits:
            for visit in visits:
                try:
                    visit(node, ctx)
                except RecursionError:
                    raise  # the module is too deep: reported once by the caller
                except Exception as exc:  # a bug in one rule: the others still run
                    rule = getattr(visit, "__self__", None)
                    table = _without(table, rule)
                    get = table.get
                    where = f"{getattr(rule, 'code', '?')} ({getattr(rule, 'name', '?')})"
                    out.errors.append(FileError(module.display, _crashed(f"in rule {where}", exc)))
        if node_class in wanted:
            kept.append(node)
    return kept


def _without(table: VisitTable, rule: object) -> VisitTable:
    """`table` without the visit methods of `rule` (for the rest of a module)."""
    return {
        node_class: [visit for visit in visits if getattr(visit, "__self__", None) is not rule]
        for node_class, visits in table.items()
    }


def _crashed(where: str, exc: Exception) -> str:
    """The one-line message of an exception raised by repolint's own code on a module."""
    return f"internal error {where}: {internal_error(exc)} ({BUG_REPORT_HINT})"
