"""Discovery: paths -> sorted Python files, excludes, .gitignore, bad paths."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from repolint.discovery import discover, is_excluded
from repolint.findings import FileError
from repolint.pathmatch import ProjectPatterns
from repolint.settings import Settings


def touch(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x = 1\n")


def shown(root: Path, *paths: str, **settings: object) -> list[str]:
    """Display paths found under `root` (the cwd), for `paths` (default: '.')."""
    found = discover(
        list(paths) or ["."], Settings(project_root=str(root), **settings), cwd=str(root)
    )
    assert not found.errors, found.errors
    return [found.display[p] for p in found.files]


def test_sorted_python_files_only(tmp_path: Path) -> None:
    touch(tmp_path, "b.py", "a.py", "pkg/z.pyi", "pkg/m.py", "notes.txt", "pkg/data.json")
    assert shown(tmp_path) == ["a.py", "b.py", "pkg/m.py", "pkg/z.pyi"]


def test_files_are_absolute_and_keyed_by_display(tmp_path: Path) -> None:
    touch(tmp_path, "app/a.py")
    found = discover(["app"], Settings(project_root=str(tmp_path)), cwd=str(tmp_path))
    assert found.files == [tmp_path / "app" / "a.py"]
    assert found.display == {tmp_path / "app" / "a.py": "app/a.py"}


def test_hidden_and_default_excluded_directories_are_skipped(tmp_path: Path) -> None:
    touch(
        tmp_path,
        "app/a.py",
        ".hidden/h.py",
        "app/.cache/c.py",
        ".venv/lib/v.py",
        "app/__pycache__/p.py",
        "node_modules/n.py",
        "build/b.py",
        "app/.dotfile.py",
    )
    assert shown(tmp_path) == ["app/.dotfile.py", "app/a.py"]


def test_extend_exclude_names_and_globs(tmp_path: Path) -> None:
    touch(
        tmp_path,
        "app/a.py",
        "app/migrations/0001.py",
        "app/proto/x_pb2.py",
        "tests/fixtures/f.py",
        "tests/test_a.py",
        "other/tests/fixtures/keep.py",
    )
    assert shown(tmp_path, extend_exclude=("migrations", "*_pb2.py", "tests/fixtures")) == [
        "app/a.py",
        "other/tests/fixtures/keep.py",
        "tests/test_a.py",
    ]


def test_double_star_globs(tmp_path: Path) -> None:
    touch(tmp_path, "a/gen/x.py", "a/b/gen/y.py", "gen/z.py", "a/keep.py")
    assert shown(tmp_path, extend_exclude=("**/gen",)) == ["a/keep.py"]


def test_exclude_replaces_the_defaults(tmp_path: Path) -> None:
    touch(tmp_path, "build/b.py", "skip/s.py", "a.py")
    assert shown(tmp_path, exclude=("skip",)) == ["a.py", "build/b.py"]


def test_explicit_path_is_checked_even_if_excluded(tmp_path: Path) -> None:
    touch(tmp_path, "migrations/0001.py", "build/b.py", "script")
    settings = Settings(project_root=str(tmp_path), extend_exclude=("migrations",))
    found = discover(["migrations/0001.py", "build", "script"], settings, cwd=str(tmp_path))
    assert [found.display[p] for p in found.files] == ["build/b.py", "migrations/0001.py", "script"]


def test_force_exclude_applies_to_explicit_paths_and_their_parents(tmp_path: Path) -> None:
    touch(tmp_path, "migrations/v/0001.py", "app/a.py")
    settings = Settings(project_root=str(tmp_path), extend_exclude=("migrations",))
    found = discover(
        ["migrations/v/0001.py", "app/a.py"], settings, force_exclude=True, cwd=str(tmp_path)
    )
    assert [found.display[p] for p in found.files] == ["app/a.py"]


def test_missing_path_is_an_error_and_the_rest_is_checked(tmp_path: Path) -> None:
    touch(tmp_path, "a.py")
    found = discover(["nope", "a.py"], Settings(project_root=str(tmp_path)), cwd=str(tmp_path))
    assert found.errors == [FileError("nope", "No such file or directory")]
    assert [found.display[p] for p in found.files] == ["a.py"]


def test_empty_directory(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    found = discover(["empty"], Settings(project_root=str(tmp_path)), cwd=str(tmp_path))
    assert found.files == [] and found.errors == []


def test_broken_symlink_and_symlink_loop(tmp_path: Path) -> None:
    touch(tmp_path, "pkg/a.py")
    (tmp_path / "pkg" / "gone.py").symlink_to(tmp_path / "nowhere.py")
    (tmp_path / "pkg" / "self.py").symlink_to(tmp_path / "pkg" / "self.py")
    (tmp_path / "pkg" / "up").symlink_to(tmp_path / "pkg")
    found = discover(["pkg"], Settings(project_root=str(tmp_path)), cwd=str(tmp_path))
    assert [found.display[p] for p in found.files] == ["pkg/a.py"]
    assert found.errors == [
        FileError("pkg/gone.py", "broken symbolic link"),
        FileError("pkg/self.py", "symlink loop (too many levels of symbolic links)"),
        FileError("pkg/up", "symlink loop (links back to a parent directory); skipped"),
    ]


def test_symlinked_directory_is_followed_once(tmp_path: Path) -> None:
    touch(tmp_path, "real/a.py")
    (tmp_path / "alias").symlink_to(tmp_path / "real")
    assert shown(tmp_path) == ["alias/a.py"]


def test_symlinked_file_is_listed_once(tmp_path: Path) -> None:
    """A plain file's real path comes from its folder's; a linked file's is resolved."""
    touch(tmp_path, "pkg/models.py")
    (tmp_path / "pkg" / "alias.py").symlink_to(tmp_path / "pkg" / "models.py")
    assert shown(tmp_path) == ["pkg/alias.py"]


