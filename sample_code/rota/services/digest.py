"""The weekly digest e-mail's text."""

import datetime as dt

from rota.services.stats import dashboard_numbers


def week_label(week_start: dt.date) -> str:
    """ISO week label such as 2025-W03. Pure formatting, no database."""
    iso = week_start.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def compose_digest(week_start: dt.date) -> str:
    """One line of numbers for the digest (reads the database through dashboard_numbers)."""
    numbers = dashboard_numbers()
    return f"{week_label(week_start)}: {numbers['active_members']} active, {numbers['vacancies']} vacancies"
