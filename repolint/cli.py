"""Command line: `repolint check` (click). Rendering lives in `repolint.report`."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO

import click

from repolint import __version__
from repolint.baseline import apply_baseline, load_baseline, write_baseline
from repolint.cache import ResultCache, cache_dir_for, clean, project_caches
from repolint.commands.fixing import (
    NO_FIXES,
    FixOptions,
    diff_text,
    fix_options,
    fixed_line,
    run_fixes,
    show_fixes,
    write_fixed,
)
from repolint.commands.options import project_options
from repolint.commands.usage import OneLineGroup
from repolint.config import (
    PARSE_ERROR_CODE,
    CliOverrides,
    ConfigError,
    OutputOptions,
    describe_settings,
    load_output_options,
    load_settings,
    split_commas,
)
from repolint.discovery import discover
from repolint.findings import BUG_REPORT_HINT, internal_error
from repolint.fixes.apply import FixOutcome, fix_rounds
from repolint.report import MACHINE_FORMATS, OUTPUT_FORMATS, render_machine
from repolint.report.grouped import render_grouped
from repolint.report.json import render_json, render_json_statistics
from repolint.report.progress import TerminalProgress
from repolint.report.progress import wanted as progress_wanted
from repolint.report.text import (
    fixable_summary,
    make_console,
    printable,
    render_concise,
    render_full,
    render_statistics,
    summary,
)
from repolint.runner import RunResult, run
from repolint.settings import Settings

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

MAIN_HELP = """\
repolint: a linter for the SQLAlchemy data-access layer of FastAPI,
Starlette, Flask and SQLModel back ends.

It finds sync sessions blocking async code, repositories that commit the
caller's transaction, N+1 lazy loads, and missing eager-loading variants,
across files (models, dependencies and repositories are followed through
the project). It never imports or runs the code it checks.

\b
Examples:
  repolint check                      check the current directory
  repolint check app tests            check two folders
  repolint check --select RPL3 app    only the N+1 / eager-loading rules
  repolint check --ignore RPL201 .    everything but commit-in-repository
  repolint check --output-format json . > findings.json
  cat app/api.py | repolint check --stdin-filename app/api.py

Configuration is read from [tool.repolint] in the nearest pyproject.toml.
Silence one finding with `# noqa: RPL301` on its line.
"""

CHECK_HELP = """\
Check PATHS (files or folders; default: the current directory).

Folders are searched for .py and .pyi files, skipping hidden folders, the
`exclude`/`extend-exclude` globs and what .gitignore ignores. Files named
explicitly are always checked (unless --force-exclude).

\b
Exit status:
  0  no problems found (or --exit-zero)
  1  problems found
  2  bad usage or configuration, a path that could not be read, or an
     internal error
