"""open-webui open_webui/models/folders.py:301, RPL309 (`db.commit()` in the child loop).

Shape: deleting a folder walks its children recursively and, for every descendant,
re-selects it, deletes it and commits: one transaction per folder, and an error half
way leaves part of the tree deleted. Fix: delete the whole tree, commit once.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from ._common import Result, commits, memory_engine

CHILDREN = 3
GRANDCHILDREN = 2
N_FOLDERS = 1 + CHILDREN + CHILDREN * GRANDCHILDREN


class Base(DeclarativeBase):
    pass


class Directory(Base):
    __tablename__ = "directory"
    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("directory.id"))


def _delete_tree(db: Session, root_id: int, commit_each: bool) -> list[int]:
    removed: list[int] = []

    def drop_children(parent_id: int) -> None:
        for child in db.scalars(select(Directory).where(Directory.parent_id == parent_id)).all():
            drop_children(child.id)
            removed.append(child.id)
            db.delete(child)
            if commit_each:
                db.commit()

    drop_children(root_id)
    db.delete(db.get(Directory, root_id))
    removed.append(root_id)
    db.commit()
    return removed


def run() -> Result:
    counts = []
    for commit_each in (True, False):
        engine = memory_engine()
        Base.metadata.create_all(engine)
        with Session(engine) as db:
            root = Directory()
            db.add(root)
            db.flush()
            for _ in range(CHILDREN):
                child = Directory(parent_id=root.id)
                db.add(child)
                db.flush()
                db.add_all(Directory(parent_id=child.id) for _ in range(GRANDCHILDREN))
            db.commit()
            with commits(engine) as seen:
                assert len(_delete_tree(db, root.id, commit_each)) == N_FOLDERS
            assert db.scalar(select(func.count()).select_from(Directory)) == 0
        counts.append(len(seen))
    bad, good = counts
    return Result(
        label="open-webui open_webui/models/folders.py:301",
        rule="RPL309",
        measure=f"COMMITs to delete a tree of {N_FOLDERS} folders",
        bad=bad,
        good=good,
        confirmed=bad == N_FOLDERS and good == 1,
    )
