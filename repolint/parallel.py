"""Passes 2 and 3 in forked worker processes, with the output of one process.

The parent parses every file and builds the project index (pass 1), then
forks `jobs` workers that inherit it (copy-on-write: nothing is pickled but
findings). Each worker has its own group of modules that import each other
(`semantics.partition`) and asks for its chunks in dependency order; a worker whose
group is done takes the last chunks of another's. It types them and runs
their rules (`Checker.first`); when every module is typed, the parent merges
the workers' traversal tables (`merge_traversals`), hands the complete table
back, and each worker runs the whole-project rules on the modules it typed
(`Checker.second`). The parent puts the findings back in module order, so the
output is the same, in content and order, for any number of workers.

Facts of functions in other modules are computed again by each worker that
needs them: that is the price of not shipping syntax trees between processes.
Tables read from every module are built in the parent before the fork
(`FactStore.build_project_tables`): a worker that builds one copies every page it
reads (each read writes a reference count), which costs more than the reading.
Workers are plain `os.fork` children (not `multiprocessing.Process`), so that a
flake8 worker, itself a daemonic pool process, may start them too. Where `fork`
is unavailable (Windows) or other threads run, or when a worker fails, the
caller runs in one process.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from repolint.engine import Checker, CheckOutcome, ModuleOutcome, Progress, Traversals

MIN_CHUNK, MAX_CHUNK = 1, 24
"""Bounds of the chunk of modules a worker takes at a time (neighbours share facts)."""

_checker: Checker | None = None
"""The project a forked worker inherits from its parent (set only around the fork)."""


def available_cpus() -> int:
    """CPUs this process may run on."""
    counter = getattr(os, "process_cpu_count", None)  # Python 3.13+
    if counter is not None:
        return max(counter() or 1, 1)
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except (AttributeError, OSError):
        return max(os.cpu_count() or 1, 1)


def can_fork() -> bool:
    """True when worker processes can be forked from here: `os.fork` exists and no
    other thread runs (a lock it held at the fork would stay held in the child)."""
    return hasattr(os, "fork") and threading.active_count() == 1


def queues(groups: Sequence[Sequence[int]], jobs: int) -> list[list[list[int]]]:
    """Each group of module indices in consecutive chunks, about six chunks per
    worker in all."""
    count = sum(len(g) for g in groups)
    size = max(MIN_CHUNK, min(MAX_CHUNK, count // max(jobs * 6, 1)))
    return [[list(g[i : i + size]) for i in range(0, len(g), size)] for g in groups]


def check_in_processes(
    checker: Checker, jobs: int, progress: Progress | None = None
) -> CheckOutcome | None:
    """Both walks of `checker` over `jobs` workers; None when that cannot be done
    (the caller then checks in this process)."""
    from repolint.engine import CheckOutcome, ModuleOutcome, merge_traversals
    from repolint.semantics.order import dependency_order
    from repolint.semantics.partition import partition

    global _checker
    total = len(checker.modules)
    # callees' modules first, as in one process: a worker then finds the facts of the
    # functions its modules call already computed by their own modules' analyses; each
    # worker starts on its own group of modules that import each other
    order = dependency_order(checker.modules)
    todo = queues(partition(checker.modules, order, jobs), jobs)
    jobs = min(jobs, sum(len(q) for q in todo))
    if jobs < 2 or not can_fork():
        return None
    # tables read from every module, built once here rather than in each worker
    checker.project.index.facts.build_project_tables()
    for stream in (sys.stdout, sys.stderr):
        stream.flush()  # a child must not inherit (and print again) buffered output
    workers: list[Worker] = []
    _checker = checker
    try:
        for _ in range(jobs):
            workers.append(_fork(workers))
    except OSError:
        _stop(workers)
        return None
    finally:
        _checker = None
    first: list[ModuleOutcome | None] = [None] * total
    second: list[ModuleOutcome | None] = [None] * total
    try:
        if not _first_walk(workers, todo, first, progress, total):
            return None
        tables = [_ask(worker.conn, ("traversals",)) for worker in workers]
        if any(table is None for table in tables):
            return None
        merged = merge_traversals(cast("list[Traversals]", tables))
        for worker in workers:
            worker.conn.send(("second", merged))
        for worker in workers:
            reply = _receive(worker.conn)
            if reply is None or reply[0] != "second":
                return None
            for i, outcome in reply[1]:
                second[i] = outcome
    except (OSError, EOFError):
        return None
    finally:
        _stop(workers)
    typed = [outcome for outcome in first if outcome is not None]
    if len(typed) != total:
        return None
    return CheckOutcome.merge(typed, [outcome or ModuleOutcome() for outcome in second])


def _first_walk(
    workers: Sequence[Worker],
    todo: list[list[list[int]]],
    first: list[ModuleOutcome | None],
    progress: Progress | None,
    total: int,
) -> bool:
    """Deal chunks until all are typed and checked: each worker's from its own queue
    (`todo[k]` for worker k) in order, then the last chunks of the longest other queue."""
    pending = [list(reversed(queue)) for queue in todo]
    home = {id(worker.conn): k for k, worker in enumerate(workers)}
    busy = set(home)
    conns = [worker.conn for worker in workers]
    done = 0
    while busy:
        for ready in wait([c for c in conns if id(c) in busy]):
            conn = cast(Connection, ready)
            reply = _receive(conn)
            if reply is None or reply[0] != "first":
                return False
            for i, outcome in reply[1]:
                first[i] = outcome
                done += 1
            if reply[1] and progress is not None:
                progress("analysing", done, total)
            chunk = _next_chunk(pending, home[id(conn)])
            if chunk is not None:
                conn.send(("chunk", chunk))
            else:
                busy.discard(id(conn))
    return True


def _next_chunk(pending: list[list[list[int]]], k: int) -> list[int] | None:
    """The next chunk of queue `k` (stacks, next chunk last), else the last chunk
    of the longest queue; None when every queue is empty."""
    if k < len(pending) and pending[k]:
        return pending[k].pop()
    longest = max(pending, key=len, default=[])
    return longest.pop(0) if longest else None


def _receive(conn: Connection) -> tuple | None:
    """The next message, or None when the worker failed or died."""
    try:
        message = conn.recv()
    except (EOFError, OSError):
        return None
    if not isinstance(message, tuple) or message[0] == "failed":
        return None
    return message


def _ask(conn: Connection, message: tuple) -> object | None:
    conn.send(message)
    reply = _receive(conn)
    return None if reply is None else reply[1]


@dataclass
class Worker:
    """A forked worker: its process id and the parent's end of its pipe."""

    pid: int
    conn: Connection


