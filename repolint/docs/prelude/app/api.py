"""The application and its router."""

from fastapi import APIRouter, FastAPI

app = FastAPI()
router = APIRouter()
