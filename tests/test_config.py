"""Configuration: finding pyproject.toml, reading [tool.repolint], rule selection."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from repolint.config import (
    CliOverrides,
    ConfigError,
    OutputOptions,
    enabled_codes,
    find_config,
    load_output_options,
    load_settings,
    settings_from_table,
    split_commas,
)
from repolint.settings import DEFAULT_EXCLUDE, Settings


@dataclass(frozen=True)
class FakeRule:
    code: str
    default_enabled: bool = True


CATALOGUE = [
    FakeRule("RPL101"),
    FakeRule("RPL102"),
    FakeRule("RPL201"),
    FakeRule("RPL301"),
    FakeRule("RPL302"),
    FakeRule("RPL304"),
    FakeRule("RPL305"),
    FakeRule("RPL404", default_enabled=False),
]
DEFAULT = {"RPL000", "RPL101", "RPL102", "RPL201", "RPL301", "RPL302", "RPL304", "RPL305"}


def codes(**kwargs: object) -> set[str]:
    return set(enabled_codes(Settings(**kwargs), CATALOGUE))  # type: ignore[arg-type]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


# --- rule selection (ruff semantics) ---------------------------------------


def test_default_set_is_the_default_enabled_rules_plus_rpl000() -> None:
    assert codes() == DEFAULT


def test_select_replaces_the_default_set() -> None:
    assert codes(select=("RPL301",)) == {"RPL000", "RPL301"}


def test_select_prefix_selects_a_family() -> None:
    assert codes(select=("RPL3",)) == {"RPL000", "RPL301", "RPL302", "RPL304", "RPL305"}


def test_select_rpl_selects_everything_including_opt_in() -> None:
    assert codes(select=("RPL",)) == DEFAULT | {"RPL404"}
    assert codes(select=("ALL",)) == DEFAULT | {"RPL404"}


def test_extend_select_adds_an_opt_in_rule() -> None:
    assert codes(extend_select=("RPL404",)) == DEFAULT | {"RPL404"}


def test_ignore_removes_codes_and_prefixes() -> None:
    assert codes(ignore=("RPL201",)) == DEFAULT - {"RPL201"}
    assert codes(ignore=("RPL3",)) == {"RPL000", "RPL101", "RPL102", "RPL201"}


def test_more_specific_selector_wins() -> None:
    assert codes(select=("RPL301",), ignore=("RPL3",)) == {"RPL000", "RPL301"}
    assert codes(select=("RPL3",), ignore=("RPL301",)) == {
        "RPL000",
        "RPL302",
        "RPL304",
        "RPL305",
    }


def test_ignore_wins_at_equal_specificity() -> None:
    assert "RPL301" not in codes(extend_select=("RPL301",), ignore=("RPL301",))


def test_rpl000_cannot_be_turned_off() -> None:
    assert "RPL000" in codes(ignore=("RPL",))
    assert codes(ignore=("RPL000",)) == DEFAULT


def test_lower_case_selectors_are_accepted() -> None:
    assert codes(select=("rpl301",)) == {"RPL000", "RPL301"}


@pytest.mark.parametrize(
    ("key", "value"),
    [("select", ("RPL999",)), ("ignore", ("XYZ1",)), ("extend_select", ("RPL9",))],
)
def test_unknown_code_is_a_clear_error(key: str, value: tuple[str, ...]) -> None:
    with pytest.raises(ConfigError) as info:
        codes(**{key: value})
    message = str(info.value)
    assert f"unknown rule code or prefix '{value[0]}'" in message
    assert key.replace("_", "-") in message
    assert "\n" not in message


def test_unknown_code_in_per_file_ignores_is_an_error() -> None:
    with pytest.raises(ConfigError, match="unknown rule code or prefix 'RPL77'"):
        codes(per_file_ignores=(("tests/*", ("RPL77",)),))


def test_real_catalogue_default_set() -> None:
    from repolint.rules import ALL_RULES

    enabled = enabled_codes(Settings())
    for rule in ALL_RULES:
        assert (rule.code in enabled) == rule.default_enabled, rule.code
    assert {
        "RPL000",
        "RPL101",
        "RPL102",
        "RPL201",
        "RPL301",
        "RPL302",
        "RPL304",
        "RPL305",
    } <= enabled


# --- reading [tool.repolint] ------------------------------------------------


def test_find_config_walks_up_to_the_nearest_repolint_table(tmp_path: Path) -> None:
    root = write(tmp_path / "pyproject.toml", "[tool.repolint]\nselect = ['RPL3']\n")
    write(tmp_path / "pkg" / "pyproject.toml", "[project]\nname = 'pkg'\n")  # no table
    target = write(tmp_path / "pkg" / "app" / "api.py", "")
    assert find_config(target) == root
    assert find_config(tmp_path / "pkg" / "app") == root
    assert find_config(tmp_path / "pkg" / "does-not-exist.py") == root


def test_find_config_prefers_the_nearest(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.repolint]\n")
    inner = write(tmp_path / "svc" / "pyproject.toml", "[tool.repolint]\nignore = ['RPL201']\n")
    assert find_config(tmp_path / "svc") == inner


def test_find_config_none(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.ruff]\nline-length = 100\n")
    assert find_config(tmp_path) is None


def test_every_key_is_read(tmp_path: Path) -> None:
    table = {
        "select": ["rpl3"],
        "ignore": ["RPL305"],
        "extend-select": ["RPL404"],
        "per-file-ignores": {"tests/*": ["RPL201"], "conftest.py": ["rpl1"]},
        "exclude": ["migrations"],
        "extend-exclude": ["*_pb2.py"],
        "src": ["src", "."],
        "repository-suffixes": ["Repository", "Table"],
        "repository-bases": ["BaseStore"],
        "repository-modules": ["**/stores/**"],
        "session-providers": ["get_session"],
        "offload-functions": ["my_offload"],
        "with-relations-suffixes": ["_with_relations", "_with_eager"],
        "eager-hooks": ["eager"],
        "async-bases": ["AsyncRepo"],
    }
    settings = settings_from_table(table, tmp_path, "pyproject.toml")
    assert settings == Settings(
        select=("RPL3",),
        ignore=("RPL305",),
        extend_select=("RPL404",),
        per_file_ignores=(("tests/*", ("RPL201",)), ("conftest.py", ("RPL1",))),
        exclude=("migrations",),
        extend_exclude=("*_pb2.py",),
        src=(str(tmp_path / "src"), str(tmp_path)),
        repository_suffixes=("Repository", "Table"),
        repository_bases=("BaseStore",),
        repository_modules=("**/stores/**",),
        session_providers=("get_session",),
        offload_functions=("my_offload",),
        with_relations_suffixes=("_with_relations", "_with_eager"),
        eager_hooks=("eager",),
        async_bases=("AsyncRepo",),
        project_root=str(tmp_path),
    )


def test_unknown_key_suggests_the_close_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        settings_from_table({"selcet": ["RPL3"]}, tmp_path, "pyproject.toml")
    assert str(info.value) == (
        "pyproject.toml: unknown key 'selcet' in [tool.repolint] (did you mean 'select'?)"
    )


def test_snake_case_key_suggests_kebab_case(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="did you mean 'extend-select'"):
        settings_from_table({"extend_select": ["RPL3"]}, tmp_path, "pyproject.toml")


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"select": "RPL301"}, "'select' must be a list of strings, got a string"),
        ({"src": ["app", 3]}, "'src' must be a list of strings, got a list with an integer"),
        ({"per-file-ignores": ["x"]}, "'per-file-ignores' must be a table of glob = [codes]"),
        ({"per-file-ignores": {"t/*": "RPL201"}}, "must be a list of strings, got a string"),
    ],
)
def test_wrong_types_are_one_line_errors(tmp_path: Path, table: dict, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        settings_from_table(table, tmp_path, "pyproject.toml")
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_invalid_toml_is_a_one_line_error(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.repolint]\nselect = [\n")
    with pytest.raises(ConfigError) as info:
        load_settings(["."], cwd=tmp_path)
    assert "pyproject.toml: invalid TOML" in str(info.value)
    assert "\n" not in str(info.value)


# --- load_settings: file + command line ------------------------------------


def test_without_config_the_root_is_the_cwd(tmp_path: Path) -> None:
    settings, path = load_settings(["."], cwd=tmp_path)
    assert path is None
    assert settings == Settings(project_root=str(tmp_path))


def test_project_root_is_the_pyproject_folder(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.repolint]\nsrc = ['src']\n")
    write(tmp_path / "src" / "app" / "x.py", "")
    settings, path = load_settings(["src/app"], cwd=tmp_path)
    assert path == tmp_path / "pyproject.toml"
    assert settings.project_root == str(tmp_path)
    assert settings.src == (str(tmp_path / "src"),)


def test_cli_select_starts_afresh(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.repolint]\nselect = ['RPL3']\nignore = ['RPL301']\n")
    settings, _ = load_settings(["."], cwd=tmp_path, overrides=CliOverrides(select=("RPL301",)))
    assert settings.select == ("RPL301",)
    assert settings.ignore == ()
    assert enabled_codes(settings, CATALOGUE) == {"RPL000", "RPL301"}


def test_cli_ignore_and_extend_select_add_to_the_file(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.repolint]\nignore = ['RPL201']\n")
    settings, _ = load_settings(
        ["."],
        cwd=tmp_path,
        overrides=CliOverrides(ignore=("RPL305",), extend_select=("RPL404",)),
    )
    assert enabled_codes(settings, CATALOGUE) == DEFAULT - {"RPL201", "RPL305"} | {"RPL404"}


def test_cli_exclude_replaces_and_extend_exclude_adds(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.repolint]\nextend-exclude = ['gen']\n")
    settings, _ = load_settings(
        ["."], cwd=tmp_path, overrides=CliOverrides(extend_exclude=("migrations",))
    )
    assert settings.exclude == DEFAULT_EXCLUDE
    assert settings.extend_exclude == ("gen", "migrations")
    settings, _ = load_settings(["."], cwd=tmp_path, overrides=CliOverrides(exclude=("x",)))
    assert settings.exclude == ("x",)


def test_explicit_config_file_of_top_level_keys(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.repolint]\nselect = ['RPL1']\n")
    write(tmp_path / "ci" / "repolint.toml", "select = ['RPL2']\n")
    settings, path = load_settings(["."], cwd=tmp_path, config_file="ci/repolint.toml")
    assert path == tmp_path / "ci" / "repolint.toml"
    assert settings.select == ("RPL2",)
    assert settings.project_root == str(tmp_path / "ci")


def test_explicit_config_file_missing(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"nope\.toml: config file not found"):
        load_settings(["."], cwd=tmp_path, config_file="nope.toml")


def test_explicit_pyproject_without_table(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[project]\nname = 'x'\n")
    with pytest.raises(ConfigError, match=r"no \[tool.repolint\] table"):
        load_settings(["."], cwd=tmp_path, config_file="pyproject.toml")


def test_config_is_found_from_the_first_path_not_the_cwd(tmp_path: Path) -> None:
    write(tmp_path / "svc" / "pyproject.toml", "[tool.repolint]\nignore = ['RPL201']\n")
    write(tmp_path / "svc" / "app.py", "")
    settings, path = load_settings(["svc/app.py"], cwd=tmp_path)
    assert path == tmp_path / "svc" / "pyproject.toml"
    assert settings.ignore == ("RPL201",)


def test_split_commas() -> None:
    assert split_commas(["RPL301, RPL302", "RPL1", ""]) == ("RPL301", "RPL302", "RPL1")


def test_relative_cwd_is_made_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings, _ = load_settings(["."])
    assert os.path.isabs(settings.project_root)


def test_readme_configuration_example_is_valid(tmp_path: Path) -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    section = readme.split("## Configuration", 1)[1]
    example = section.split("```toml\n", 1)[1].split("```", 1)[0]
    write(tmp_path / "pyproject.toml", example)
    settings, _ = load_settings(["."], cwd=tmp_path)
    assert settings.ignore == ("RPL305",)
    assert settings.repository_suffixes == ("Repository", "Repo", "DAO", "Store")
    assert settings.test_rules == ("RPL1", "RPL302", "RPL306")
    assert settings.migrations == ("**/alembic/versions/**", "**/migrations/versions/**")
    assert len(settings.per_file_ignores) == 2
    assert "RPL305" not in enabled_codes(settings)  # and every code named is known
    output = load_output_options(tmp_path / "pyproject.toml", tmp_path)
    assert output == OutputOptions(output_format="concise", show_source=True, statistics=False)


PER_ITEM = """
from sqlalchemy.orm import Session
from app.models import Person

