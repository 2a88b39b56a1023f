"""create_app(): routers, middleware, error handlers and the built SPA."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from api import __version__
from api.body_limit import BodyLimit
from api.config import PROJECT_ROOT, Settings, get_settings
from api.db import make_engine, migrate, resolve_database_url, sessionmaker_for
from api.errors import NotFound, envelope, install_error_handlers
from api.openapi_docs import install_openapi_docs
from api.replicas import ReplicaSet
from api.routers import accounts as accounts_router
from api.routers import audit as audit_router
from api.routers import auth as auth_router
from api.routers import export as export_router
from api.routers import health, profile_documents, profile_feedback, profile_forum, profile_people, profile_structure
from api.routers import inform as inform_router
from api.routers import integration as integration_router
from api.routers import profile as profile_router
from api.routers import reports as reports_router
from api.routers import tree as tree_router
from api.services.audit import AuditWriter, record_denial
from api.services.limits import ReportLimits
from api.services.reports.xlsx import shutdown_export_pool

API_PREFIX = "/api/v1"
SPA_DIST = PROJECT_ROOT / "frontend" / "dist"

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
    ),
}
# The docs page starts Swagger UI (served from our own origin) with an inline script: allow that there only.
DOCS_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'"
)


def api_router() -> APIRouter:
    """Every section's router under /api/v1."""
    router = APIRouter(prefix=API_PREFIX)
    router.include_router(health.router)
    router.include_router(integration_router.router)
    router.include_router(auth_router.router)
    router.include_router(accounts_router.router)
    router.include_router(tree_router.router)
    router.include_router(reports_router.router)
    router.include_router(audit_router.router)
    router.include_router(export_router.router)
    for profile_section in (profile_router, profile_structure, profile_people, profile_documents, profile_forum):
        router.include_router(profile_section.router)
    router.include_router(profile_feedback.router)
    router.include_router(inform_router.router)
    return router


def create_app(settings: Settings | None = None, database_url: str | None = None) -> FastAPI:
    """Build the application; the database is resolved (embedded or DATABASE_URL) and migrated at startup."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        url = database_url or resolve_database_url(settings)
        if database_url is None and settings.migrate_on_startup:
            await migrate(url)
        engine = make_engine(url, settings)
        app.state.engine = engine
        app.state.sessionmaker = sessionmaker_for(engine)
        replicas = ReplicaSet.from_settings(settings)
        app.state.replicas = replicas
        if replicas is not None:
            await replicas.start()
        try:
            yield
        finally:
            if replicas is not None:
                await replicas.close()
            await engine.dispose()
            shutdown_export_pool()

    app = FastAPI(
        title="Bilim OUO API",
        version=__version__,
        description="Education management bodies (ОУО) and their schools: public profile, reports, integration.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
        openapi_tags=[
            {
                "name": "integration",
                "description": (
                    "School systems push their data by kind (write tokens) and follow the change feed of each kind"
                    " (read tokens): see docs/integrators.md in the repository for following, resuming after a"
                    " failure, tombstones and verifying a copy."
                ),
            }
        ],
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.report_limits = ReportLimits.from_settings(settings)
    install_error_handlers(app, record_denial)
    app.add_middleware(BodyLimit)  # innermost: a 413 still passes the audit and the security headers
    app.add_middleware(AuditWriter)
    app.include_router(api_router())
    install_openapi_docs(app)

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        try:
            response = await call_next(request)
        except Exception:  # no handler answered: still the envelope, and still the headers below
            logging.getLogger("api.errors").exception("unhandled error")
            response = envelope(500, "internal_error", "internal error")
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        if request.url.path == "/api/docs":
            response.headers["Content-Security-Policy"] = DOCS_CSP
        return response

    _mount_docs(app)
    _mount_spa(app)
    return app


def _mount_docs(app: FastAPI) -> None:
    """Swagger UI at /api/docs from the bundled assets, so the docs work without a CDN."""
    from fastapi.openapi.docs import get_swagger_ui_html
    from fastapi.responses import HTMLResponse
    from swagger_ui_bundle import swagger_ui_path

    app.mount("/api/docs-assets", StaticFiles(directory=str(swagger_ui_path)), name="docs-assets")

    @app.get("/api/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/api/openapi.json",
            title="Bilim OUO API",
            swagger_js_url="/api/docs-assets/swagger-ui-bundle.js",
            swagger_css_url="/api/docs-assets/swagger-ui.css",
            swagger_favicon_url="data:,",
        )


def _mount_spa(app: FastAPI) -> None:
    """Serve the built SPA at / with client-side routes falling back to index.html."""
    index = SPA_DIST / "index.html"
    if (SPA_DIST / "assets").is_dir():
        app.mount("/assets", StaticFiles(directory=SPA_DIST / "assets"), name="assets")

    @app.get("/{path:path}", include_in_schema=False)
    async def spa(path: str) -> FileResponse:
        if path.startswith("api/"):
            raise NotFound(f"no API route {path!r}")
        candidate = (SPA_DIST / path).resolve()
        if path and candidate.is_file() and SPA_DIST.resolve() in candidate.parents:
            return FileResponse(candidate)
        if index.is_file():
            return FileResponse(index)
        raise NotFound("the web app is not built: run `make run`")
