"""A git working copy holding exported rotation templates (GitPython)."""

from pathlib import Path

import git


class GitRepository:
    """Wraps a GitPython repo. Not a data-access repository: it holds no
    database session, so its commits are git commits."""

    def __init__(self, path: str) -> None:
        self.path = Path(path)
        self.repo = git.Repo(path)

    def write(self, name: str, content: str) -> None:
        """Write a file and stage it."""
        (self.path / name).write_text(content, encoding="utf-8")
        self.repo.index.add([name])

    def commit(self, message: str) -> str:
        """Commit the staged files; returns the new commit's sha."""
        return self.repo.index.commit(message).hexsha  # ok: RPL201

    def publish(self, message: str) -> str:
        """Commit the staged files and push them to the planners' remote."""
        sha = self.repo.index.commit(message).hexsha  # ok: RPL201
        self.repo.remote("origin").push()
        return sha
