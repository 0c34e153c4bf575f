"""Shared pieces of the benchmark scripts: timing, timeouts, tables, JSON results."""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
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


def interleaved(
    functions: dict[str, Callable[[], object]], repeats: int, turn: float = 0.0
) -> dict[str, list[float]]:
    """Wall time per call of each function, the functions taking turns ``repeats`` times
    after one warm-up call each.

    Taking turns means a burst of load from elsewhere on the machine slows all
    contenders of one round alike, so per-round ratios are steadier than ratios
    of separately measured medians. The order rotates from round to round: what
    the previous call freed decides whether the allocator hands out fresh (lazily
    zeroed) pages or reused ones that must be cleared, so a fixed order would
    favour whoever always comes after the same neighbour.

    With ``turn`` = 0 a turn is one call: for a call of a millisecond or two, that
    time includes waking an idle core and refilling the caches after the other
    contenders' calls (measured: 1.2 ms back to back, 2.2 ms after 10 ms idle, for
    the 16→8-channel transposed layer). With ``turn`` > 0 a turn calls the function
    back to back as often as fills about ``turn`` seconds (at least once; its warm-up
    call's time decides) and records the mean, the time a call takes in a loop of
    calls, as ``timeit`` measures it. Turns of 20 ms are too short next to PyTorch:
    its OpenMP threads spin for some milliseconds after each call, on the core the
    next contender's threads need (the same layer in turns of 12 calls after
    PyTorch's: 1.9 ms a call, 1.2 ms alone, 1.4 ms with ``OMP_WAIT_POLICY=PASSIVE``).
    """
    numbers = {}
    for name, function in functions.items():
        start = time.perf_counter()
        function()
        numbers[name] = max(1, round(turn / (time.perf_counter() - start)))
    names = list(functions)
    times: dict[str, list[float]] = {name: [] for name in functions}
    for round_ in range(repeats):
        turn_ = round_ % len(names)
        for name in names[turn_:] + names[:turn_]:
            function, number = functions[name], numbers[name]
            start = time.perf_counter()
            for _ in range(number):
                function()
            times[name].append((time.perf_counter() - start) / number)
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


def dense_sympy(expr: object) -> object:
    """A matrix expression as SymPy computes it densely: each operator entry by entry
    (``as_explicit``), then SymPy's dense products, sums, transposes and Kronecker products.

    The baseline of the exact benchmark, and the oracle the fast exact path is tested
    against (it shares none of symconv's matrix code).
    """
    import sympy as sp
    from sympy import KroneckerProduct, MatAdd, MatMul, Transpose
    from sympy.matrices import kronecker_product

    if isinstance(expr, MatMul):
        coeff, factors = expr.as_coeff_matrices()
        product = dense_sympy(factors[0])
        for factor in factors[1:]:
            product = product * dense_sympy(factor)
        return coeff * product
    if isinstance(expr, MatAdd):
        return sum((dense_sympy(a) for a in expr.args[1:]), dense_sympy(expr.args[0]))
    if isinstance(expr, Transpose):
        return dense_sympy(expr.arg).T
    if isinstance(expr, KroneckerProduct):
        return kronecker_product(*(dense_sympy(a) for a in expr.args))
    return sp.Matrix(expr.as_explicit())


def cell(value: object, digits: int = 3) -> str:
    """A number as a table shows it: floats to ``digits`` significant digits, None as a dash."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.{digits}g}"
    return str(value)


def table(headers: list[str], rows: list[list[object]], rst: bool = False) -> str:
    """A plain-text table, or with ``rst`` a reStructuredText simple table for the docs."""
    cells = [[cell(v) for v in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]

    def line(values: Iterable[str]) -> str:
        return "  ".join(value.ljust(width) for value, width in zip(values, widths))

    if rst:
        rule = line("=" * w for w in widths)
        return "\n".join([rule, line(headers), rule, *map(line, cells), rule, ""])
    return "\n".join([line(headers), line("-" * w for w in widths), *map(line, cells)])


#: Each benchmark's table of result rows, as its script prints it and the Performance page
#: shows it: header (formatted with the first row's fields) -> the row's field, or a function
#: of the row.
COLUMNS: dict[str, dict[str, str | Callable[[dict], object]]] = {
    "exact": {
        "x size": lambda r: f"{r['n']}×{r['n']}",
        "non-zeros": "nonzeros",
        "symconv s": "symconv_s",
        "dense SymPy s": "dense_s",
        "speedup": "speedup",
    },
    "numeric": {
        "case": "case",
        "symconv ms": lambda r: 1e3 * r["symconv_s"],
        "÷ NumPy": "vs_numpy",
        "÷ torch 1 thread": "vs_torch_1thread",
        "÷ torch {torch_threads} threads": "vs_torch_default",
        "peak ÷ output": "peak_over_output",
        "ns/element": "ns_per_element",
        "floor ns": "floor_ns_per_element",
    },
    "codegen": {
        "n": "n",
        "non-zeros": "nonzeros",
        "symconv s": "symconv_s",
        "SymPy cse s": "sympy_cse_s",
        "speedup": "speedup",
    },
}


def results_table(benchmark: str, rows: list[dict], rst: bool = False) -> str:
    """The table of one benchmark's result rows, with the columns ``COLUMNS`` gives it."""
    columns = COLUMNS[benchmark]
    headers = [header.format(**rows[0]) if rows else header for header in columns]
    cells = [[r[c] if isinstance(c, str) else c(r) for c in columns.values()] for r in rows]
    return table(headers, cells, rst)


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


def results_path(name: str, quick: bool) -> Path:
    """Where a benchmark's results are kept: ``bench/results/<name>[-quick].json``."""
    return RESULTS / f"{name}{'-quick' if quick else ''}.json"


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file, so no reader sees half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(handle, "wb") as stream:
        stream.write(data)
    os.replace(temporary, path)


def write(name: str, quick: bool, payload: dict[str, object]) -> Path:
    """Write a benchmark's results, with the machine they were measured on, as JSON."""
    path = results_path(name, quick)
    payload = {"benchmark": name, "quick": quick, "machine": machine(), **payload}
    atomic_write(path, (json.dumps(payload, indent=1, default=float) + "\n").encode())
    return path


def report(name: str, quick: bool, result: dict[str, object], summary: str) -> dict[str, object]:
    """Print a benchmark's table (``COLUMNS``) and summary line, write its results, return them."""
    print(results_table(name, result["rows"]))
    print(summary)
    write(name, quick, result)
    return result


def parser(doc: str, quick_help: str = "smaller sizes, under a minute") -> argparse.ArgumentParser:
    """The command line every script here shares: its docstring's first line and ``--quick``."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=quick_help)
    return parser


def main(run: Callable[[bool], object], doc: str) -> int:
    """Run one benchmark from its command line, ``python bench/<name>.py [--quick]``."""
    run(parser(doc).parse_args().quick)
    return 0
