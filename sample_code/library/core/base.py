"""The mixin every model gets through `model_class=`: lookups that return the model."""

from __future__ import annotations


class LibraryModel:
    """Base behaviour of the models (Flask-SQLAlchemy's `model_class=`)."""

    @classmethod
    def get(cls, oid):
        """The row with this primary key, or None."""
        return cls.query.filter_by(id=oid).first()
