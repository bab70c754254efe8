"""Bounded parameter types of the analysis API (ids fit a 32-bit INTEGER column on every database)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query
from pydantic import Field

MAX_ID = 2_147_483_647

#: An id in a path.
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
#: An optional id in a query.
QueryId = Annotated[int | None, Query(ge=1, le=MAX_ID)]
#: A year filter.
Year = Annotated[int | None, Query(ge=0, le=9999)]
#: An id in a JSON body.
BodyId = Annotated[int, Field(ge=1, le=MAX_ID)]
