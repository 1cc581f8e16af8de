"""`repolint audit`: score every repository against the checklist, with an executive summary."""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

from repolint.commands.options import project_options
from repolint.commands.usage import OneLineCommand
from repolint.config import CliOverrides, ConfigError, load_settings, split_commas
from repolint.findings import BUG_REPORT_HINT, FileError, internal_error

EXIT_CLEAN, EXIT_BELOW, EXIT_ERROR = 0, 1, 2
AUDIT_FORMATS = ("full", "markdown", "html", "json")

AUDIT_HELP = """\
Score every repository under PATHS (default: the current directory) against
a data-access checklist, with the evidence (file:line) of each verdict, and
summarise the data layer: async support, N+1 prevention, transaction
management, error handling, pagination.

Repositories are the data layer as `repolint check` sees it: classes named
*Repository, *Repo, *DAO, *CRUD (or inheriting from one) that hold or receive
a session, and modules of functions taking a session under repositories/,
crud/, dal/. Tests are read among the same PATHS (the `tests` globs) and never
run: give the tests folder too (`repolint audit app tests`).

\b
Examples:
  repolint audit                             the current directory
  repolint audit app tests --output-format markdown > audit.md
  repolint audit --output-format html . > audit.html
  repolint audit --fail-under 80             for CI

\b
Exit status:
  0  the report was printed (and the score is at least --fail-under)
  1  the score is below --fail-under (or nothing could be scored)
  2  bad usage or configuration, a path that could not be read, or an
     internal error
"""


@click.command(
    cls=OneLineCommand, help=AUDIT_HELP, short_help="Score repositories against the checklist."
)
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option(
    "--output-format",
    type=click.Choice(AUDIT_FORMATS),
    default="full",
    show_default=True,
    help="full: a terminal report (summary panel, checklist table, next steps); "
    "markdown: for an issue or a wiki; html: one self-contained page; "
    "json: for tools.",
)
@click.option(
    "--fail-under",
    type=click.FloatRange(0, 100),
    metavar="PERCENT",
    help="Exit 1 when the share of applicable items that pass is below PERCENT.",
)
@project_options
@click.option("-q", "--quiet", is_flag=True, help="Print the report only: no notes, no warnings.")
@click.option(
    "-v",
    "--verbose",
    is_flag=True,
    help="full: add the per-repository table and each repository's failing items.",
)
def audit(
    paths: tuple[str, ...],
    output_format: str,
    fail_under: float | None,
    exclude: tuple[str, ...],
    extend_exclude: tuple[str, ...],
    src: tuple[str, ...],
    config_file: str | None,
    quiet: bool,
    verbose: bool,
) -> None:
    """Audit the repositories under PATHS."""
    overrides = CliOverrides(
        exclude=split_commas(exclude) if exclude else None,
        extend_exclude=split_commas(extend_exclude),
        src=split_commas(src) if src else None,
    )
    try:
        code = _audit(
            paths or (".",), overrides, output_format, fail_under, config_file, quiet, verbose
        )
    except ConfigError as exc:
        click.echo(f"error: {exc}", err=True)
        code = EXIT_ERROR
    except Exception as exc:  # the promise: never a traceback
        click.echo(f"error: internal error: {internal_error(exc)} ({BUG_REPORT_HINT})", err=True)
        code = EXIT_ERROR
    sys.exit(code)


def _audit(
    paths: tuple[str, ...],
    overrides: CliOverrides,
    output_format: str,
    fail_under: float | None,
    config_file: str | None,
    quiet: bool,
    verbose: bool = False,
) -> int:
    from repolint.audit.model import percent_text
    from repolint.audit.run import run_audit

    settings, _ = load_settings(paths, config_file=config_file, overrides=overrides)
    result = run_audit(paths, settings)
    if result.errors and result.files_checked == 0:  # nothing was read: no report to print
        _print_errors(result.errors)
        return EXIT_ERROR
    report = result.report
    if output_format == "json":
        from repolint.report.audit_json import render_audit_json

        click.echo(render_audit_json(report))
    elif output_format == "markdown":
        from repolint.report.audit_markdown import render_audit_markdown

        click.echo(render_audit_markdown(report), nl=False)
    elif output_format == "html":
        from repolint.report.audit_html import render_audit_html

        click.echo(render_audit_html(report), nl=False)
    else:
        from repolint.report.audit_text import render_audit_text
        from repolint.report.text import make_console

        render_audit_text(make_console(sys.stdout), report, verbose=verbose)
    _print_errors(result.errors)
    if not quiet:
        if result.files_checked == 0 and not result.errors:
            click.echo("warning: No Python files found under the given path(s)", err=True)
        elif not report.repositories:
            click.echo("warning: no repository found (see `repolint audit --help`)", err=True)
    if result.errors:
        return EXIT_ERROR
    if fail_under is not None:
        percent = report.percent
        if percent is None or percent < fail_under:
            if not quiet:
                shown = "nothing to score" if percent is None else percent_text(percent)
                click.echo(f"audit score {shown} is below --fail-under {fail_under:g}%", err=True)
            return EXIT_BELOW
    return EXIT_CLEAN


def _print_errors(errors: Sequence[FileError]) -> None:
    """One `error: <path>: <message>` line each, as `repolint check` prints them."""
    from repolint.report.text import printable

    for error in errors:
        click.echo(f"error: {printable(error.path)}: {printable(error.message)}", err=True)
