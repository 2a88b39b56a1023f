"""The OpenAPI document an integrator reads first: tags described, errors listed with the envelope, real examples."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import TypeAdapter

from api.main import create_app
from api.openapi_docs import ENVELOPE_REF, REGENERATE, load_examples, promises_examples
from api.schemas.errors import ErrorEnvelope
from api.schemas.integration import Batch, BatchResult, DeleteBatch
from api.schemas.reports import ReportBody
from api.services.integration.kinds.catalogue import KINDS
from api.services.reports import registry


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return create_app().openapi()


def _operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(m, p, op) for p, item in schema["paths"].items() for m, op in item.items()]


def _has_example(media: dict[str, Any]) -> bool:
    return "example" in media or bool(media.get("examples"))


def test_every_tag_has_a_description(schema: dict[str, Any]) -> None:
    described = {t["name"] for t in schema["tags"] if t.get("description")}
    used = {tag for _, _, op in _operations(schema) for tag in op.get("tags", [])}
    assert used, "no tagged operations"
    assert used <= described, f"tags without a description (add them to TAG_DESCRIPTIONS): {sorted(used - described)}"


def test_every_error_response_is_the_envelope(schema: dict[str, Any]) -> None:
    problems = []
    for method, path, op in _operations(schema):
        for status, response in op["responses"].items():
            if status.startswith(("4", "5")):
                media = response.get("content", {}).get("application/json", {})
                if media.get("schema", {}).get("$ref") != ENVELOPE_REF or not _has_example(media):
                    problems.append(f"{method.upper()} {path} {status}")
        if (op.get("parameters") or "requestBody" in op) and "422" not in op["responses"]:
            problems.append(f"{method.upper()} {path}: no 422 though it takes input")
        if "requestBody" in op and "413" not in op["responses"]:
            problems.append(f"{method.upper()} {path}: no 413 though it reads a body")
    assert not problems, "error responses without the ErrorEnvelope schema and an example:\n" + "\n".join(problems)
    assert "HTTPValidationError" not in schema["components"]["schemas"], "FastAPI's 422 body is never sent"
    envelope = schema["components"]["schemas"]["ErrorEnvelope"]
    assert envelope["properties"]["error"]["$ref"] == "#/components/schemas/ErrorBody"
    detail = schema["components"]["schemas"]["ErrorDetail"]
    assert set(detail["properties"]) == {"field", "message", "index"} and detail["required"] == ["field", "message"]


def test_every_integration_and_report_operation_has_examples_and_its_errors(schema: dict[str, Any]) -> None:
    problems = []
    for method, path, op in _operations(schema):
        if not promises_examples(path):
            continue
        name = f"{method.upper()} {path}"
        if "requestBody" in op and not all(_has_example(m) for m in op["requestBody"]["content"].values()):
            problems.append(f"{name}: no example of the request body")
        success = next((s for s in op["responses"] if s.startswith("2")), None)
        contents = op["responses"].get(success or "", {}).get("content", {})
        if not any(_has_example(m) for m in contents.values()):
            problems.append(f"{name}: no example of the {success} response")
        required = {"401", "403"} | ({"404"} if "{" in path else set()) | ({"422"} if op.get("parameters") else set())
        if "requestBody" in op:
            required |= {"413", "422"}
        missing = required - set(op["responses"])
        if missing:
            problems.append(f"{name}: error responses missing: {sorted(missing)}")
    assert not problems, f"run `{REGENERATE}` (or document the errors):\n" + "\n".join(problems)


def test_report_answers_are_limited_and_documented(schema: dict[str, Any]) -> None:
    """A report, its export and print page hold a per-caller slot: 429 is documented; every report has its example."""
    for path in (
        "/api/v1/reports/{report_id}",
        "/api/v1/reports/{report_id}/export",
        "/api/v1/reports/{report_id}/print",
    ):
        assert "429" in schema["paths"][path]["get"]["responses"], path
    examples = schema["paths"]["/api/v1/reports/{report_id}"]["get"]["responses"]["200"]["content"]["application/json"]
    missing = set(registry.load_all()) - set(examples["examples"])
    assert not missing, f"reports without an example answer (run `{REGENERATE}`): {sorted(missing)}"


def test_examples_are_valid_for_their_schemas() -> None:
    """The recorded examples still fit the request and answer models (stale ones fail here)."""
    operations, reports = load_examples()
    for name, kind in KINDS.items():
        upsert = operations[f"POST /api/v1/integration/{name}"]
        items = TypeAdapter(Batch[kind.item]).validate_python(upsert["request"]).items  # type: ignore[name-defined]
        assert items, name
        assert BatchResult.model_validate(upsert["response"]).created == len(items), name
        refused = ErrorEnvelope.model_validate(upsert["422"]["response"]).error
        assert refused.code == "invalid_input" and refused.details[0].index is not None, name
        if kind.deletable:
            delete = operations[f"DELETE /api/v1/integration/{name}"]
            DeleteBatch.model_validate(delete["request"])
            assert BatchResult.model_validate(delete["response"]).deleted == 1, name
    for report_id, entry in reports.items():
        body = ReportBody.model_validate(entry["response"])
        assert body.columns, report_id
