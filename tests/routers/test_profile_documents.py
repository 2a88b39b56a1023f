"""Документы: folders, uploads checked by content, refused attacks that leave nothing stored, safe downloads."""

from __future__ import annotations

import io
import struct
import tracemalloc
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from api.models import StoredFile
from api.services.profile import uploads
from tests.routers.test_profile import (  # noqa: F401  (uploads_dir_fixture is a fixture)
    PDF,
    make_site,
    png_bytes,
    stored_count,
    stored_names,
    uploads_dir_fixture,
)


def ooxml(main_type: str, ext_dir: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(
            "[Content_Types].xml",
            f'<?xml version="1.0"?><Types><Override PartName="/{ext_dir}" ContentType="{main_type}"/></Types>',
        )
        zf.writestr(ext_dir, "<x/>")
    return buf.getvalue()


def odf(mime: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("mimetype", mime)
        zf.writestr("content.xml", "<x/>")
    return buf.getvalue()


DOCX_TYPES = (
    '<?xml version="1.0"?><Types><Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
DOCX = ooxml("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml", "word/document.xml")
XLSX = ooxml("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", "xl/workbook.xml")
OLE = bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 504

ACCEPTED = [
    ("приказ №5.pdf", PDF, "application/pdf"),
    ("план.docx", DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("отчёт.xlsx", XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("старый.doc", OLE, "application/msword"),
    ("таблица.xls", OLE, "application/vnd.ms-excel"),
    ("текст.odt", odf("application/vnd.oasis.opendocument.text"), "application/vnd.oasis.opendocument.text"),
    ("фото.png", png_bytes(), "image/png"),
    ("фото.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 64, "image/jpeg"),
    ("список.csv", "ФИО;класс\nЁлкина;5А\n".encode(), "text/csv; charset=utf-8"),
    ("заметка.txt", b"a < b, c > d\n", "text/plain; charset=utf-8"),
]


@pytest.mark.parametrize(("name", "data", "content_type"), ACCEPTED)
async def test_allowed_formats_are_recognised_by_content(
    client: httpx.AsyncClient,
    db: AsyncSession,
    uploads_dir: Path,
    name: str,
    data: bytes,
    content_type: str,
) -> None:
    s = await make_site(db)
    r = await client.post(
        f"/api/v1/organizations/{s.w.body_a.id}/documents",
        files={"file": (name, data, "application/octet-stream")},
        headers=s.h(s.admin_a),
    )
    assert r.status_code == 201, r.text
    assert r.json()["content_type"] == content_type and r.json()["name"] == name
    dl = await client.get(r.json()["url"])
    assert dl.status_code == 200 and dl.content == data
    assert dl.headers["content-disposition"].startswith("attachment; ")
    assert f"filename*=UTF-8''{quote(name, safe='')}" in dl.headers["content-disposition"]
    assert dl.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in dl.headers["content-security-policy"]
    assert dl.headers["content-type"].startswith(content_type.split(";")[0])
    # Stored under a generated key, never under the given name.
    stored = stored_names(uploads_dir)
    assert len(stored) == 1 and name not in stored[0] and len(stored[0]) == 32


ATTACKS = [
    ("report.pdf", b"<html><script>alert(1)</script></html>", 415),  # HTML disguised as PDF
    ("page.html", b"<html><body>hi</body></html>", 415),
    ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', 415),
    ("image.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', 415),
    ("notes.txt", b"hello <script>alert(1)</script>", 415),
    ("data.csv", b"a,b\n<img src=x onerror=alert(1)>,2\n", 415),
    ("run.js", b"alert(1)", 415),
    ("document.pdf", DOCX, 415),  # a real DOCX, but the name claims PDF
    ("archive.docx", b"PK\x03\x04not really a zip", 415),
    ("binary.txt", b"\x00\x01\x02", 415),
    ("../../etc/passwd.pdf", PDF, 422),
    ("..\\..\\boot.pdf", PDF, 422),
    ("evil\r\nX-Injected: 1.pdf", PDF, 422),  # httpx sends it as evil%0D%0A…, as browsers do
    ("nul\x00byte.pdf", PDF, 422),
    ("noextension", PDF, 422),
]


@pytest.mark.parametrize(("name", "data", "expected"), ATTACKS)
async def test_upload_attacks_are_refused_and_leave_nothing(
    client: httpx.AsyncClient,
    db: AsyncSession,
    uploads_dir: Path,
    name: str,
    data: bytes,
    expected: int,
) -> None:
    s = await make_site(db)
    before = await db.scalar(select(func.count()).select_from(StoredFile))
    r = await client.post(
        f"/api/v1/organizations/{s.w.body_a.id}/documents",
        files={"file": (name, data, "application/pdf")},
        headers=s.h(s.admin_a),
    )
    assert r.status_code == expected, r.text
    err = r.json()["error"]
    assert err["details"][0]["field"].startswith("file") and err["message"]
    assert stored_count(uploads_dir) == 0
    assert await db.scalar(select(func.count()).select_from(StoredFile)) == before


def raw_multipart(filename: bytes, data: bytes) -> tuple[bytes, str]:
    """A multipart body with the file name written byte for byte (no client-side escaping)."""
    boundary = "----bilimtestboundary"
    body = (
        f"--{boundary}\r\n".encode()
        + b'Content-Disposition: form-data; name="file"; filename="'
        + filename
        + b'"\r\nContent-Type: application/pdf\r\n\r\n'
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


@pytest.mark.parametrize("filename", [b"a\rb.pdf", b"nul\x00b.pdf", b"tab\tname.pdf", b"..\\x.pdf", b"../x.pdf"])
async def test_raw_control_characters_in_names_are_refused(
    client: httpx.AsyncClient, db: AsyncSession, uploads_dir: Path, filename: bytes
) -> None:
    s = await make_site(db)
    body, ctype = raw_multipart(filename, PDF)
    r = await client.post(
        f"/api/v1/organizations/{s.w.body_a.id}/documents",
        content=body,
        headers={**s.h(s.admin_a), "Content-Type": ctype},
    )
    assert r.status_code in (400, 422), r.text
    assert stored_count(uploads_dir) == 0


async def test_oversize_upload_is_refused_with_413(
    client: httpx.AsyncClient,
    db: AsyncSession,
    uploads_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    s = await make_site(db)
    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 1000)
    ok = await client.post(
        f"/api/v1/organizations/{s.w.body_a.id}/documents",
        files={"file": ("small.pdf", PDF, "application/pdf")},
        headers=s.h(s.admin_a),
    )
    assert ok.status_code == 201
    r = await client.post(
        f"/api/v1/organizations/{s.w.body_a.id}/documents",
        files={"file": ("big.pdf", PDF + b"0" * 2000, "application/pdf")},
        headers=s.h(s.admin_a),
    )
    assert r.status_code == 413 and "limit" in r.json()["error"]["message"]
    assert stored_count(uploads_dir) == 1
    empty = await client.post(
        f"/api/v1/organizations/{s.w.body_a.id}/documents",
        files={"file": ("empty.pdf", b"", "application/pdf")},
        headers=s.h(s.admin_a),
    )
    assert empty.status_code == 422 and empty.json()["error"]["details"][0]["field"] == "file"


async def test_folders_nest_and_list_with_path(client: httpx.AsyncClient, db: AsyncSession, uploads_dir: Path) -> None:
    s = await make_site(db)
    org = s.w.body_a.id
    hdr = s.h(s.admin_a)
    top = (await client.post(f"/api/v1/organizations/{org}/folders", json={"name": "Приказы"}, headers=hdr)).json()
    sub = (
        await client.post(
            f"/api/v1/organizations/{org}/folders", json={"name": "2026", "parent_id": top["id"]}, headers=hdr
        )
    ).json()
    r = await client.post(
        f"/api/v1/organizations/{org}/documents",
        data={"folder_id": str(sub["id"])},
        files={"file": ("приказ.pdf", PDF, "application/pdf")},
        headers=hdr,
    )
    assert r.status_code == 201 and r.json()["folder_id"] == sub["id"]
    root = (await client.get(f"/api/v1/organizations/{org}/documents")).json()
    assert [x["name"] for x in root["folders"]] == ["Приказы"] and root["files"] == [] and root["can_edit"] is False
    inner = (await client.get(f"/api/v1/organizations/{org}/documents", params={"folder_id": sub["id"]})).json()
    assert [x["name"] for x in inner["path"]] == ["Приказы", "2026"]
    assert [x["name"] for x in inner["files"]] == ["приказ.pdf"]
    # A folder of another organization is not a place to upload to or to open.
    other = (
        await client.post(f"/api/v1/organizations/{s.w.body_b.id}/folders", json={"name": "B"}, headers=s.h(s.admin_b))
    ).json()
    r = await client.post(
        f"/api/v1/organizations/{org}/documents",
        data={"folder_id": str(other["id"])},
        files={"file": ("x.pdf", PDF, "application/pdf")},
        headers=hdr,
    )
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "folder_id"
    assert (
        await client.get(f"/api/v1/organizations/{org}/documents", params={"folder_id": other["id"]})
    ).status_code == 404
    # Moving a folder into its own child is refused.
    r = await client.patch(
        f"/api/v1/folders/{top['id']}", json={"name": "Приказы", "parent_id": sub["id"]}, headers=hdr
    )
    assert r.status_code == 422
    # Deleting the top folder deletes everything inside, files included.
    assert (await client.delete(f"/api/v1/folders/{top['id']}", headers=hdr)).status_code == 204
    assert stored_count(uploads_dir) == 0
    assert (await client.get(f"/api/v1/organizations/{org}/documents")).json()["folders"] == []


async def test_only_admins_of_the_body_upload_or_delete(
    client: httpx.AsyncClient, db: AsyncSession, uploads_dir: Path
) -> None:
    s = await make_site(db)
    url = f"/api/v1/organizations/{s.w.body_a.id}/documents"
    files = {"file": ("a.pdf", PDF, "application/pdf")}
    assert (await client.post(url, files=files)).status_code == 401
    assert (await client.post(url, files=files, headers=s.h(s.emp_a))).status_code == 403
    assert (await client.post(url, files=files, headers=s.h(s.admin_b))).status_code == 404
    assert stored_count(uploads_dir) == 0
    doc = (await client.post(url, files=files, headers=s.h(s.admin_a))).json()
    assert (await client.delete(f"/api/v1/files/{doc['id']}", headers=s.h(s.admin_b))).status_code == 404
    assert (await client.delete(f"/api/v1/files/{doc['id']}", headers=s.h(s.admin_a))).status_code == 204
    assert (await client.get(f"/api/v1/files/{doc['id']}")).status_code == 404
    assert stored_count(uploads_dir) == 0


def test_content_disposition_encodes_names() -> None:
    value = uploads.content_disposition('отчёт "итог";.pdf')
    assert value.startswith('attachment; filename="')
    ascii_part = value.split('filename="')[1].split('"')[0]
    assert all(32 <= ord(c) < 127 for c in ascii_part) and '"' not in ascii_part and ";" not in ascii_part
    assert "filename*=UTF-8''%D0%BE%D1%82%D1%87%D1%91%D1%82%20%22%D0%B8%D1%82%D0%BE%D0%B3%22%3B.pdf" in value


class _CommitFails(Session):
    """A session whose commit is refused, as when the database fails at COMMIT."""


def _refuse(session: Session) -> None:
    raise RuntimeError("commit refused (test)")


event.listen(_CommitFails, "before_commit", _refuse)


@contextmanager
def failing_commits(app: Any, connection: AsyncConnection) -> Iterator[None]:
    """Inside the block, every request's commit fails (on the test's connection, like the app's sessions)."""
    ok = app.state.sessionmaker
    app.state.sessionmaker = async_sessionmaker(
        bind=connection,
        expire_on_commit=False,
        autoflush=False,
        join_transaction_mode="create_savepoint",
        sync_session_class=_CommitFails,
    )
    try:
        yield
    finally:
        app.state.sessionmaker = ok


async def _send(app: Any, method: str, url: str, **kw: Any) -> int:
    """A request whose failure comes back as a 500 response instead of an exception."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        return (await c.request(method, url, **kw)).status_code


async def test_deletions_whose_commit_fails_keep_rows_and_bytes(
    client: httpx.AsyncClient, db: AsyncSession, app: Any, connection: AsyncConnection, uploads_dir: Path
) -> None:
    s = await make_site(db)
    hdr = s.h(s.admin_a)
    org = s.w.body_a.id
    folder = (await client.post(f"/api/v1/organizations/{org}/folders", json={"name": "Приказы"}, headers=hdr)).json()
    in_folder = (
        await client.post(
            f"/api/v1/organizations/{org}/documents",
            data={"folder_id": str(folder["id"])},
            files={"file": ("в папке.pdf", PDF, "application/pdf")},
            headers=hdr,
        )
    ).json()
    doc = (
        await client.post(
            f"/api/v1/organizations/{org}/documents", files={"file": ("a.pdf", PDF, "application/pdf")}, headers=hdr
        )
    ).json()
    news = (
        await client.post(f"/api/v1/organizations/{org}/news", json={"title": "t", "body_html": "b"}, headers=hdr)
    ).json()
    image = (
        await client.post(
            f"/api/v1/news/{news['id']}/images", files={"file": ("i.png", png_bytes(), "image/png")}, headers=hdr
        )
    ).json()
    assert stored_count(uploads_dir) == 3
    with failing_commits(app, connection):
        for url in (f"/api/v1/files/{doc['id']}", f"/api/v1/folders/{folder['id']}", f"/api/v1/news/{news['id']}"):
            assert await _send(app, "DELETE", url, headers=hdr) == 500
    ids = {doc["id"], in_folder["id"], image["id"]}
    assert len(list(await db.scalars(select(StoredFile.id).where(StoredFile.id.in_(ids))))) == 3
    assert stored_count(uploads_dir) == 3
    for file_id in ids:
        got = await client.get(f"/api/v1/files/{file_id}")
        assert got.status_code == 200 and got.content in (PDF, png_bytes())


async def test_uploads_whose_commit_fails_leave_nothing(
    client: httpx.AsyncClient, db: AsyncSession, app: Any, connection: AsyncConnection, uploads_dir: Path
) -> None:
    s = await make_site(db)
    hdr = s.h(s.admin_a)
    news = (
        await client.post(
            f"/api/v1/organizations/{s.w.body_a.id}/news", json={"title": "t", "body_html": "b"}, headers=hdr
        )
    ).json()
    url = f"/api/v1/organizations/{s.w.body_a.id}/documents"
    image = {"file": ("i.png", png_bytes(), "image/png")}
    with failing_commits(app, connection):
        assert await _send(app, "POST", url, files={"file": ("a.pdf", PDF, "application/pdf")}, headers=hdr) == 500
        assert await _send(app, "POST", f"/api/v1/news/{news['id']}/images", files=image, headers=hdr) == 500
    assert stored_count(uploads_dir) == 0
    assert await db.scalar(select(func.count()).select_from(StoredFile)) == 0


def zip_bomb(unpacked_mib: int = 1024) -> bytes:
    """A .docx whose [Content_Types].xml unpacks to `unpacked_mib` MiB of zeros (~1 KB per MiB on disk): the
    deflate stream of one zero MiB is repeated, with a correct CRC, so that a reader without a bound accepts it."""
    head = b'<?xml version="1.0"?><Types><Override ContentType="' + next(iter(uploads._OOXML_MAIN)).encode() + b'"/>'
    zeros = b"\0" * (1 << 20)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(head) + c.compress(zeros) + c.flush(zlib.Z_FULL_FLUSH)
    repeated = c.compress(zeros) + c.flush(zlib.Z_FULL_FLUSH)
    stream = first + repeated * (unpacked_mib - 1) + c.flush()
    crc = zlib.crc32(head)
    for _ in range(unpacked_mib):
        crc = zlib.crc32(zeros, crc)
    name = b"[Content_Types].xml"
    sizes = struct.pack("<III", crc, len(stream), len(head) + unpacked_mib * len(zeros))
    local = b"PK\x03\x04" + struct.pack("<HHHHH", 20, 0, 8, 0, 0x21) + sizes + struct.pack("<HH", len(name), 0)
    central = (
        b"PK\x01\x02"
        + struct.pack("<HHHHHH", 20, 20, 0, 8, 0, 0x21)
        + sizes
        + struct.pack("<HHHHHII", len(name), 0, 0, 0, 0, 0, 0)
        + name
    )
    body = local + name + stream
    return body + central + b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, 1, 1, len(central), len(body), 0)


async def test_zip_bomb_is_refused_without_unpacking_it(
    client: httpx.AsyncClient, db: AsyncSession, uploads_dir: Path
) -> None:
    bomb = zip_bomb()
    assert len(bomb) < 2 * 1024 * 1024
    # The sniffing reads at most MAX_ZIP_MEMBER_BYTES of the member: memory stays far below the 1 GiB it unpacks to.
    tracemalloc.start()
    try:
        with pytest.raises(uploads.UnsupportedFile, match="unpacks to more than"):
            uploads.detect(bomb, "bomb.docx")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 * 1024 * 1024, peak
    s = await make_site(db)
    r = await client.post(
        f"/api/v1/organizations/{s.w.body_a.id}/documents",
        files={"file": ("bomb.docx", bomb, "application/octet-stream")},
        headers=s.h(s.admin_a),
    )
    assert r.status_code == 415, r.text
    assert r.json()["error"]["details"][0]["field"] == "file"
    assert stored_count(uploads_dir) == 0
    # A smaller member (under the bound) is still read and recognised.
    assert uploads.detect(DOCX, "ok.docx") == uploads.DOCX


def test_zip_with_too_many_entries_is_refused() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", DOCX_TYPES)
        for i in range(10_000):  # with [Content_Types].xml: one more than MAX_ZIP_ENTRIES
            zf.writestr(f"p/{i}", b"")
    with pytest.raises(uploads.UnsupportedFile, match="too many entries"):
        uploads.detect(buf.getvalue(), "many.docx")
