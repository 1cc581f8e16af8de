"""The judged audit cells of benchmarks/audit/cells.tsv, replayed on real code bases.

Never downloads: it reads the copies already unpacked (by `benchmarks/audit/score.py`
or `benchmarks/realworld/fetch.py`) in `$REPOLINT_REALWORLD_DIR` (else the default
folder of fetch.py) and in the folders of `$REPOLINT_AUDIT_DIRS` (`os.pathsep`
separated), and is skipped when none is there, as in CI.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCORE = ROOT / "benchmarks" / "audit" / "score.py"
RISKS = {"CRITICAL", "HIGH", "MEDIUM", "LOW"}
RIGHT_AT_LEAST = 0.95
"""The issue's bar: at least 95% of the judged cells right, on each code base."""


def load_score() -> ModuleType:
    spec = importlib.util.spec_from_file_location("audit_score", SCORE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["audit_score"] = module
    spec.loader.exec_module(module)
    return module


def folders(score: ModuleType) -> list[Path]:
    extra = [Path(p) for p in os.environ.get("REPOLINT_AUDIT_DIRS", "").split(os.pathsep) if p]
    return [*extra, score.default_dest()]


def test_the_cells_are_well_formed() -> None:
    score = load_score()
    cells = score.read_cells()
    assert len(cells) >= 90
    statuses = {"pass", "fail", "n/a"}
    for cell in cells:
        allowed = {"repository", "base", "absent"} if cell.item == "kind" else statuses
        if cell.repository == "(summary)":
            areas = {"summary": {"good", "partial", "missing"}, "risk": RISKS}
            allowed = areas[cell.item.partition(":")[0]]
        assert cell.expected in allowed, cell
        assert cell.why.strip(), cell
    assert len({c.codebase for c in cells}) >= 3
    pinned = score.packages()
    assert all(pinned[c.codebase].version == c.version for c in cells)


def test_judged_cells_replay_on_the_copies_at_hand() -> None:
    score = load_score()
    outcomes, skipped = score.score(score.read_cells(), folders(score), offline=True)
    if not outcomes:
        pytest.skip(f"no copy of {', '.join(skipped)} at hand (benchmarks/audit/score.py)")
    for name in dict.fromkeys(o.cell.codebase for o in outcomes):
        mine = [o for o in outcomes if o.cell.codebase == name]
        wrong = [
            f"{o.cell.repository} {o.cell.item}: expected {o.cell.expected}, got {o.got}"
            for o in mine
            if not o.right
        ]
        assert len(wrong) <= (1 - RIGHT_AT_LEAST) * len(mine), f"{name}:\n" + "\n".join(wrong)
