"""Time repolint against the `ast.parse` floor and its peers on pinned real code bases.

    python benchmarks/run.py                          # every code base, 3 runs each
    python benchmarks/run.py --only advanced-alchemy --runs 5
    python benchmarks/run.py --download-only          # fetch and unpack, time nothing
    python benchmarks/run.py --write-readme           # put the table in README.md
    python benchmarks/run.py --profile prefect        # where repolint's time goes

The code bases are fetched with `pip download --no-deps` (wheels, pinned) and
unpacked, `.py` files only, into a folder outside the repository
(`--code-dir`, default `$TMPDIR/repolint-benchmarks`, reused by later runs;
never committed). A `pyproject.toml` is written at each root so that the
plugins see the same project as `repolint check`.

Every tool runs on the same folder, as a fresh process, `--runs` times, in rounds:
each round runs every tool once, in turn, so that a machine whose speed drifts over
the minutes slows every column alike. The table shows the median wall time and the
median of each round's ratio to that round's floor (reading and `ast.parse`-ing every
file in one process), and the peak memory of the whole
process tree (the sum of the processes' proportional set sizes, so pages that
forked workers share are counted once), read in one more run than the timed
ones: sampling memory takes CPU time from the run it measures. repolint's own
bytecode is compiled first, as `pip install` compiles it: a shell that sets
`PYTHONDONTWRITEBYTECODE` would otherwise have every run compile its sources.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
README = REPO / "README.md"
BIN = Path(sys.executable).parent
START, END = "<!-- benchmark-table:start -->", "<!-- benchmark-table:end -->"

CODE_BASES: dict[str, str] = {
    "advanced-alchemy": "advanced-alchemy==1.12.0",
    "prefect": "prefect==3.9.1",
    "airflow-core": "apache-airflow-core==3.3.2",
    "open-webui": "open-webui==0.12.4",
    "mlflow": "mlflow==3.18.0",
}

FLOOR = """\
import ast, sys
for path in open(sys.argv[1], encoding="utf-8").read().splitlines():
    with open(path, "rb") as handle:
        try:
            ast.parse(handle.read())
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            pass
"""


@dataclass
class Tool:
    """One column: a command run in the code base's folder."""

    name: str
    command: list[str]
    env: dict[str, str] = field(default_factory=dict)
    prepare: list[str] | None = None
    """Run once before the timed runs (fills the cache for the warm column)."""
    slow: bool = False
    """Timed `--runs-slow` times only (pylint)."""
    fresh_cache: bool = False
    """Remove `.repolint_cache` before each run (a first run, the cache on)."""


@dataclass
class Sample:
    seconds: float
    peak_mb: float
    returncode: int
    ratio: float | None = None
    """Median over the rounds of this tool's time over the floor's in the same round."""


def tools(files_list: Path) -> list[Tool]:
    repolint = [str(BIN / "repolint"), "check", "--output-format", "concise", "-q", "."]
    flake8 = [str(BIN / "flake8"), "--select=RPL", "."]
    pylint = [str(BIN / "pylint"), "--disable=all", "--recursive=y", "--score=n"]
    plugin = ["--load-plugins=repolint.integrations.pylint", "--enable=repolint"]
    return [
        Tool("floor", [sys.executable, "-c", FLOOR, str(files_list)]),
        Tool("cold", [*repolint, "--no-cache"]),
        Tool("warm", repolint, prepare=repolint),
        Tool("jobs 1", [*repolint, "--no-cache", "--jobs", "1"]),
        Tool("jobs 2", [*repolint, "--no-cache", "--jobs", "2"]),
        Tool("flake8 RPL", flake8, fresh_cache=True),
        Tool("flake8 RPL warm", flake8, prepare=flake8),
        Tool("flake8 framework", [str(BIN / "flake8"), "--select=E999", "."]),
        Tool("pylint plugin", [*pylint, *plugin, "."], slow=True, fresh_cache=True),
        Tool("pylint framework", [*pylint, "--enable=syntax-error", "."], slow=True),
        Tool("ruff", [str(BIN / "ruff"), "check", "--no-cache", "--isolated", "-q", "."]),
        Tool(
            "ruff ALL",
            [str(BIN / "ruff"), "check", "--no-cache", "--isolated", "--select", "ALL", "-q", "."],
        ),
    ]


# --- fetching ------------------------------------------------------------------------


def fetch(name: str, spec: str, code_dir: Path) -> Path:
    """Download and unpack one pinned wheel (its `.py` files) unless already there."""
    target = code_dir / name
    marker = target / ".unpacked"
    if marker.exists() and marker.read_text() == spec:
        return target
    wheels = code_dir / ".wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    download = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:"]
    subprocess.run([*download, "--quiet", "-d", str(wheels), spec], check=True)
    project, version = spec.split("==")
    stem = re.sub(r"[-_.]+", "_", project).lower()
    wheel = next(w for w in wheels.glob("*.whl") if w.name.lower().startswith(f"{stem}-{version}-"))
    shutil.rmtree(target, ignore_errors=True)
    with zipfile.ZipFile(wheel) as archive:
        for member in archive.namelist():
            if member.endswith((".py", ".pyi")) and ".dist-info/" not in member:
                archive.extract(member, target)
    (target / "pyproject.toml").write_text("[tool.repolint]\n", encoding="utf-8")
    marker.write_text(spec)
    return target


