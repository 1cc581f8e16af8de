"""Run every SQLite reproduction of a POS label and print what each measured.

    python benchmarks/realworld/reproduce.py

Prints one row per reproduction (label, rule, what is measured, the labelled shape,
the fix, confirmed) and exits 1 if any reproduction is not confirmed.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from repro import REPRODUCTIONS, Result


def _fmt(value: float) -> str:
    return f"{value:g}"


def main() -> int:
    results: list[Result] = [module.run() for module in REPRODUCTIONS]
    header = ("label", "rule", "measured", "bad", "good", "confirmed")
    rows = [
        (r.label, r.rule, r.measure, _fmt(r.bad), _fmt(r.good), "yes" if r.confirmed else "NO")
        for r in results
    ]
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    for row in (header, *rows):
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        print("  ".join(cells).rstrip())
    confirmed = sum(r.confirmed for r in results)
    print(f"\n{confirmed} of {len(results)} confirmed")
    return 0 if confirmed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
