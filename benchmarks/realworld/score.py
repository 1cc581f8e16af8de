"""Score repolint against the hand labels of real code bases.

    python benchmarks/realworld/score.py                  # every labelled code base
    python benchmarks/realworld/score.py --only prefect   # one code base
    python benchmarks/realworld/score.py --missed         # what was missed or flagged
    python benchmarks/realworld/score.py --markdown       # the table for a README
    python benchmarks/realworld/score.py --json           # for tools

Each `labels/<name>.tsv` (name as in packages.tsv) has the tab-separated header
`path line code verdict found why`. A POS label is *found* when repolint reports
that code at that path and line; a NEG label is *clean* when it does not. Code
bases not yet unpacked are fetched first (see fetch.py). repolint runs as
`<python> -m repolint check <root> --output-format json --no-cache --exit-zero
--select RPL` in the code base's folder; it is never given the labels.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fetch import (
    HERE,
    FetchError,
    Package,
    default_dest,
    fetch,
    is_unpacked,
    read_packages,
)

LABELS = HERE / "labels"
HEADER = ["path", "line", "code", "verdict", "found", "why"]
CODE = re.compile(r"RPL\d{3}")
FAMILIES = ["async", "transactions", "N+1", "variants", "other"]
N_PLUS_ONE = {"RPL301", "RPL302", "RPL303", "RPL306", "RPL308", "RPL309"}


class ScoreError(Exception):
    """A problem reported as one line, without a traceback."""


@dataclass(frozen=True)
class Label:
    codebase: str
    path: str
    line: int
    code: str
    verdict: str
    found: str
    why: str
    source: str
    """`labels/<name>.tsv:<line>`, for messages."""


@dataclass
class Result:
    label: Label
    hit: bool
    """A finding of the label's code at its path and line."""

    @property
    def good(self) -> bool:
        return self.hit if self.label.verdict == "POS" else not self.hit


@dataclass
class Tally:
    pos: int = 0
    found: int = 0
    neg: int = 0
    clean: int = 0

    def add(self, result: Result) -> None:
        if result.label.verdict == "POS":
            self.pos += 1
            self.found += result.hit
        else:
            self.neg += 1
            self.clean += not result.hit

    @property
    def recall(self) -> float | None:
        return 100.0 * self.found / self.pos if self.pos else None

    @property
    def clean_rate(self) -> float | None:
        return 100.0 * self.clean / self.neg if self.neg else None


def family(code: str) -> str:
    if code.startswith("RPL1"):
        return "async"
    if code.startswith("RPL2"):
        return "transactions"
    if code in N_PLUS_ONE:
        return "N+1"
    if code in {"RPL304", "RPL305"}:
        return "variants"
    return "other"


# --- labels --------------------------------------------------------------------------


def read_labels(path: Path, codebase: str, root: Path | None) -> list[Label]:
    """The rows of one labels file; a bad row is an error naming the file and line."""
    name = f"labels/{path.name}"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ScoreError(f"cannot read {name}: {exc.strerror}") from None
    if not lines or lines[0].split("\t") != HEADER:
        raise ScoreError(f"{name}:1: the header must be the tab-separated cells {HEADER}")
    labels: list[Label] = []
    seen: dict[tuple[str, int, str], int] = {}
    line_counts: dict[str, int] = {}
    for number, text in enumerate(lines[1:], start=2):
        if not text.strip():
            continue
        where = f"{name}:{number}"
        cells = text.split("\t")
        if len(cells) != len(HEADER):
            raise ScoreError(
                f"{where}: expected {len(HEADER)} tab-separated cells, not {len(cells)}"
            )
        rel, line_text, code, verdict, found, why = (cell.strip() for cell in cells)
        pure = PurePosixPath(rel)
        if not rel or pure.is_absolute() or ".." in pure.parts or "\\" in rel:
            raise ScoreError(f"{where}: path must be relative to the code base's root: {rel!r}")
        if not line_text.isdigit() or int(line_text) < 1:
            raise ScoreError(f"{where}: line must be a positive number, not {line_text!r}")
        if not CODE.fullmatch(code):
            raise ScoreError(f"{where}: code must look like RPL301, not {code!r}")
        if verdict not in {"POS", "NEG"}:
            raise ScoreError(f"{where}: verdict must be POS or NEG, not {verdict!r}")
        if not found or not why:
            raise ScoreError(f"{where}: the found and why cells must not be empty")
        line = int(line_text)
        key = (rel, line, code)
        if key in seen:
            raise ScoreError(
                f"{where}: {rel}:{line} {code} is labelled twice (see line {seen[key]})"
            )
        seen[key] = number
        if root is not None:
            if rel not in line_counts:
                file = root / rel
                if not file.is_file():
                    raise ScoreError(f"{where}: {rel} is not a file of {codebase}")
                with file.open("rb") as handle:
                    line_counts[rel] = sum(1 for _ in handle)
            if line > line_counts[rel]:
                raise ScoreError(f"{where}: {rel} has only {line_counts[rel]} lines")
        labels.append(Label(codebase, rel, line, code, verdict, found, why, where))
    return labels


