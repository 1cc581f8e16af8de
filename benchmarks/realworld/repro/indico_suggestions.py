"""indico indico/modules/categories/tasks.py:47, RPL309 (`db.session.commit()` per user).

Shape (Flask-SQLAlchemy): a periodic task iterates a User query, adds suggestion rows
for each user, clears the user's opt-in flag and commits inside the loop: one
transaction per user. Fix: commit once after the loop.
"""

from __future__ import annotations

from flask_sqlalchemy import SQLAlchemy

from ._common import Result, commits, flask_app

N_USERS = 7

db = SQLAlchemy()


class Reader(db.Model):  # type: ignore[name-defined]
    id = db.Column(db.Integer, primary_key=True)
    wants_tips = db.Column(db.Boolean, default=True)


class Tip(db.Model):  # type: ignore[name-defined]
    id = db.Column(db.Integer, primary_key=True)
    reader_id = db.Column(db.ForeignKey("reader.id"))
    score = db.Column(db.Float)


def _suggest(commit_each: bool) -> None:
    for reader in Reader.query.filter(Reader.wants_tips.is_(True)).all():
        db.session.add(Tip(reader_id=reader.id, score=0.5))
        reader.wants_tips = False
        if commit_each:
            db.session.commit()
    if not commit_each:
        db.session.commit()


def run() -> Result:
    counts = []
    for commit_each in (True, False):
        app = flask_app(__name__)
        db.init_app(app)
        with app.app_context():
            db.create_all()
            db.session.add_all(Reader() for _ in range(N_USERS))
            db.session.commit()
            with commits(db.engine) as seen:
                _suggest(commit_each)
            counts.append(len(seen))
            assert Tip.query.count() == N_USERS
    bad, good = counts
    return Result(
        label="indico indico/modules/categories/tasks.py:47",
        rule="RPL309",
        measure=f"COMMITs for {N_USERS} users",
        bad=bad,
        good=good,
        confirmed=bad == N_USERS and good == 1,
    )
