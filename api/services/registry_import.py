"""Import the registry of educational organizations from the file every body keeps (.xlsx or .csv).

The columns are those of the registry report (`org_registry`): «Наименование ОУ», «Тип ОУ», «Орг. структура»,
«Адрес», «Начальник», «Контакты», «Информация о лицензии», «Свидетельство о гос. аккредитации», in any of the
languages the report writes; optional «Район» (district) and «Орган управления» (parent body). Headers and reference
values are matched tolerant of case, «ё» and spacing.

Key: an existing school is the open school of the administrator's subtree with the same name (normalized); the
registry export has no id column, so the name is the stable key. «Начальник» is read but not imported (a head is a
person's account, not text). A preview writes nothing; a confirm applies the whole file or nothing, and only when
its hash equals the preview's (the file did not change in between).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.errors import InvalidInput
from api.models import District, Organization, OrganizationStructure, OrganizationType
from api.models.organizations import OrganizationKind
from api.services import audit
from api.services.profile import uploads
from api.services.reports.engine import fmt_date
from api.services.reports.org_registry import COLUMNS, L, document_number
from api.services.scope import Principal, org_in_scope

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
HEADER_SCAN_ROWS = 30
IMPORT_ACTION = "registry.import"

_EXTRA_HEADERS = {
    "name": ("наименование", "название", "атауы", "name"),
    "type": ("тип", "түрі", "type"),
    "district": ("район", "district", "аудан", "муниципалитет"),
    "parent": ("орган управления", "вышестоящий орган", "parent", "parent body", "басқару органы"),
}
NO_DATA_WORDS = {"нет данных", "деректер жоқ", "no data", "-", "—"}
FIELDS = (
    "name_ru",
    "type_id",
    "structure_id",
    "district_id",
    "postal_address",
    "building_address",
    "phones",
    "email",
    "license_number",
    "license_date",
    "license_issuer",
    "accreditation_number",
    "accreditation_date",
    "accreditation_valid_until",
)


def norm(value: Any) -> str:
    """Case, «ё», spacing and trailing punctuation folded: the key for headers and reference names."""
    text = str(value or "").replace("ё", "е").replace("Ё", "Е").casefold()
    return re.sub(r"\s+", " ", text).strip(" .:;")


def _header_map() -> dict[str, str]:
    out: dict[str, str] = {}
    for col in COLUMNS:
        for text in col.title.values():
            out[norm(text)] = col.id
    for key, texts in _EXTRA_HEADERS.items():
        for text in texts:
            out.setdefault(norm(text), key)
    return out


def _label_map(*keys: str) -> dict[str, str]:
    return {norm(text): key for key in keys for text in L[key].values()}


@dataclass
class Problem:
    row: int
    column: str
    code: str
    message: str
    value: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "code": self.code, "message": self.message, "value": self.value}


@dataclass
class Preview:
    file_hash: str
    rows: int = 0
    creates: list[dict[str, Any]] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "file_hash": self.file_hash,
            "rows": self.rows,
            "creates": self.creates,
            "changes": self.changes,
            "unchanged": self.unchanged,
            "problems": [p.as_dict() for p in self.problems],
        }


def _cell(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return fmt_date(value)
    text = str(value).strip()
    return None if not text or norm(text) in NO_DATA_WORDS else text


def read_table(data: bytes, filename: str) -> list[list[str | None]]:
    """The rows of the first sheet (xlsx, zip-checked) or of the CSV (UTF-8, with or without BOM, `;` or `,`)."""
    fmt = uploads.detect(data, filename)
    ext = fmt.extensions[0]
    if ext == "xlsx":
        import openpyxl

        try:
            wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # a damaged workbook is the user's input, not our failure
            raise InvalidInput("file", "the workbook cannot be read") from exc
        ws = wb.worksheets[0]
        rows: list[list[str | None]] = []
        for values in ws.iter_rows(values_only=True):
            rows.append([_cell(v) for v in values])
            if len(rows) > MAX_ROWS + HEADER_SCAN_ROWS:
                break
        wb.close()
        return rows
    if ext == "csv":
        text = data.decode("utf-8-sig")
        first = text.split("\n", 1)[0]
        delimiter = ";" if first.count(";") >= first.count(",") else ","
        return [[_cell(v) for v in r] for r in csv.reader(io.StringIO(text), delimiter=delimiter)]
    raise InvalidInput("file", "must be an .xlsx or .csv file")


def _labelled(text: str | None, labels: dict[str, str], order: tuple[str, ...]) -> dict[str, str | None]:
    """«Label: value» lines to {key: value}; unlabelled lines fill the keys in order."""
    out: dict[str, str | None] = dict.fromkeys(order)
    if text is None:
        return out
    free = list(order)
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        label, sep, value = line.partition(":")
        key = labels.get(norm(label)) if sep else None
        if key is None:
            key, value = (free[0] if free else None), line
        if key is None:
            continue
        if key in free:
            free.remove(key)
        value = value.strip()
        out[key] = None if norm(value) in NO_DATA_WORDS else value
    return out


def _date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    value = re.sub(r"\(.*\)", "", value).strip()
    for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise ValueError(value)


async def _references(session: AsyncSession, model: Any) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in (await session.scalars(select(model))).all():
        for name in (r.name_ru, getattr(r, "name_kk", None), getattr(r, "name_en", None)):
            if name:
                out.setdefault(norm(name), r.id)
    return out


@dataclass
class _Plan:
    preview: Preview
    creates: list[dict[str, Any]] = field(default_factory=list)
    updates: list[tuple[Organization, dict[str, Any]]] = field(default_factory=list)


def _show(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


async def plan(session: AsyncSession, principal: Principal, data: bytes, filename: str) -> _Plan:
    """Read and check the whole file against the subtree; nothing is written."""
    preview = Preview(file_hash=hashlib.sha256(data).hexdigest())
    out = _Plan(preview)
    problems = preview.problems
    table = read_table(data, filename)
    headers = _header_map()
    header_at, columns = -1, {}
    for i, row in enumerate(table[:HEADER_SCAN_ROWS]):
        found = {headers[norm(v)]: j for j, v in enumerate(row) if v and norm(v) in headers}
        if "name" in found:
            header_at, columns = i, found
            break
    if header_at < 0:
        raise InvalidInput("file", "no header row with the column «Наименование» in the first rows")
    names = {key: str(table[header_at][j]) for key, j in columns.items()}
    body_rows = [(header_at + 2 + k, r) for k, r in enumerate(table[header_at + 1 :])]
    if len(body_rows) > MAX_ROWS:
        raise InvalidInput("file", f"at most {MAX_ROWS} rows")

    types = await _references(session, OrganizationType)
    structures = await _references(session, OrganizationStructure)
    bodies_list = (
        await session.scalars(
            select(Organization).where(
                org_in_scope(principal),
                Organization.kind != OrganizationKind.school,
                Organization.closed_on.is_(None),
            )
        )
    ).all()
    bodies = {norm(b.name_ru): b for b in bodies_list} | {norm(b.name_kk): b for b in bodies_list if b.name_kk}
    own = next((b for b in bodies_list if b.id == principal.organization_id), None)
    schools = (
        await session.scalars(
            select(Organization).where(
                org_in_scope(principal),
                Organization.kind == OrganizationKind.school,
                Organization.closed_on.is_(None),
            )
        )
    ).all()
    by_name: dict[str, Organization] = {}
    for s in schools:
        by_name.setdefault(norm(s.name_ru), s)
        if s.name_kk:
            by_name.setdefault(norm(s.name_kk), s)
    districts: dict[tuple[int, str], int] = {}
    district_rows = (await session.scalars(select(District))).all()
    for d in district_rows:
        districts[(d.region_id, norm(d.name_ru))] = d.id
        districts.setdefault((d.region_id, norm(d.name_kk)), d.id)
    # A change of type, structure or district is shown by name, as the user wrote it, not by id.
    id_names: dict[str, dict[Any, str]] = {"district_id": {d.id: d.name_ru for d in district_rows}}
    for column, model in (("type_id", OrganizationType), ("structure_id", OrganizationStructure)):
        id_names[column] = dict((await session.execute(select(model.id, model.name_ru))).tuples().all())

    addr = _label_map("postal", "building")
    contact = _label_map("phone", "email")
    lic = _label_map("number", "date", "issuer")
    acc = _label_map("number", "date", "valid_until")
    seen: dict[str, int] = {}

    def get(row: list[str | None], key: str) -> str | None:
        j = columns.get(key)
        return row[j] if j is not None and j < len(row) else None

    for row_no, row in body_rows:
        if all(v is None for v in row):
            continue
        name = get(row, "name")
        if name is None:
            problems.append(Problem(row_no, names["name"], "required", "the name is required"))
            continue
        if name.startswith(("Итого", "Всего", "Барлығы", "Total")) or norm(name).startswith("«"):
            continue  # subtotal and count lines of the report's own export
        preview.rows += 1
        key = norm(name)
        if key in seen:
            problems.append(Problem(row_no, names["name"], "duplicate", f"the same name as row {seen[key]}"))
            continue
        seen[key] = row_no
        before = len(problems)
        existing = by_name.get(key)
        values: dict[str, Any] = {"name_ru": existing.name_ru if existing else name}

        def ref(
            col: str,
            table_: dict[str, int],
            code: str,
            row_no: int = row_no,
            row: list[Any] = row,
            values: dict[str, Any] = values,
        ) -> None:
            text = get(row, col)
            if col not in columns:
                return
            if text is None:
                values[f"{col}_id"] = None
                return
            found = table_.get(norm(text))
            if found is None:
                problems.append(Problem(row_no, names[col], code, f"unknown value «{text}»", text))
            else:
                values[f"{col}_id"] = found

        ref("type", types, "unknown_type")
        ref("structure", structures, "unknown_structure")
        parent = existing and next((b for b in bodies_list if b.id == existing.parent_id), None)
        if "parent" in columns and get(row, "parent") is not None:
            wanted = bodies.get(norm(get(row, "parent")))
            if wanted is None:
                problems.append(
                    Problem(row_no, names["parent"], "unknown_parent", "not a body of your subtree", get(row, "parent"))
                )
            elif existing is None:
                parent = wanted
        if existing is None and parent is None:
            parent = own
            if parent is None:
                problems.append(Problem(row_no, names.get("parent", names["name"]), "no_parent", "no parent body"))
        if "address" in columns:
            a = _labelled(get(row, "address"), addr, ("postal", "building"))
            values["postal_address"], values["building_address"] = a["postal"], a["building"]
        if "contacts" in columns:
            c = _labelled(get(row, "contacts"), contact, ("phone", "email"))
            values["phones"], values["email"] = c["phone"], c["email"]
        for col, labels, prefix, keys in (
            ("license", lic, "license", ("number", "date", "issuer")),
            ("accreditation", acc, "accreditation", ("number", "date", "valid_until")),
        ):
            if col not in columns:
                continue
            parts = _labelled(get(row, col), labels, keys)
            for k in keys:
                v = parts[k]
                if k in ("date", "valid_until"):
                    try:
                        values[f"{prefix}_{k}"] = _date(v)
                    except ValueError:
                        problems.append(Problem(row_no, names[col], "bad_date", "not a date dd.mm.yyyy", v))
                else:
                    values[f"{prefix}_{k}"] = document_number(v) if k == "number" else v
        region_id = (existing.region_id if existing else None) or (parent.region_id if parent else None)
        if "district" in columns:
            text = get(row, "district")
            if text is not None:
                district_id = districts.get((region_id or 0, norm(text)))
                if district_id is None:
                    problems.append(
                        Problem(row_no, names["district"], "unknown_district", "not a district of the region", text)
                    )
                else:
                    values["district_id"] = district_id
        if (
            existing is None
            and values.get("type_id") is None
            and not any(p.row == row_no and p.code == "unknown_type" for p in problems)
        ):
            problems.append(Problem(row_no, names.get("type", "type"), "type_required", "a new school needs its type"))
        if existing is None and region_id is None and parent is not None:
            problems.append(Problem(row_no, names["name"], "no_region", "the parent body has no region"))
        if len(problems) > before:
            continue
        if existing is None:
            assert parent is not None
            values["parent_id"] = parent.id
            values["region_id"] = region_id
            if parent.district_id is not None:
                values["district_id"] = parent.district_id
            out.creates.append(values)
            preview.creates.append(
                {"row": row_no, "name": name, "parent": parent.name_ru, **{k: _show(v) for k, v in values.items()}}
            )
            continue
        diff = []
        for k, v in values.items():
            old = getattr(existing, k)
            if k.endswith("_number"):
                old = document_number(old)
            if (old or None) != (v or None):
                names_of = id_names.get(k, {})
                diff.append({"field": k, "old": _show(names_of.get(old, old)), "new": _show(names_of.get(v, v))})
        if diff:
            out.updates.append((existing, {d["field"]: values[d["field"]] for d in diff}))
            preview.changes.append({"row": row_no, "organization_id": existing.id, "name": name, "fields": diff})
        else:
            preview.unchanged += 1
    return out


async def run(
    session: AsyncSession,
    principal: Principal,
    request: Request,
    data: bytes,
    filename: str,
    *,
    confirm_hash: str | None,
) -> dict[str, Any]:
    """Preview (confirm_hash None) or apply the whole file (all or nothing)."""
    result = await plan(session, principal, data, filename)
    preview = result.preview
    if confirm_hash is None:
        return {**preview.as_dict(), "applied": False}
    if confirm_hash != preview.file_hash:
        raise InvalidInput("file_hash", "the file is not the one previewed: preview it again")
    if preview.problems:
        raise InvalidInput(
            "file",
            f"{len(preview.problems)} problems: nothing was imported",
            details=[{"field": p.column, "message": p.message, "index": p.row} for p in preview.problems],
        )
    created: list[int] = []
    for values in result.creates:
        org = Organization(kind=OrganizationKind.school, **values)
        session.add(org)
        await session.flush()
        await session.refresh(org)
        created.append(org.id)
    for org, changes in result.updates:
        for k, v in changes.items():
            setattr(org, k, v)
    await session.flush()
    await audit.record_organization_event(
        session,
        request,
        IMPORT_ACTION,
        principal.organization_id,
        {
            "file_hash": preview.file_hash,
            "created": created,
            "changed": [o.id for o, _ in result.updates],
        },
    )
    return {**preview.as_dict(), "applied": True}
