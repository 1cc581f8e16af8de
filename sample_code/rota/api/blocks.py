"""Block and certification routes (sync routes over sync repositories)."""

import datetime as dt
from typing import Any

from fastapi import APIRouter, HTTPException
from sqlalchemy.orm import selectinload

from rota.deps import SessionDep
from rota.models import Block
from rota.repositories.block import BlockRepository
from rota.repositories.certification import CertificationRepository
from rota.services.coverage import coverage_report_eager

router = APIRouter(tags=["blocks"])


@router.get("/blocks/coverage")
def coverage(start: dt.date, end: dt.date, db: SessionDep) -> dict[int, int]:
    """Number of people on each block of a date range."""
    return coverage_report_eager(db, start, end)


@router.get("/blocks/{block_id}")
def get_block(block_id: int, db: SessionDep) -> dict[str, Any]:
    """One block with its head count (the caller picks the loader option)."""
    block = BlockRepository(db).get_by_id(block_id, options=[selectinload(Block.assignments)])
    if block is None:
        raise HTTPException(status_code=404, detail="block not found")
    return {"id": block.id, "date": block.date, "period": block.period, "staffed": len(block.assignments)}


@router.get("/certifications/{cert_id}")
def get_certification(cert_id: int, db: SessionDep) -> dict[str, Any]:
    """A certification and its holder (loaded by the repository's hook)."""
    cert = CertificationRepository(db).get_by_id(cert_id)
    if cert is None:
        raise HTTPException(status_code=404, detail="certification not found")
    return {"name": cert.name, "expires_on": cert.expires_on, "holder": cert.person.name}
