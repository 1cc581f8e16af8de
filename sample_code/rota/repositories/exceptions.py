"""Repository exceptions, so that callers never see driver errors."""

from typing import Any


class RepositoryError(Exception):
    """Base class of the data layer's errors."""


class RecordNotFoundError(RepositoryError):
    """No row with that primary key."""

    def __init__(self, model_name: str, id: Any):
        self.model_name = model_name
        self.id = id
        super().__init__(f"{model_name} with id {id} not found")


class DuplicateRecordError(RepositoryError):
    """A unique constraint said no."""

    def __init__(self, model_name: str, field: str, value: Any):
        self.model_name = model_name
        self.field = field
        self.value = value
        super().__init__(f"Duplicate {model_name} with {field}={value}")
