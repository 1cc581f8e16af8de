"""The order in which the modules are typed: dependencies first."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from repolint.semantics.module import ModuleInfo


def dependency_order(modules: Sequence[ModuleInfo]) -> list[int]:
    """Positions of `modules` with the project modules each imports before it, where
    the imports allow (cycles are cut where met): a function's callees are then typed
    by their own module's analysis before their callers ask for their facts, instead
    of being analysed twice. The result does not depend on the order: only the work."""
    position = {m.name: i for i, m in enumerate(modules)}
    order: list[int] = []
    seen: set[int] = set()
    for start in range(len(modules)):
        if start in seen:
            continue
        seen.add(start)
        stack: list[tuple[int, Iterator[int]]] = [
            (start, imported_positions(modules, start, position))
        ]
        while stack:
            current, pending = stack[-1]
            nxt = next((j for j in pending if j not in seen), None)
            if nxt is None:
                stack.pop()
                order.append(current)
            else:
                seen.add(nxt)
                stack.append((nxt, imported_positions(modules, nxt, position)))
    return order


def imported_positions(
    modules: Sequence[ModuleInfo], i: int, position: dict[str, int]
) -> Iterator[int]:
    """Positions of the project modules module `i` imports from, sorted by name."""
    imports = modules[i].imports
    for target in sorted({*imports.aliases.values(), *imports.star_modules}):
        parts = target.split(".")
        for k in range(len(parts), 0, -1):
            j = position.get(".".join(parts[:k]))
            if j is not None:
                if j != i:
                    yield j
                break
