"""Pydantic response models, read from ORM objects (`from_attributes`)."""

from pydantic import BaseModel, ConfigDict


class AssignmentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    hours: float


class PersonOut(BaseModel):
    """Plain columns only: safe for any `Person` row."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str


class PersonWithAssignments(PersonOut):
    """Reads the lazy `Person.assignments`: the rows must eager-load it."""

    assignments: list[AssignmentOut]
