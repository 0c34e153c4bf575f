"""Progress on stderr, drawn only when it is a terminal: a bar for sweeps, a status line for phases.

Examples
--------
>>> total = 0
>>> for item in progress(range(3), "summing"):  # silent when stderr is not a TTY
...     total += item
>>> total
3
>>> with Status("proving") as status:  # a line with the elapsed time, redrawn by a thread
...     status.phase("grid")
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterable, Iterator
from types import TracebackType
from typing import TextIO, TypeVar

__all__ = ["Status", "progress"]

T = TypeVar("T")


def progress(
    items: Iterable[T],
    label: str = "",
    total: int | None = None,
    stream: TextIO | None = None,
    every: float = 0.1,
) -> Iterator[T]:
    """Yield ``items`` unchanged, drawing ``label [####----] 3/8 1.2s`` on one line.

    Parameters
    ----------
    items : iterable
    label : str
        What is being done, printed before the bar.
    total : int, optional
        The number of items; default ``len(items)`` when it has one.
    stream : text file, optional
        Where to draw; default ``sys.stderr``. Nothing is drawn unless the
        stream is a terminal, so logs and pipes stay clean.
    every : float
        Redraw at most this often (seconds), so a fast loop is not slowed down.
    """
    stream = sys.stderr if stream is None else stream
    if total is None and hasattr(items, "__len__"):
        total = len(items)  # type: ignore[arg-type]
    if not _is_terminal(stream):
        yield from items
        return
    start = last = time.monotonic()

    def draw(done: int) -> None:
        elapsed = time.monotonic() - start
        if total:
            filled = 30 * done // total
            bar = f"[{'#' * filled}{'-' * (30 - filled)}] {done}/{total}"
        else:
            bar = f"{done}"
        stream.write(f"\r{label} {bar} {elapsed:.1f}s\x1b[K")
        stream.flush()

    done = 0
    try:
        for item in items:
            yield item
            done += 1
            now = time.monotonic()
            if now - last >= every:
                draw(done)
                last = now
    finally:
        draw(done)
        stream.write("\n")
        stream.flush()


def _is_terminal(stream: object) -> bool:
    return bool(getattr(stream, "isatty", None) and stream.isatty())


class Status:
    """``label: phase … 12.3s``, redrawn in place while a long computation runs.

    For work that reports no count (one entry's proof, one LaTeX document): a
    background thread redraws the line every ``every`` seconds with the elapsed
    time, so a run of 20 s is never silent. :meth:`phase` names the current step.
    On leaving, the line ends with ``done in 12.3s`` (or ``stopped after``, on an
    exception). Nothing at all is written unless the stream is a terminal.

    Parameters
    ----------
    label : str
        What is being done, e.g. ``"proving noble-up"``.
    stream : text file, optional
        Where to draw; default ``sys.stderr``.
    every : float
        Seconds between redraws.
    quiet : bool
        Draw nothing (a command's ``--quiet``).
    """

    def __init__(
        self, label: str, stream: TextIO | None = None, every: float = 0.2, quiet: bool = False
    ) -> None:
        self.label, self.every = label, every
        self.stream = sys.stderr if stream is None else stream
        self.active = not quiet and _is_terminal(self.stream)
        self._phase = ""
        self._start = time.monotonic()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def phase(self, text: str) -> None:
        """Name the step now running (shown on the next redraw, and at once)."""
        self._phase = text
        self._draw()

    def _draw(self, ending: str = "") -> None:
        if not self.active:
            return
        elapsed = time.monotonic() - self._start
        phase = f": {self._phase}" if self._phase else ""
        tail = ending or f"{elapsed:.1f}s"
        with self._lock:  # the thread and the caller may draw at once
            self.stream.write(f"\r{self.label}{phase} … {tail}\x1b[K")
            self.stream.flush()

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self._draw()

    def __enter__(self) -> Status:
        self._start = time.monotonic()
        if self.active:
            self._draw()
            self._thread = threading.Thread(target=self._run, daemon=True)
            self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        elapsed = time.monotonic() - self._start
        self._phase = ""
        self._draw(f"{'done in' if kind is None else 'stopped after'} {elapsed:.1f}s")
        if self.active:
            self.stream.write("\n")
            self.stream.flush()
