"""The OpenAPI document as an integrator reads it: tag descriptions, error responses and real examples.

FastAPI builds the schema from the routers; `install_openapi_docs` post-processes it in one place, so that the
routers stay as they are:

- every tag gets its description (`TAG_DESCRIPTIONS`);
- every operation lists the error responses it may give, each with the `ErrorEnvelope` schema and an example:
  422 where it takes parameters or a body, 401 and 403 where a user or an API token is required, 404 where the
  path names something, 409 on writes, 413 where a body is read, 429 where a per-caller limit applies
  (`error_statuses` reads this off the route's dependencies);
- the integration and report operations get the examples of `api/openapi_examples/*.json`, recorded from a demo
  region by `python -m scripts.openapi_examples`.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from api.schemas.errors import ErrorEnvelope

EXAMPLES_DIR = Path(__file__).parent / "openapi_examples"
INTEGRATION_FILE = EXAMPLES_DIR / "integration.json"
REPORTS_FILE = EXAMPLES_DIR / "reports.json"
ENVELOPE_REF = "#/components/schemas/ErrorEnvelope"
REGENERATE = "python -m scripts.openapi_examples"

TAG_DESCRIPTIONS: dict[str, str] = {
    "health": "Liveness and readiness of the service and its database, for load balancers and monitoring.",
    "integration": (
        "The machine API of the school systems (school journals, HR systems) and of the systems that follow our "
        "data. Authenticated by an **API token** (`X-API-Token: bo_…` or `Authorization: Bearer bo_…`), created by "
        "an administrator of a management body for its subtree (`/integration/tokens`).\n\n"
        "**Writing** (scope `write`): one endpoint per kind of row — organizations, persons, staff posts, classes, "
        "subjects, assignments, enrolments, parent links, users, lessons, homework, marks, absences, movements, "
        "documents, visits. `POST` upserts a batch of up to 10,000 items keyed by the source system's "
        "`external_id`; `DELETE` removes rows by external id. A batch is all-or-nothing and idempotent: sending it "
        "again changes nothing. Items refer to each other by external id (`class_external_id`, …), so send them "
        "in the order above. Every problem of a refused batch is listed in `error.details` as "
        "`{index, field, message}`.\n\n"
        "**Reading** (scope `read`): the reports of the token's subtree (see *reports*), as JSON or CSV."
    ),
    "auth": (
        "Sign-in of the people who work in the app: an access token (JWT, `Authorization: Bearer …`) in the "
        "answer, a refresh token in an httpOnly cookie; failed attempts are throttled (429)."
    ),
    "accounts": "Accounts of the employees of a management body, managed by its administrators within their subtree.",
    "tree": (
        "The tree of organizations — ministry, regional and district education departments (ОУО), schools (ОО) — "
        "with the regions, districts and reference lists they are classified by."
    ),
    "reports": (
        "The thirty management reports over the schools' data (registry of schools, user activity, staff, "
        "performance, attendance, movement, homework load, journal keeping, …). A report is asked for with "
        "filters (the catalogue lists which each report takes) and answers rows, totals, the column tree and "
        "`data_as_of`; the same report as .xlsx, CSV (`/export?format=csv`) or a print page. Callers: a signed-in "
        "user or an API token with the `read` scope; either sees its own subtree only. Reports are computed "
        "under a per-caller concurrency limit (429 when exceeded)."
    ),
    "export": (
        "The whole data of a body's subtree as a Frictionless data package (zip of CSV files and "
        "`datapackage.json`), for its administrators: start a job, follow its progress, download the file once."
    ),
    "audit": "The audit log of the administrators' subtree: who changed what and when, and refused requests.",
    "profile": (
        "The public site of an organization: its profile card, news, pages and wall. Anonymous visitors read; "
        "the organization's profile administrators write."
    ),
    "profile: structure": "Структура: the units of an organization, their heads and leaders, and reception hours.",
    "profile: people": "Люди: the staff directory of a management body (signed-in users of its subtree only).",
    "profile: documents": "Документы: folders and files an organization publishes (orders, regulations, forms).",
    "profile: forum": "Форум: sections, topics and posts; anonymous visitors read, signed-in users post.",
    "profile: feedback": "Обратная связь: questions from visitors and the public answers (FAQ).",
    "inform": (
        "Информирование: announcements a management body sends down to the organizations below it, with "
        "attachments, inboxes and read receipts."
    ),
}

ERROR_DESCRIPTIONS: dict[int, str] = {
    401: "Not authenticated: no credentials, or an unknown, expired or revoked token.",
    403: "Authenticated but not allowed: a role, token scope or kind this operation needs is missing.",
    404: "Not found, or outside the caller's subtree (the two are not told apart).",
    409: "Conflicts with data already stored (a duplicate, or a row that others still refer to).",
    413: "The request body is larger than this route's limit; nothing was read or written.",
    422: (
        "Invalid input; nothing was written. `error.details` lists every problem as `{field, message}` "
        "(with `index`, the item's position, in a batch)."
    ),
    429: "Too many requests from this caller: wait (see `Retry-After`) and try again.",
}

ERROR_EXAMPLES: dict[int, dict[str, Any]] = {
    401: {"code": "unauthorized", "message": "authorization: log in first", "details": []},
    403: {"code": "forbidden", "message": "only an administrator of the management body may do this", "details": []},
    404: {"code": "not_found", "message": "organization 4211 not found", "details": []},
    409: {
        "code": "conflict",
        "message": "the data conflicts with data already stored",
        "details": [{"field": "request", "message": "the data conflicts with data already stored"}],
    },
    413: {
        "code": "payload_too_large",
        "message": "request body: larger than the limit of 1048576 bytes for this route",
        "details": [{"field": "body", "message": "larger than the limit of 1048576 bytes for this route"}],
    },
    422: {
        "code": "invalid_input",
        "message": "date_from: Input should be a valid date or datetime, input is too short",
        "details": [{"field": "date_from", "message": "Input should be a valid date or datetime, input is too short"}],
    },
    429: {"code": "too_many_requests", "message": "too many reports at once for this caller, try again", "details": []},
}
# The school systems' endpoints (an API token, never a user) answer in their own words.
TOKEN_ERROR_EXAMPLES: dict[int, dict[str, Any]] = {
    401: {"code": "unauthorized", "message": "authorization: send the API token in X-API-Token", "details": []},
    403: {
        "code": "forbidden",
        "message": "token: this API token has no 'write' scope (it has: read)",
        "details": [],
    },
}

# Dependencies whose presence means: the caller must authenticate (401 without credentials, 403 without the right).
AUTH_DEPENDENCIES = {"current_principal", "admin_principal", "token_principal", "writer_principal", "report_caller"}
# Dependencies that hold a per-caller slot or count attempts (429 over the limit).
LIMIT_DEPENDENCIES = {"_report_slot", "_export_slot", "_print_slot"}
WRITE_METHODS = {"post", "put", "patch", "delete"}
NO_CONFLICT_PREFIXES = ("/api/v1/auth/",)  # sign-in writes only its own session rows


def _calls(dependant: Dependant) -> Iterator[str]:
    """The names of every dependency of a route, however deeply nested."""
    for sub in dependant.dependencies:
        if sub.call is not None:
            yield getattr(sub.call, "__name__", "")
        yield from _calls(sub)


def _api_routes(app: FastAPI) -> dict[tuple[str, str], APIRoute]:
    """(method, full path) → route, for every route of the schema."""
    from api.body_limit import _routes

    out: dict[tuple[str, str], APIRoute] = {}
    for route, methods, path in _routes(app):
        for method in methods:
            out[(method.lower(), path)] = route
    return out


def error_statuses(method: str, path: str, operation: dict[str, Any], route: APIRoute | None) -> set[int]:
    """The error statuses an operation may answer, from what it takes and what its dependencies do."""
    calls = set(_calls(route.dependant)) if route is not None else set()
    statuses: set[int] = set()
    if operation.get("parameters") or "requestBody" in operation:
        statuses.add(422)
    if "requestBody" in operation:
        statuses.add(413)
    if calls & AUTH_DEPENDENCIES:
        statuses |= {401, 403}
    if "{" in path:
        statuses.add(404)
    if method in WRITE_METHODS and not path.startswith(NO_CONFLICT_PREFIXES):
        statuses.add(409)
    if calls & LIMIT_DEPENDENCIES:
        statuses.add(429)
    return statuses


def _envelope_content(example: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": ENVELOPE_REF}, "example": {"error": example}}}


@cache
def load_examples() -> tuple[dict[str, Any], dict[str, Any]]:
    """(operation examples keyed by "METHOD path", report answers keyed by report id) from the committed files."""
    operations: dict[str, Any] = {}
    reports: dict[str, Any] = {}
    for path in sorted(EXAMPLES_DIR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        operations.update(data.get("operations", {}))
        reports.update(data.get("reports", {}))
    return operations, reports


def _document_errors(schema: dict[str, Any], routes: dict[tuple[str, str], APIRoute]) -> None:
    for path, item in schema.get("paths", {}).items():
        for method, operation in item.items():
            responses: dict[str, Any] = operation.setdefault("responses", {})
            route = routes.get((method, path))
            wanted = error_statuses(method, path, operation, route)
            wanted |= {int(code) for code in responses if code.isdigit() and int(code) >= 400}
            by_token = route is not None and "token_principal" in set(_calls(route.dependant))
            area_examples = TOKEN_ERROR_EXAMPLES if by_token else {}
            for status in sorted(wanted):
                declared = responses.get(str(status), {})
                example = area_examples.get(status) or ERROR_EXAMPLES.get(status)
                if example is None:
                    example = {"code": "http_error", "message": declared.get("description", "refused"), "details": []}
                description = declared.get("description")
                if not description or status == 422 and description == "Validation Error":
                    description = ERROR_DESCRIPTIONS.get(status, "Refused; the envelope says why.")
                responses[str(status)] = {
                    **declared,
                    "description": description,
                    "content": _envelope_content(example),
                }


def _attach_examples(schema: dict[str, Any]) -> None:
    operations, reports = load_examples()
    for path, item in schema.get("paths", {}).items():
        for method, operation in item.items():
            example = operations.get(f"{method.upper()} {path}")
            if example is None:
                continue
            if "request" in example and "requestBody" in operation:
                for media in operation["requestBody"].get("content", {}).values():
                    media["example"] = example["request"]
            status = next((code for code in operation.get("responses", {}) if code.startswith("2")), "200")
            if "response" in example:
                content = operation["responses"].setdefault(status, {}).setdefault("content", {})
                media_type = example.get("media_type", "application/json")
                content.setdefault(media_type, {})["example"] = example["response"]
            refusal = example.get("422")
            if refusal is not None and "422" in operation.get("responses", {}):
                media = operation["responses"]["422"]["content"]["application/json"]
                media["example"] = refusal["response"]
    report = schema.get("paths", {}).get("/api/v1/reports/{report_id}", {}).get("get")
    if report is not None and reports:
        media = report["responses"]["200"].setdefault("content", {}).setdefault("application/json", {})
        media["examples"] = {
            report_id: {
                "summary": f"{report_id}: {entry['title']}",
                "description": f"`GET /api/v1/reports/{report_id}?{_query(entry['query'])}` (rows trimmed)",
                "value": entry["response"],
            }
            for report_id, entry in sorted(reports.items())
        }


def _query(query: dict[str, Any]) -> str:
    return "&".join(f"{k}={v}" for k, v in query.items())


def _add_tags(schema: dict[str, Any]) -> None:
    used: list[str] = []
    for item in schema.get("paths", {}).values():
        for operation in item.values():
            for tag in operation.get("tags", []):
                if tag not in used:
                    used.append(tag)
    schema["tags"] = [
        {"name": tag, "description": TAG_DESCRIPTIONS[tag]} if tag in TAG_DESCRIPTIONS else {"name": tag}
        for tag in used
    ]


def _add_envelope_schema(schema: dict[str, Any]) -> None:
    envelope = ErrorEnvelope.model_json_schema(ref_template="#/components/schemas/{model}", mode="serialization")
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.update(envelope.pop("$defs", {}))
    components["ErrorEnvelope"] = envelope
    # FastAPI's own 422 body is never sent (api.errors renders the envelope): drop it where nothing refers to it.
    text = json.dumps(schema["paths"])
    for name in ("HTTPValidationError", "ValidationError"):
        if f"#/components/schemas/{name}" not in text and name in components:
            referenced = any(f"#/components/schemas/{name}" in json.dumps(s) for s in components.values())
            if not referenced:
                del components[name]


def build_schema(app: FastAPI) -> dict[str, Any]:
    """FastAPI's own schema, then the tags, the error responses and the examples."""
    schema = copy.deepcopy(FastAPI.openapi(app))
    _document_errors(schema, _api_routes(app))
    _add_envelope_schema(schema)
    _add_tags(schema)
    _attach_examples(schema)
    return schema


def install_openapi_docs(app: FastAPI) -> None:
    """Make app.openapi() answer the post-processed schema (built once per app)."""

    def openapi() -> dict[str, Any]:
        built: dict[str, Any] | None = getattr(app.state, "openapi_docs", None)
        if built is None:
            built = app.state.openapi_docs = build_schema(app)
        return built

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to customise the schema


def promises_examples(path: str) -> bool:
    """Whether an operation is one of the integration or report operations that must carry examples."""
    return bool(re.match(r"^/api/v1/(integration|reports)(/|$)", path))
