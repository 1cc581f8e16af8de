"""The content-hash cache: a project's findings, reused while nothing they depend on changed.

A finding in one file depends on other files (a repository method's return in
`repositories.py` decides RPL301 in `api.py`; callers' traversals decide RPL304
in the repository), so an entry is keyed on a fingerprint of everything the
engine reads: every file's content hash, module name and display name (the
checked files and the project files read for context alike), the settings,
the selected codes, the Python version (its parser) and the code of repolint
itself. Any edit anywhere in the project gives a new key, never a stale
finding; an unchanged project is answered without parsing a file.

Entries live in `.repolint_cache/` at the project root (with its own
`.gitignore` and `CACHEDIR.TAG`), one JSON file per key, written to a
temporary file and renamed into place (`os.replace`), so concurrent processes
(flake8 workers) never read a partial entry. Only the newest entries are kept.
An unreadable, corrupt or foreign entry is a miss; a cache that cannot be
written is skipped silently: correctness never depends on it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, fields
from pathlib import Path

from repolint import __version__
from repolint.findings import FileError, Finding, Severity
from repolint.fixes.edits import fix_from_data, fix_to_data
from repolint.layout import default_roots, module_names
from repolint.semantics.source import MAX_FILE_BYTES
from repolint.settings import Settings

CACHE_DIR_NAME = ".repolint_cache"
FORMAT = 2
"""Bumped when the layout of an entry changes."""
ENTRIES_KEPT = 32
"""Entries kept per cache folder; older ones are removed when a new one is written."""
LOCK_WAIT_SECONDS = 600.0
"""How long a process waits for another to finish analysing the same project."""
CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by repolint.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n"
)
_FINDING_FIELDS = tuple(f.name for f in fields(Finding))


def cache_dir_for(settings: Settings, explicit: str | os.PathLike[str] | None = None) -> Path:
    """`explicit`, else `$REPOLINT_CACHE_DIR`, else `.repolint_cache` at the project root."""
    chosen = explicit or os.environ.get("REPOLINT_CACHE_DIR")
    if chosen:
        return Path(os.path.abspath(chosen))
    return Path(os.path.abspath(settings.project_root or ".")) / CACHE_DIR_NAME


def cache_disabled_by_environment() -> bool:
    """`REPOLINT_NO_CACHE=1` turns the cache off (for the plugins, which have no option)."""
    return os.environ.get("REPOLINT_NO_CACHE", "").strip().lower() in ("1", "true", "yes")


class ResultCache:
    """Findings of whole projects by fingerprint, in one folder."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    # -- keys -------------------------------------------------------------------

    def key(
        self,
        files: Sequence[Path],
        settings: Settings,
        enabled: frozenset[str],
        *,
        display: Mapping[Path, str] | None = None,
        context: Sequence[Path] = (),
    ) -> str | None:
        """The fingerprint of a run, or None when a file cannot be read (no caching)."""
        display = display or {}
        digest = hashlib.blake2b(digest_size=20)
        head = [FORMAT, __version__, sys.version, _own_code(), repr(settings), sorted(enabled)]
        digest.update(json.dumps(head).encode())
        roots = default_roots(settings, files)
        shown = set(display)
        context = [path for path in context if path not in shown]  # as the engine skips them
        for group, paths in (("target", files), ("context", context)):
            digest.update(f"\0{group}\0".encode())
            for path, (name, is_package) in zip(paths, module_names(paths, roots), strict=True):
                content = _content_hash(path)
                if content is None:
                    return None
                label = display.get(path, str(path)) if group == "target" else str(path)
                record = (str(path), label, name, is_package, content)
                digest.update(json.dumps(record).encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    # -- entries ----------------------------------------------------------------

    def load(self, key: str) -> tuple[list[Finding], list[FileError]] | None:
        """The findings and errors stored under `key`, or None (a miss)."""
        try:
            with open(self._entry(key), encoding="utf-8") as handle:
                data = json.load(handle)
            if data.get("format") != FORMAT or data.get("key") != key:
                return None
            findings = [_finding(item) for item in data["findings"]]
            errors = [FileError(str(e["path"]), str(e["message"])) for e in data["errors"]]
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None
        return findings, errors

    def store(self, key: str, findings: Sequence[Finding], errors: Sequence[FileError]) -> None:
        """Write an entry atomically; give up silently when the folder is not writable."""
        data = {
            "format": FORMAT,
            "key": key,
            "findings": [_finding_json(f) for f in findings],
            "errors": [{"path": e.path, "message": e.message} for e in errors],
        }
        text = json.dumps(data, ensure_ascii=True, separators=(",", ":"))
        with contextlib.suppress(OSError):
            self._prepare()
            _write_atomically(self._entry(key), text)
            self._prune()

    @contextlib.contextmanager
    def lock(self, key: str, wait: float = LOCK_WAIT_SECONDS) -> Iterator[None]:
        """Hold an exclusive lock on `key` while it is computed, so that concurrent
        processes (flake8 workers) compute it once and the others read it. After
        `wait` seconds, or without `fcntl` (Windows) or a writable folder, go on
        without it."""
        handle = None
        try:
            import fcntl

            self._prepare()
            handle = open(self.directory / f"{key}.lock", "a+b")  # noqa: SIM115
            deadline = time.monotonic() + wait
            while True:
                try:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.02)
        except (ImportError, OSError):
            if handle is not None:
                handle.close()
            handle = None
        try:
            yield
        finally:
            if handle is not None:
                handle.close()  # closing releases the lock

    # -- helpers ----------------------------------------------------------------

    def _entry(self, key: str) -> Path:
        return self.directory / f"{key}.json"

    def _prepare(self) -> None:
        """Create the folder with its `.gitignore` and `CACHEDIR.TAG` on first use."""
        tag = self.directory / "CACHEDIR.TAG"
        if tag.exists():
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        _write_atomically(self.directory / ".gitignore", "# Created by repolint\n*\n")
        _write_atomically(tag, CACHEDIR_TAG)

    def _prune(self) -> None:
        """Keep the newest `ENTRIES_KEPT` entries; remove their lock files with them,
        and lock files of keys never stored once they are an hour old."""
        entries, locks = [], []
        for entry in os.scandir(self.directory):
            with contextlib.suppress(OSError):
                if entry.name.endswith(".json"):
                    entries.append((entry.stat().st_mtime_ns, entry.path))
                elif entry.name.endswith(".lock"):
                    locks.append((entry.stat().st_mtime, entry.path))
        entries.sort(reverse=True)
        stale = [path for _, path in entries[ENTRIES_KEPT:]]
        stale += [path[: -len(".json")] + ".lock" for path in stale]
        kept = {path[: -len(".json")] for _, path in entries[:ENTRIES_KEPT]}
        hour_ago = time.time() - 3600
        stale += [p for m, p in locks if m < hour_ago and p[: -len(".lock")] not in kept]
        for path in stale:
            with contextlib.suppress(OSError):
                os.unlink(path)


