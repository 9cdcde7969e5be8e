"""Exports share the server with interactive searches without starving them.

An export (the search CSV, the decisions CSV) ranks up to 10,000 results and decodes each into
a row: seconds of CPU on a large index, where a search takes milliseconds. Waitress has a fixed
pool of worker threads, so a few exports at once used to hold every thread and a trivial search
waited for them. Two limits keep searches responsive:

* **At most ``EXPORT_SLOTS`` exports run at once** (``serve --export-slots``, by default a
  quarter of the worker threads, at least one). The gate does not queue: an export that finds
  every slot taken is answered at once with 503, ``Retry-After`` and a message in Chinese (JSON,
  as every ``/api/`` error), so waiting exports never occupy the threads searches need.
* **Each export stops at ``EXPORT_SECONDS``** (``serve --export-seconds``). The clock is read
  before each row is produced, so the export ends cleanly between rows: the file stays valid
  CSV and its last row says that it stopped and after how many rows.

A row cap, a ranking cut at the search time limit, and the time budget are all stated the same
way: one last row whose only cell starts with ``#`` (``pandas.read_csv(comment="#")`` skips
it; the note holds no ASCII comma or quote, so the writer never quotes it). What is known before the first byte is also in the headers: ``X-Policysearch-Total`` (the
results the query found) and ``X-Policysearch-Truncated`` (``rows``, ``ranking``); a stop at the
time budget can only be told in the last row.

A slot is taken after the parameters are checked (a bad request is a 400 even when exports are
busy) and released when the server closes the response: after the last row, when the client
goes away, or when the view fails before streaming.
"""
from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, current_app, stream_with_context

from indexer.csvexport import iter_csv

from .errors import error_response

log = logging.getLogger(__name__)

DEFAULT_SLOTS = 2
DEFAULT_SECONDS = 30.0
MAX_RETRY_AFTER = 10  # seconds a refused client is asked to wait (an export ends within the budget)
TOTAL_HEADER = "X-Policysearch-Total"
TRUNCATED_HEADER = "X-Policysearch-Truncated"
NOTE_MARK = "#"


def slots_for(threads: int) -> int:
    """The default number of export slots for a server with ``threads`` workers: a quarter,
    at least one, so three quarters of the threads always remain for searches."""
    return max(1, threads // 4)


class Slot:
    """One export's place at the gate; released once, however often ``release`` is called."""

    def __init__(self, semaphore: threading.BoundedSemaphore) -> None:
        self._semaphore = semaphore
        self._lock = threading.Lock()
        self._held = True

    def release(self) -> None:
        with self._lock:
            if self._held:
                self._held = False
                self._semaphore.release()


class ExportGate:
    """At most ``slots`` exports at once, each within ``seconds``; never waits for a slot."""

    def __init__(self, slots: int = DEFAULT_SLOTS, seconds: float = DEFAULT_SECONDS) -> None:
        if slots < 1:
            raise ValueError(f"export slots must be at least 1, got {slots}")
        if seconds < 0:
            raise ValueError(f"export seconds must not be negative, got {seconds}")
        self.slots = slots
        self.seconds = float(seconds)
        self._semaphore = threading.BoundedSemaphore(slots)

    def enter(self) -> Slot | None:
        """A slot, or ``None`` when every slot is taken."""
        return Slot(self._semaphore) if self._semaphore.acquire(blocking=False) else None

    @property
    def retry_after(self) -> int:
        return max(1, min(MAX_RETRY_AFTER, math.ceil(self.seconds)))

    def busy_response(self) -> Response:
        response = error_response(
            503, f"导出繁忙：同时最多进行 {self.slots} 个导出，请约 {self.retry_after} 秒后再试。检索不受影响。")
        response.headers["Retry-After"] = str(self.retry_after)
        return response


def gate() -> ExportGate:
    return current_app.extensions["policysearch_exports"]


def init_app(app: Flask) -> None:
    """One gate per app, from ``EXPORT_SLOTS`` and ``EXPORT_SECONDS``."""
    app.extensions["policysearch_exports"] = ExportGate(int(app.config["EXPORT_SLOTS"]),
                                                        float(app.config["EXPORT_SECONDS"]))


@dataclass(frozen=True)
class Completeness:
    """What is known before the first row: how many results there are, how many the export
    may hold, and whether the ranking was cut short."""

    total: int
    limit: int
    ranking_cut: bool = False

    def headers(self) -> dict[str, str]:
        reasons = [name for name, hit in (("rows", self.total > self.limit), ("ranking", self.ranking_cut)) if hit]
        return {TOTAL_HEADER: str(self.total), **({TRUNCATED_HEADER: ", ".join(reasons)} if reasons else {})}

    def closing_note(self, written: int) -> str | None:
        """The last row of an export that ran to its end, when it is not the whole result."""
        notes = []
        if self.total > written:
            notes.append(f"共 {self.total} 条结果，导出上限 {self.limit} 条，本文件只含前 {written} 条")
        if self.ranking_cut:
            notes.append("检索超时，排序只覆盖了部分结果，结果可能不完整")
        return f"{NOTE_MARK} 导出不完整：" + "；".join(notes) + "。" if notes else None

    def budget_note(self, written: int, seconds: float) -> str:
        """The last row of an export stopped by the time budget."""
        return (f"{NOTE_MARK} 导出不完整：已达导出时限 {seconds:g} 秒，本文件只含前 {written} 条结果"
                f"（共 {self.total} 条）。请缩小检索范围后再导出。")


def within_budget(rows: Iterable[Sequence[Any]], known: Completeness, deadline: float, seconds: float,
                  clock: Callable[[], float] = time.monotonic) -> Iterator[Sequence[Any]]:
    """``rows`` until ``deadline`` (read before each row is produced: a row's cost is in making
    it), then one note row if the export is not the whole result."""
    source = iter(rows)
    written = 0
    while True:
        if clock() >= deadline:
            if next(source, None) is None:  # nothing was left: the export is complete after all
                break
            log.info("export stopped at its %g s budget after %d rows", seconds, written)
            yield [known.budget_note(written, seconds)]
            return
        row = next(source, None)
        if row is None:
            break
        written += 1
        yield row
    note = known.closing_note(written)
    if note:
        yield [note]


def csv_response(slot: Slot, started: float, columns: Sequence[str], rows: Iterable[Sequence[Any]],
                 known: Completeness, filename: str) -> Response:
    """The streamed CSV of an export that holds ``slot`` (released when the response closes)."""
    seconds = gate().seconds
    body = iter_csv(columns, within_budget(rows, known, started + seconds, seconds))

    def stream() -> Iterator[str]:
        try:
            yield from body
        finally:
            slot.release()

    response = Response(stream_with_context(stream()), mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename={filename}", **known.headers()})
    response.call_on_close(slot.release)  # also when the body is never read
    return response


def run_export(build: Callable[[Slot, float], Response]) -> Response:
    """``build(slot, started)`` under a slot, or the 503 answer when every slot is taken; the
    slot is released if ``build`` fails before the response exists."""
    the_gate = gate()
    slot = the_gate.enter()
    if slot is None:
        log.info("export refused: all %d export slots are busy", the_gate.slots)
        return the_gate.busy_response()
    try:
        return build(slot, time.monotonic())
    except BaseException:
        slot.release()
        raise
