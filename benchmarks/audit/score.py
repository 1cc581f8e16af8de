"""Replay the hand-judged audit cells against `repolint audit` on real code bases.

    python benchmarks/audit/score.py                        # every judged code base
    python benchmarks/audit/score.py --only fief-server     # one code base
    python benchmarks/audit/score.py --wrong                # list the cells it gets wrong
    python benchmarks/audit/score.py --offline              # never download: skip what is absent

`cells.tsv` has the tab-separated header `codebase version repository item
expected why`: one verdict judged by reading the code (`why` is the line that
decides it). `item` is a checklist item (expected `pass`, `fail` or `n/a`) or
`kind`: `repository` (scored), `base` (a generic base shown once, above its
subclasses) or `absent` (not in the report: an interface, a factory).
`repository` is a class name, or a dotted name where a short one is ambiguous;
`(summary)` for a row of the executive summary, whose item is `summary:AREA`
(expected `good`, `partial` or `missing`) or `risk:AREA` (`CRITICAL` ... `LOW`).

Code bases are the pinned ones of `../realworld/packages.tsv` and of this
folder's `packages.tsv`, fetched as `fetch.py` does into `--dest` (repeatable:
each folder is searched, the first one is fetched into). repolint runs as
`<python> -m repolint audit <root> --output-format json` in the code base's
folder; it is never given the cells.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "realworld"))

from fetch import FetchError, Package, default_dest, fetch, is_unpacked, read_packages  # noqa: E402

CELLS = HERE / "cells.tsv"
HEADER = ["codebase", "version", "repository", "item", "expected", "why"]


@dataclass(frozen=True)
class Cell:
    codebase: str
    version: str
    repository: str
    item: str
    expected: str
    why: str


@dataclass(frozen=True)
class Outcome:
    cell: Cell
    got: str

    @property
    def right(self) -> bool:
        return self.got == self.cell.expected


def read_cells(path: Path = CELLS) -> list[Cell]:
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or lines[0].split("\t") != HEADER:
        raise FetchError(f"{path.name}:1: the header must be the tab-separated cells {HEADER}")
    cells = []
    for number, line in enumerate(lines[1:], start=2):
        parts = line.split("\t")
        if len(parts) != len(HEADER):
            raise FetchError(f"{path.name}:{number}: {len(parts)} cells, not {len(HEADER)}")
        cells.append(Cell(*parts))
    return cells


def packages() -> dict[str, Package]:
    found = {p.name: p for p in read_packages()}
    found.update({p.name: p for p in read_packages(HERE / "packages.tsv")})
    return found


def locate(package: Package, dests: Sequence[Path], *, offline: bool) -> Path | None:
    """The unpacked copy at the pinned version; fetched into the first folder unless offline."""
    for dest in dests:
        if is_unpacked(package, dest):
            return dest / package.name
    if offline or not dests:
        return None
    return fetch(package, dests[0])


def audit_json(root: Path) -> dict:
    command = [sys.executable, "-m", "repolint", "audit", ".", "--output-format", "json", "-q"]
    result = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
    if not result.stdout.strip():
        raise FetchError(f"repolint audit in {root} printed nothing: {result.stderr.strip()}")
    return json.loads(result.stdout)


def _qual(entry: dict) -> str:
    if entry.get("qual"):
        return str(entry["qual"])
    module = str(entry["path"]).removesuffix(".py").replace("/", ".").removesuffix(".__init__")
    return module if entry.get("kind") == "module" else f"{module}.{entry['name']}"


def verdict(report: dict, cell: Cell) -> str:
    """What the report says for the cell: a status, a kind, or `missing`."""
    if cell.repository == "(summary)":
        what, _, area = cell.item.partition(":")
        row = next((r for r in report["summary"] if r["area"] == area), None)
        if row is None:
            return "no such area"
        status = str(row["status" if what == "summary" else "risk"])
        return "partial" if status == "inconsistent" else status
    entries = report.get("bases", []) + report.get("repositories", [])
    if "." in cell.repository:
        matches = [e for e in entries if _qual(e) == cell.repository]
    else:
        matches = [e for e in entries if e["name"] == cell.repository]
    if cell.item == "kind":
        if not matches:
            return "absent"
        return "base" if matches[0].get("role") == "base" else "repository"
    if not matches:
        return "missing"
    for check in matches[0]["checks"]:
        if check["id"] == cell.item:
            return str(check["status"])
    return "missing"


def score(
    cells: Sequence[Cell], dests: Sequence[Path], *, offline: bool = False
) -> tuple[list[Outcome], list[str]]:
    """The outcome of every cell whose code base is at hand, and the code bases skipped."""
    pinned = packages()
    outcomes: list[Outcome] = []
    skipped: list[str] = []
    for name in dict.fromkeys(c.codebase for c in cells):
        package = pinned.get(name)
        if package is None:
            raise FetchError(f"{name} is in cells.tsv but in no packages.tsv")
        root = locate(package, dests, offline=offline)
        if root is None:
            skipped.append(name)
            continue
        report = audit_json(root)
        for cell in cells:
            if cell.codebase == name:
                if cell.version != package.version:
                    pinned_at = package.version
                    raise FetchError(f"{name}: a cell judged {cell.version}, pinned {pinned_at}")
                outcomes.append(Outcome(cell, verdict(report, cell)))
    return outcomes, skipped


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="score.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--dest", type=Path, action="append", help="where the copies are")
    parser.add_argument("--only", action="append", metavar="NAME", help="one code base")
    parser.add_argument("--wrong", action="store_true", help="list the wrong cells")
    parser.add_argument("--offline", action="store_true", help="never download")
    args = parser.parse_args(argv)
    dests = [d.resolve() for d in (args.dest or [default_dest()])]
    try:
        cells = [c for c in read_cells() if not args.only or c.codebase in args.only]
        outcomes, skipped = score(cells, dests, offline=args.offline)
    except FetchError as exc:
        print(f"score.py: error: {exc}", file=sys.stderr)
        return 1
    for name in dict.fromkeys(o.cell.codebase for o in outcomes):
        mine = [o for o in outcomes if o.cell.codebase == name]
        right = sum(o.right for o in mine)
        print(f"{name:<30} {right:>3} of {len(mine):>3} right")
    for name in skipped:
        print(f"{name:<30} skipped (no copy at hand)")
    right = sum(o.right for o in outcomes)
    share = f"{100 * right / len(outcomes):.1f}%" if outcomes else "-"
    print(f"{'total':<30} {right:>3} of {len(outcomes):>3} right ({share})")
    if args.wrong:
        for o in outcomes:
            if not o.right:
                c = o.cell
                print(f"  {c.codebase} {c.repository} {c.item}: expected {c.expected}, got {o.got}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