def test_unreadable_directory_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    touch(tmp_path, "ok/a.py", "locked/b.py")
    real_scandir = os.scandir

    def scandir(path: str) -> object:
        if os.path.basename(path) == "locked":
            raise PermissionError(13, "Permission denied", path)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    found = discover(["."], Settings(project_root=str(tmp_path)), cwd=str(tmp_path))
    assert [found.display[p] for p in found.files] == ["ok/a.py"]
    assert found.errors == [FileError("locked", "Permission denied")]


def test_duplicate_paths_are_checked_once(tmp_path: Path) -> None:
    touch(tmp_path, "app/a.py")
    assert shown(tmp_path, "app", "app/a.py", "./app") == ["app/a.py"]


def test_display_outside_the_cwd_is_as_given(tmp_path: Path) -> None:
    touch(tmp_path, "proj/app/a.py")
    (tmp_path / "cwd").mkdir()
    settings = Settings(project_root=str(tmp_path / "cwd"))
    found = discover(["../proj/app"], settings, cwd=str(tmp_path / "cwd"))
    assert list(found.display.values()) == ["../proj/app/a.py"]
    found = discover([str(tmp_path / "proj")], settings, cwd=str(tmp_path / "cwd"))
    assert list(found.display.values()) == [str(tmp_path / "proj" / "app" / "a.py")]


