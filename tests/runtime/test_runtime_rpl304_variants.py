"""RPL304's (and RPL303's) reach into real-world shapes, proved on SQLite (sample_code/notes/).

- `notes.repos.exports`: data-layer functions handing their statement to a generic
  windowing helper (`notes.batching.in_windows`). The rows are the data-layer
  function's: `note_lines()` reads `Note.owner` of each (one SELECT per distinct
  owner), `user_lines()` reads `User.notes` that its statement loads (constant).
- `notes.data.accounts`: stores serving several models, opening sessions from a factory
  set in a set-up hook. `AccountStore.get_account()` turns `_get_user()`'s row into a
  summary that lazy-loads `User.notes` after the query; `ProfileStore.get_profile()`
  gets them with the query (`selectinload`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from notes.data.accounts import AccountStore, ProfileStore
from notes.exports import note_lines, user_lines
from notes.models import Base, Note, User
from notes.worklists import titles_in_batches, titles_of
from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import Session

from .helpers import count_statements

N_USERS = 6
"""Users, each the owner of one note: every note has an owner of its own."""


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'accounts.db'}"


@pytest.fixture
def engine(url: str) -> Iterator[Engine]:
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    with Session(engine) as db:
        for i in range(1, N_USERS + 1):
            db.add(Note(title=f"Note {i}", owner=User(email=f"u{i}@example.org")))
        db.commit()
    yield engine
    engine.dispose()


def test_rows_of_a_windowed_data_layer_function_read_lazily(engine: Engine) -> None:
    """note_lines(): 1 window + one owner SELECT per note + 1 empty window = N + 2;
    user_lines(): 1 window + 1 selectin of the notes + 1 empty window = 3, whatever N."""
    with Session(engine) as db, count_statements(engine) as bad:
        lines = list(note_lines(db))
    with Session(engine) as db, count_statements(engine) as good:
        users = list(user_lines(db))
    assert len(lines) == len(users) == N_USERS
    assert len(bad) == N_USERS + 2, bad
    assert len(good) == 3, good


def test_store_row_summarised_after_its_query(engine: Engine, url: str) -> None:
    """get_account(): the user's SELECT, then a lazy SELECT of the notes that summary()
    issues on the returned row; get_profile(): the notes come with the query (IN)."""
    accounts, profiles = AccountStore(), ProfileStore()
    accounts.init_db(url)
    profiles.init_db(url)
    with count_statements(Engine) as bad:  # the stores build their own engines
        account = accounts.get_account(1)
    with count_statements(Engine) as good:
        profile = profiles.get_profile(1)
    assert account == profile == {"email": "u1@example.org", "titles": ["Note 1"]}
    selects = [s for s in bad if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 2, bad
    assert "WHERE ? = notes.owner_id" in selects[1]  # the lazy loader's statement
    eager = [s for s in good if s.lstrip().upper().startswith("SELECT")]
    assert len(eager) == 2, good
    assert "notes.owner_id IN" in eager[1]  # selectinload: part of the query


def test_rpl303_one_lookup_per_item_of_a_work_list(engine: Engine) -> None:
    """titles_of(): `while pending: note_id = pending.pop()` then `db.get(Note, note_id)`,
    one SELECT per id (6); titles_in_batches(): one SELECT ... IN per round (1)."""
    ids = list(range(1, N_USERS + 1))
    with Session(engine) as db, count_statements(engine) as bad:
        one_by_one = sorted(titles_of(db, ids))
    with Session(engine) as db, count_statements(engine) as good:
        batched = sorted(titles_in_batches(db, ids))
    assert one_by_one == batched == sorted(f"Note {i}" for i in ids)
    assert (len(bad), len(good)) == (N_USERS, 1)
