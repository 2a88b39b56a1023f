"""Upload checks: size limit, safe names, and an allowlist of formats recognised by content (magic bytes)."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from urllib.parse import quote

from api.errors import DomainError, InvalidInput

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_NAME_LENGTH = 200


class PayloadTooLarge(DomainError, status=413, code="payload_too_large"): ...


class UnsupportedFile(DomainError, status=415, code="unsupported_file"):
    """415: the content is not one of the allowed formats (or does not match the name)."""

    def __init__(self, message: str) -> None:
        super().__init__(f"file: {message}", details=[{"field": "file", "message": message}])


@dataclass(frozen=True)
class FileFormat:
    """A recognised format: its canonical content type and the name extensions it may carry."""

    content_type: str
    extensions: tuple[str, ...]
    image: bool = False


PDF = FileFormat("application/pdf", ("pdf",))
DOCX = FileFormat("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ("docx",))
XLSX = FileFormat("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",))
PPTX = FileFormat("application/vnd.openxmlformats-officedocument.presentationml.presentation", ("pptx",))
ODT = FileFormat("application/vnd.oasis.opendocument.text", ("odt",))
ODS = FileFormat("application/vnd.oasis.opendocument.spreadsheet", ("ods",))
ODP = FileFormat("application/vnd.oasis.opendocument.presentation", ("odp",))
DOC = FileFormat("application/msword", ("doc",))
XLS = FileFormat("application/vnd.ms-excel", ("xls",))
PPT = FileFormat("application/vnd.ms-powerpoint", ("ppt",))
PNG = FileFormat("image/png", ("png",), image=True)
JPEG = FileFormat("image/jpeg", ("jpg", "jpeg"), image=True)
TXT = FileFormat("text/plain; charset=utf-8", ("txt",))
CSV = FileFormat("text/csv; charset=utf-8", ("csv",))

_OOXML_MAIN = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": PPTX,
}
_ODF = {f.content_type: f for f in (ODT, ODS, ODP)}
_OLE = {"doc": DOC, "xls": XLS, "ppt": PPT}
_OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
# Text that a browser might treat as markup: a tag, a comment, a doctype, a processing instruction
# (HTML needs the letter right after '<'; "a < b" stays text).
_MARKUP = re.compile(rb"<[a-zA-Z!?/]")
_ENCODED_CONTROL = re.compile(r"%(0[0-9a-f]|1[0-9a-f]|7f)", re.IGNORECASE)
_SCRIPT_EXTENSIONS = {"html", "htm", "xhtml", "svg", "svgz", "js", "mjs", "xml", "php", "exe", "bat", "cmd", "sh"}


def check_name(name: str | None, field: str = "file") -> str:
    """The file name as given when it is safe to show and to send back; 422 naming the reason otherwise."""
    if not name or not name.strip():
        raise InvalidInput(f"{field}.name", "a file name is required")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in name):
        raise InvalidInput(f"{field}.name", "must not contain control characters (CR, LF, NUL, …)")
    if _ENCODED_CONTROL.search(name):
        # Browsers send CR, LF and '"' in names percent-encoded (HTML multipart); refuse those too.
        raise InvalidInput(f"{field}.name", "must not contain control characters (CR, LF, NUL, …)")
    if "/" in name or "\\" in name or name.strip() in (".", "..") or name.startswith(".."):
        raise InvalidInput(f"{field}.name", "must be a plain file name without path separators or '..'")
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidInput(f"{field}.name", f"must be at most {MAX_NAME_LENGTH} characters")
    if "." not in name.strip(". "):
        raise InvalidInput(f"{field}.name", "must have an extension such as .pdf or .docx")
    return name.strip()


def extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


# A zip is sniffed by reading two small members; a bomb («1 MB on disk, 1 GB unpacked») or a central directory
# of a million entries must not cost the worker more than these bounds.
MAX_ZIP_ENTRIES = 10_000
MAX_ZIP_MEMBER_BYTES = 1024 * 1024
MAX_ZIP_DIRECTORY_BYTES = 2 * 1024 * 1024  # 10,000 entries with names of up to ~150 characters
_EOCD = b"PK\x05\x06"


def _zip_directory(data: bytes) -> tuple[int, int] | None:
    """(entries, central directory bytes) from the end-of-central-directory record, read before zipfile parses
    the directory (0xFFFF entries or 0xFFFFFFFF bytes: a Zip64 archive, refused as too large)."""
    at = data.rfind(_EOCD, max(0, len(data) - 22 - 65535))
    if at < 0 or at + 22 > len(data):
        return None
    return int.from_bytes(data[at + 10 : at + 12], "little"), int.from_bytes(data[at + 12 : at + 16], "little")


def _read_member(zf: zipfile.ZipFile, name: str) -> bytes:
    """A member's bytes, decompressed in a streaming read that stops past MAX_ZIP_MEMBER_BYTES (415)."""
    with zf.open(name) as member:
        out = member.read(MAX_ZIP_MEMBER_BYTES + 1)
    if len(out) > MAX_ZIP_MEMBER_BYTES:
        raise UnsupportedFile(f"the archive's {name} unpacks to more than {MAX_ZIP_MEMBER_BYTES} bytes")
    return out