"""


def _codes(values: Sequence[str]) -> tuple[str, ...]:
    return split_commas(values)


@click.group(
    cls=OneLineGroup, help=MAIN_HELP, context_settings={"help_option_names": ["-h", "--help"]}
)
@click.version_option(
    __version__, "--version", prog_name="repolint", message="%(prog)s %(version)s"
)
def main() -> None:
    """The `repolint` command group."""


@main.command(help=CHECK_HELP, short_help="Check files for data-access problems.")
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option(
    "--output-format",
    type=click.Choice(OUTPUT_FORMATS),
    default=None,
    envvar="REPOLINT_OUTPUT_FORMAT",
    help="full (the default): each problem with its source line, a caret under the code "
    "and a fix hint; concise: one `path:line:col: CODE message` line each; "
    "grouped: the problems under the name of their file; "
    "json: an array of objects for tools; json-lines: one object per line; "
    "sarif: SARIF 2.1.0 (code scanning); github: GitHub Actions annotations; "
    "junit: JUnit XML for CI test reports. Also REPOLINT_OUTPUT_FORMAT, or "
    "`output-format` in [tool.repolint].",
)
@click.option(
    "--output-file",
    metavar="FILE",
    help="Write the report to FILE instead of standard output (without colour).",
)
@click.option(
    "--select",
    multiple=True,
    metavar="CODES",
    help="Comma-separated rule codes or prefixes to enable, replacing the default set "
    "and the config's (RPL301, RPL3, or RPL for all rules including opt-in ones).",
)
@click.option(
    "--ignore",
    multiple=True,
    metavar="CODES",
    help="Comma-separated codes or prefixes to disable (added to the config's).",
)
@click.option(
    "--extend-select",
    multiple=True,
    metavar="CODES",
    help="Comma-separated codes or prefixes to enable on top of the selection, "
    "such as the opt-in ones.",
)
@project_options
@click.option(
    "--force-exclude",
    is_flag=True,
    help="Apply the excludes to paths named on the command line too (for pre-commit).",
)
@click.option(
    "--stdin-filename",
    metavar="PATH",
    help="Read the source from standard input and report it as PATH (for editors); "
    "a path argument of '-' also reads standard input.",
)
@click.option(
    "--show-source/--no-show-source",
    default=None,
    help="Show or hide the source line and caret (shown by default in the full format; "
    "also `show-source` in [tool.repolint]).",
)
@click.option(
    "--statistics/--no-statistics",
    default=None,
    help="Print how many problems each rule found instead of the problems "
    "(also `statistics` in [tool.repolint]).",
)
@click.option(
    "--show-settings",
    is_flag=True,
    help="Print the resolved settings and the config file they come from, then exit.",
)
@click.option(
    "--show-files",
    is_flag=True,
    help="Print the files that would be checked, then exit.",
)
@click.option(
    "--baseline",
    "baseline_file",
    metavar="FILE",
    help="Hide the problems recorded in FILE (written by --write-baseline): "
    "only new ones are reported.",
)
@click.option(
    "--write-baseline",
    "write_baseline_file",
    metavar="FILE",
    help="Record the problems found in FILE as the baseline and exit 0 (the entries "
    "FILE holds for files outside PATHS are kept).",
)
@click.option(
    "--exit-zero",
    is_flag=True,
    help="Exit with 0 even when problems are found (unreadable paths still give 2).",
)
@click.option(
    "-q",
    "--quiet",
    is_flag=True,
    help="Print the problems only: no summary line, no warnings.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Analyse in N processes (default: one per CPU for projects of more than a few "
    "dozen files). The output is the same for any N.",
)
@click.option(
    "--no-cache",
    is_flag=True,
    envvar="REPOLINT_NO_CACHE",
    help="Neither read nor write the cache (also REPOLINT_NO_CACHE=1).",
)
@click.option(
    "--cache-dir",
    metavar="DIR",
    envvar="REPOLINT_CACHE_DIR",
    help="Keep the cache in DIR (default: .repolint_cache at the project root; "
    "also REPOLINT_CACHE_DIR).",
)
@fix_options
def check(
    paths: tuple[str, ...],
    output_format: str | None,
    output_file: str | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    extend_select: tuple[str, ...],
    exclude: tuple[str, ...],
    extend_exclude: tuple[str, ...],
    force_exclude: bool,
    src: tuple[str, ...],
    config_file: str | None,
    stdin_filename: str | None,
    show_source: bool | None,
    statistics: bool | None,
    show_settings: bool,
    show_files: bool,
    baseline_file: str | None,
    write_baseline_file: str | None,
    exit_zero: bool,
    quiet: bool,
    jobs: int | None,
    no_cache: bool,
    cache_dir: str | None,
    fix: bool,
    unsafe_fixes: bool,
    diff: bool,
    fix_only: bool,
    show_fixes: bool,
) -> None:
    """Check files and print what was found (and fix what it can, with --fix)."""
    overrides = CliOverrides(
        select=_codes(select) if select else None,
        ignore=_codes(ignore),
        extend_select=_codes(extend_select),
        exclude=split_commas(exclude) if exclude else None,
        extend_exclude=split_commas(extend_exclude),
        src=split_commas(src) if src else None,
    )
    options = _Options(
        output_format,
        config_file,
        stdin_filename,
        show_source,
        statistics,
        exit_zero,
        quiet,
        force_exclude,
        baseline_file,
        write_baseline_file,
        jobs,
        not no_cache,
        cache_dir,
        output_file,
        show_settings,
        show_files,
        FixOptions(fix, unsafe_fixes, diff, fix_only, show_fixes),
    )
    try:
        code = _check(paths, overrides, options)
    except ConfigError as exc:
        click.echo(f"error: {exc}", err=True)
        code = EXIT_ERROR
    except BrokenPipeError:
        _silence_stdout()
        code = EXIT_ERROR
    except Exception as exc:  # the promise: never a traceback
        click.echo(f"error: internal error: {internal_error(exc)} ({BUG_REPORT_HINT})", err=True)
        code = EXIT_ERROR
    sys.exit(code)


@dataclass(frozen=True)
class _Options:
    """The options of `check` that are not settings."""

    output_format: str | None
    config_file: str | None
    stdin_filename: str | None
    show_source: bool | None
    statistics: bool | None
    exit_zero: bool
    quiet: bool
    force_exclude: bool
    baseline: str | None = None
    write_baseline: str | None = None
    jobs: int | None = None
    use_cache: bool = True
    cache_dir: str | None = None
    output_file: str | None = None
    show_settings: bool = False
    show_files: bool = False
    fixes: FixOptions = NO_FIXES


def _silence_stdout() -> None:
    """After a closed pipe (`repolint check | head`), drop further output."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    with contextlib.suppress(OSError, ValueError):
        os.dup2(devnull, sys.stdout.fileno())


