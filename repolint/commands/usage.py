"""Usage errors as one line, like every other error of repolint.

click prints a bad option as three lines (`Usage:`, `Try ... --help`, `Error:`);
these command classes turn each usage error into `error: <message> (see
'<command> --help')` on standard error, exit status 2. `repolint` alone, which
prints the help, is left as click does it.
"""

from __future__ import annotations

from typing import IO, Any

import click

_HELP_ERRORS: tuple[type[Exception], ...] = tuple(
    error
    for error in (getattr(click.exceptions, "NoArgsIsHelpError", None),)  # click >= 8.2
    if error is not None
)
"""Errors that print the help (`repolint` alone): shown as click shows them."""


class OneLineUsageError(click.UsageError):
    """A usage error shown as one line."""

    def show(self, file: IO[Any] | None = None) -> None:
        message = " ".join(self.format_message().split()).rstrip(".")
        where = f" (see '{self.ctx.command_path} --help')" if self.ctx is not None else ""
        click.echo(f"error: {message}{where}", file=file, err=True)


def one_line(error: click.UsageError) -> click.UsageError:
    """`error` as a `OneLineUsageError` (the help click prints for no arguments stays)."""
    if isinstance(error, (OneLineUsageError, *_HELP_ERRORS)):
        return error
    return OneLineUsageError(error.format_message(), error.ctx)


class OneLineCommand(click.Command):
    """A command whose usage errors are one line."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as error:
            raise one_line(error) from None


class OneLineGroup(click.Group):
    """A group whose usage errors, and those of its commands, are one line."""

    command_class = OneLineCommand

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as error:
            raise one_line(error) from None

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError as error:
            raise one_line(error) from None
