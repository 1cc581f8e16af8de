"""zou zou/app/services/cascade_deletion_service.py:279, RPL301
(`for member in comment.acknowledgements`).

Shape (Flask-SQLAlchemy): removing a person loops over `Model.query.filter(
collection.contains(person))` and rebuilds each comment's lazy many-to-many
collection without that person: one SELECT of the collection per comment. Fix:
`selectinload` of the collection on the query. Only SELECTs are counted (both
variants write the same rows).
"""

from __future__ import annotations

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import selectinload

from ._common import Result, flask_app, statements

N_COMMENTS = 10

db = SQLAlchemy()

note_likes = db.Table(
    "note_likes",
    db.Column("note_id", db.ForeignKey("note.id"), primary_key=True),
    db.Column("member_id", db.ForeignKey("member.id"), primary_key=True),
)


class Member(db.Model):  # type: ignore[name-defined]
    id = db.Column(db.Integer, primary_key=True)


class Note(db.Model):  # type: ignore[name-defined]
    id = db.Column(db.Integer, primary_key=True)
    likers = db.relationship(Member, secondary=note_likes)


def _forget_member(member: Member, eager: bool) -> int:
    query = Note.query.filter(Note.likers.contains(member))
    if eager:
        query = query.options(selectinload(Note.likers))  # type: ignore[arg-type]
    touched = 0
    for note in query:
        note.likers = [m for m in note.likers if m.id != member.id]
        touched += 1
    db.session.commit()
    return touched


def run() -> Result:
    counts = []
    for eager in (False, True):
        app = flask_app(__name__)
        db.init_app(app)
        with app.app_context():
            db.create_all()
            gone, other = Member(), Member()
            db.session.add_all(Note(likers=[gone, other]) for _ in range(N_COMMENTS))
            db.session.commit()
            gone_id = gone.id
            db.session.expunge_all()
            member = db.session.get(Member, gone_id)
            assert member is not None
            with statements(db.engine, "SELECT") as seen:
                assert _forget_member(member, eager) == N_COMMENTS
            counts.append(len(seen))
    bad, good = counts
    return Result(
        label="zou zou/app/services/cascade_deletion_service.py:279",
        rule="RPL301",
        measure=f"SELECTs to drop a member from {N_COMMENTS} comments",
        bad=bad,
        good=good,
        confirmed=bad == 1 + N_COMMENTS and good == 2,
    )
