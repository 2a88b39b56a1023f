"""One domain error base, one handler, one JSON error envelope."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

import asyncpg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger("api.errors")


class DomainError(Exception):
    """Base of every error the API answers on purpose: carries the HTTP status and a code.

    A subclass names its own: `class NotFound(DomainError, status=404, code="not_found")`.
    """

    status_code = 400
    code = "bad_request"

    def __init_subclass__(cls, *, status: int | None = None, code: str | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if status is not None:
            cls.status_code = status
        if code is not None:
            cls.code = code

    def __init__(
        self,
        message: str,
        *,
        details: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []
        self.headers = headers


class NotFound(DomainError, status=404, code="not_found"): ...


class Unauthorized(DomainError, status=401, code="unauthorized"): ...


class Forbidden(DomainError, status=403, code="forbidden"): ...


class PasswordChangeRequired(Forbidden, code="password_change_required"): ...


class Conflict(DomainError, status=409, code="conflict"): ...


class InvalidInput(DomainError, status=422, code="invalid_input"):
    """422: the message names the field and the reason; details list every problem."""

    def __init__(self, field: str, message: str, *, details: list[dict[str, Any]] | None = None) -> None:
        super().__init__(
            f"{field}: {message}",
            details=details if details is not None else [{"field": field, "message": message}],
        )


class PreconditionFailed(DomainError, status=412, code="precondition_failed"): ...


class PreconditionRequired(DomainError, status=428, code="precondition_required"): ...


class TooManyRequests(DomainError, status=429, code="too_many_requests"): ...


class ServiceUnavailable(DomainError, status=503, code="service_unavailable"): ...


def constraint_name(exc: Exception) -> str | None:
    """The name of the database constraint (or trigger rule) that refused a statement, if any."""
    orig = getattr(exc, "orig", None)
    for candidate in (getattr(orig, "__cause__", None), orig):
        name = getattr(candidate, "constraint_name", None)
        if name:
            return str(name)
    return None


def envelope(
    status: int,
    code: str,
    message: str,
    details: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """The one JSON error body: {"error": {"code", "message", "details"}}."""
    return JSONResponse(
        status_code=status,
        content={"error": {"code": code, "message": message, "details": details or []}},
        headers=headers,
    )


def _loc_to_field(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "cookie")]
    return ".".join(parts) or (str(loc[0]) if loc else "request")


def error_message(err: Any) -> str:
    """The words for one pydantic error: the NUL pattern of api.schemas.common gets its own, the rest pydantic's."""
    from api.schemas.common import NO_NUL, NUL_MESSAGE  # late: the schemas import the services

    if err.get("type") == "string_pattern_mismatch" and (err.get("ctx") or {}).get("pattern") == NO_NUL:
        return NUL_MESSAGE
    message = str(err.get("msg", "invalid"))
    return message.removeprefix("Value error, ")


def validation_details(errors: list[Any]) -> list[dict[str, Any]]:
    """Turn pydantic errors into [{field, message}] (and `index` for items of a batch)."""
    out: list[dict[str, Any]] = []
    for err in errors:
        loc = list(err.get("loc", ()))
        item: dict[str, Any] = {"field": _loc_to_field(loc), "message": error_message(err)}
        out.append(item)
    return out


# asyncpg refuses a parameter before sending it: "invalid input for query argument $1: 99999999999 (value out of
# int32 range)". The value came from the request; name the parameter that carried it.
_ARGUMENT_ERROR = re.compile(r"invalid input for query argument \$\d+: (?P<value>.*) \((?P<reason>[^()]*)\)\s*$", re.S)


def _refused_argument(request: Request, message: str) -> tuple[str, str] | None:
    """(field, reason) for asyncpg's "invalid input for query argument" refusals."""
    match = _ARGUMENT_ERROR.search(message.splitlines()[0] if message else "")
    if match is None:
        return None
    value, reason = match["value"].strip(), match["reason"].strip()
    params = [*request.path_params.items(), *request.query_params.multi_items()]
    field = next((name for name, sent in params if str(sent).strip() == value), "request")
    return field, reason or "value out of range"


def _refused_value(request: Request, exc: DBAPIError) -> tuple[str, str] | None:
    """(field, reason) when the database refused a value the client sent (bad input, not a server fault)."""
    orig = getattr(exc, "orig", None)
    cause = getattr(orig, "__cause__", None)
    message = str(cause or orig or "")
    argument = _refused_argument(request, message)
    if argument is not None:
        return argument
    sqlstate = str(getattr(cause, "sqlstate", None) or getattr(orig, "sqlstate", None) or "")
    # Class 22, data exception: a value out of range, too long or malformed; division by zero is our own bug.
    if sqlstate.startswith("22") and sqlstate != "22012":
        return "request", data_exception_words(sqlstate)
    return None


def data_exception_words(sqlstate: str) -> str:
    """Words for a value the database refused (SQLSTATE class 22), without the database's own text."""
    if sqlstate in ("22021", "22P05"):
        return "a text contains a character that cannot be stored (such as NUL)"
    if sqlstate == "22001":
        return "a text is too long for its field"
    if sqlstate == "22003":
        return "a number is out of range for its field"
    if sqlstate in ("22007", "22008"):
        return "a date or time is out of range or malformed"
    return "a value is out of range or malformed"


CONFLICT_WORDS = "the data conflicts with data already stored"


def _raised_by_database_driver(exc: BaseException) -> bool:
    """Whether the exception came out of the PostgreSQL driver (e.g. connecting to a stopped server)."""
    tb = exc.__traceback__
    while tb is not None:
        if str(tb.tb_frame.f_globals.get("__name__", "")).startswith("asyncpg"):
            return True
        tb = tb.tb_next
    return False


