"""flaskbb flaskbb/forum/models.py:1191, RPL303
(`user.post_count = Post.query.filter_by(user_id=user.id).count()`).

Shape (Flask-SQLAlchemy): after deleting a category, the post count of every
involved user (rows of a User query) is recomputed with its own COUNT query. Fix:
one grouped COUNT for all the users. Only SELECTs are counted; both variants commit
once here (the commit per user is the separate RPL309 label on the next line).
"""

from __future__ import annotations

from flask_sqlalchemy import SQLAlchemy

from ._common import Result, flask_app, statements

N_USERS = 8

db = SQLAlchemy()


class Poster(db.Model):  # type: ignore[name-defined]
    id = db.Column(db.Integer, primary_key=True)
    post_total = db.Column(db.Integer, default=0)


class Message(db.Model):  # type: ignore[name-defined]
    id = db.Column(db.Integer, primary_key=True)
    poster_id = db.Column(db.ForeignKey("poster.id"))


def _recount(posters: list[Poster], grouped: bool) -> None:
    if grouped:
        ids = [p.id for p in posters]
        rows = (
            db.session.query(Message.poster_id, db.func.count())
            .filter(Message.poster_id.in_(ids))
            .group_by(Message.poster_id)
        )
        totals = dict(rows.all())
        for poster in posters:
            poster.post_total = totals.get(poster.id, 0)
    else:
        for poster in posters:
            poster.post_total = Message.query.filter_by(poster_id=poster.id).count()
    db.session.commit()


def run() -> Result:
    counts = []
    for grouped in (False, True):
        app = flask_app(__name__)
        db.init_app(app)
        with app.app_context():
            db.create_all()
            db.session.add_all(Poster() for _ in range(N_USERS))
            db.session.flush()
            db.session.add_all(Message(poster_id=i % N_USERS + 1) for i in range(3 * N_USERS))
            db.session.commit()
            posters = Poster.query.all()
            with statements(db.engine, "SELECT") as seen:
                _recount(posters, grouped)
            counts.append(len(seen))
            assert [p.post_total for p in Poster.query.all()] == [3] * N_USERS
    bad, good = counts
    return Result(
        label="flaskbb flaskbb/forum/models.py:1191",
        rule="RPL303",
        measure=f"COUNT SELECTs to recount {N_USERS} users",
        bad=bad,
        good=good,
        confirmed=bad == N_USERS and good == 1,
    )