def _read_stdin() -> bytes:
    """Standard input as bytes, decoded later exactly as a file's bytes are."""
    stream = getattr(sys.stdin, "buffer", None)
    if stream is not None:
        return bytes(stream.read())
    return sys.stdin.read().encode("utf-8", "surrogateescape")


def _check(paths: tuple[str, ...], overrides: CliOverrides, opts: _Options) -> int:
    """Run a check and print it; return the exit code."""
    use_stdin = opts.stdin_filename is not None or paths == ("-",)
    if opts.stdin_filename is not None and any(p != "-" for p in paths) and not opts.quiet:
        click.echo("warning: ignoring the paths given, reading standard input", err=True)
    if use_stdin:
        config_paths: Sequence[str] = (opts.stdin_filename,) if opts.stdin_filename else ()
    else:
        paths = paths or (".",)
        config_paths = paths
    settings, config_path = load_settings(
        config_paths, config_file=opts.config_file, overrides=overrides
    )
    output = _output_options(opts, load_output_options(config_path))
    output_format = output.output_format or "full"
    if opts.show_settings:
        for line in describe_settings(settings, config_path, output):
            click.echo(line)
        return EXIT_CLEAN
    if opts.show_files:
        return _show_files(paths, settings, opts)
    bar = TerminalProgress() if progress_wanted(output_format, opts.quiet) else None
    fixing = opts.fixes.applying
    try:
        if use_stdin:
            stdin = _read_stdin()

            def analyse(edited: Mapping[Path, bytes]) -> RunResult:
                text = next(iter(edited.values()), stdin)  # standard input is the only file
                return run(
                    (),
                    settings,
                    stdin_filename=opts.stdin_filename,
                    stdin_text=text,
                    force_exclude=opts.force_exclude,
                    jobs=opts.jobs,
                )

            if fixing:
                outcome = fix_rounds(analyse, lambda _: stdin, unsafe=opts.fixes.unsafe_fixes)
                return _stdin_fixed(outcome, stdin, opts)
            result = analyse({})
        else:
            cache = ResultCache(cache_dir_for(settings, opts.cache_dir)) if opts.use_cache else None

            def analyse(edited: Mapping[Path, bytes]) -> RunResult:
                return run(
                    paths,
                    settings,
                    force_exclude=opts.force_exclude,
                    cache=None if edited else cache,
                    jobs=opts.jobs,
                    progress=None if edited else bar,
                    edited=edited,
                )

            if fixing:
                outcome = run_fixes(analyse, opts.fixes, settings.project_root)
                result = outcome.result
            else:
                result = analyse({})
    finally:
        if bar is not None:
            bar.close()
    if fixing:
        for warning in outcome.warnings:
            if not opts.quiet:
                click.echo(warning, err=True)
        if opts.fixes.diff:
            return _print_diff(outcome, result, opts)
        failures = write_fixed(outcome)
        for failure in failures:
            click.echo(failure, err=True)
        if not opts.quiet:
            line = fixed_line(outcome)
            if line:
                click.echo(line, err=True)
            if opts.fixes.show_fixes:
                show_fixes(outcome, sys.stderr)
        if failures:
            return EXIT_ERROR
        if opts.fixes.fix_only:
            for error in result.errors:
                click.echo(f"error: {printable(error.path)}: {printable(error.message)}", err=True)
            return EXIT_ERROR if result.errors else EXIT_CLEAN

    if opts.write_baseline is not None:
        count = write_baseline(
            opts.write_baseline, result.findings, result.sources, checked=config_paths
        )
        if not opts.quiet:
            click.echo(
                f"Wrote {_count(count, 'baseline entry')} to {opts.write_baseline}", err=True
            )
    else:
        if opts.baseline is not None:
            result = _apply_baseline(result, opts.baseline, config_paths, opts.quiet)
        with _report_stream(opts.output_file) as stream:
            _print_result(result, output, opts.quiet, stream, opts.fixes)
    for error in result.errors:
        click.echo(f"error: {printable(error.path)}: {printable(error.message)}", err=True)
    if result.files_checked == 0 and not result.errors and not use_stdin and not opts.quiet:
        click.echo("warning: No Python files found under the given path(s)", err=True)
    unparsed = len({f.path for f in result.findings if f.code == PARSE_ERROR_CODE})
    if unparsed and not opts.quiet and not use_stdin:  # stdin: no other file is reported
        click.echo(_missing_declarations(unparsed), err=True)

    if result.errors:
        return EXIT_ERROR
    if result.findings and not opts.exit_zero and opts.write_baseline is None:
        return EXIT_FINDINGS
    return EXIT_CLEAN


