"""Export rotation templates to the git repository the planners review."""

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from rota.integrations.gitstore import GitRepository
from rota.models import RotationTemplate


def export_templates(db: Session, store: GitRepository) -> str:
    """Write templates.json into the store and commit it; returns the commit sha."""
    templates = db.scalars(select(RotationTemplate).order_by(RotationTemplate.name)).all()
    payload = [{"name": t.name, "abbreviation": t.abbreviation} for t in templates]
    store.write("templates.json", json.dumps(payload, indent=2))
    return store.commit("Export rotation templates")