def _fork(siblings: Sequence[Worker]) -> Worker:
    parent_end, child_end = multiprocessing.Pipe()
    pid = os.fork()
    if pid == 0:  # the worker: never returns to the caller's code
        status = 1
        try:
            parent_end.close()
            for sibling in siblings:
                sibling.conn.close()
            _work(child_end)
            status = 0
        finally:
            os._exit(status)
    child_end.close()
    return Worker(pid, parent_end)


def _stop(workers: Sequence[Worker], grace: float = 5.0) -> None:
    """Close the pipes (idle workers then exit) and reap the workers; kill the slow."""
    for worker in workers:
        worker.conn.close()
    deadline = time.monotonic() + grace
    for worker in workers:
        while True:
            try:
                done, _ = os.waitpid(worker.pid, os.WNOHANG)
            except ChildProcessError:
                break
            if done:
                break
            if time.monotonic() > deadline:
                with contextlib.suppress(OSError):
                    os.kill(worker.pid, signal.SIGKILL)
                with contextlib.suppress(ChildProcessError):
                    os.waitpid(worker.pid, 0)
                break
            time.sleep(0.01)


def _work(conn: Connection) -> None:
    """A worker: type and check the chunks it is given, then the second walk."""
    checker = _checker
    if checker is None:  # pragma: no cover - only reachable without fork
        conn.send(("failed", "no project"))
        return
    mine: list[int] = []
    try:
        conn.send(("first", []))
        while True:
            message = conn.recv()
            if message[0] == "chunk":
                mine.extend(message[1])
                conn.send(("first", [(i, checker.first(i)) for i in message[1]]))
            elif message[0] == "traversals":
                conn.send(("traversals", checker.traversals()))
            elif message[0] == "second":
                checker.use_traversals(message[1])
                conn.send(("second", [(i, checker.second(i)) for i in mine]))
                return
    except (EOFError, OSError, KeyboardInterrupt):
        return
    except BaseException as exc:  # the parent falls back to one process
        with contextlib.suppress(OSError, ValueError):
            conn.send(("failed", f"{type(exc).__name__}: {exc}"))