def _print_diff(outcome: FixOutcome, result: RunResult, opts: _Options) -> int:
    """`--diff`: the unified diff on standard output, a count on standard error; exit 1
    when there is something to fix (2 on an unreadable path)."""
    text = diff_text(outcome)
    if text:
        sys.stdout.write(text)
    if not opts.quiet:
        click.echo(fixed_line(outcome, would=True), err=True)
    for error in result.errors:
        click.echo(f"error: {printable(error.path)}: {printable(error.message)}", err=True)
    if result.errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if text else EXIT_CLEAN


def _stdin_fixed(outcome: FixOutcome, original: bytes, opts: _Options) -> int:
    """`--fix` on standard input: the fixed source on standard output (for editors), the
    problems left on standard error; `--diff` prints the diff instead."""
    result = outcome.result
    if opts.fixes.diff:
        return _print_diff(outcome, result, opts)
    texts = list(outcome.texts.values())
    data = texts[0].encode() if texts else original
    out = getattr(sys.stdout, "buffer", None)
    if out is not None:
        sys.stdout.flush()
        out.write(data)
        out.flush()
    else:
        sys.stdout.write(data.decode("utf-8", "surrogateescape"))
    if not opts.quiet and not opts.fixes.fix_only:
        console = make_console(sys.stderr, colour=False)
        render_concise(console, result.findings, result.sources)
    for error in result.errors:
        click.echo(f"error: {printable(error.path)}: {printable(error.message)}", err=True)
    if result.errors:
        return EXIT_ERROR
    if result.findings and not opts.exit_zero and not opts.fixes.fix_only:
        return EXIT_FINDINGS
    return EXIT_CLEAN


def _output_options(opts: _Options, configured: OutputOptions) -> OutputOptions:
    """The command line's output options over the config file's; the format in full."""
    return OutputOptions(
        output_format=opts.output_format or configured.output_format or "full",
        show_source=configured.show_source if opts.show_source is None else opts.show_source,
        statistics=bool(configured.statistics if opts.statistics is None else opts.statistics),
    )


def _show_files(paths: tuple[str, ...], settings: Settings, opts: _Options) -> int:
    """Print the files a check of `paths` would report on, one per line."""
    if opts.stdin_filename is not None or paths == ("-",):
        click.echo(printable(opts.stdin_filename or "-"))
        return EXIT_CLEAN
    found = discover(paths, settings, force_exclude=opts.force_exclude)
    for path in found.files:
        click.echo(printable(found.display[path]))
    for error in found.errors:
        click.echo(f"error: {printable(error.path)}: {printable(error.message)}", err=True)
    return EXIT_ERROR if found.errors else EXIT_CLEAN


@contextlib.contextmanager
def _report_stream(output_file: str | None) -> Iterator[IO[str]]:
    """Standard output, or `--output-file` (its folder created), closed at the end."""
    if output_file is None:
        yield sys.stdout
        return
    try:
        Path(output_file).parent.mkdir(parents=True, exist_ok=True)
        handle = open(output_file, "w", encoding="utf-8")  # noqa: SIM115
    except OSError as exc:
        raise ConfigError(f"{output_file}: cannot write the report: {exc.strerror or exc}") from exc
    with handle:
        yield handle


def _apply_baseline(
    result: RunResult, baseline_file: str, checked: Sequence[str], quiet: bool
) -> RunResult:
    """Drop the findings the baseline records; say on stderr what it hid."""
    applied = apply_baseline(
        result.findings, result.sources, load_baseline(baseline_file), checked=checked
    )
    if not quiet:
        # --write-baseline replaces the entries under the paths checked, keeping the
        # others: the same command with it in place of --baseline drops these.
        stale = (
            f"; {_count(applied.stale, 'baseline entry')} no longer "
            f"{'matches' if applied.stale == 1 else 'match'} (drop "
            f"{'it' if applied.stale == 1 else 'them'}: run the same command with "
            f"--write-baseline {printable(baseline_file)} in place of --baseline)"
            if applied.stale
            else ""
        )
        click.echo(f"{_count(applied.hidden, 'problem')} hidden by the baseline{stale}", err=True)
    return replace(result, findings=applied.findings)


