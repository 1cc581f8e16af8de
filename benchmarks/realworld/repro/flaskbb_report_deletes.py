"""flaskbb flaskbb/management/views.py:851, RPL309 (`if report.delete():`).

Shape (Flask-SQLAlchemy): a bulk action loads the selected rows with
`Model.query.filter(Model.id.in_(ids)).all()` and calls each row's `delete()`, a
CRUD-mixin method that deletes and commits: one transaction per row. Fix: delete
every row, then commit once.
"""

from __future__ import annotations

from flask_sqlalchemy import SQLAlchemy

from ._common import Result, commits, flask_app

N_ROWS = 6

db = SQLAlchemy()


class Flag(db.Model):  # type: ignore[name-defined]
    id = db.Column(db.Integer, primary_key=True)

    def remove(self, commit: bool = True) -> Flag:
        db.session.delete(self)
        if commit:
            db.session.commit()
        return self


def _bulk_delete(ids: list[int], one_transaction: bool) -> list[int]:
    selected = Flag.query.filter(Flag.id.in_(ids)).all()
    done = [flag.remove(commit=not one_transaction).id for flag in selected]
    if one_transaction:
        db.session.commit()
    return done


def run() -> Result:
    counts = []
    for one_transaction in (False, True):
        app = flask_app(__name__)
        db.init_app(app)
        with app.app_context():
            db.create_all()
            db.session.add_all(Flag() for _ in range(N_ROWS + 1))
            db.session.commit()
            with commits(db.engine) as seen:
                assert len(_bulk_delete(list(range(1, N_ROWS + 1)), one_transaction)) == N_ROWS
            counts.append(len(seen))
            assert Flag.query.count() == 1
    bad, good = counts
    return Result(
        label="flaskbb flaskbb/management/views.py:851",
        rule="RPL309",
        measure=f"COMMITs to delete {N_ROWS} selected rows",
        bad=bad,
        good=good,
        confirmed=bad == N_ROWS and good == 1,
    )