def python_files(root: Path) -> list[Path]:
    """The files repolint checks there (its own discovery)."""
    sys.path.insert(0, str(REPO))
    from repolint.config import load_settings
    from repolint.discovery import discover

    settings, _ = load_settings([str(root)])
    return discover([str(root)], settings, cwd=str(root)).files


# --- measuring -----------------------------------------------------------------------


def _tree(root: int) -> list[int]:
    """`root` and its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as handle:
                ppid = int(handle.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    out, stack = [], [root]
    while stack:
        pid = stack.pop()
        out.append(pid)
        stack.extend(children.get(pid, []))
    return out


def _memory_kb(pid: int) -> int:
    for name, key in (("smaps_rollup", "Pss:"), ("status", "VmRSS:")):
        try:
            with open(f"/proc/{pid}/{name}", encoding="utf-8") as handle:
                for line in handle:
                    if line.startswith(key):
                        return int(line.split()[1])
        except (OSError, ValueError):
            continue
    return 0


def measure(command: Sequence[str], cwd: Path, env: dict[str, str], memory: bool = True) -> Sample:
    """Wall time and, with `memory`, peak memory (sum over the process tree) of one run.

    Reading the memory of a process tree every 50 ms costs CPU time (the kernel walks
    each process's pages for `smaps_rollup`), taken from the same cores as the run's
    own workers: the timed runs are made without it, the memory is read in a run of
    its own."""
    full_env = {**os.environ, "NO_COLOR": "1", **env}
    full_env.pop("REPOLINT_OUTPUT_FORMAT", None)
    start = time.perf_counter()
    proc = subprocess.Popen(
        command, cwd=cwd, env=full_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, sum(_memory_kb(pid) for pid in _tree(proc.pid)))
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    if memory and Path("/proc").is_dir():
        sampler.start()
    code = proc.wait()
    seconds = time.perf_counter() - start
    done.set()
    if sampler.is_alive():
        sampler.join()
    return Sample(seconds, peak / 1024, code)


def run_rounds(tools: Sequence[Tool], cwd: Path, runs: int, runs_slow: int) -> dict[str, Sample]:
    """`runs` rounds (`runs_slow` for the slow tools), each running every tool once in
    turn, then one more run of each to read its memory. A tool with `prepare` has it run
    just before each of its runs; the cache is removed before each."""
    seconds: dict[str, list[float]] = {tool.name: [] for tool in tools}
    codes: dict[str, int] = {tool.name: 0 for tool in tools}
    ratios: dict[str, list[float]] = {tool.name: [] for tool in tools}
    for round_ in range(runs):
        floor: float | None = None
        for tool in tools:
            if tool.slow and round_ >= runs_slow:
                continue
            sample = _run_once(tool, cwd, memory=False)
            seconds[tool.name].append(sample.seconds)
            codes[tool.name] = max(codes[tool.name], sample.returncode)
            if tool.name == "floor":
                floor = sample.seconds
            elif floor:
                ratios[tool.name].append(sample.seconds / floor)
    results: dict[str, Sample] = {}
    for tool in tools:
        peak = _run_once(tool, cwd, memory=True)
        results[tool.name] = Sample(
            statistics.median(seconds[tool.name]),
            peak.peak_mb,
            max(codes[tool.name], peak.returncode),
            statistics.median(ratios[tool.name]) if ratios[tool.name] else None,
        )
        print(
            f"{cwd.name:>16} {tool.name:>16}: {results[tool.name].seconds:7.2f} s "
            f"{peak.peak_mb:7.0f} MB  exit {results[tool.name].returncode}",
            flush=True,
        )
    shutil.rmtree(cwd / ".repolint_cache", ignore_errors=True)
    return results


def _run_once(tool: Tool, cwd: Path, memory: bool) -> Sample:
    shutil.rmtree(cwd / ".repolint_cache", ignore_errors=True)
    if tool.prepare:
        measure(tool.prepare, cwd, tool.env, memory=False)
    return measure(tool.command, cwd, tool.env, memory=memory)


# --- reporting ---------------------------------------------------------------------------


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            names = [
                line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")
            ]
        cpu = names[0] if names else cpu
    except OSError:
        pass
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError, AttributeError):
        memory = 0.0
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (
        f"{cpu}, {cores} CPUs, {memory:.0f} GB, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}"
    )


COLUMNS = [
    "floor",
    "cold",
    "warm",
    "jobs 1",
    "jobs 2",
    "flake8 RPL",
    "flake8 RPL warm",
    "flake8 framework",
    "pylint plugin",
    "pylint framework",
    "ruff",
    "ruff ALL",
]


OWN = ["floor", "cold", "warm", "jobs 1", "jobs 2"]
PEERS = [c for c in COLUMNS if c not in OWN]


def table(results: dict[str, dict[str, object]]) -> str:
    """Two Markdown tables (repolint, then the plugins and peers): seconds and the
    ratio to the floor; memory of repolint's cold runs."""
    own = _table(results, OWN, ["memory cold", "memory jobs 1"])
    peers = _table(results, ["floor", *PEERS], [])
    return f"{own}\n\n{peers}"


def _table(results: dict[str, dict[str, object]], columns: list[str], memory: list[str]) -> str:
    head = ["code base", "files", "lines", *columns, *memory]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, result in results.items():
        times: dict[str, Sample] = result["times"]  # type: ignore[assignment]
        floor = times["floor"].seconds if "floor" in times else None
        cells = [name, str(result["files"]), f"{int(result['lines']) / 1000:.0f} k"]
        for column in columns:
            sample = times.get(column)
            if sample is None:
                cells.append("-")
            elif column == "floor" or not floor:
                cells.append(f"{sample.seconds:.2f} s")
            else:
                ratio = sample.ratio if sample.ratio is not None else sample.seconds / floor
                cells.append(f"{sample.seconds:.2f} s ({ratio:.1f}x)")
        for column in memory:
            sample = times.get(column.removeprefix("memory "))
            cells.append(f"{sample.peak_mb:.0f} MB" if sample else "-")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def write_readme(text: str) -> None:
    readme = README.read_text(encoding="utf-8")
    if START not in readme or END not in readme:
        raise SystemExit(f"README.md has no {START} ... {END} markers")
    before, rest = readme.split(START, 1)
    _, after = rest.split(END, 1)
    README.write_text(f"{before}{START}\n{text}\n{END}{after}", encoding="utf-8")


def profile(root: Path, out: Path) -> None:
    """pyinstrument over one cold run in one process."""
    out.parent.mkdir(parents=True, exist_ok=True)
    # the `repolint` command leaves with os._exit (fast teardown), before pyinstrument
    # writes its report: profile the click command itself, which returns
    script = out.with_suffix(".run.py")
    script.write_text(
        "import sys\nfrom repolint.cli import main\nmain(sys.argv[1:], standalone_mode=False)\n",
        encoding="utf-8",
    )
    command = [str(BIN / "pyinstrument"), "-r", "text", "-o", str(out), "--show-all"]
    command += [str(script), "check", "--no-cache", "--jobs", "1", "-q", "."]
    subprocess.run(command, cwd=root, env={**os.environ, "NO_COLOR": "1"}, check=False)
    print(f"profile written to {out}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", action="append", choices=sorted(CODE_BASES))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--runs-slow", type=int, default=1, help="runs of the pylint column")
    parser.add_argument(
        "--code-dir", type=Path, default=Path(tempfile.gettempdir()) / "repolint-benchmarks"
    )
    parser.add_argument("--skip", action="append", default=[], choices=COLUMNS)
    parser.add_argument("--download-only", action="store_true")
    parser.add_argument("--write-readme", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    parser.add_argument("--profile", choices=sorted(CODE_BASES))
    args = parser.parse_args(argv)

    names = args.only or list(CODE_BASES)
    roots = {name: fetch(name, CODE_BASES[name], args.code_dir) for name in names}
    if args.download_only:
        for name, root in roots.items():
            print(f"{name}: {root}")
        return 0
    if args.profile:
        profile(roots[args.profile], args.code_dir / "profiles" / f"{args.profile}.txt")
        return 0
    compileall.compile_dir(REPO / "repolint", quiet=1)
    results: dict[str, dict[str, object]] = {}
    for name, root in roots.items():
        files = python_files(root)
        listing = args.code_dir / f"{name}.files"
        listing.write_text("\n".join(str(f) for f in files), encoding="utf-8")
        lines = sum(f.read_bytes().count(b"\n") for f in files)
        chosen = [tool for tool in tools(listing) if tool.name not in args.skip]
        times = run_rounds(chosen, root, args.runs, min(args.runs_slow, args.runs))
        results[name] = {"files": len(files), "lines": lines, "times": times}
    text = (
        f"Machine: {machine()}; medians of {args.runs} rounds (each runs every column once, "
        f"in turn; a ratio is the median of each round's ratio to its floor).\n\n{table(results)}"
    )
    print()
    print(text)
    if args.json:
        raw = {
            name: {**r, "times": {k: vars(v) for k, v in r["times"].items()}}  # type: ignore[attr-defined]
            for name, r in results.items()
        }
        args.json.write_text(json.dumps(raw, indent=2), encoding="utf-8")
    if args.write_readme:
        write_readme(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