def names(db: Session, ids):
    return [db.get(Person, i).name for i in ids]
"""
MODELS = """
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class Person(Base):
    __tablename__ = "people"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
"""


@pytest.mark.parametrize(
    ("where", "setting", "reported"),
    [
        ("tests/test_names.py", "", False),
        ("tests/test_names.py", 'test-rules = ["RPL"]', True),
        ("migrations/versions/0001_names.py", "", False),
        ("migrations/versions/0001_names.py", "migrations = []", True),
        ("app/names.py", "", True),
    ],
)
def test_test_code_and_migrations_settings(
    tmp_path: Path, where: str, setting: str, reported: bool
) -> None:
    """Test code gets only the rules of `test-rules`; revision scripts none of the
    per-row rules unless `migrations` is emptied."""
    from repolint.runner import run

    write(tmp_path / "pyproject.toml", f"[tool.repolint]\n{setting}\n")
    write(tmp_path / "app" / "__init__.py", "")
    write(tmp_path / "app" / "models.py", MODELS)
    write(tmp_path / where, PER_ITEM)
    settings, _ = load_settings([str(tmp_path)], cwd=tmp_path)
    result = run([str(tmp_path)], settings, jobs=1)
    codes = [(Path(f.path).name, f.code) for f in result.findings]
    assert ((Path(where).name, "RPL303") in codes) is reported, codes
