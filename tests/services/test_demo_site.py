"""The demo site's files are real documents: a PDF with a correct cross-reference table and a DOCX package."""

from __future__ import annotations

import io
import re
import zipfile

from api.demo.site import docx_bytes, pdf_bytes
from api.services.profile import uploads


def test_pdf_is_well_formed_and_deterministic() -> None:
    data = pdf_bytes("Order (1)", ["Autumn holidays", "Приказ"])
    assert data == pdf_bytes("Order (1)", ["Autumn holidays", "Приказ"])
    start = int(re.search(rb"startxref\n(\d+)\n%%EOF\n$", data).group(1))  # type: ignore[union-attr]
    assert data[start : start + 4] == b"xref"
    offsets = [int(m) for m in re.findall(rb"(\d{10}) 00000 n", data)]
    assert [data[o : o + len(f"{i} 0 obj")] for i, o in enumerate(offsets, 1)] == [
        f"{i} 0 obj".encode() for i in range(1, len(offsets) + 1)
    ]
    assert uploads.detect(data, "order.pdf").content_type == "application/pdf"


def test_docx_is_an_office_package_with_the_text() -> None:
    data = docx_bytes("Бұйрық", ["Оқу жылы 1 қыркүйекте басталады."])
    assert data == docx_bytes("Бұйрық", ["Оқу жылы 1 қыркүйекте басталады."])
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert {"[Content_Types].xml", "_rels/.rels", "word/document.xml"} <= set(z.namelist())
        assert "Оқу жылы 1 қыркүйекте басталады." in z.read("word/document.xml").decode()
    assert "wordprocessingml" in uploads.detect(data, "order.docx").content_type