def project_caches(start: Path, root: Path) -> list[Path]:
    """The `.repolint_cache` folders from `start` up to the project root: `root` (the
    config's folder) or the nearest folder with a project marker, whichever is higher.
    `repolint check` keeps its cache at the config's folder (the current one without
    a config), the plugins at the marker's: a run from any subfolder finds them."""
    from repolint.runner import PROJECT_MARKERS

    start = Path(os.path.abspath(start))
    chain = [start, *start.parents]
    marked = next((f for f in chain if any((f / m).exists() for m in PROJECT_MARKERS)), start)
    root = Path(os.path.abspath(root))
    top = min(marked, root if root in chain else start, key=lambda folder: len(folder.parts))
    folders = chain[: chain.index(top) + 1]
    return [folder / CACHE_DIR_NAME for folder in folders if (folder / CACHE_DIR_NAME).exists()]


def clean(directory: Path) -> bool:
    """Remove a repolint cache folder. A folder without repolint's `CACHEDIR.TAG`
    is left alone (a mistyped `--cache-dir` must not delete anything else)."""
    tag = directory / "CACHEDIR.TAG"
    try:
        if not directory.is_dir() or "repolint" not in tag.read_text(encoding="utf-8"):
            return False
    except (OSError, UnicodeDecodeError):
        return False
    import shutil

    shutil.rmtree(directory, ignore_errors=True)
    return not directory.exists()


def _content_hash(path: Path) -> str | None:
    """The hash of a file's bytes; a file too large to analyse counts by its size."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return f"size:{size}"
        return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
    except OSError:
        return None


_own: str | None = None


def _own_code() -> str:
    """A fingerprint of repolint's own modules (name, size, mtime), so that an edited
    rule in a development checkout never serves findings its old code produced."""
    global _own
    if _own is None:
        digest = hashlib.blake2b(digest_size=16)
        package = Path(__file__).resolve().parent
        for path in sorted(package.rglob("*.py")):
            with contextlib.suppress(OSError):
                stat = path.stat()
                digest.update(
                    f"{path.relative_to(package)}:{stat.st_size}:{stat.st_mtime_ns}\n".encode()
                )
        _own = digest.hexdigest()
    return _own


def _finding_json(finding: Finding) -> dict[str, object]:
    data = asdict(finding)
    data["severity"] = finding.severity.value
    if finding.fix is not None:
        data["fix"] = fix_to_data(finding.fix)
    return data


def _finding(data: Mapping[str, object]) -> Finding:
    values = {name: data[name] for name in _FINDING_FIELDS}
    values["severity"] = Severity(values["severity"])
    values["fix"] = fix_from_data(values["fix"])
    return Finding(**values)  # type: ignore[arg-type]


def _write_atomically(path: Path, text: str) -> None:
    """Write to a temporary file in the same folder, then rename it over `path`."""
    import tempfile

    fd, temp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(temp, 0o644)  # mkstemp makes it private; a cache need not be
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
