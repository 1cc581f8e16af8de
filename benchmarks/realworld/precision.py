"""Precision on real code: repolint's findings against the hand-judged ones.

    python benchmarks/realworld/precision.py                 # every judged code base
    python benchmarks/realworld/precision.py --only prefect  # one code base
    python benchmarks/realworld/precision.py --new           # list findings not judged yet

Each `triage/<name>.tsv` holds every finding repolint gave on that code base when it
was judged, read by hand: header `path line code verdict why`, verdict `true`
(a real problem), `true-low` (real, of little value) or `false` (the claim is wrong).
repolint runs with its default rules; a finding is matched by path, line and code.
Findings that appeared since the judging are counted apart as not judged: judge them
and add them to the file.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fetch import HERE, default_dest, read_packages
from score import ScoreError, ensure_code, findings

TRIAGE = HERE / "triage"
VERDICTS = ("true", "true-low", "false")


def judged(name: str) -> dict[tuple[str, int, str], tuple[str, str]]:
    """(path, line, code) -> (verdict, why) of one code base's triage file."""
    out: dict[tuple[str, int, str], tuple[str, str]] = {}
    path = TRIAGE / f"{name}.tsv"
    with path.open(encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle, delimiter="\t"), start=2):
            verdict = (row.get("verdict") or "").strip()
            if verdict not in VERDICTS:
                raise ScoreError(f"{path}:{number}: verdict must be one of {VERDICTS}")
            out[(row["path"], int(row["line"]), row["code"])] = (verdict, row.get("why", ""))
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", action="append", help="one code base (repeatable)")
    parser.add_argument("--dest", type=Path, default=default_dest())
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--new", action="store_true", help="list the findings not judged")
    args = parser.parse_args(argv)
    packages = {p.name: p for p in read_packages()}
    names = sorted(p.stem for p in TRIAGE.glob("*.tsv"))
    if args.only:
        names = [n for n in names if n in args.only]
    total: Counter[str] = Counter()
    heads = ("true", "low", "false", "precision", "gone", "new")
    widths = (5, 5, 5, 9, 5, 5)
    print(f"{'code base':28} " + " ".join(f"{h:>{w}}" for h, w in zip(heads, widths, strict=True)))
    try:
        for name in names:
            root = ensure_code(packages[name], args.dest, fetch_missing=True)
            verdicts = judged(name)
            found = findings(args.python, root, default_rules=True)
            tally: Counter[str] = Counter()
            new = sorted(found - verdicts.keys())
            for key in found & verdicts.keys():
                tally[verdicts[key][0]] += 1
            gone = Counter(verdicts[k][0] for k in verdicts.keys() - found)
            tally["new"] = len(new)
            tally["gone"] = sum(gone.values())
            total.update(tally)
            print(_row(name, tally) + (f"   (gone: {dict(gone)})" if gone else ""))
            if args.new:
                for path, line, code in new:
                    print(f"    new  {name}/{path}:{line}  {code}")
            for key in sorted(found & verdicts.keys()):
                if verdicts[key][0] == "false":
                    print(f"    false  {name}/{key[0]}:{key[1]}  {key[2]}  {verdicts[key][1]}")
    except ScoreError as exc:
        print(f"precision.py: error: {exc}", file=sys.stderr)
        return 2
    print(_row("all", total))
    return 0


def _row(name: str, tally: Counter[str]) -> str:
    right = tally["true"] + tally["true-low"]
    judged_count = right + tally["false"]
    share = f"{100 * right / judged_count:.0f}%" if judged_count else "-"
    return (
        f"{name:28} {tally['true']:>5} {tally['true-low']:>5} {tally['false']:>5} "
        f"{share:>9} {tally['gone']:>5} {tally['new']:>5}"
    )


if __name__ == "__main__":
    raise SystemExit(main())
