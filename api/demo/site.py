"""Public content of the demo region's sites: news over the autumn, pages, documents (real PDF and DOCX files),
forum sections with topics and replies, the reception schedule and answered questions, in Russian and Kazakh.

Deterministic for a seed and a date, like the rest of the demo. Written after the region is loaded, in the
same transaction; the files go to the app's upload storage.
"""

from __future__ import annotations

import hashlib
import io
import random
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from api.config import Settings
from api.models import (
    DocumentFolder,
    ForumPost,
    ForumSection,
    ForumTopic,
    NewsPost,
    Organization,
    Person,
    ProfilePage,
    Question,
    ReceptionHour,
    StaffPost,
    StoredFile,
)
from api.services.storage import get_storage


def pdf_bytes(title: str, lines: list[str]) -> bytes:
    """A small valid PDF (one page of Latin-1 text in Helvetica; other letters are transliterated away)."""
    text = [title, "", *lines]
    ops = ["BT", "/F1 16 Tf", "56 780 Td", "20 TL"]
    for i, line in enumerate(text):
        safe = line.encode("latin-1", "replace").decode("latin-1").replace("\\", "\\\\").replace("(", "\\(")
        safe = safe.replace(")", "\\)")
        ops.append(f"({safe}) Tj T*" if i else f"({safe}) Tj T* /F1 11 Tf")
    ops.append("ET")
    stream = "\n".join(ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >>"
        b" /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{n} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def docx_bytes(title: str, paragraphs: list[str]) -> bytes:
    """A minimal valid Word document (OOXML) with a title and paragraphs, in any script."""

    def esc(s: str) -> str:
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    body = "".join(
        f'<w:p><w:r>{"<w:rPr><w:b/></w:rPr>" if i == 0 else ""}<w:t xml:space="preserve">{esc(p)}</w:t></w:r></w:p>'
        for i, p in enumerate([title, *paragraphs])
    )
    files = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="word/document.xml"/></Relationships>'
        ),
        "word/document.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f"<w:body>{body}</w:body></w:document>"
        ),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in files.items():
            # A fixed timestamp: the same content gives the same bytes.
            z.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), content)
    return out.getvalue()


@dataclass(frozen=True)
class News:
    title: str
    body: str


NEWS_RU = [
    News("Августовское совещание педагогов", "Подведены итоги прошлого учебного года и поставлены задачи на новый."),
    News("День знаний в школах", "1 сентября за парты сели первоклассники; в школах прошли торжественные линейки."),
    News("Стартовал приём заявок на олимпиады", "Районный этап республиканской олимпиады пройдёт в ноябре."),
    News("Осенние каникулы", "Осенние каникулы продлятся с 27 октября по 4 ноября включительно."),
    News("Семинар для молодых учителей", "Методисты провели семинар по формативному оцениванию."),
    News("Итоги первой четверти", "Опубликованы сводные данные об успеваемости и посещаемости за первую четверть."),
]
NEWS_KK = [
    News("Педагогтардың тамыз кеңесі", "Өткен оқу жылының қорытындысы шығарылып, жаңа міндеттер қойылды."),
    News("Білім күні", "1 қыркүйекте бірінші сынып оқушылары партаға отырды; мектептерде салтанатты жиындар өтті."),
    News("Күзгі демалыс", "Күзгі демалыс 27 қазаннан 4 қарашаға дейін созылады."),
]
PAGES = [
    (
        "О нас · Біз туралы",
        "<p>Мы отвечаем за доступное и качественное образование в регионе: сеть школ, кадры, методическую работу "
        "и приём граждан.</p><p>Біз өңірде қолжетімді әрі сапалы білім беруге жауаптымыз.</p>",
    ),
    (
        "Государственные услуги",
        "<ul><li>Приём документов в 1 класс</li><li>Перевод между школами</li>"
        "<li>Выдача дубликатов документов об образовании</li></ul><p>Заявления принимаются через egov.kz.</p>",
    ),
]
FORUM = [
    (
        "Методическая работа",
        "Обмен опытом учителей",
        [
            ("Планирование на вторую четверть", ["Поделитесь шаблонами КСП.", "Наш шаблон — в документах."]),
            ("Формативное оценивание в начальной школе", ["Какие приёмы работают лучше всего?", "Рубрики."]),
        ],
    ),
    (
        "Әдістемелік бірлестік",
        "Қазақ тілінде талқылау",
        [("Оқу сауаттылығы", ["Тәжірибе алмасайық.", "Біздің мектепте оқу клубы бар."])],
    ),
]
QUESTIONS = [
    (
        "Айгерим",
        "Когда начинается приём документов в первый класс?",
        "<p>Документы в первый класс принимают с 1 апреля.</p>",
    ),
    ("Ерлан", "Бірінші сыныпқа құжаттар қашан қабылданады?", "<p>1 сәуірден 31 тамызға дейін.</p>"),
    ("Наталья", "Где узнать расписание каникул?", "<p>В разделе «Новости» и на сайтах школ.</p>"),
    ("Марат", "Как перевести ребёнка в другую школу?", None),
]

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}

# The documents of a management body: folder (orders or norms), file name, title and the text inside.
BODY_DOCUMENTS = (
    (
        "orders",
        "Приказ об осенних каникулах.pdf",
        "Order on the autumn holidays",
        "Autumn holidays: 27 October - 4 November.",
    ),
    (
        "orders",
        "Бұйрық: оқу жылының басталуы.docx",
        "Оқу жылының басталуы туралы бұйрық",
        "Оқу жылы 1 қыркүйекте басталады.",
    ),
    (
        "norms",
        "Правила приёма в 1 класс.docx",
        "Правила приёма в 1 класс",
        "Приём документов: с 1 апреля по 31 августа.",
    ),
)


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=UTC)


