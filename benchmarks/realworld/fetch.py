"""Download and unpack the pinned real code bases that the labels refer to.

    python benchmarks/realworld/fetch.py                  # every row of packages.tsv
    python benchmarks/realworld/fetch.py --only prefect   # one code base
    python benchmarks/realworld/fetch.py --dest /tmp/rw   # somewhere else

Each row of `packages.tsv` names a PyPI project, a version, the exact file to
download (a wheel, or an sdist where the project ships no wheel) and its sha256.
The file is fetched with `pip download --no-deps` into `<dest>/.downloads/`, its
sha256 is checked, and only its `.py` files are unpacked into `<dest>/<name>/`
(an sdist's top folder is dropped, so paths start at the package). An empty
`pyproject.toml` is written at the root so that repolint sees one project.
Code bases already unpacked at the pinned version are skipped.

The code is never imported or run. `<dest>` defaults to `$REPOLINT_REALWORLD_DIR`
or `<tempdir>/repolint-realworld`; it lies outside the repository on purpose.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

HERE = Path(__file__).resolve().parent
PACKAGES = HERE / "packages.tsv"
HEADER = ["name", "version", "file", "sha256", "style"]
MARKER = ".repolint-realworld"
SDIST_SUFFIXES = (".tar.gz", ".tgz", ".tar.bz2", ".zip")


class FetchError(Exception):
    """A problem reported as one line, without a traceback."""


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    file: str
    sha256: str
    style: str

    @property
    def spec(self) -> str:
        return f"{self.name}=={self.version}"

    @property
    def is_wheel(self) -> bool:
        return self.file.endswith(".whl")

    @property
    def stamp(self) -> str:
        return f"{self.spec} {self.file} {self.sha256}\n"


def default_dest() -> Path:
    env = os.environ.get("REPOLINT_REALWORLD_DIR")
    if env:
        return Path(env).expanduser()
    return Path(tempfile.gettempdir()) / "repolint-realworld"


def read_packages(path: Path = PACKAGES) -> list[Package]:
    """The rows of packages.tsv, checked (a bad row is an error naming its line)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise FetchError(f"cannot read {path}: {exc.strerror}") from None
    if not lines or lines[0].split("\t") != HEADER:
        raise FetchError(f"{path.name}:1: the header must be the tab-separated cells {HEADER}")
    packages: list[Package] = []
    seen: set[str] = set()
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        where = f"{path.name}:{number}"
        if len(cells) != len(HEADER):
            raise FetchError(
                f"{where}: expected {len(HEADER)} tab-separated cells, not {len(cells)}"
            )
        package = Package(*(cell.strip() for cell in cells))
        if not all((package.name, package.version, package.file)):
            raise FetchError(f"{where}: name, version and file must not be empty")
        digest = package.sha256.lower()
        if len(digest) != 64 or any(ch not in "0123456789abcdef" for ch in digest):
            raise FetchError(f"{where}: sha256 must be 64 hex digits")
        if not (package.is_wheel or package.file.endswith(SDIST_SUFFIXES)):
            raise FetchError(f"{where}: file must be a wheel or an sdist, got {package.file!r}")
        if package.name in seen:
            raise FetchError(f"{where}: {package.name} is pinned twice")
        seen.add(package.name)
        packages.append(package)
    return packages


def select(packages: Sequence[Package], only: Sequence[str] | None) -> list[Package]:
    if not only:
        return list(packages)
    known = {package.name: package for package in packages}
    missing = [name for name in only if name not in known]
    if missing:
        raise FetchError(f"not in packages.tsv: {', '.join(missing)}")
    return [known[name] for name in only]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def download(package: Package, cache: Path) -> Path:
    """The pinned file in the download cache, fetched by pip if absent, sha256 checked."""
    cache.mkdir(parents=True, exist_ok=True)
    target = cache / package.file
    if not target.exists():
        binary = "--only-binary=:all:" if package.is_wheel else "--no-binary=:all:"
        with tempfile.TemporaryDirectory(dir=cache, prefix=".pip-") as scratch:
            command = [
                sys.executable, "-m", "pip", "download", "--no-deps", binary,
                "--quiet", "--disable-pip-version-check", "-d", scratch, package.spec,
            ]  # fmt: skip
            result = subprocess.run(command, capture_output=True, text=True, check=False)
            if result.returncode != 0:
                errors = [ln for ln in result.stderr.splitlines() if ln.startswith("ERROR")]
                last = (errors or result.stderr.strip().splitlines() or ["no output"])[-1]
                raise FetchError(f"pip download {package.spec} failed: {last.strip()}")
            got = Path(scratch) / package.file
            if not got.exists():
                names = ", ".join(sorted(p.name for p in Path(scratch).iterdir())) or "nothing"
                raise FetchError(
                    f"pip download {package.spec} gave {names}, not the pinned {package.file}"
                )
            shutil.move(str(got), target)
    actual = sha256_of(target)
    if actual != package.sha256.lower():
        raise FetchError(
            f"sha256 of {target} is {actual}, packages.tsv pins {package.sha256} "
            f"(delete the file to download it again)"
        )
    return target


