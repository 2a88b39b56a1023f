"""What the demo's schools teach: subjects, hours by grade, teacher specialities, lesson topics and homework."""

from __future__ import annotations

import random

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
_LANGUAGES = {"kaz": 3, "kazlit": 2, "rus": 3, "ruslit": 2, "eng": 3}
_MIDDLE = {**_LANGUAGES, "math": 5, "inf": 1, "nat": 2, "histkz": 1, "histw": 1, "music": 1, "art": 2, "pe": 3}
_SENIOR = {**_LANGUAGES, "kaz": 2, "rus": 2, "eng": 2, "alg": 3, "geom": 2, "inf": 2, "bio": 2, "phys": 2, "chem": 2}
_GRADE7 = {**_SENIOR, "eng": 3, "inf": 1, "chem": 1, "geo": 2, "histkz": 2, "histw": 1, "art": 1, "pe": 3}
CURRICULUM: dict[int, dict[str, int]] = {
    1: {**_PRIMARY, "eng": 0, "read": 2, "kaz": 2},
    2: {**_PRIMARY, "digital": 1},
    3: {**_PRIMARY, "digital": 1},
    4: {**_PRIMARY, "digital": 1, "nat": 2},
    5: _MIDDLE,
    6: _MIDDLE,
    7: _GRADE7,
    8: {**_GRADE7, "chem": 2},
    9: {**_SENIOR, "inf": 1, "geo": 2, "histkz": 2, "histw": 1, "law": 1, "pe": 2},
    10: {**_SENIOR, "geo": 1, "histkz": 2, "histw": 1, "nvtp": 1, "pe": 2},
    11: {**_SENIOR, "geo": 1, "histkz": 2, "law": 1, "graph": 1, "nvtp": 1, "pe": 2},
}
# Subjects that primary class teachers teach themselves (grades 1–4).
PRIMARY_CLASS_TEACHER_SUBJECTS = frozenset({"rus", "read", "math", "world", "nat", "art", "digital"})
# Subjects that get no homework and fewer marks.
LIGHT_SUBJECTS = frozenset({"music", "art", "pe", "nvtp", "graph", "digital"})
# Subjects with summative assessment (СОР twice a quarter; СОЧ from grade 5).
SUMMATIVE_SUBJECTS = frozenset(
    "kaz kazlit rus ruslit read eng math alg geom inf world nat bio phys chem geo histkz histw law".split()
)
# Teacher specialities: a teacher of `key` may teach all subjects of its group.
_TEACHES = {
    "kaz": "kaz kazlit",
    "rus": "rus ruslit read",
    "eng": "eng",
    "math": "math alg geom",
    "inf": "inf digital",
    "bio": "bio nat world",
    "phys": "phys",
    "chem": "chem",
    "geo": "geo",
    "hist": "histkz histw law",
    "music": "music",
    "art": "art graph",
    "pe": "pe nvtp",
}
SPECIALITY = {subject: key for key, subjects in _TEACHES.items() for subject in subjects.split()}
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


def homework_text(rnd: random.Random, subj: str, topic: str) -> str:
    """A homework assignment for a lesson of `subj` on `topic`."""
    key = "math" if subj in ("math", "alg", "geom") else subj
    templates = HOMEWORK.get(key, HOMEWORK["default"])
    e = rnd.randrange(1, 400)
    return rnd.choice(templates).format(
        n=rnd.randrange(1, 40),
        q=rnd.randrange(3, 8),
        p=rnd.randrange(5, 250),
        e=e,
        e2=e + rnd.randrange(1, 6),
        t=topic,
    )
