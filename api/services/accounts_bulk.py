"""Accounts in bulk: an .xlsx of people creates the accounts of the administrator's body and the bodies below.

Two steps, both reading the same file: the preview lists what will be created and every problem as (row, column,
code) — the SPA words the code in the user's language; the confirmation checks everything again and writes all or
nothing. The generated one-time passwords leave the server once, in the .xlsx of the confirmation's answer; only
their hashes are stored, and each account must change its password at the first login.
"""

from __future__ import annotations

import asyncio
import io
import re
import secrets
import zipfile
from dataclasses import dataclass, field
from typing import Any

import xlsxwriter
from fastapi import Request
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.errors import InvalidInput
from api.models import Organization, Person, StaffPost, User
from api.models.organizations import MANAGEMENT_KINDS
from api.models.people import AppRole, RoleKind
from api.schemas.accounts_bulk import BulkPreview, BulkProblem, BulkRow
from api.schemas.auth import USERNAME_RE
from api.services.accounts import ROLE_RANK, add_account, record_created
from api.services.passwords import hash_password
from api.services.scope import Principal, org_in_scope

MAX_ROWS = 300  # accounts one file may create (each password is hashed with Argon2id: ~30 ms)
MAX_BYTES = 1024 * 1024
MAX_CELL = 255
COLUMNS = ("surname", "first_name", "patronymic", "body", "position", "role", "username")
REQUIRED = ("surname", "first_name", "body")
# Header texts (ru, kk, en), compared after _norm.
HEADERS: dict[str, tuple[str, ...]] = {
    "surname": ("фамилия", "тегі", "тегi", "surname", "last name", "family name"),
    "first_name": ("имя", "аты", "аты-жөні", "name", "first name", "given name"),
    "patronymic": ("отчество", "әкесінің аты", "акесинин аты", "patronymic", "middle name"),
    "body": ("орган", "орган управления", "организация", "ұйым", "басқару органы", "body", "organization"),
    "position": ("должность", "лауазымы", "лауазым", "position", "job title"),
    "role": ("роль", "рөлі", "рөл", "role"),
    "username": ("логин", "login", "username", "user name", "пайдаланушы аты"),
}
ROLES: dict[str, str] = {
    **dict.fromkeys(
        ("сотрудник", "работник", "пользователь", "қызметкер", "пайдаланушы", "employee", "user", ""), AppRole.employee
    ),
    **dict.fromkeys(("администратор", "админ", "әкімші", "әкімшісі", "admin", "administrator"), AppRole.admin),
}
_TRANSLIT = {
    **dict(zip("абвгдезийклмнопрстуфхцыэ", "abvgdeziyklmnoprstufhcye", strict=True)),
    "ё": "e", "ж": "zh", "ч": "ch", "ш": "sh", "щ": "sch", "ъ": "", "ь": "", "ю": "yu", "я": "ya",
    "ә": "a", "ғ": "g", "қ": "k", "ң": "n", "ө": "o", "ұ": "u", "ү": "u", "һ": "h", "і": "i",
}  # fmt: skip
_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _norm(text: object) -> str:
    """Lower case, «ё» as «е», no parenthesised remark or trailing '*'/':', single spaces."""
    s = str(text if text is not None else "").strip().lower().replace("ё", "е")
    s = re.sub(r"\(.*?\)", " ", s).strip().rstrip("*:").strip()
    return re.sub(r"\s+", " ", s)


_HEADER_KEYS = {_norm(h): key for key, texts in HEADERS.items() for h in texts}


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", " ", str(value)).strip()


def translit(text: str) -> str:
    """Latin letters for a Cyrillic (ru, kk) name: «Әлия Төлеуова» → «aliya toleuova»."""
    out = "".join(_TRANSLIT.get(ch, ch) for ch in text.lower())
    return re.sub(r"[^a-z0-9]", "", out)


def generate_password() -> str:
    return "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(12))


