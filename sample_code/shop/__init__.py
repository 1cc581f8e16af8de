"""A small FastAPI + SQLAlchemy shop whose routes return ORM rows through Pydantic response models."""
