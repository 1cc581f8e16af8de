"""The FastAPI application."""

from fastapi import FastAPI

from rota.api import (
    absences,
    assignments,
    blocks,
    dashboard,
    holidays,
    integrations,
    people,
    swaps,
    templates,
)

app = FastAPI(title="Rota")
for module in (people, dashboard, assignments, swaps, absences, holidays, blocks, templates, integrations):
    app.include_router(module.router)