def _letter(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        name = chr(65 + rem) + name
    return name


@dataclass
class _Row:
    row: int  # the sheet's row number
    values: dict[str, str]
    body: Organization | None = None
    role: str = AppRole.employee
    username: str = ""


@dataclass
class _Parsed:
    rows: list[_Row] = field(default_factory=list)
    problems: list[BulkProblem] = field(default_factory=list)
    letters: dict[str, str] = field(default_factory=dict)

    def problem(self, row: int | None, column: str | None, code: str, message: str) -> None:
        letter = self.letters.get(column or "") if column else None
        self.problems.append(BulkProblem(row=row, column=column, column_letter=letter, code=code, message=message))


def _read_sheet(content: bytes) -> _Parsed:
    """The rows of the first sheet under a header row recognised in ru, kk or en."""
    from openpyxl import load_workbook  # only here: importing openpyxl costs ~0.3 s

    parsed = _Parsed()
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InvalidInput("file", "not an .xlsx workbook") from exc
    try:
        ws = wb.worksheets[0]
        header: dict[int, str] | None = None
        for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
            cells = [_cell(v) for v in values]
            if header is None:
                if not any(cells):
                    continue
                header = {}
                for i, text in enumerate(cells):
                    key = _HEADER_KEYS.get(_norm(text))
                    if key is not None and key not in header.values():
                        header[i] = key
                        parsed.letters[key] = _letter(i)
                missing = [key for key in REQUIRED if key not in header.values()]
                for key in missing:
                    parsed.problem(number, key, "missing_column", f"no column {key!r} in the header row")
                if missing:
                    return parsed
                continue
            if not any(cells):
                continue
            if len(parsed.rows) >= MAX_ROWS:
                parsed.problem(number, None, "too_many_rows", f"at most {MAX_ROWS} accounts in one file")
                return parsed
            row_values = {key: (cells[i] if i < len(cells) else "") for i, key in header.items()}
            parsed.rows.append(_Row(number, {key: row_values.get(key, "") for key in COLUMNS}))
        if header is None or not parsed.rows:
            parsed.problem(None, None, "empty", "the file has no rows of accounts")
        return parsed
    finally:
        wb.close()


async def _bodies(
    session: AsyncSession, principal: Principal
) -> tuple[dict[str, list[Organization]], dict[int, Organization]]:
    """The open management bodies of the administrator's subtree, by normalised name and by id (scope in SQL)."""
    orgs = (
        await session.scalars(
            select(Organization).where(
                org_in_scope(principal),
                Organization.kind.in_([str(k) for k in MANAGEMENT_KINDS]),
                Organization.closed_on.is_(None),
            )
        )
    ).all()
    by_name: dict[str, list[Organization]] = {}
    for org in orgs:
        for name in {_norm(org.name_ru), _norm(org.name_kk), _norm(org.short_name)} - {""}:
            by_name.setdefault(name, []).append(org)
    return by_name, {org.id: org for org in orgs}


async def _check(session: AsyncSession, principal: Principal, content: bytes) -> _Parsed:
    parsed = _read_sheet(content)
    if parsed.problems:
        return parsed
    by_name, by_id = await _bodies(session, principal)
    given = [r.values["username"].lower() for r in parsed.rows if r.values["username"]]
    taken = set(
        (await session.scalars(select(func.lower(User.username)).where(func.lower(User.username).in_(given)))).all()
    )
    seen: dict[str, int] = {}
    for r in parsed.rows:
        v = r.values
        for key in COLUMNS:
            if len(v[key]) > MAX_CELL:
                parsed.problem(r.row, key, "too_long", f"at most {MAX_CELL} characters")
        for key in REQUIRED:
            if not v[key]:
                parsed.problem(r.row, key, "required", "must not be empty")
        if v["body"]:
            candidates = by_name.get(_norm(v["body"]), [])
            if not candidates and v["body"].isdigit() and int(v["body"]) in by_id:
                candidates = [by_id[int(v["body"])]]
            if len(candidates) == 1:
                r.body = candidates[0]
            elif candidates:
                parsed.problem(r.row, "body", "ambiguous_body", "several bodies of your subtree have this name")
            else:
                parsed.problem(r.row, "body", "unknown_body", "no open management body of your subtree by this name")
        role = ROLES.get(_norm(v["role"]))
        if role is None:
            parsed.problem(r.row, "role", "unknown_role", "the role is «сотрудник» (employee) or «администратор»")
        elif ROLE_RANK[role] > ROLE_RANK.get(principal.role or "", -1):
            parsed.problem(r.row, "role", "role_above_own", "a role above your own")
        else:
            r.role = role
        login = v["username"].lower()
        if login:
            if not USERNAME_RE.fullmatch(login):
                parsed.problem(r.row, "username", "login_invalid", "3–64 latin letters, digits, '.', '_' or '-'")
            elif login in taken:
                parsed.problem(r.row, "username", "login_taken", "this login is already taken")
            elif login in seen:
                parsed.problem(r.row, "username", "login_repeated", f"the same login is in row {seen[login]}")
            seen.setdefault(login, r.row)
            r.username = login
    if not parsed.problems:
        await _generate_logins(session, parsed.rows, set(seen))
    return parsed


async def _generate_logins(session: AsyncSession, rows: list[_Row], used: set[str]) -> None:
    """surname.initials, transliterated; a number added while it is taken (in the database or the file)."""
    wanted: dict[int, str] = {}
    for i, r in enumerate(rows):
        if r.username:
            continue
        v = r.values
        base = translit(v["surname"])[:40] or "user"
        initials = translit(v["first_name"])[:1] + translit(v["patronymic"])[:1]
        base = f"{base}.{initials}" if initials else base
        if len(base) < 3:
            base = f"{base}.user"
        wanted[i] = base
    if not wanted:
        return
    prefixes = sorted(set(wanted.values()))
    existing = set(
        (
            await session.scalars(
                select(func.lower(User.username)).where(
                    func.lower(User.username).op("~")("^(" + "|".join(re.escape(p) for p in prefixes) + r")[0-9]*$")
                )
            )
        ).all()
    )
    used |= existing
    for i, base in wanted.items():
        login, n = base, 1
        while login in used:
            n += 1
            login = f"{base}{n}"
        used.add(login)
        rows[i].username = login


def _preview(parsed: _Parsed) -> BulkPreview:
    rows = [
        BulkRow(
            row=r.row,
            surname=r.values["surname"],
            first_name=r.values["first_name"],
            patronymic=r.values["patronymic"] or None,
            organization_id=r.body.id if r.body else None,
            organization_name=r.body.name_ru if r.body else r.values["body"],
            position=r.values["position"] or None,
            role=r.role,
            username=r.username or None,
        )
        for r in parsed.rows
    ]
    return BulkPreview(rows=rows, problems=parsed.problems, max_rows=MAX_ROWS)


async def preview(session: AsyncSession, principal: Principal, content: bytes) -> BulkPreview:
    """What the file would create, and every problem in it; nothing is written."""
    return _preview(await _check(session, principal, content))


async def create(session: AsyncSession, principal: Principal, request: Request, content: bytes) -> bytes:
    """Create every account of the file or none; the answer is the .xlsx of logins and one-time passwords."""
    parsed = await _check(session, principal, content)
    if parsed.problems:
        first = parsed.problems[0]
        details: list[dict[str, Any]] = [
            {"field": p.column or "file", "message": p.message, "code": p.code, **({"index": p.row} if p.row else {})}
            for p in parsed.problems
        ]
        raise InvalidInput(first.column or "file", first.message, details=details)
    passwords = [generate_password() for _ in parsed.rows]
    hashes = await asyncio.to_thread(lambda: [hash_password(p) for p in passwords])
    for r, password_hash in zip(parsed.rows, hashes, strict=True):
        body = r.body
        assert body is not None  # checked above
        person = Person(
            region_id=body.region_id,
            surname=r.values["surname"],
            first_name=r.values["first_name"],
            patronymic=r.values["patronymic"] or None,
        )
        session.add(person)
        await session.flush()
        if r.values["position"]:
            session.add(
                StaffPost(
                    organization_id=body.id,
                    region_id=body.region_id,
                    person_id=person.id,
                    position=r.values["position"],
                    role_kind=RoleKind.specialist,
                )
            )
        user = await add_account(session, body, person.id, r.username, password_hash, r.role, must_change_password=True)
        await record_created(session, request, user, body.id, via="bulk")
    return _passwords_xlsx(parsed.rows, passwords)


def _passwords_xlsx(rows: list[_Row], passwords: list[str]) -> bytes:
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"in_memory": True})
    ws = wb.add_worksheet("accounts")
    bold = wb.add_format({"bold": True})
    head = ("Строка / Row", "Фамилия", "Имя", "Отчество", "Орган", "Логин / Login", "Пароль / Password")
    ws.write_row(0, 0, head, bold)
    for i, (r, password) in enumerate(zip(rows, passwords, strict=True), start=1):
        body = r.body.name_ru if r.body else ""
        v = r.values
        ws.write_row(i, 0, (r.row, v["surname"], v["first_name"], v["patronymic"], body, r.username))
        ws.write_string(i, 6, password)
    ws.set_column(0, 0, 12)
    ws.set_column(1, 4, 24)
    ws.set_column(5, 6, 22)
    wb.close()
    return out.getvalue()
