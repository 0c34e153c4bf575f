"""A small progress bar for long sweeps, written to stderr only when it is a terminal.

Examples
--------
>>> total = 0
>>> for item in progress(range(3), "summing"):  # silent when stderr is not a TTY
...     total += item
>>> total
3
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from typing import TextIO, TypeVar

__all__ = ["progress"]

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
    if not (hasattr(stream, "isatty") and stream.isatty()):
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
