"""Configuration: `[tool.repolint]` in the nearest pyproject.toml, plus CLI overrides.

Keys are kebab-case as in ruff. Lists replace the defaults, `extend-*` keys add
to them. Rule selection follows ruff: `select` replaces the default set,
`extend-select` adds, `ignore` removes, and a more specific selector wins over
a less specific one (`select = ["RPL301"]` survives `ignore = ["RPL3"]`).
"""

from __future__ import annotations

import difflib
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from repolint.settings import OUTPUT_FORMATS, Settings

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

PARSE_ERROR_CODE = "RPL000"
"""Files that cannot be parsed: always enabled, never suppressed."""

_LIST_KEYS: dict[str, str] = {
    "select": "select",
    "ignore": "ignore",
    "extend-select": "extend_select",
    "exclude": "exclude",
    "extend-exclude": "extend_exclude",
    "src": "src",
    "repository-suffixes": "repository_suffixes",
    "repository-bases": "repository_bases",
    "repository-modules": "repository_modules",
    "session-providers": "session_providers",
    "offload-functions": "offload_functions",
    "with-relations-suffixes": "with_relations_suffixes",
    "eager-hooks": "eager_hooks",
    "async-bases": "async_bases",
    "tests": "tests",
    "migrations": "migrations",
    "test-rules": "test_rules",
    "not-found-errors": "not_found_errors",
}
_TABLE_KEYS = {"per-file-ignores": "per_file_ignores"}
_OUTPUT_KEYS = {
    "output-format": "output_format",
    "show-source": "show_source",
    "statistics": "statistics",
}
"""How `repolint check` prints: read by `output_options`, kept out of `Settings`
(which key the cache: the output does not change the findings)."""
KNOWN_KEYS: tuple[str, ...] = tuple(sorted([*_LIST_KEYS, *_TABLE_KEYS, *_OUTPUT_KEYS]))
_CODE_KEYS = ("select", "ignore", "extend_select", "test_rules")


class ConfigError(Exception):
    """A configuration problem, reported as one line and exit code 2."""


class RuleMeta(Protocol):
    """What selection needs to know about a rule."""

    code: str
    default_enabled: bool


@dataclass(frozen=True)
class OutputOptions:
    """The output keys of `[tool.repolint]`; `None` means "not set"."""

    output_format: str | None = None
    show_source: bool | None = None
    statistics: bool | None = None


@dataclass(frozen=True)
class CliOverrides:
    """Options given on the command line; `None` means "not given"."""

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    exclude: tuple[str, ...] | None = None
    extend_exclude: tuple[str, ...] = ()
    src: tuple[str, ...] | None = None


