"""Which worker types which modules: groups of modules that import each other.

A worker computes the facts of every function its modules call; when the callee's
module is typed by another worker, the facts are computed twice, once in each
process. Giving each worker a group of modules that mostly import one another, rather
than every other chunk of the dependency order, keeps that work in one process.

The groups start as runs of modules in name order (a package's modules stay
together), of about equal size in lines, and are then refined: a module moves to the
group it shares more imports with, while the groups stay within `SLACK` of an equal
share. The result depends only on the modules, never on timing, and only decides the
work: the findings are the same for any grouping (see `repolint.parallel`).
"""

from __future__ import annotations

from collections.abc import Sequence

from repolint.semantics.module import ModuleInfo
from repolint.semantics.order import imported_positions

SLACK = 0.05
"""How far a group may grow past an equal share of the lines while refining."""

MAX_PASSES = 8
"""Refinement rounds over every module, at most (each stops early when nothing moves)."""


def partition(modules: Sequence[ModuleInfo], order: Sequence[int], parts: int) -> list[list[int]]:
    """Positions of `modules` in `parts` groups, each listed in `order`."""
    if parts < 2 or len(modules) < 2:
        return [list(order)]
    weights = [max(len(m.lines), 1) for m in modules]
    links = _links(modules)
    group = _runs_by_name(modules, weights, parts)
    _refine(group, weights, links, parts)
    groups: list[list[int]] = [[] for _ in range(parts)]
    for i in order:
        groups[group[i]].append(i)
    return [g for g in groups if g]


def _links(modules: Sequence[ModuleInfo]) -> list[dict[int, int]]:
    """Per module, the modules it imports or is imported by, with how many ways."""
    position = {m.name: i for i, m in enumerate(modules)}
    links: list[dict[int, int]] = [{} for _ in modules]
    for i in range(len(modules)):
        for j in imported_positions(modules, i, position):
            links[i][j] = links[i].get(j, 0) + 1
            links[j][i] = links[j].get(i, 0) + 1
    return links


def _runs_by_name(modules: Sequence[ModuleInfo], weights: list[int], parts: int) -> list[int]:
    """Group of each module when the modules, sorted by name, are cut into `parts`
    runs of about equal weight."""
    total = sum(weights)
    group = [0] * len(modules)
    done = 0
    for i in sorted(range(len(modules)), key=lambda k: modules[k].name):
        middle = done + weights[i] / 2
        group[i] = min(parts - 1, int(middle * parts / total))
        done += weights[i]
    return group


def _refine(group: list[int], weights: list[int], links: list[dict[int, int]], parts: int) -> None:
    """Move modules to the group they are linked to most, within the size bounds."""
    share = sum(weights) / parts
    high, low = share * (1 + SLACK), share * (1 - SLACK)
    load = [0.0] * parts
    for i, g in enumerate(group):
        load[g] += weights[i]
    for _ in range(MAX_PASSES):
        moved = False
        for i in range(len(group)):
            here = group[i]
            ties = [0] * parts
            for j, count in links[i].items():
                ties[group[j]] += count
            best = max(range(parts), key=lambda g: (ties[g], g == here))
            if best == here or ties[best] <= ties[here]:
                continue
            if load[best] + weights[i] > high or load[here] - weights[i] < low:
                continue
            group[i] = best
            load[here] -= weights[i]
            load[best] += weights[i]
            moved = True
        if not moved:
            break
