"""The demo region's fixed content: reference rows, organizations, subjects by grade, the school calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from api.services.school_calendar import quarters

MINISTRY = ("Білім министрлігі (тестовое)", "Білім министрлігі (тестілік)")
REGION = ("Тестовый регион", "Тест өңірі")
REGIONAL_BODY = ("Управление образования Тестового региона", "Тест өңірінің білім басқармасы")
CITY_DISTRICT = ("Тест (город регионального значения)", "Тест (облыстық маңызы бар қала)")
RURAL_DISTRICT = ("Тестовый район", "Тест ауданы")
CITY_BODY = ("Отдел образования города Тест", "Тест қаласының білім бөлімі")
RURAL_BODY = ("Отдел образования Тестового района", "Тест ауданының білім бөлімі")


@dataclass(frozen=True)
class OrgSpec:
    """One named educational organization of the demo."""

    name_ru: str
    name_kk: str
    type_code: str
    structure_code: str
    district: str  # "city" or "rural"
    grades: tuple[int, int] | None  # first and last grade taught; None: no classes (kindergarten, college, …)
    regional: bool = False  # subordinate to the regional body, not the district one
    missing: frozenset[str] = frozenset()  # registry fields left empty: license, accreditation, head, contacts


def _m(*fields: str) -> frozenset[str]:
    return frozenset(fields)


# The 24 organizations of the default demo, in the order they are created; the first ones come
# first when fewer schools are asked for, so that a small demo still has a mix.
NAMED_ORGANIZATIONS = (
    OrgSpec("№1 Мектеп-гимназия", "№1 мектеп-гимназиясы", "general", "independent", "city", (1, 11)),
    OrgSpec("Берёзовская средняя школа", "Берёзовка орта мектебі", "general", "independent", "rural", (1, 11)),
    OrgSpec(
        "Средняя общеобразовательная школа №2",
        "№2 жалпы білім беретін орта мектеп",
        "general",
        "independent",
        "city",
        (1, 11),
        missing=_m("license"),
    ),
    OrgSpec(
        "Ақкөльская основная школа",
        "Ақкөл негізгі мектебі",
        "general",
        "independent",
        "rural",
        (1, 9),
        missing=_m("accreditation", "contacts"),
    ),
    OrgSpec("Школа-лицей №3", "№3 мектеп-лицей", "general", "independent", "city", (1, 11)),
    OrgSpec(
        "Ясли-сад №1 «Балдырған»",
        "№1 «Балдырған» бөбекжай-бақшасы",
        "preschool",
        "independent",
        "city",
        None,
        missing=_m("accreditation"),
    ),
    OrgSpec("Средняя школа №4 имени Абая", "Абай атындағы №4 орта мектеп", "general", "independent", "city", (1, 11)),
    OrgSpec(
        "Тестовский педагогический колледж",
        "Тест педагогикалық колледжі",
        "college",
        "independent",
        "city",
        None,
        regional=True,
        missing=_m("head"),
    ),
    OrgSpec(
        "Жаңаталапская средняя школа",
        "Жаңаталап орта мектебі",
        "general",
        "independent",
        "rural",
        (1, 11),
        missing=_m("license", "accreditation"),
    ),
    OrgSpec("Гимназия №5", "№5 гимназия", "general", "independent", "city", (1, 11)),
    OrgSpec(
        "Степная начальная школа",
        "Степной бастауыш мектебі",
        "general",
        "independent",
        "rural",
        (1, 4),
        missing=_m("license", "accreditation", "head", "contacts"),
    ),
    OrgSpec("Дворец школьников", "Оқушылар сарайы", "additional", "independent", "city", None),
    OrgSpec("Средняя школа №6", "№6 орта мектеп", "general", "independent", "city", (1, 11)),
    OrgSpec(
        "Специальная школа-интернат №1",
        "№1 арнаулы мектеп-интернат",
        "special",
        "independent",
        "city",
        (1, 9),
        regional=True,
    ),
    OrgSpec("Қарасуская средняя школа", "Қарасу орта мектебі", "general", "independent", "rural", (1, 11)),
    OrgSpec(
        "Филиал средней школы №2 в микрорайоне Восток",
        "№2 орта мектептің Шығыс шағынауданындағы филиалы",
        "general",
        "branch",
        "city",
        (1, 4),
        missing=_m("license", "accreditation", "head"),
    ),
    OrgSpec(
        "Школа-гимназия №8 имени Ы. Алтынсарина",
        "Ы. Алтынсарин атындағы №8 мектеп-гимназия",
        "general",
        "independent",
        "city",
        (1, 11),
    ),
    OrgSpec(
        "Школа-интернат села Талды",
        "Талды ауылының мектеп-интернаты",
        "boarding",
        "independent",
        "rural",
        (1, 11),
        missing=_m("contacts"),
    ),
    OrgSpec(
        "Детский сад «Балапан»",
        "«Балапан» балабақшасы",
        "preschool",
        "independent",
        "rural",
        None,
        missing=_m("license", "contacts"),
    ),
    OrgSpec(
        "Детская музыкальная школа",
        "Балалар музыка мектебі",
        "additional",
        "independent",
        "city",
        None,
        missing=_m("accreditation"),
    ),
    OrgSpec("Средняя школа №9", "№9 орта мектеп", "general", "independent", "city", (1, 11)),
    OrgSpec(
        "Филиал Берёзовской средней школы в селе Ащысай",
        "Берёзовка орта мектебінің Ащысай ауылындағы филиалы",
        "general",
        "branch",
        "rural",
        (1, 9),
        missing=_m("license", "accreditation", "head"),
    ),
    OrgSpec(
        "Тестовский политехнический колледж",
        "Тест политехникалық колледжі",
        "college",
        "independent",
        "city",
        None,
        regional=True,
    ),
    OrgSpec(
        "Лицей «Дарын» для одарённых детей",
        "Дарынды балаларға арналған «Дарын» лицейі",
        "general",
        "subdivision",
        "city",
        (5, 11),
        regional=True,
    ),
)
assert len(NAMED_ORGANIZATIONS) == 24

STREETS = (
    "ул. Абая",
    "пр. Республики",
    "ул. Ленина",
    "ул. Гоголя",
    "ул. Сатпаева",
    "ул. Жамбыла",
    "ул. Пушкина",
    "ул. Мира",
    "ул. Назарбаева",
    "ул. Ауэзова",
    "ул. Байтурсынова",
    "ул. Кунаева",
    "ул. Школьная",
)

# Subjects: key, ru, kk, en, short name.
SUBJECTS = (
    ("kaz", "Казахский язык", "Қазақ тілі", "Kazakh language", "Каз. яз."),
    ("kazlit", "Казахская литература", "Қазақ әдебиеті", "Kazakh literature", "Каз. лит."),
    ("rus", "Русский язык", "Орыс тілі", "Russian language", "Рус. яз."),
    ("ruslit", "Русская литература", "Орыс әдебиеті", "Russian literature", "Рус. лит."),
    ("read", "Литературное чтение", "Әдебиеттік оқу", "Literary reading", "Лит. чтение"),
    ("eng", "Английский язык", "Ағылшын тілі", "English", "Англ. яз."),
    ("math", "Математика", "Математика", "Mathematics", "Матем."),
    ("alg", "Алгебра", "Алгебра", "Algebra", "Алгебра"),
    ("geom", "Геометрия", "Геометрия", "Geometry", "Геом."),
    ("inf", "Информатика", "Информатика", "Computer science", "Информ."),
    ("world", "Познание мира", "Дүниетану", "Knowledge of the world", "Позн. мира"),
    ("nat", "Естествознание", "Жаратылыстану", "Natural science", "Естеств."),
    ("bio", "Биология", "Биология", "Biology", "Биол."),
    ("phys", "Физика", "Физика", "Physics", "Физика"),
    ("chem", "Химия", "Химия", "Chemistry", "Химия"),
    ("geo", "География", "География", "Geography", "Геогр."),
    ("histkz", "История Казахстана", "Қазақстан тарихы", "History of Kazakhstan", "Ист. Каз."),
    ("histw", "Всемирная история", "Дүниежүзі тарихы", "World history", "Всем. ист."),
    ("law", "Основы права", "Құқық негіздері", "Fundamentals of law", "Осн. права"),
    ("music", "Музыка", "Музыка", "Music", "Музыка"),
    ("art", "Художественный труд", "Көркем еңбек", "Arts and crafts", "Худ. труд"),
    ("pe", "Физическая культура", "Дене шынықтыру", "Physical education", "Физ-ра"),
    (
        "nvtp",
        "Начальная военная и технологическая подготовка",
        "Алғашқы әскери және технологиялық дайындық",
        "Basic military and technological training",
        "НВТП",
    ),
    ("graph", "Графика и проектирование", "Графика және жобалау", "Graphics and design", "Графика"),
    ("digital", "Цифровая грамотность", "Цифрлық сауаттылық", "Digital literacy", "Цифр. грамотн."),
)

# Hours a week per subject for each grade (a simplified standard curriculum of Kazakhstan).
_PRIMARY = {"kaz": 2, "rus": 4, "read": 3, "eng": 2, "math": 4, "world": 1, "nat": 1, "music": 1, "art": 1, "pe": 3}
CURRICULUM: dict[int, dict[str, int]] = {
    1: {**_PRIMARY, "eng": 0, "read": 2, "kaz": 2},
    2: {**_PRIMARY, "digital": 1},
    3: {**_PRIMARY, "digital": 1},
    4: {**_PRIMARY, "digital": 1, "nat": 2},
    5: {
        "kaz": 3,
        "kazlit": 2,
        "rus": 3,
        "ruslit": 2,
        "eng": 3,
        "math": 5,
        "inf": 1,
        "nat": 2,
        "histkz": 1,
        "histw": 1,
        "music": 1,
        "art": 2,
        "pe": 3,
    },
    6: {
        "kaz": 3,
        "kazlit": 2,
        "rus": 3,
        "ruslit": 2,
        "eng": 3,
        "math": 5,
        "inf": 1,
        "nat": 2,
        "histkz": 1,
        "histw": 1,
        "music": 1,
        "art": 2,
        "pe": 3,
    },
    7: {
        "kaz": 2,
        "kazlit": 2,
        "rus": 2,
        "ruslit": 2,
        "eng": 3,
        "alg": 3,
        "geom": 2,
        "inf": 1,
        "bio": 2,
        "phys": 2,
        "chem": 1,
        "geo": 2,
        "histkz": 2,
        "histw": 1,
        "art": 1,
        "pe": 3,
    },
    8: {
        "kaz": 2,
        "kazlit": 2,
        "rus": 2,
        "ruslit": 2,
        "eng": 3,
        "alg": 3,
        "geom": 2,
        "inf": 1,
        "bio": 2,
        "phys": 2,
        "chem": 2,
        "geo": 2,
        "histkz": 2,
        "histw": 1,
        "art": 1,
        "pe": 3,
    },
    9: {
        "kaz": 2,
        "kazlit": 2,
        "rus": 2,
        "ruslit": 2,
        "eng": 2,
        "alg": 3,
        "geom": 2,
        "inf": 1,
        "bio": 2,
        "phys": 2,
        "chem": 2,
        "geo": 2,
        "histkz": 2,
        "histw": 1,
        "law": 1,
        "pe": 2,
    },
    10: {
        "kaz": 2,
        "kazlit": 2,
        "rus": 2,
        "ruslit": 2,
        "eng": 2,
        "alg": 3,
        "geom": 2,
        "inf": 2,
        "bio": 2,
        "phys": 2,
        "chem": 2,
        "geo": 1,
        "histkz": 2,
        "histw": 1,
        "nvtp": 1,
        "pe": 2,
    },
    11: {
        "kaz": 2,
        "kazlit": 2,
        "rus": 2,
        "ruslit": 2,
        "eng": 2,
        "alg": 3,
        "geom": 2,
        "inf": 2,
        "bio": 2,
        "phys": 2,
        "chem": 2,
        "geo": 1,
        "histkz": 2,
        "law": 1,
        "graph": 1,
        "nvtp": 1,
        "pe": 2,
    },
}
# Subjects that primary class teachers teach themselves (grades 1–4).
PRIMARY_CLASS_TEACHER_SUBJECTS = frozenset({"rus", "read", "math", "world", "nat", "art", "digital"})
# Subjects that get no homework and fewer marks.
LIGHT_SUBJECTS = frozenset({"music", "art", "pe", "nvtp", "graph", "digital"})
# Subjects with summative assessment (СОР twice a quarter; СОЧ from grade 5).
SUMMATIVE_SUBJECTS = frozenset(
    {
        "kaz",
        "kazlit",
        "rus",
        "ruslit",
        "read",
        "eng",
        "math",
        "alg",
        "geom",
        "inf",
        "world",
        "nat",
        "bio",
        "phys",
        "chem",
        "geo",
        "histkz",
        "histw",
        "law",
    }
)
# Teacher specialities: a teacher of `key` may teach all subjects of its group.
SPECIALITY = {
    "kaz": "kaz",
    "kazlit": "kaz",
    "rus": "rus",
    "ruslit": "rus",
    "eng": "eng",
    "math": "math",
    "alg": "math",
    "geom": "math",
    "inf": "inf",
    "digital": "inf",
    "bio": "bio",
    "nat": "bio",
    "phys": "phys",
    "chem": "chem",
    "geo": "geo",
    "histkz": "hist",
    "histw": "hist",
    "law": "hist",
    "music": "music",
    "art": "art",
    "graph": "art",
    "pe": "pe",
    "nvtp": "pe",
    "world": "bio",
    "read": "rus",
}
SPECIALITY_POSITION = {
    "kaz": "Учитель казахского языка и литературы",
    "rus": "Учитель русского языка и литературы",
    "eng": "Учитель английского языка",
    "math": "Учитель математики",
    "inf": "Учитель информатики",
    "bio": "Учитель биологии",
    "phys": "Учитель физики",
    "chem": "Учитель химии",
    "geo": "Учитель географии",
    "hist": "Учитель истории",
    "music": "Учитель музыки",
    "art": "Учитель художественного труда",
    "pe": "Учитель физической культуры",
}

TOPICS = {
    "kaz": ("Дыбыстар мен әріптер", "Зат есім", "Сын есім", "Етістік", "Сөйлем мүшелері", "Мәтінмен жұмыс"),
    "kazlit": ("Абай өлеңдері", "Ыбырай Алтынсарин әңгімелері", "Мұхтар Әуезов", "Халық ауыз әдебиеті"),
    "rus": (
        "Звуки и буквы",
        "Имя существительное",
        "Имя прилагательное",
        "Глагол",
        "Правописание приставок",
        "Сложное предложение",
        "Работа над ошибками",
        "Изложение",
    ),
    "ruslit": ("А. С. Пушкин. Лирика", "Н. В. Гоголь", "Басни И. А. Крылова", "Л. Н. Толстой", "Внеклассное чтение"),
    "read": ("Сказки народов Казахстана", "Рассказы о природе", "Стихи о Родине", "Внеклассное чтение"),
    "eng": ("My family", "School life", "Present Simple", "Past Simple", "Travelling", "Food and health"),
    "math": (
        "Сложение и вычитание",
        "Умножение и деление",
        "Дроби",
        "Уравнения",
        "Задачи на движение",
        "Площадь и периметр",
        "Проценты",
    ),
    "alg": ("Линейные уравнения", "Квадратные уравнения", "Функции и графики", "Неравенства", "Степени"),
    "geom": ("Треугольники", "Параллельные прямые", "Четырёхугольники", "Окружность", "Теорема Пифагора"),
    "inf": ("Алгоритмы", "Основы программирования на Python", "Электронные таблицы", "Компьютерные сети"),
    "digital": ("Компьютер и его части", "Безопасность в интернете", "Робототехника"),
    "world": ("Моя семья", "Моя Родина — Казахстан", "Времена года", "Правила дорожного движения"),
    "nat": ("Живая и неживая природа", "Вода и её свойства", "Воздух", "Почва", "Солнечная система"),
    "bio": ("Клетка", "Ткани растений", "Строение цветка", "Пищеварение", "Экосистемы"),
    "phys": ("Механическое движение", "Сила тяжести", "Давление", "Работа и мощность", "Электрический ток"),
    "chem": ("Атомы и молекулы", "Периодическая система", "Химические реакции", "Растворы", "Кислоты"),
    "geo": ("Карта и план", "Литосфера", "Климат Казахстана", "Население мира", "Природные зоны"),
    "histkz": ("Древние кочевники", "Саки и гунны", "Тюркский каганат", "Казахское ханство", "Независимый Казахстан"),
    "histw": ("Древний Египет", "Античная Греция", "Средние века", "Эпоха Возрождения", "Новое время"),
    "law": ("Конституция Республики Казахстан", "Права ребёнка", "Гражданское право", "Трудовое право"),
    "music": ("Казахские народные инструменты", "Кюй", "Песня и танец", "Музыка Курмангазы"),
    "art": ("Декоративно-прикладное искусство", "Казахский орнамент", "Лепка", "Аппликация"),
    "pe": ("Лёгкая атлетика", "Гимнастика", "Волейбол", "Баскетбол", "Национальные игры"),
    "nvtp": ("Строевая подготовка", "Гражданская оборона", "Первая медицинская помощь"),
    "graph": ("Чертёж и эскиз", "Проекции", "Компьютерная графика"),
}

HOMEWORK = {
    "default": (
        "§ {n}, вопросы 1–{q}",
        "Стр. {p}, упр. {e}",
        "Повторить тему «{t}»",
        "Подготовить сообщение по теме «{t}»",
    ),
    "math": ("№ {e}, {e2}", "Стр. {p}, № {e}–{e2}", "Решить задачи {e}, {e2}"),
    "eng": ("Ex. {q}, p. {p}", "Learn the new words, p. {p}", "Write an essay about «{t}»"),
}

CANCEL_REASONS = ("Карантин по гриппу", "Болезнь учителя", "Общешкольное мероприятие", "Низкая температура воздуха")
REPLACE_REASONS = ("Болезнь учителя", "Курсы повышения квалификации", "Командировка", "Семейные обстоятельства")
SCHOOL_COUNTERPARTS = (
    "СОШ №12 г. Караганды",
    "Школа-лицей №7 г. Астаны",
    "СОШ №25 г. Алматы",
    "Гимназия №3 г. Павлодара",
    "СОШ №5 г. Костаная",
    "Школа из Российской Федерации (г. Омск)",
    "НИШ г. Кокшетау",
    "СОШ №1 г. Петропавловска",
)
DEPART_REASONS = (
    "Смена места жительства",
    "Перевод в другую школу",
    "Выезд за пределы Республики Казахстан",
    "Поступление в колледж",
)
ARRIVE_REASONS = ("Смена места жительства", "Перевод из другой школы", "Прибытие из-за рубежа")


def public_holidays(start_year: int) -> frozenset[date]:
    """Public holidays of Kazakhstan that fall inside a school year."""
    y, z = start_year, start_year + 1
    days = {
        date(y, 10, 25),
        date(y, 12, 16),
        date(y, 12, 17),
        date(z, 1, 1),
        date(z, 1, 2),
        date(z, 1, 7),
        date(z, 3, 8),
        date(z, 3, 21),
        date(z, 3, 22),
        date(z, 3, 23),
        date(z, 5, 1),
        date(z, 5, 7),
        date(z, 5, 9),
    }
    return frozenset(days)


def school_days(start_year: int, until: date) -> list[date]:
    """Monday–Friday days inside the quarters, without public holidays, up to `until` inclusive."""
    holidays = public_holidays(start_year)
    out: list[date] = []
    for q in quarters(start_year):
        d = q.starts_on
        while d <= q.ends_on and d <= until:
            if d.weekday() < 5 and d not in holidays:
                out.append(d)
            d += timedelta(days=1)
    return out