def split_commas(values: Iterable[str]) -> tuple[str, ...]:
    """`("RPL301,RPL302", "RPL1")` -> `("RPL301", "RPL302", "RPL1")`."""
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def find_config(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above `start` that has `[tool.repolint]`."""
    start = Path(os.path.abspath(start))
    while not start.exists() and start != start.parent:
        start = start.parent
    folder = start if start.is_dir() else start.parent
    for candidate_dir in (folder, *folder.parents):
        candidate = candidate_dir / "pyproject.toml"
        if candidate.is_file() and _mentions_repolint(candidate):
            table = _read_toml(candidate)
            if isinstance(table.get("tool"), dict) and "repolint" in table["tool"]:
                return candidate
    return None


def _mentions_repolint(path: Path) -> bool:
    try:
        return b"repolint" in path.read_bytes()
    except OSError:
        return False


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc


def read_table(path: Path) -> dict[str, Any]:
    """The repolint table of `path`: `[tool.repolint]`, or the whole file when
    it is not a pyproject.toml and has no such table (a `repolint.toml`)."""
    data = _read_toml(path)
    tool = data.get("tool")
    if isinstance(tool, dict) and "repolint" in tool:
        table = tool["repolint"]
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [tool.repolint] must be a table")
        return table
    if path.name == "pyproject.toml":
        raise ConfigError(f"{path}: no [tool.repolint] table")
    return data


def settings_from_table(table: Mapping[str, Any], root: Path, source: str) -> Settings:
    """Check the keys and types of a `[tool.repolint]` table and build Settings."""
    values: dict[str, Any] = {"project_root": str(root)}
    for key, value in table.items():
        if key in _LIST_KEYS:
            values[_LIST_KEYS[key]] = _string_list(value, key, source)
        elif key in _TABLE_KEYS:
            values[_TABLE_KEYS[key]] = _per_file_ignores(value, key, source)
        elif key in _OUTPUT_KEYS:
            output_options(table, source)  # checked here, read by the CLI
        else:
            raise ConfigError(f"{source}: unknown key '{key}' in [tool.repolint]{_suggest(key)}")
    for key in _CODE_KEYS:
        if key in values:
            values[key] = _upper(values[key])
    if "src" in values:
        values["src"] = tuple(_absolute(entry, root) for entry in values["src"])
    return Settings(**values)


def output_options(table: Mapping[str, Any], source: str) -> OutputOptions:
    """The output keys of a `[tool.repolint]` table, checked."""
    values: dict[str, Any] = {}
    for key, field_name in _OUTPUT_KEYS.items():
        if key not in table:
            continue
        value = table[key]
        if key == "output-format":
            if not isinstance(value, str) or value not in OUTPUT_FORMATS:
                choices = ", ".join(f"'{name}'" for name in OUTPUT_FORMATS)
                got = f"'{value}'" if isinstance(value, str) else _type_name(value)
                raise ConfigError(f"{source}: 'output-format' must be one of {choices}, got {got}")
        elif not isinstance(value, bool):
            raise ConfigError(f"{source}: '{key}' must be a boolean, got {_type_name(value)}")
        values[field_name] = value
    return OutputOptions(**values)


def load_output_options(config_path: Path | None, cwd: Path | None = None) -> OutputOptions:
    """The output keys of the config file `load_settings` used (none without one)."""
    if config_path is None:
        return OutputOptions()
    cwd = Path(os.path.abspath(cwd or Path.cwd()))
    return output_options(read_table(config_path), _display(config_path, cwd))


def describe_settings(
    settings: Settings, config_path: Path | None, output: OutputOptions, cwd: Path | None = None
) -> list[str]:
    """The resolved settings as `key = value` lines (TOML values), after the config
    file they came from: what `repolint check --show-settings` prints."""
    cwd = Path(os.path.abspath(cwd or Path.cwd()))
    where = _display(config_path, cwd) if config_path else "none (the defaults)"
    lines = [f"# Settings path: {where}", "[tool.repolint]"]
    fields = {**_LIST_KEYS, **_TABLE_KEYS}
    for key in sorted(fields):
        value = getattr(settings, fields[key])
        if key == "per-file-ignores":
            lines.append(f"{key} = {{ {_toml_pairs(value)} }}" if value else f"{key} = {{}}")
        else:
            lines.append(f"{key} = {_toml_list(value)}")
    for key, field in _OUTPUT_KEYS.items():
        value = getattr(output, field)
        lines.append(f"{key} = {_toml_value(value)}" if value is not None else f"# {key}: unset")
    lines.append(f"# project root: {settings.project_root}")
    lines.append(f"# rules enabled: {', '.join(sorted(enabled_codes(settings)))}")
    return lines


def _toml_value(value: object) -> str:
    import json

    return ("true" if value else "false") if isinstance(value, bool) else json.dumps(value)


def _toml_list(values: Iterable[str]) -> str:
    return "[" + ", ".join(_toml_value(value) for value in values) + "]"


def _toml_pairs(entries: PerFileIgnores) -> str:
    return ", ".join(f"{_toml_value(glob)} = {_toml_list(codes)}" for glob, codes in entries)


def _suggest(key: str) -> str:
    close = difflib.get_close_matches(key.replace("_", "-"), KNOWN_KEYS, n=1)
    known = ", ".join(KNOWN_KEYS)
    return f" (did you mean '{close[0]}'?)" if close else f" (known keys: {known})"


def _type_name(value: object) -> str:
    return {
        str: "a string",
        int: "an integer",
        float: "a number",
        bool: "a boolean",
        dict: "a table",
        list: "a list",
    }.get(type(value), type(value).__name__)


def _string_list(value: object, key: str, source: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        got = _type_name(value)
        if isinstance(value, list):
            got = "a list with " + ", ".join(
                sorted({_type_name(item) for item in value if not isinstance(item, str)})
            )
        raise ConfigError(f"{source}: '{key}' must be a list of strings, got {got}")
    return tuple(value)


PerFileIgnores = tuple[tuple[str, tuple[str, ...]], ...]


def _per_file_ignores(value: object, key: str, source: str) -> PerFileIgnores:
    if not isinstance(value, dict):
        raise ConfigError(
            f"{source}: '{key}' must be a table of glob = [codes], got {_type_name(value)}"
        )
    entries = []
    for pattern, codes in value.items():
        codes = _string_list(codes, f'{key}."{pattern}"', source)
        entries.append((pattern, _upper(codes)))
    return tuple(entries)


def _absolute(entry: str, root: Path) -> str:
    return os.path.normpath(os.path.join(root, entry))


def load_settings(
    paths: Sequence[str],
    *,
    config_file: str | None = None,
    overrides: CliOverrides | None = None,
    cwd: Path | None = None,
) -> tuple[Settings, Path | None]:
    """Resolve the Settings of a run and the config file they came from (if any)."""
    cwd = Path(os.path.abspath(cwd or Path.cwd()))
    config_path: Path | None
    if config_file is not None:
        given = Path(os.path.abspath(cwd / config_file))
        if not given.is_file():
            raise ConfigError(f"{config_file}: config file not found")
        config_path = given
    else:
        first = next((p for p in paths if p != "-"), None)
        config_path = find_config(cwd / first if first else cwd)
    if config_path is None:
        settings = Settings(project_root=str(cwd))
    else:
        settings = settings_from_table(
            read_table(config_path), config_path.parent, _display(config_path, cwd)
        )
    return apply_overrides(settings, overrides or CliOverrides(), cwd), config_path


def _display(path: Path, cwd: Path) -> str:
    try:
        return str(path.relative_to(cwd))
    except ValueError:
        return str(path)


def _upper(codes: Iterable[str]) -> tuple[str, ...]:
    return tuple(code.strip().upper() for code in codes)


def apply_overrides(settings: Settings, cli: CliOverrides, cwd: Path) -> Settings:
    """CLI options over the file's: `--select` starts afresh (as in ruff, the
    file's ignore list goes too); otherwise CLI ignore/extend-select add."""
    changes: dict[str, Any] = {}
    if cli.select is not None:
        changes.update(
            select=_upper(cli.select),
            ignore=_upper(cli.ignore),
            extend_select=_upper(cli.extend_select),
        )
    else:
        changes.update(
            ignore=settings.ignore + _upper(cli.ignore),
            extend_select=settings.extend_select + _upper(cli.extend_select),
        )
    if cli.exclude is not None:
        changes["exclude"] = cli.exclude
    changes["extend_exclude"] = settings.extend_exclude + cli.extend_exclude
    if cli.src is not None:
        changes["src"] = tuple(_absolute(entry, cwd) for entry in cli.src)
    return replace(settings, **changes)


def all_rules() -> Sequence[RuleMeta]:
    """The rule catalogue of the engine."""
    from repolint.rules import ALL_RULES

    return ALL_RULES


def _expand(selector: str, codes: Iterable[str], where: str) -> set[str]:
    if selector == "ALL":
        return set(codes)
    matched = {code for code in codes if code.startswith(selector)}
    if not matched:
        raise ConfigError(
            f"unknown rule code or prefix '{selector}' in {where} "
            "(codes look like RPL301; a prefix such as RPL3 selects a family, RPL selects all)"
        )
    return matched


def enabled_codes(settings: Settings, rules: Sequence[RuleMeta] | None = None) -> frozenset[str]:
    """The codes a run reports, with ruff's semantics (RPL000 is always on)."""
    catalogue = {rule.code: rule.default_enabled for rule in (rules or all_rules())}
    catalogue.setdefault(PARSE_ERROR_CODE, True)
    codes = sorted(catalogue)
    state = {code: (not settings.select and on) for code, on in catalogue.items()}
    steps: list[tuple[int, bool, set[str]]] = []
    for where, selectors, enable in (
        ("select", settings.select, True),
        ("extend-select", settings.extend_select, True),
        ("ignore", settings.ignore, False),
    ):
        for raw in selectors:
            selector = raw.strip().upper()
            specificity = 0 if selector == "ALL" else len(selector)
            steps.append((specificity, enable, _expand(selector, codes, where)))
    for pattern, selectors in settings.per_file_ignores:
        for selector in selectors:
            _expand(selector.upper(), codes, f'per-file-ignores "{pattern}"')
    # Less specific first; at equal specificity, ignore after select (ignore wins).
    for _, enable, matched in sorted(steps, key=lambda step: (step[0], not step[1])):
        for code in matched:
            state[code] = enable
    state[PARSE_ERROR_CODE] = True
    return frozenset(code for code, on in state.items() if on)
