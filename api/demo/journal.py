"""The journal of one class this year: timetable, lessons, homework, absences and marks."""

from __future__ import annotations

import bisect
import math
import random
from collections import defaultdict
from datetime import date, timedelta

from api.demo import curriculum
from api.demo.days import local_utc
from api.demo.generator import Generator
from api.demo.records import ClassInfo, Lesson, OrgInfo, Staff, Student
from api.demo.tables import Rows


class ClassYear:
    """The journal of one class this year: timetable, lessons, homework, absences, marks."""

    def __init__(
        self, gen: Generator, org: OrgInfo, rows: Rows, staff: list[Staff], rnd: random.Random, c: ClassInfo
    ) -> None:
        self.g = gen
        self.rows = rows
        self.staff = staff
        self.c = c
        self.rnd = rnd
        self.org_id = org.id
        self.region_id = org.region_id

    def _timetable(self) -> list[list[tuple[int, str, Staff]]]:
        """Assignments for each weekday (Monday–Friday), in lesson order."""
        slots: list[tuple[int, str, Staff]] = []
        for aid, subj, hours, t in sorted(self.c.assignments, key=lambda a: (-a[2], a[1])):
            slots.extend([(aid, subj, t)] * hours)
        week: list[list[tuple[int, str, Staff]]] = [[] for _ in range(5)]
        offset = self.rnd.randrange(5)
        for i, slot in enumerate(slots):
            week[(i + offset) % 5].append(slot)
        for day in week:
            self.rnd.shuffle(day)
        return week

    def build(self) -> None:
        g, rnd, c, rows = self.g, self.rnd, self.c, self.rows
        random = rnd.random
        week = self._timetable()
        teachers = [s for s in self.staff if s.speciality is not None]
        # Dates of each assignment's lessons over the whole year: homework is due at the next one.
        assignment_days: dict[int, list[date]] = defaultdict(list)
        for d in g.full_days:
            for aid, _, _ in week[d.weekday()]:
                assignment_days[aid].append(d)
        org, reg, cid = self.org_id, self.region_id, c.id
        day_lessons: dict[date, list[Lesson]] = {}
        count: dict[int, int] = defaultdict(int)
        with_homework = c.grade >= 2
        hw_scale = (1.7 if c.overloaded else 1.0) * (10 + 2.2 * c.grade)
        quarantine: set[date] = set()
        if random() < 0.08 and len(g.days) > 20:
            qs = rnd.randrange(len(g.days) - 3)
            quarantine = set(g.days[qs : qs + rnd.randrange(1, 4)])
        lessons, homework = rows["lessons"], rows["homework"]
        lid = g.ids.next["lessons"]
        subject_ids, light = g.subject_ids, curriculum.LIGHT_SUBJECTS
        for d in g.days:
            todays: list[Lesson] = []
            for number, (aid, subj, t) in enumerate(week[d.weekday()], start=1):
                count[aid] += 1
                i = count[aid]
                r = random()
                substitute = None
                reason = None
                status = "held"
                if d in quarantine:
                    status, reason = "cancelled", curriculum.CANCEL_REASONS[0]
                elif r < 0.008:
                    status, reason = "cancelled", curriculum.CANCEL_REASONS[1 + int(random() * 3)]
                elif r < 0.03 and len(teachers) > 1:
                    sub = teachers[int(random() * len(teachers))]
                    if sub.person_id != t.person_id:
                        status, substitute = "replaced", sub.person_id
                        reason = curriculum.REPLACE_REASONS[int(random() * len(curriculum.REPLACE_REASONS))]
                cycle = g.topic_cycle[subj]
                topic = cycle[(i - 1) % len(cycle)] if random() < 0.97 * t.diligence + 0.02 else None
                lessons.append(
                    (
                        lid,
                        org,
                        reg,
                        cid,
                        aid,
                        subject_ids[subj],
                        t.person_id,
                        d,
                        number,
                        topic,
                        status,
                        substitute,
                        reason,
                        True,
                    )
                )
                if status != "cancelled":
                    todays.append((lid, aid, subj, t, substitute))
                    if with_homework and subj not in light and random() < 0.8 * t.diligence:
                        dates = assignment_days[aid]
                        j = bisect.bisect_right(dates, d)
                        due = dates[j] if j < len(dates) else d + timedelta(days=7)
                        minutes = max(5, int((0.6 + 0.8 * random()) * hw_scale / 5) * 5)
                        pool = g.homework_pool[subj]
                        homework.append((org, reg, cid, lid, pool[int(random() * len(pool))], minutes, due))
                lid += 1
            if todays:
                day_lessons[d] = todays
        g.ids.next["lessons"] = lid
        absent = self._absences(day_lessons)
        if c.grade >= 2:  # first graders get no marks in Kazakhstan
            self._marks(day_lessons, absent, assignment_days)

    def _active(self, d: date) -> list[Student]:
        return [s for s in self.c.students if s.starts_on <= d and (s.ends_on is None or d <= s.ends_on)]

    def _absences(self, day_lessons: dict[date, list[Lesson]]) -> set[int]:
        """Absences by reason; returns the keys (lesson id << 24 | student id) of those not present (not the late)."""
        rnd, rows = self.rnd, self.rows
        random = rnd.random
        days = sorted(day_lessons)
        absent: set[int] = set()
        if not days:
            return absent
        out = rows["absences"]
        org, reg, cid = self.org_id, self.region_id, self.c.id
        for s in self.c.students:
            mine = [d for d in days if s.starts_on <= d and (s.ends_on is None or d <= s.ends_on)]
            if not mine:
                continue
            spid = s.person_id
            seen: set[int] = set()
            n = len(mine)
            scale = n / 60
            picks: list[tuple[date, int, str]] = []
            episodes = rnd.choices((0, 1, 2), (45, 40, 15))[0] if random() < scale * 1.5 else 0
            for _ in range(episodes):
                start = int(random() * n)
                for d in mine[start : start + rnd.randint(2, 5)]:
                    picks.extend((d, lesson[0], "illness") for lesson in day_lessons[d])
            if random() < 0.25 * scale:
                d = mine[int(random() * n)]
                picks.extend((d, lesson[0], "valid") for lesson in day_lessons[d])
            for _ in range(int(random() * (2 + s.ability))):
                if random() < scale:
                    d = mine[int(random() * n)]
                    todays = day_lessons[d]
                    picks.append((d, todays[int(random() * len(todays))][0], "unexcused"))
            for _ in range(int(random() * 4)):
                if random() < scale:
                    d = mine[int(random() * n)]
                    picks.append((d, day_lessons[d][0][0], "late"))
            for d, lesson_id, reason in picks:
                if lesson_id in seen:
                    continue
                seen.add(lesson_id)
                out.append((org, reg, cid, lesson_id, spid, d, reason))
                if reason != "late":
                    absent.add(lesson_id << 24 | spid)
        return absent

    def _marks(
        self, day_lessons: dict[date, list[Lesson]], absent: set[int], assignment_days: dict[int, list[date]]
    ) -> None:
        """Current marks, СОР and СОЧ on lessons, and the quarter marks of the quarters that have ended."""
        g, rnd, c = self.g, self.rnd, self.c
        random = rnd.random
        marks = self.rows["marks"]
        journal = self.rows["journal_changes"]
        org, reg, cid = self.org_id, self.region_id, c.id
        share = g.p.marks_per_lesson
        now = g.now
        subject_ids, light = g.subject_ids, curriculum.LIGHT_SUBJECTS
        quarter_ids, quarter_of = g.refs.quarter_ids, g.quarter_of
        enter, n_enter, late_offsets = g.enter_offsets, len(g.enter_offsets), g.late_offsets
        teacher_name = {s.person_id: s.name for s in self.staff}
        # Summative assessment, planned over each quarter's timetable: two СОР a subject (at about a third
        # and two thirds of its lessons) and, from grade 5, a СОЧ at the last lesson but one.
        summative: dict[tuple[int, date], str] = {}
        for aid, subj, _, _ in c.assignments:
            if subj not in curriculum.SUMMATIVE_SUBJECTS:
                continue
            for q in g.quarters:
                planned = [d for d in assignment_days[aid] if q.starts_on <= d <= q.ends_on]
                n = len(planned)
                if n < 3:
                    continue
                summative[(aid, planned[int(n * 0.35)])] = "sor"
                summative[(aid, planned[int(n * 0.7)])] = "sor"
                if c.grade >= 5 and n >= 6:
                    summative[(aid, planned[-2])] = "soch"
        # Sum and count of current marks per (quarter, assignment, student), packed as sum << 12 | count.
        sums: dict[int, dict[int, int]] = {q.number: {} for q in g.quarters}
        mid = g.ids.next["marks"]
        for d in sorted(day_lessons):
            qn = quarter_of[d].number
            acc = sums[qn]
            period_id = quarter_ids[qn]
            active = self._active(d)
            n = len(active)
            if not n:
                continue
            doubled = active + active
            base = g.day_base[d]
            for lesson_id, aid, subj, t, substitute in day_lessons[d]:
                author = substitute or t.person_id
                entered = base + enter[int(random() * n_enter)]
                if random() < 0.06 * (2 - t.diligence):
                    entered += late_offsets[int(random() * 6)]
                if entered > now:
                    entered = now
                kind = summative.get((aid, d))
                marked: list[Student]
                if kind is None:
                    kind = "current"
                    k = int(n * share * (0.45 if subj in light else 1.0) * (0.5 + random()))
                    if not k:
                        continue
                    start = int(random() * n)
                    marked = doubled[start : start + k]
                else:
                    marked = active
                current = kind == "current"
                sid = subject_ids[subj]
                key_lesson = lesson_id << 24
                key_asg = aid << 24
                for s in marked:
                    spid = s.person_id
                    if key_lesson | spid in absent:
                        continue
                    value = s.values[int(random() * 20)]
                    if current:
                        r = random()
                        if r < 0.006:  # an edited or deleted mark, with its history in the journal
                            old = value % 5 + 1 if r < 0.0045 else value
                            when = min(entered + late_offsets[int(random() * 6)], now)
                            head = (org, reg, mid, cid, sid, spid, d, kind)
                            by = (author, teacher_name.get(author))
                            journal.append((*head, "created", None, str(old), *by, entered))
                            if r >= 0.0045:
                                journal.append((*head, "deleted", str(old), None, *by, when))
                                mid += 1
                                continue
                            journal.append((*head, "changed", str(old), str(value), *by, when))
                        key = key_asg | spid
                        acc[key] = acc.get(key, 0) + (value << 12) + 1
                    marks.append(
                        (mid, org, reg, cid, sid, spid, lesson_id, period_id, kind, value, False, d, author, entered)
                    )
                    mid += 1
        g.ids.next["marks"] = mid
        self._period_marks(sums)

    def _period_marks(self, sums: dict[int, dict[int, int]]) -> None:
        """Quarter marks for the quarters that have ended: the rounded average of current marks, a few «н/а»."""
        g, rnd, c = self.g, self.rnd, self.c
        random = rnd.random
        marks = self.rows["marks"]
        mid = g.ids.next["marks"]
        for q in g.quarters:
            if q.ends_on >= g.p.today:
                continue
            acc = sums[q.number]
            at = local_utc(q.ends_on, 15) + timedelta(days=1)
            period_id = g.refs.quarter_ids[q.number]
            head = (self.org_id, self.region_id, c.id)
            students = [
                s for s in c.students if s.starts_on <= q.ends_on and (s.ends_on is None or s.ends_on >= q.ends_on)
            ]
            for aid, subj, _, t in c.assignments:
                sid = g.subject_ids[subj]
                for s in students:
                    packed = acc.get(aid << 24 | s.person_id, 0)
                    total, n = packed >> 12, packed & 4095
                    if n == 0:  # no current mark this quarter (a light subject): graded on other work
                        total, n = s.values[int(random() * 20)], 1
                    not_attested = random() < 0.003  # «н/а»
                    value = None if not_attested else max(1, min(5, math.floor(total / n + 0.5)))
                    mark = (sid, s.person_id, None, period_id, "quarter")  # subject, student, no lesson, period, kind
                    marks.append((mid, *head, *mark, value, not_attested, q.ends_on, t.person_id, at))
                    mid += 1
        g.ids.next["marks"] = mid
