"""Who may cover which block: a helper that looks the certifications up itself
when its caller does not hand them over (`if certified is None:`)."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from rota.models import Certification, Person


def may_cover(db: Session, person_id: int, needed: str, certified: set[str] | None = None) -> bool:
    """One SELECT when `certified` is not given; none when it is."""
    if certified is None:
        certified = set(
            db.scalars(select(Certification.name).where(Certification.person_id == person_id))
        )
    return needed in certified


def coverable(db: Session, person_id: int, needs: list[str]) -> list[str]:
    """Wrong: `may_cover` looks the certifications up again for every need."""
    return [need for need in needs if may_cover(db, person_id, need)]  # expect: RPL303


def coverable_once(db: Session, person_id: int, needs: list[str]) -> list[str]:
    """Right: the caller looks them up once and passes the set it built, so the
    helper's lookup never runs."""
    certified = {
        c.name
        for c in db.scalars(select(Certification).where(Certification.person_id == person_id))
    }
    return [need for need in needs if may_cover(db, person_id, need, certified)]  # ok: RPL303


def certified_names(db: Session, person_id: int) -> set[str]:
    """Always a set (maybe empty), never None."""
    names = {
        c.name
        for c in db.scalars(select(Certification).where(Certification.person_id == person_id))
    }
    return names


def coverable_looked_up(db: Session, person_id: int, needs: list[str]) -> list[str]:
    """Right: the set comes from a helper whose every return is a value."""
    certified = certified_names(db, person_id)
    return [need for need in needs if may_cover(db, person_id, need, certified)]  # ok: RPL303


def coverable_for(
    db: Session, person_id: int, needs: list[str], certified: set[str] | None = None
) -> list[str]:
    """Right: fills the set itself when its caller gives none, then passes it on."""
    if certified is None:
        certified = certified_names(db, person_id)
    return [need for need in needs if may_cover(db, person_id, need, certified)]  # ok: RPL303


def cover_list(db: Session, needs: list[str]) -> dict[int, list[str]]:
    """Right too: a literal set is a value as well (nobody is certified here)."""
    people = db.scalars(select(Person).order_by(Person.id)).all()
    return {p.id: [n for n in needs if may_cover(db, p.id, n, set())] for p in people}  # ok: RPL303
