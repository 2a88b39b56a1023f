"""The .xlsx export of any report: caption, merged header tree, frozen header, totals; strings stay strings.

`build_workbook(rep)` builds it in the calling thread. `build_workbook_async(rep)` is what the service awaits:
a small export is built in a worker thread; a large one in a worker process (`spawn`, one worker, created on
first use and shut down with the app, `shutdown_export_pool`), so that building it, ~3 s of CPU for 100,000
rows × 14 columns, never holds the GIL of the process that serves requests. The writer is `xlsx_writer.py`.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import pickle
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from api.services.reports.engine import NO_DATA, Col, RenderedReport, t
from api.services.reports.localtime import fmt_local
from api.services.reports.xlsx_writer import SheetSpec, chunked, report_rows, write_workbook, write_workbook_pickled

CAPTION: dict[str, dict[str, str]] = {
    "filters": {"ru": "Фильтры", "kk": "Сүзгілер", "en": "Filters"},
    "as_of": {"ru": "Данные на", "kk": "Деректер", "en": "Data as of"},
    "view": {"ru": "Форма", "kk": "Нысан", "en": "View"},
}

# Exports of at least this many cells (rows × leaf columns) are built in the worker process; smaller ones
# (a school's list of 2,000 students × 10 columns) in a thread, where the process round trip would cost more.
PROCESS_MIN_CELLS = 50_000
# Rows per chunk: rendered to one string; sent to the worker pickled in one call that holds the GIL (~5 ms).
CHUNK_ROWS = 2_000

log = logging.getLogger(__name__)
_pool: ProcessPoolExecutor | None = None


def sheet_spec(rep: RenderedReport) -> SheetSpec:
    """The caption, header tree and column kinds of a report run."""
    lang = rep.ctx.lang
    leaves = rep.leaves
    captions: list[str] = []
    if rep.view_title:
        captions.append(f"{t(CAPTION['view'], lang)}: {rep.view_title}")
    filters = "; ".join(f"{f['label']}: {f['name']}" for f in rep.ctx.filters.names)
    if filters:
        captions.append(f"{t(CAPTION['filters'], lang)}: {filters}")
    as_of = rep.result.data_as_of
    if as_of is not None:
        captions.append(f"{t(CAPTION['as_of'], lang)}: {fmt_local(as_of)}")
    if rep.count_label:
        captions.append(rep.count_label)
    depth = max((c.depth() for c in rep.columns), default=1)
    return SheetSpec(
        sheet_name=rep.definition.id.replace(".", "_")[:31],
        ids=tuple(leaf.id for leaf in leaves),
        title=rep.title,
        captions=tuple(captions),
        header=tuple(_tree_cells(rep.columns, depth, lang)),
        depth=depth,
        kinds=tuple(leaf.kind for leaf in leaves),
        widths=tuple(min(max(len(t(leaf.title, lang)), 6), 40) for leaf in leaves),
        no_data=t(NO_DATA, lang),
    )


def build_workbook(rep: RenderedReport) -> bytes:
    """The workbook bytes for a report run, built in the calling thread (CPU-bound)."""
    spec = sheet_spec(rep)
    return write_workbook(spec, chunked(report_rows(rep.result.rows, spec.ids, rep.result.totals), CHUNK_ROWS))


def _pickled_chunks(rows: list[dict[str, Any]]) -> list[bytes]:
    return [
        pickle.dumps(rows[i : i + CHUNK_ROWS], protocol=pickle.HIGHEST_PROTOCOL)
        for i in range(0, len(rows), CHUNK_ROWS)
    ]


def _export_pool() -> ProcessPoolExecutor:
    global _pool
    if _pool is None:
        # spawn: a fresh interpreter that imports only xlsx_writer (stdlib + xlsxwriter), not a fork of a
        # process with an event loop, a connection pool and threads.
        _pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
    return _pool


def shutdown_export_pool() -> None:
    """Stop the export worker process (app shutdown); the next large export starts a new one."""
    global _pool
    pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=False, cancel_futures=True)


async def build_workbook_async(rep: RenderedReport, process_min_cells: int = PROCESS_MIN_CELLS) -> bytes:
    """Build the workbook off the event loop: in a thread when small, else in the export worker process."""
    cells = (len(rep.result.rows) + 1) * max(len(rep.leaves), 1)
    if cells < process_min_cells:
        return await asyncio.to_thread(build_workbook, rep)
    spec = sheet_spec(rep)
    chunks = await asyncio.to_thread(_pickled_chunks, rep.result.rows)
    loop = asyncio.get_running_loop()
    try:
        return await loop.run_in_executor(_export_pool(), write_workbook_pickled, spec, chunks, rep.result.totals)
    except BrokenProcessPool:
        # The worker died (killed, out of memory): start afresh next time, build this one in a thread.
        log.exception("the export worker process died; building the workbook in a thread")
        shutdown_export_pool()
        return await asyncio.to_thread(build_workbook, rep)


def _tree_cells(columns: list[Col], depth: int, lang: str) -> list[tuple[int, int, int, int, str]]:
    cells: list[tuple[int, int, int, int, str]] = []

    def walk(col: Col, row: int, first_col: int) -> int:
        width = len(col.leaves())
        last_row = row if col.children else depth - 1
        cells.append((row, first_col, last_row, first_col + width - 1, t(col.title, lang)))
        c = first_col
        for child in col.children:
            c = walk(child, row + 1, c)
        return first_col + width

    c = 0
    for col in columns:
        c = walk(col, 0, c)
    return cells
