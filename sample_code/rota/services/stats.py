"""Headline numbers for the dashboard (legacy sync code)."""

from sqlalchemy import func, select

from rota.db.session import SessionLocal
from rota.models import AuditEvent, Person

ACTIVE_MEMBER_TARGET = 40


def active_member_count() -> int:
    """Opens its own session: nothing in its signature says it hits the database."""
    with SessionLocal() as db:
        return db.scalar(select(func.count(Person.id)).where(Person.active.is_(True))) or 0


def dashboard_numbers() -> dict[str, int]:
    """Active members and open positions."""
    active = active_member_count()
    return {"active_members": active, "vacancies": max(ACTIVE_MEMBER_TARGET - active, 0)}


def record_visit(page: str) -> None:
    """Writes an audit row: the flush runs on every call; the first commit only for
    the admin page, the rollback only when something failed."""
    with SessionLocal() as db:
        try:
            if page == "admin":
                db.commit()
            db.add(AuditEvent(actor="dashboard", action=f"viewed {page}"))
            db.flush()
        except Exception:
            db.rollback()
            raise
        db.commit()