async def _head_and_deputy(session: AsyncSession, org_id: int) -> list[tuple[str, str, int]]:
    rows = (
        await session.execute(
            select(Person.surname, Person.first_name, Person.patronymic, StaffPost.position, Person.id)
            .join(StaffPost, StaffPost.person_id == Person.id)
            .where(StaffPost.organization_id == org_id, StaffPost.role_kind.in_(("head", "deputy")))
            .order_by(StaffPost.role_kind.desc(), Person.id)
        )
    ).all()
    return [(" ".join(p for p in r[:3] if p), r[3], r[4]) for r in rows]


async def load_site_content(conn: AsyncConnection, settings: Settings, seed: int, today: date) -> int:
    """Write the public content of every management body and a document per school; returns rows written."""
    storage = get_storage(settings)
    session = AsyncSession(bind=conn, expire_on_commit=False)
    rnd = random.Random(f"{seed}/site")
    year = today.year if today.month >= 9 else today.year - 1
    start = date(year, 8, 25)
    span = max(1, min((today - start).days, 100))
    written = 0

    def add(obj: object) -> None:
        nonlocal written
        session.add(obj)
        written += 1

    def stored(org_id: int, name: str, data: bytes, folder: DocumentFolder | None) -> StoredFile:
        return StoredFile(
            organization_id=org_id,
            folder_id=folder.id if folder else None,
            kind="document",
            name=name,
            storage_key=storage.put(data),
            content_type=CONTENT_TYPES[name.rsplit(".", 1)[1]],
            size_bytes=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
        )

    orgs = list(await session.scalars(select(Organization).order_by(Organization.id)))
    for org in orgs:
        if org.kind == "school":
            folder = DocumentFolder(organization_id=org.id, name="Отчёты · Есептер")
            add(folder)
            await session.flush()
            report = pdf_bytes(f"Public report {year}-{year + 1}", [org.name_ru.encode("ascii", "ignore").decode()])
            add(stored(org.id, f"Публичный отчёт {year}-{year + 1}.pdf", report, folder))
            add(
                NewsPost(
                    organization_id=org.id,
                    author_name=org.name_ru,
                    title="День знаний",
                    body_html="<p>Торжественная линейка прошла 1 сентября.</p>",
                    published_at=_at(date(year, 9, 1), 10),
                )
            )
            continue
        leaders = await _head_and_deputy(session, org.id)
        head_name = leaders[0][0] if leaders else org.name_ru
        if not org.description:
            org.description = (
                f"<p>{org.name_ru} — орган управления образованием: сеть школ, кадры, методическая работа, "
                "приём граждан.</p>"
                f"<p>{org.name_kk or org.name_ru} — білім беруді басқару органы.</p>"
            )
        news = [*NEWS_RU, *NEWS_KK]
        for i, n in enumerate(news):
            day = start + timedelta(days=(i * span) // len(news) + rnd.randrange(0, 3))
            if day > today:
                continue
            add(
                NewsPost(
                    organization_id=org.id,
                    author_name=head_name,
                    title=n.title,
                    body_html=f"<p>{n.body}</p>",
                    published_at=_at(day, 9 + rnd.randrange(0, 8)),
                )
            )
        for order, (title, body) in enumerate(PAGES):
            add(ProfilePage(organization_id=org.id, title=title, body_html=body, sort_order=order))
        for who, position, person_id in leaders[:3]:
            add(
                ReceptionHour(
                    organization_id=org.id,
                    person_id=person_id,
                    who=who,
                    position=position,
                    days=rnd.choice(("Вторник", "Среда", "Четверг")),
                    hours=rnd.choice(("10:00–12:00", "15:00–17:00")),
                    place="Кабинет приёма, 1 этаж",
                    sort_order=len(leaders),
                )
            )
        orders = DocumentFolder(organization_id=org.id, name="Приказы · Бұйрықтар")
        norms = DocumentFolder(organization_id=org.id, name="Нормативные документы")
        add(orders)
        add(norms)
        await session.flush()
        for key, name, title, text in BODY_DOCUMENTS:
            make = pdf_bytes if name.endswith(".pdf") else docx_bytes
            add(stored(org.id, name, make(title, [text]), orders if key == "orders" else norms))
        plan = pdf_bytes(f"Work plan {year}-{year + 1}", ["1. Methodical work", "2. Olympiads", "3. Staff"])
        add(stored(org.id, f"План работы на {year}-{year + 1} учебный год.pdf", plan, None))
        for order, (title, description, topics) in enumerate(FORUM):
            section = ForumSection(organization_id=org.id, title=title, description=description, sort_order=order)
            add(section)
            await session.flush()
            for t_title, posts in topics:
                topic = ForumTopic(section_id=section.id, organization_id=org.id, author_name=head_name, title=t_title)
                add(topic)
                await session.flush()
                for j, body in enumerate(posts):
                    author = leaders[j % len(leaders)][0] if leaders else head_name
                    add(
                        ForumPost(
                            topic_id=topic.id, organization_id=org.id, author_name=author, body_html=f"<p>{body}</p>"
                        )
                    )
        for author, text, answer in QUESTIONS:
            add(
                Question(
                    organization_id=org.id,
                    author_name=author,
                    question=text,
                    answer_html=answer,
                    answered_at=_at(start + timedelta(days=10), 12) if answer else None,
                    published=answer is not None,
                    client_hash="demo",
                    created_at=_at(start + timedelta(days=5), 11),
                )
            )
    await session.flush()
    return written