def _safe(member: str) -> PurePosixPath | None:
    path = PurePosixPath(member)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        return None
    return path


def _members(archive: Path) -> Iterator[tuple[PurePosixPath, bytes]]:
    """(relative path, bytes) of each `.py` file in the archive."""
    if archive.name.endswith((".whl", ".zip")):
        with zipfile.ZipFile(archive) as bundle:
            for info in bundle.infolist():
                if not info.is_dir() and info.filename.endswith(".py"):
                    path = _safe(info.filename)
                    if path is not None:
                        yield path, bundle.read(info)
        return
    with tarfile.open(archive) as bundle:
        for info in bundle:
            if info.isfile() and info.name.endswith(".py"):
                path = _safe(info.name)
                handle = bundle.extractfile(info) if path is not None else None
                if path is not None and handle is not None:
                    yield path, handle.read()


def unpack(package: Package, archive: Path, dest: Path) -> Path:
    """Unpack the `.py` files into `<dest>/<name>/`, replacing what was there."""
    root = dest / package.name
    staging = Path(tempfile.mkdtemp(dir=dest, prefix=f".{package.name}-"))
    try:
        for path, data in _members(archive):
            parts = path.parts
            if package.is_wheel:
                if parts[0].endswith(".dist-info"):
                    continue
            elif len(parts) > 1:
                parts = parts[1:]  # an sdist's `name-version/` folder
            else:
                continue
            out = staging.joinpath(*parts)
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(data)
        if not (staging / "pyproject.toml").exists():
            (staging / "pyproject.toml").write_text("", encoding="utf-8")
        (staging / MARKER).write_text(package.stamp, encoding="utf-8")
        if root.exists():
            shutil.rmtree(root)
        staging.rename(root)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return root


def is_unpacked(package: Package, dest: Path) -> bool:
    marker = dest / package.name / MARKER
    try:
        return marker.read_text(encoding="utf-8") == package.stamp
    except OSError:
        return False


def fetch(package: Package, dest: Path, *, log: bool = True) -> Path:
    """`<dest>/<name>/`, downloaded and unpacked unless it already is."""
    root = dest / package.name
    if is_unpacked(package, dest):
        if log:
            print(f"{package.name}: already unpacked in {root}", file=sys.stderr)
        return root
    dest.mkdir(parents=True, exist_ok=True)
    if log:
        print(f"{package.name}: fetching {package.file}", file=sys.stderr)
    archive = download(package, dest / ".downloads")
    root = unpack(package, archive, dest)
    if log:
        count = sum(1 for _ in root.rglob("*.py"))
        print(f"{package.name}: {count} .py files in {root}", file=sys.stderr)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="fetch.py", description="Download and unpack the pinned real code bases."
    )
    parser.add_argument(
        "--dest",
        type=Path,
        default=None,
        help="where to unpack (default: $REPOLINT_REALWORLD_DIR or <tempdir>/repolint-realworld)",
    )
    parser.add_argument(
        "--only", action="append", metavar="NAME", help="only this code base (repeatable)"
    )
    args = parser.parse_args(argv)
    dest: Path = (args.dest or default_dest()).resolve()
    try:
        for package in select(read_packages(), args.only):
            fetch(package, dest)
    except FetchError as exc:
        print(f"fetch.py: error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"fetch.py: error: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