def _unavailable(message: str = "the database is unavailable, try again") -> JSONResponse:
    """503 with Retry-After: the database (or the pool) cannot serve now; not a fault of the request."""
    return envelope(503, "service_unavailable", message, headers={"Retry-After": "1"})


def _too_slow() -> JSONResponse:
    """503: the statement ran past its time limit."""
    return envelope(503, "timeout", "the query took too long, try a narrower filter", headers={"Retry-After": "1"})


def _invalid(field: str, reason: str) -> JSONResponse:
    """422 for a value the database refused, naming the field."""
    return envelope(422, "invalid_input", f"{field}: {reason}", [{"field": field, "message": reason}])


def _conflict() -> JSONResponse:
    """409 for a row the database refused, without the database's text."""
    return envelope(409, "conflict", CONFLICT_WORDS, [{"field": "request", "message": CONFLICT_WORDS}])


def _internal() -> JSONResponse:
    return envelope(500, "internal_error", "internal error")


def _out_of_resources(sqlstate: str) -> JSONResponse:
    # SQLSTATE class 53: the server ran out of something shared (connections, lock table, memory, disk) — a busy
    # server, not a bug of the request: 503 and try again, like an exhausted pool.
    log.warning("database out of resources: SQLSTATE %s", sqlstate)
    return _unavailable("the database is busy, try again")


# Called with (request, status, code, message) for each refused request.
DenialRecorder = Callable[[Request, int, str, str], None]


def _no_denial_log(request: Request, status: int, code: str, message: str) -> None:
    return None


def install_error_handlers(app: FastAPI, record_denial: DenialRecorder = _no_denial_log) -> None:
    """Register the handlers that turn every error into the envelope; refusals (401/403/404) go to `record_denial`.

    The app passes `api.services.audit.record_denial` (errors sit below the services: they do not import them).
    """

    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> JSONResponse:
        if exc.status_code in (401, 403, 404):
            record_denial(request, exc.status_code, exc.code, exc.message)
        return envelope(exc.status_code, exc.code, exc.message, exc.details, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        details = validation_details(list(exc.errors()))
        first = details[0] if details else {"field": "request", "message": "invalid"}
        return envelope(422, "invalid_input", f"{first['field']}: {first['message']}", details)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed"}.get(
            exc.status_code, "http_error"
        )
        if exc.status_code in (401, 403):
            record_denial(request, exc.status_code, code, str(exc.detail))
        return envelope(exc.status_code, code, str(exc.detail), headers=getattr(exc, "headers", None))

    @app.exception_handler(IntegrityError)
    async def _integrity(_: Request, exc: IntegrityError) -> JSONResponse:
        # The database refused a row: a constraint the request broke that no check of ours foresaw. Answer in
        # words, never with the database's text (the constraint goes to the server log).
        log.info("integrity error left to the global handler: %s", constraint_name(exc))
        return _conflict()

    @app.exception_handler(PoolTimeoutError)
    async def _pool(_: Request, exc: PoolTimeoutError) -> JSONResponse:
        return _unavailable("the service is busy, try again")

    @app.exception_handler(OperationalError)
    async def _operational(_: Request, exc: OperationalError) -> JSONResponse:
        log.warning("database unavailable: %s", exc.__class__.__name__)
        return _unavailable()

    @app.exception_handler(DBAPIError)
    async def _dbapi(request: Request, exc: DBAPIError) -> JSONResponse:
        orig = str(getattr(exc, "orig", ""))
        refused = _refused_value(request, exc)
        if refused is not None:
            return _invalid(*refused)
        if "statement timeout" in orig or "canceling statement" in orig:
            return _too_slow()
        if str(getattr(exc.orig, "sqlstate", "") or "").startswith("53"):
            return _out_of_resources(str(getattr(exc.orig, "sqlstate", "")))
        if exc.connection_invalidated or "connection" in orig.lower():
            return _unavailable()
        log.exception("database error")
        return _internal()

    @app.exception_handler(asyncpg.InterfaceError)
    async def _asyncpg_client(request: Request, exc: asyncpg.InterfaceError) -> JSONResponse:
        # Raised by the driver itself: a parameter it cannot encode (bad input) or a closed connection.
        refused = _refused_argument(request, str(exc))
        if refused is not None:
            return _invalid(*refused)
        if "connection" in str(exc).lower():
            return _unavailable()
        log.exception("database driver error", exc_info=exc)
        return _internal()

    @app.exception_handler(asyncpg.PostgresError)
    async def _asyncpg(request: Request, exc: asyncpg.PostgresError) -> JSONResponse:
        # Code that runs SQL on the raw asyncpg connection (bulk paths) gets the same answers as the ORM's.
        sqlstate = str(getattr(exc, "sqlstate", "") or "")
        if sqlstate.startswith("22") and sqlstate != "22012":
            return _invalid("request", data_exception_words(sqlstate))
        if sqlstate.startswith("23"):
            log.info("integrity error left to the global handler: %s", getattr(exc, "constraint_name", None))
            return _conflict()
        if sqlstate == "57014":
            return _too_slow()
        if sqlstate.startswith("53"):
            return _out_of_resources(sqlstate)
        if sqlstate.startswith(("08", "57P")):
            return _unavailable()
        log.exception("database error", exc_info=exc)
        return _internal()

    @app.exception_handler(OSError)
    async def _os_error(_: Request, exc: OSError) -> JSONResponse:
        # A refused or missing socket while the driver connects (server down or restarting) is not our bug.
        if _raised_by_database_driver(exc):
            log.warning("database unreachable: %s", exc.__class__.__name__)
            return _unavailable()
        log.exception("unhandled error", exc_info=exc)
        return _internal()

    @app.exception_handler(Exception)
    async def _unhandled(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return _internal()
