"""The FastAPI application factory: ``uvicorn --factory api.main:create_app``.

Settings are injected: pass them to :func:`create_app` (tests, the CLI) or let it read the environment once,
when the app is created — never at import. Requests get them through :func:`api.deps.get_settings`,
which the factory overrides.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api import deps
from api.errors import install_error_handlers
from api.pages import STATIC_DIR
from api.routers import analysis, curation, delphi_admin, expert, expert_pages, jobs, keys, priorities, search
from api.routers.analysis_errors import install_analysis_error_handlers
from api.security import BodySizeLimit, SecurityHeaders
from foresight.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app for ``settings`` (default: from the environment, read now)."""
    settings = settings or deps.read_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.engines.get(settings)  # connect and migrate now, not in the first request
        jobs.start_jobs(app, settings)
        yield
        jobs.stop_jobs(app)
        app.state.engines.dispose()

    app = FastAPI(
        title="Foresight API",
        summary="Expert pool and online Delphi rounds of the Foresight platform.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.engines = deps.EngineRegistry()
    app.state.ephemeral_secret = None

    async def injected_settings() -> Settings:
        return settings

    app.dependency_overrides[deps.get_settings] = injected_settings
    install_error_handlers(app)
    install_analysis_error_handlers(app)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_request_bytes)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(delphi_admin.router)
    app.include_router(expert.router)
    app.include_router(expert_pages.router)
    for router in (analysis.router, curation.router, jobs.router, keys.router, search.router):
        app.include_router(router)
    app.include_router(priorities.router)

    @app.get("/healthz", tags=["meta"], summary="Liveness")
    def healthz() -> dict[str, Any]:
        return {"status": "ok"}

    return app