def test_absolute_path_under_the_cwd_is_shown_relative(tmp_path: Path) -> None:
    touch(tmp_path, "app/a.py")
    assert shown(tmp_path, str(tmp_path / "app")) == ["app/a.py"]


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_gitignore_is_respected_inside_a_work_tree(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text("generated/\n*_local.py\n")
    touch(tmp_path, "app/a.py", "app/settings_local.py", "generated/g.py", "generated/deep/d.py")
    assert shown(tmp_path) == ["app/a.py"]
    # named explicitly: checked anyway, as ruff does
    assert shown(tmp_path, "app/settings_local.py") == ["app/settings_local.py"]


def test_gitignore_outside_a_work_tree_is_not_read(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("generated/\n")
    touch(tmp_path, "generated/g.py")
    found = discover(["."], Settings(project_root=str(tmp_path)), cwd=str(tmp_path))
    # tmp_path may sit inside some git work tree on a developer machine; only
    # assert when it does not
    if subprocess.run(["git", "-C", str(tmp_path), "rev-parse"], capture_output=True).returncode:
        assert [found.display[p] for p in found.files] == ["generated/g.py"]


def test_gitignore_is_read_without_running_git(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text("generated/\n")
    touch(tmp_path, "generated/g.py", "a.py")
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    assert shown(tmp_path) == ["a.py"]


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_gitignore_negations_nested_files_and_info_exclude(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text("# generated code\n*_gen.py\n!keep_gen.py\nout/\n")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / ".gitignore").write_text("local/\n!out/\n")
    (tmp_path / ".git" / "info").mkdir(exist_ok=True)
    (tmp_path / ".git" / "info" / "exclude").write_text("scratch.py\n")
    touch(
        tmp_path,
        "a_gen.py",
        "keep_gen.py",
        "out/o.py",
        "app/out/o.py",
        "app/local/l.py",
        "app/b_gen.py",
        "app/keep_gen.py",
        "scratch.py",
        "app/scratch.py",
        "app/a.py",
    )
    assert shown(tmp_path) == ["app/a.py", "app/keep_gen.py", "app/out/o.py", "keep_gen.py"]


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_a_folder_named_on_the_command_line_is_checked_even_if_ignored(tmp_path: Path) -> None:
    # git check-ignore (the old way) skipped its contents; the README says a folder
    # named on the command line is checked, as ruff does, and so are excluded ones
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text("generated/\n*_local.py\n")
    touch(tmp_path, "generated/g.py", "generated/sub/s.py", "generated/x_local.py")
    touch(tmp_path, "migrations/m.py", "migrations/x_pb2.py")
    settings = {"extend_exclude": ("migrations", "*_pb2.py")}
    assert shown(tmp_path, "generated", "migrations", **settings) == [
        "generated/g.py",
        "generated/sub/s.py",
        "migrations/m.py",
    ]


def test_build_outputs_are_skipped_but_build_packages_are_checked(tmp_path: Path) -> None:
    touch(
        tmp_path,
        "app/__init__.py",
        "app/features/__init__.py",
        "app/features/build/__init__.py",
        "app/features/build/steps.py",
        "app/plugins/__init__.py",
        "app/plugins/dist/spread.py",  # modules of a namespace subpackage
        "build/lib/app/__init__.py",  # setuptools' build output
        "build/lib/app/features/build/__init__.py",
        "dist/app-1.0/setup.py",
        "app/static/build/bundle.py",  # not in a package: a build output
    )
    assert shown(tmp_path) == [
        "app/__init__.py",
        "app/features/__init__.py",
        "app/features/build/__init__.py",
        "app/features/build/steps.py",
        "app/plugins/__init__.py",
        "app/plugins/dist/spread.py",
    ]
    # a user's own exclude still excludes them all
    assert shown(tmp_path, extend_exclude=("build",)) == [
        "app/__init__.py",
        "app/features/__init__.py",
        "app/plugins/__init__.py",
        "app/plugins/dist/spread.py",
    ]
    settings = Settings(project_root=str(tmp_path))
    assert is_excluded(str(tmp_path / "build/lib/app/__init__.py"), settings, parents=True)
    assert not is_excluded(str(tmp_path / "app/features/build/steps.py"), settings, parents=True)


@pytest.mark.parametrize(
    ("path", "pattern", "expected"),
    [
        ("/r/app/migrations", "migrations", True),
        ("/r/app/x_pb2.py", "*_pb2.py", True),
        ("/r/app/x.py", "*_pb2.py", False),
        ("/r/tests/fixtures", "tests/fixtures", True),
        ("/r/a/tests/fixtures", "tests/fixtures", False),
        ("/r/a/tests/fixtures", "**/tests/fixtures", True),
        ("/r/tests/fixtures", "./tests/fixtures/", True),
        ("/r/scripts", "./scripts", True),
        ("/r/app/scripts", "./scripts", False),  # the old translator floated it
        ("/r/app/models.py", "app/*.py", True),
        ("/r/app/sub/models.py", "app/*.py", False),
        ("/r/app/sub/models.py", "app/**/*.py", True),
        ("/r/app/models.py", "app/**/*.py", True),
        ("/r/app/m1.py", "app/m[0-9].py", True),
        ("/r/app/mx.py", "app/m[!0-9].py", True),
        ("/elsewhere/tests/x.py", "tests/*", False),
        ("/elsewhere/x_pb2.py", "*_pb2.py", True),
        ("/r/app/a.py", "/r/app/*.py", True),
        ("/r/#notes.py", "#notes.py", True),
    ],
)
def test_exclude_patterns(path: str, pattern: str, expected: bool) -> None:
    is_dir = not path.endswith(".py")
    assert ProjectPatterns([pattern], "/r").matches(path, is_dir=is_dir) is expected


def test_a_pattern_matches_the_path_or_a_folder_above_it() -> None:
    def matches(path: str, pattern: str) -> bool:
        return ProjectPatterns([pattern], "/r").matches(path)

    assert matches("/r/tests/unit/test_a.py", "tests/*")
    assert matches("/r/app/migrations/v1/x.py", "migrations")
    assert not matches("/r/app/x.py", "tests")
    # only the folder's own name counts inside a folder named on the command line
    assert not ProjectPatterns(["migrations"], "/r").matches("/r/migrations/v1.py", own=True)
    assert ProjectPatterns(["*_pb2.py"], "/r").matches("/r/migrations/x_pb2.py", own=True)


def test_a_trailing_slash_matches_folders_only() -> None:
    # the old exclude translator dropped the slash; gitignore's rule is the documented one
    patterns = ProjectPatterns(["generated/"], "/r")
    assert patterns.matches("/r/app/generated", is_dir=True)
    assert patterns.matches("/r/app/generated/x.py")
    assert not patterns.matches("/r/app/generated", is_dir=False)