def _missing_declarations(unparsed: int) -> str:
    """The warning for files left RPL000: the rest of the project misses what they declare."""
    whose = "its" if unparsed == 1 else "their"
    return (
        f"warning: {_count(unparsed, 'file')} could not be parsed (RPL000): {whose} models, "
        "sessions and repositories are missing from the project, so findings that depend "
        "on them may be missing"
    )


def _count(count: int, noun: str) -> str:
    plural = noun[:-1] + "ies" if noun.endswith("y") else noun + "s"
    return f"{count} {noun if count == 1 else plural}"


def _print_result(
    result: RunResult,
    output: OutputOptions,
    quiet: bool,
    stream: IO[str],
    fixes: FixOptions = NO_FIXES,
) -> None:
    """Render `result` as `output` says on `stream` (colour only on a terminal)."""
    output_format, show_source = output.output_format or "full", output.show_source
    statistics = bool(output.statistics)
    unsafe = fixes.unsafe_fixes
    if output_format == "json":
        if statistics:
            click.echo(render_json_statistics(result.findings), file=stream)
        else:
            click.echo(render_json(result.findings, with_fix=fixes.any), file=stream)
        return
    if output_format in MACHINE_FORMATS and not (statistics and output_format != "json-lines"):
        text = render_machine(output_format, result, statistics=statistics, with_fix=fixes.any)
        if text:
            click.echo(text, file=stream)
        return
    console = make_console(stream, colour=stream is sys.stdout)
    if statistics:
        render_statistics(console, result.findings, unsafe_fixes=unsafe)
    elif output_format == "concise" and not fixes.show_fixes:
        render_concise(
            console,
            result.findings,
            result.sources,
            show_source=bool(show_source),
            unsafe_fixes=unsafe,
        )
    elif output_format == "grouped" and not fixes.show_fixes:
        render_grouped(
            console,
            result.findings,
            result.sources,
            show_source=bool(show_source),
            unsafe_fixes=unsafe,
        )
    else:
        render_full(
            console,
            result.findings,
            result.sources,
            show_source=show_source is not False,
            unsafe_fixes=unsafe,
        )
    if not quiet:
        console.print(summary(result.findings, result.errors))
        fixable = fixable_summary(result.findings, unsafe)
        if fixable:
            console.print(fixable)


def console_main() -> None:
    """The `repolint` command: `main`, then leave at once. Tearing a large analysed
    project down object by object takes seconds; the operating system frees it in
    no time. Output is flushed first."""
    try:
        main(prog_name="repolint")
        status: object = 0
    except SystemExit as exc:
        status = exc.code
    if isinstance(status, str):
        click.echo(status, err=True)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(status if isinstance(status, int) else 0 if status is None else 1)


@main.command("clean", short_help="Remove the cache.")
@click.option(
    "--cache-dir",
    metavar="DIR",
    envvar="REPOLINT_CACHE_DIR",
    help="The cache folder to remove (default: every .repolint_cache from the current "
    "directory up to the project root).",
)
def clean_command(cache_dir: str | None) -> None:
    """Remove the cache of the project around the current directory: every
    .repolint_cache from here up to the project root (the folder of the
    [tool.repolint] config, or the nearest with a pyproject.toml, setup.cfg,
    setup.py or .git), lock files included; or --cache-dir. Only folders
    repolint created are removed."""
    try:
        settings, _ = load_settings(())
    except ConfigError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    if cache_dir:  # also REPOLINT_CACHE_DIR
        folders = [cache_dir_for(settings, cache_dir)]
    else:
        folders = project_caches(Path.cwd(), Path(settings.project_root))
    code = EXIT_CLEAN
    for folder in folders:
        if clean(folder):
            click.echo(f"Removed {printable(str(folder))}", err=True)
        elif folder.exists():
            shown = printable(str(folder))
            message = "not a repolint cache (no CACHEDIR.TAG), left alone"
            click.echo(f"error: {shown}: {message}", err=True)
            code = EXIT_ERROR
    sys.exit(code)


from repolint.commands import audit, catalogue  # noqa: E402  (subcommands register after `main`)

main.add_command(catalogue.rules)
main.add_command(catalogue.explain)
main.add_command(catalogue.docs)
main.add_command(audit.audit)
