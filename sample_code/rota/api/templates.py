"""Rotation template export (sync route)."""

import os

from fastapi import APIRouter

from rota.deps import SessionDep
from rota.integrations.gitstore import GitRepository
from rota.services.template_export import export_templates

router = APIRouter(prefix="/templates", tags=["templates"])

TEMPLATES_REPO = os.environ.get("ROTA_TEMPLATES_REPO", "/srv/rota-templates")


@router.post("/export")
def export(db: SessionDep) -> dict[str, str]:
    """Export the templates to git and return the commit sha."""
    return {"commit": export_templates(db, GitRepository(TEMPLATES_REPO))}