def _zip_format(data: bytes) -> FileFormat | None:
    directory = _zip_directory(data)
    if directory is None:
        return None
    entries, directory_bytes = directory
    if entries > MAX_ZIP_ENTRIES or directory_bytes > MAX_ZIP_DIRECTORY_BYTES:
        raise UnsupportedFile(f"the archive has too many entries (at most {MAX_ZIP_ENTRIES})")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = zf.namelist()
            if len(names) > MAX_ZIP_ENTRIES:
                raise UnsupportedFile(f"the archive has too many entries (at most {MAX_ZIP_ENTRIES})")
            if "mimetype" in names:
                mime = _read_member(zf, "mimetype").decode("ascii", "replace").strip()
                return _ODF.get(mime)
            if "[Content_Types].xml" in names:
                types = _read_member(zf, "[Content_Types].xml").decode("utf-8", "replace")
                for marker, fmt in _OOXML_MAIN.items():
                    if marker in types:
                        return fmt
    except (zipfile.BadZipFile, zlib.error, KeyError, RuntimeError, ValueError, NotImplementedError, OSError, EOFError):
        return None
    return None


def _text_format(data: bytes, ext: str) -> FileFormat | None:
    if ext not in ("txt", "csv") or b"\x00" in data:
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if _MARKUP.search(data):
        return None
    return CSV if ext == "csv" else TXT


def detect(data: bytes, name: str) -> FileFormat:
    """The format of the bytes, checked by content; 415 when not allowed or when the name claims another format."""
    ext = extension(name)
    if ext in _SCRIPT_EXTENSIONS:
        raise UnsupportedFile(f".{ext} files are not accepted (HTML, SVG and scripts are refused)")
    fmt: FileFormat | None = None
    if data.startswith(b"%PDF-"):
        fmt = PDF
    elif data.startswith(b"\x89PNG\r\n\x1a\n"):
        fmt = PNG
    elif data.startswith(b"\xff\xd8\xff"):
        fmt = JPEG
    elif data.startswith(b"PK\x03\x04"):
        fmt = _zip_format(data)
    elif data.startswith(_OLE_MAGIC):
        fmt = _OLE.get(ext)
    else:
        fmt = _text_format(data, ext)
    if fmt is None:
        raise UnsupportedFile(
            "the content is not an allowed format (PDF, DOCX/XLSX/PPTX, DOC/XLS/PPT, ODT/ODS/ODP, PNG, JPEG, "
            "plain UTF-8 TXT/CSV without markup)"
        )
    if ext not in fmt.extensions:
        raise UnsupportedFile(f"the content is {fmt.extensions[0].upper()} but the name ends with .{ext}")
    return fmt


async def read_limited(upload: object, limit: int | None = None) -> bytes:
    """Read an UploadFile in chunks, refusing with 413 as soon as it exceeds the limit."""
    limit = MAX_UPLOAD_BYTES if limit is None else limit
    chunks: list[bytes] = []
    total = 0
    while True:
        chunk = await upload.read(1024 * 1024)  # type: ignore[attr-defined]
        if not chunk:
            break
        total += len(chunk)
        if total > limit:
            raise PayloadTooLarge(
                f"file: larger than the limit of {limit} bytes",
                details=[{"field": "file", "message": f"larger than the limit of {limit} bytes"}],
            )
        chunks.append(chunk)
    if total == 0:
        raise InvalidInput("file", "the file is empty")
    return b"".join(chunks)


def content_disposition(name: str) -> str:
    """`attachment` with an ASCII fallback and the RFC 5987 UTF-8 name."""
    fallback = "".join(ch if 32 <= ord(ch) < 127 and ch not in '"\\;' else "_" for ch in name) or "file"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


DOWNLOAD_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "sandbox; default-src 'none'",
    "Cache-Control": "private, max-age=300",
}
