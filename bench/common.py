"""Shared pieces of the benchmark scripts: timing, timeouts, tables, JSON results."""

from __future__ import annotations

import json
import math
import multiprocessing
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))  # benchmark this checkout's symconv, not an installed copy


def median_time(function: Callable[[], object], repeats: int, warmup: int = 1) -> float:
    """Median wall time (seconds) of ``repeats`` calls after ``warmup`` calls."""
    for _ in range(warmup):
        function()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def interleaved(functions: dict[str, Callable[[], object]], repeats: int) -> dict[str, list[float]]:
    """Wall times of each function, called in turn ``repeats`` times after one warm-up.

    Taking turns means a burst of load from elsewhere on the machine slows all
    contenders of one round alike, so per-round ratios are steadier than ratios
    of separately measured medians.
    """
    for function in functions.values():
        function()
    times: dict[str, list[float]] = {name: [] for name in functions}
    for _ in range(repeats):
        for name, function in functions.items():
            start = time.perf_counter()
            function()
            times[name].append(time.perf_counter() - start)
    return times


def _child(queue: multiprocessing.Queue, function: Callable[..., float], args: tuple) -> None:
    queue.put(function(*args))


def with_timeout(function: Callable[..., float], args: tuple, seconds: float) -> float | None:
    """``function(*args)`` in a child process; None when it has not returned in ``seconds``."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    process = context.Process(target=_child, args=(queue, function, args))
    process.start()
    process.join(seconds)
    if process.is_alive():
        process.terminate()
        process.join()
        return None
    return queue.get() if not queue.empty() else None


def slope(sizes: list[float], times: list[float]) -> float | None:
    """Least-squares exponent b of time ≈ a · size^b (log-log slope)."""
    points = [(math.log(s), math.log(t)) for s, t in zip(sizes, times) if t and t > 0]
    if len(points) < 2:
        return None
    mx = statistics.fmean(p[0] for p in points)
    my = statistics.fmean(p[1] for p in points)
    sxx = sum((p[0] - mx) ** 2 for p in points)
    return sum((p[0] - mx) * (p[1] - my) for p in points) / sxx if sxx else None


def table(headers: list[str], rows: list[list[object]]) -> str:
    """A plain-text table (numbers formatted to 3 significant digits)."""

    def cell(value: object) -> str:
        if isinstance(value, float):
            return f"{value:.3g}"
        return "—" if value is None else str(value)

    cells = [[cell(v) for v in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in cells]
    return "\n".join(lines)


def machine() -> dict[str, object]:
    import numpy
    import scipy
    import sympy

    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "sympy": sympy.__version__,
    }


def write(name: str, quick: bool, payload: dict[str, object]) -> Path:
    """Write ``bench/results/<name>[-quick].json`` atomically."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}{'-quick' if quick else ''}.json"
    payload = {"benchmark": name, "quick": quick, "machine": machine(), **payload}
    handle, temporary = tempfile.mkstemp(dir=RESULTS, suffix=".tmp")
    with os.fdopen(handle, "w") as stream:
        json.dump(payload, stream, indent=1, default=float)
        stream.write("\n")
    os.replace(temporary, path)
    return path