# --- running repolint ----------------------------------------------------------------


def findings(python: str, root: Path, default_rules: bool = False) -> set[tuple[str, int, str]]:
    """(path relative to root, line, code) of every finding of repolint on root: every
    rule (`--select RPL`), or the rules on by default."""
    command = [
        python, "-m", "repolint", "check", str(root), "--output-format", "json",
        "--no-cache", "--exit-zero",
    ]  # fmt: skip
    if not default_rules:
        command += ["--select", "RPL"]
    try:
        result = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise ScoreError(f"cannot run {python}: {exc.strerror}") from None
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise ScoreError(f"repolint failed on {root.name} (exit {result.returncode}): {last}")
    try:
        items = json.loads(result.stdout or "[]")
    except json.JSONDecodeError as exc:
        raise ScoreError(f"repolint printed no JSON for {root.name}: {exc}") from None
    out: set[tuple[str, int, str]] = set()
    resolved = root.resolve()
    for item in items:
        path = Path(item["path"])
        if not path.is_absolute():
            path = root / path
        try:
            rel = path.resolve().relative_to(resolved).as_posix()
        except ValueError:
            continue
        out.add((rel, int(item["line"]), str(item["code"])))
    return out


def ensure_code(package: Package, dest: Path, fetch_missing: bool) -> Path:
    if is_unpacked(package, dest):
        return dest / package.name
    if not fetch_missing:
        raise ScoreError(
            f"{package.name} is not unpacked in {dest}: run "
            f"`python benchmarks/realworld/fetch.py --dest {dest}` first"
        )
    try:
        return fetch(package, dest)
    except FetchError as exc:
        raise ScoreError(str(exc)) from None


# --- output --------------------------------------------------------------------------


def percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}%"


def table_rows(results: Sequence[Result]) -> list[tuple[str, Tally]]:
    by_code: dict[str, Tally] = {}
    by_family: dict[str, Tally] = {}
    overall = Tally()
    for result in results:
        by_code.setdefault(result.label.code, Tally()).add(result)
        by_family.setdefault(family(result.label.code), Tally()).add(result)
        overall.add(result)
    rows = [(code, by_code[code]) for code in sorted(by_code)]
    rows += [(f"{name} (family)", by_family[name]) for name in FAMILIES if name in by_family]
    rows.append(("overall", overall))
    return rows


def codebase_rows(results: Sequence[Result]) -> list[tuple[str, Tally]]:
    by_base: dict[str, Tally] = {}
    for result in results:
        by_base.setdefault(result.label.codebase, Tally()).add(result)
    return [(name, by_base[name]) for name in sorted(by_base)]


COLUMNS = ["POS", "found", "recall", "NEG", "clean", "clean %"]


def cells(tally: Tally) -> list[str]:
    return [
        str(tally.pos),
        str(tally.found),
        percent(tally.recall),
        str(tally.neg),
        str(tally.clean),
        percent(tally.clean_rate),
    ]


