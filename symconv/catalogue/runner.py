"""Run the whole catalogue, in parallel, with progress: the engine of ``symconv prove --all``.

Work is split into independent tasks — establishing each rewrite rule, and
checking each slice of each entry's exhaustive grid — run together in one
process pool (forked, so nothing is pickled but the results; the longest
tasks first, so that no worker idles at the end), and then every derivation
is assembled in a second pool forked *after* the results are in the parent's
caches. A progress counter goes to ``progress`` after each finished task.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from typing import TextIO

import scipy.linalg  # noqa: F401 - starts SciPy's BLAS threads before _BLAS_THREADS counts

from symconv.catalogue import entry as entry_module
from symconv.catalogue import get, names
from symconv.derivation import Derivation
from symconv.proof import rules

__all__ = ["prove_all"]

#: How many slices the exhaustive grid of an expensive entry is cut into.
SLICES = {"transposed-conv-as-direct-conv": 8, "transposed-conv-is-gradient": 4}

#: Derivations that take longest to assemble (their own extra tiers), started first.
SLOW_DERIVATIONS = ("conv-arithmetic", "transposed-conv-as-transpose", "checkerboard-overlap")

#: Wall time of the last run's phases: establishing rules together with the
#: exhaustive/numeric grids, then assembling derivations (rewrite and symbolic tiers, chains).
TIMINGS: dict[str, float] = {}

#: CPU time of the last run's work by kind, summed over the worker processes.
CPU: dict[str, float] = {}

#: Derivations already proven in this process (at the default parameters).
_DERIVED: dict[str, tuple[str, Derivation, float]] = {}


def _task(task: tuple) -> tuple:
    """A rule (``("rule", name)``) or a grid slice (``("slice", (name, index, count))``)."""
    kind, key = task
    start = time.process_time()
    if kind == "rule":
        value = rules.establish(key)
    else:
        value = entry_module.grid_slice(get(key[0]), key[1], key[2])
    return kind, key, value, time.process_time() - start


def _derive_task(name: str) -> tuple[str, Derivation, float, float]:
    start, cpu = time.perf_counter(), time.process_time()
    derivation = get(name).derivation()
    return name, derivation, time.perf_counter() - start, time.process_time() - cpu


class _Progress:
    """``[ 12/40] label`` lines: works without a terminal (no carriage returns needed)."""

    def __init__(self, total: int, stream: TextIO | None) -> None:
        self.total, self.done, self.stream = total, 0, stream

    def step(self, label: str) -> None:
        self.done += 1
        if self.stream is not None:
            width = 20
            filled = width * self.done // self.total
            print(
                f"[{'#' * filled}{'.' * (width - filled)}] {self.done:3d}/{self.total} {label}",
                file=self.stream,
                flush=True,
            )


def _native_threads() -> int:
    """OS threads of this process not started by :mod:`threading` (0 where Linux's
    /proc/self/task does not list them)."""
    if not os.path.isdir("/proc/self/task"):
        return 0
    return len(os.listdir("/proc/self/task")) - threading.active_count()


#: Native threads when this module was imported: NumPy's and SciPy's BLAS pools (started on
#: import, shut down before a fork and restarted later, so never more than this many).
_BLAS_THREADS = _native_threads()


def _pool(jobs: int):
    """A pool of ``jobs`` forked workers, or ``None`` to run the tasks in this process.

    Workers ignore SIGINT: Ctrl-C reaches the whole process group, and only the
    parent should react (by terminating the pool in :func:`_run`); a worker that
    died of it would be replaced and its task lost, leaving the parent waiting.
    """
    if jobs <= 1:
        return None
    if "fork" not in multiprocessing.get_all_start_methods():
        return multiprocessing.Pool(
            jobs, initializer=signal.signal, initargs=(signal.SIGINT, signal.SIG_IGN)
        )
    # Forking a process that runs other threads copies only the calling one: a lock held by
    # another stays locked forever in the child. Run serially when a Python thread runs, when
    # Linux lists more native threads than the BLAS pools had, or when a framework that starts
    # its own native threads (JAX, TensorFlow, PyTorch) was imported, e.g. by other tests.
    if (
        threading.active_count() > 1
        or _native_threads() > _BLAS_THREADS
        or not {"jax", "tensorflow", "torch"}.isdisjoint(sys.modules)
    ):
        return None
    context = multiprocessing.get_context("fork")
    return context.Pool(jobs, initializer=signal.signal, initargs=(signal.SIGINT, signal.SIG_IGN))


def _run(pool, function: Callable, tasks: list, on_result: Callable) -> None:
    """``on_result(function(task))`` for every task, in the pool if there is one.

    On Ctrl-C (KeyboardInterrupt) or SIGTERM in the parent, the pool is terminated
    at once, so that no worker outlives the command or writes to a closed pipe.
    """
    if pool is None:
        for task in tasks:
            on_result(function(task))
        return

    def terminated(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)  # unwinds to the ``except`` below, then exits

    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, terminated) if in_main_thread else None
    try:
        for result in pool.imap_unordered(function, tasks):
            on_result(result)
    except BaseException:
        pool.terminate()
        raise
    finally:
        if in_main_thread:
            signal.signal(signal.SIGTERM, previous)


def _run_timed(label: str, jobs: int, function: Callable, tasks: list, on_result: Callable) -> None:
    """:func:`_run` in a fresh pool of ``jobs`` workers (closed after), its wall time
    recorded in ``TIMINGS[label]``."""
    pool = _pool(jobs)
    started = time.perf_counter()
    try:
        _run(pool, function, tasks, on_result)
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    TIMINGS[label] = time.perf_counter() - started


def prove_all(
    selected: list[str] | None = None, jobs: int | None = None, progress: TextIO | None = sys.stderr
) -> list[tuple[str, Derivation, float]]:
    """Every catalogue derivation, checked: ``[(name, derivation, seconds)]`` in catalogue order."""
    selected = names() if selected is None else selected
    if all(name in _DERIVED for name in selected):  # already proven in this process
        bar = _Progress(len(selected), progress)
        for name in selected:
            bar.step(f"derivation {name} (proven earlier in this process)")
        return [_DERIVED[name] for name in selected]
    jobs = jobs or min(2, os.cpu_count() or 1)
    # The expensive entries' slices first, so that no long task is left for the end.
    heavy_first = sorted(selected, key=lambda n: -SLICES.get(n, 1))
    slices = [(n, i, SLICES.get(n, 1)) for n in heavy_first for i in range(SLICES.get(n, 1))]
    tasks = [("slice", key) for key in slices] + [("rule", name) for name in rules.RULES]
    bar = _Progress(len(tasks) + len(selected), progress)
    CPU.clear()
    TIMINGS.clear()

    slice_results: dict[str, list] = {}

    def collect(result: tuple) -> None:
        kind, key, value, seconds = result
        CPU[f"{kind}s"] = CPU.get(f"{kind}s", 0.0) + seconds
        if kind == "rule":
            rules.preload(key, value)
            bar.step(f"rule {key}")
        else:
            slice_results.setdefault(key[0], []).append((key[1], value))
            bar.step(f"grid {key[0]} ({key[1] + 1}/{key[2]})")

    _run_timed("rules and grids", jobs, _task, tasks, collect)
    for name, parts in slice_results.items():
        entry_module.preload_grid(get(name), [v for _, v in sorted(parts, key=lambda p: p[0])])

    derived: dict[str, tuple] = {}

    def keep(result: tuple) -> None:
        name, derivation, seconds, cpu = result
        CPU["derivations"] = CPU.get("derivations", 0.0) + cpu
        derived[name] = (name, derivation, seconds)
        bar.step(f"derivation {name}")

    order = sorted(selected, key=lambda n: n not in SLOW_DERIVATIONS)
    # The pool is forked now, so the workers inherit the results above.
    _run_timed("derivations", jobs, _derive_task, order, keep)
    _DERIVED.update(derived)
    return [derived[name] for name in selected]
