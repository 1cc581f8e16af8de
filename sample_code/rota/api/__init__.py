"""HTTP routes, one APIRouter per area; mounted by rota.main."""
