"""The app's own subclass of Flask-SQLAlchemy's extension, as real apps write it."""

from __future__ import annotations

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import declarative_base

from library.core.base import LibraryModel


class LibrarySQLAlchemy(SQLAlchemy):
    """Pool defaults of the library app."""

    def apply_pool_defaults(self, app, options):
        options = super().apply_pool_defaults(app, options)
        options["pool_pre_ping"] = True
        return options


db = LibrarySQLAlchemy(model_class=declarative_base(cls=LibraryModel, name="Model"))