def text_table(title: str, rows: Iterable[tuple[str, Tally]]) -> str:
    body = [[name, *cells(tally)] for name, tally in rows]
    head = [title, *COLUMNS]
    widths = [max(len(row[i]) for row in [head, *body]) for i in range(len(head))]

    def fmt(row: Sequence[str]) -> str:
        first = row[0].ljust(widths[0])
        rest = (cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True))
        return "  ".join([first, *rest])

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([fmt(head), rule, *(fmt(row) for row in body)])


def markdown_table(title: str, rows: Iterable[tuple[str, Tally]]) -> str:
    lines = [
        "| " + " | ".join([title, *COLUMNS]) + " |",
        "| --- | " + " | ".join(["---:"] * len(COLUMNS)) + " |",
    ]
    lines += ["| " + " | ".join([name, *cells(tally)]) + " |" for name, tally in rows]
    return "\n".join(lines)


def missed_lines(results: Sequence[Result]) -> list[str]:
    out = []
    for result in results:
        if result.good:
            continue
        label = result.label
        kind = "missed" if label.verdict == "POS" else "flagged"
        out.append(f"{kind}  {label.codebase}/{label.path}:{label.line}  {label.code}  {label.why}")
    return out


def as_json(results: Sequence[Result]) -> dict[str, object]:
    def block(rows: Iterable[tuple[str, Tally]]) -> dict[str, object]:
        return {
            name: {**asdict(t), "recall": t.recall, "clean_rate": t.clean_rate} for name, t in rows
        }

    rows = table_rows(results)
    return {
        "rules": block(r for r in rows if r[0].startswith("RPL")),
        "families": block(
            (name.removesuffix(" (family)"), t) for name, t in rows if name.endswith("(family)")
        ),
        "overall": block(r for r in rows if r[0] == "overall")["overall"],
        "codebases": block(codebase_rows(results)),
        "labels": [{**asdict(r.label), "hit": r.hit, "ok": r.good} for r in results],
    }


# --- main ----------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="score.py", description="Score repolint against the labels of real code bases."
    )
    parser.add_argument(
        "--only", action="append", metavar="NAME", help="one code base (repeatable)"
    )
    parser.add_argument("--dest", type=Path, default=None, help="where the code is unpacked")
    parser.add_argument("--python", default=sys.executable, help="interpreter that has repolint")
    parser.add_argument("--no-fetch", action="store_true", help="do not fetch missing code bases")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="machine-readable output")
    output.add_argument("--markdown", action="store_true", help="the tables in markdown")
    parser.add_argument(
        "--missed", action="store_true", help="list POS labels not found and NEG labels flagged"
    )
    args = parser.parse_args(argv)
    dest: Path = (args.dest or default_dest()).resolve()
    try:
        packages = {package.name: package for package in read_packages()}
        files = {path.stem: path for path in sorted(LABELS.glob("*.tsv"))}
        for name in files:
            if name not in packages:
                raise ScoreError(f"labels/{name}.tsv: no row for {name} in packages.tsv")
        names = list(args.only or files)
        for name in names:
            if name not in files:
                raise ScoreError(f"no labels/{name}.tsv")
        results: list[Result] = []
        for name in names:
            read_labels(files[name], name, None)  # the file's own errors before any download
            root = ensure_code(packages[name], dest, not args.no_fetch)
            labels = read_labels(files[name], name, root)
            if not args.json:
                print(f"{name}: {len(labels)} labels, running repolint...", file=sys.stderr)
            hits = findings(args.python, root)
            results += [
                Result(label, (label.path, label.line, label.code) in hits) for label in labels
            ]
    except (ScoreError, FetchError) as exc:
        print(f"score.py: error: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(as_json(results), indent=2))
        return 0
    render = markdown_table if args.markdown else text_table
    print(render("rule", table_rows(results)))
    print()
    print(render("code base", codebase_rows(results)))
    if args.missed:
        lines = missed_lines(results)
        print()
        print("\n".join(lines) if lines else "nothing missed or flagged")
    counts = Counter(r.label.verdict for r in results)
    if not args.markdown:
        print(f"\n{counts['POS']} POS and {counts['NEG']} NEG labels in {len(names)} code bases")
    return 0


if __name__ == "__main__":
    sys.exit(main())
