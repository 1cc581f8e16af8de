"""fittrackee fittrackee/workouts/services/workouts_without_file_refresh_service.py:40,
RPL309 (`db.session.commit()` per workout).

Shape (Flask-SQLAlchemy): a refresh service loads the rows to fix with one query and,
for each, recomputes a derived column and commits. Each commit is a transaction and
expires the remaining loaded rows, so every next row is SELECTed again. Fix: commit
once after the loop. Measured: COMMITs (the reloads are shown in the test too).
"""

from __future__ import annotations

from flask_sqlalchemy import SQLAlchemy

from ._common import Result, commits, flask_app, statements

N_ROWS = 8

db = SQLAlchemy()


class Ride(db.Model):  # type: ignore[name-defined]
    id = db.Column(db.Integer, primary_key=True)
    distance = db.Column(db.Float)
    minutes = db.Column(db.Float)
    pace = db.Column(db.Float, nullable=True)


def _refresh(commit_each: bool) -> int:
    rides = Ride.query.filter(Ride.pace.is_(None)).all()
    for ride in rides:
        ride.pace = ride.minutes / ride.distance
        if commit_each:
            db.session.commit()
    if not commit_each:
        db.session.commit()
    return len(rides)


def measure(commit_each: bool) -> tuple[int, int]:
    """COMMITs and SELECTs of one refresh of N_ROWS rows."""
    app = flask_app(__name__)
    db.init_app(app)
    with app.app_context():
        db.create_all()
        db.session.add_all(Ride(distance=10.0, minutes=50.0 + i) for i in range(N_ROWS))
        db.session.commit()
        db.session.expunge_all()
        with commits(db.engine) as done, statements(db.engine, "SELECT") as selects:
            assert _refresh(commit_each) == N_ROWS
        assert Ride.query.filter(Ride.pace.is_(None)).count() == 0
    return len(done), len(selects)


def run() -> Result:
    (bad, _), (good, _) = measure(True), measure(False)
    return Result(
        label="fittrackee fittrackee/workouts/services/workouts_without_file_refresh_service.py:40",
        rule="RPL309",
        measure=f"COMMITs to refresh {N_ROWS} rows",
        bad=bad,
        good=good,
        confirmed=bad == N_ROWS and good == 1,
    )
