"""Model base under the name the models import (an alias of `db.Model`)."""

from __future__ import annotations

from library.extensions import db

BaseModel = db.Model
