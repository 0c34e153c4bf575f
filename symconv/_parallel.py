"""Chunks of a layer's samples on several threads, each running BLAS on one thread.

A multi-channel layer (:mod:`symconv.numeric`) is many medium-sized matrix products.
Left to themselves, OpenBLAS's threads split every product and wait for each other at
its end by spinning; when the machine has more runnable processes than cores, one of
them is often descheduled while the other spins, and a product takes several times
longer than on one thread. Running whole chunks of samples on our own threads instead
(the caller and a pool of helpers), each taking the next chunk when it is done, with
BLAS on one thread for the duration, joins the threads once per call rather than once
per product, and a descheduled thread just takes fewer chunks.

BLAS's thread count is process-wide (OpenBLAS's ``openblas_set_num_threads_local`` is
process-wide too), so while a parallel call runs, BLAS calls from other threads of the
process also run on one thread; the count is restored when the last such call ends.
Where the BLAS library cannot be found or limited (no ``/proc/self/maps``, an unknown
BLAS), and where BLAS has been limited to one thread already (``OPENBLAS_NUM_THREADS=1``,
``threadpoolctl``), layers run on the calling thread alone.

Examples
--------
>>> done = []
>>> run_chunks(range(0, 10, 4), lambda starts: done.extend(starts), workers=2)
>>> sorted(done)
[0, 4, 8]
"""

from __future__ import annotations

import ctypes
import functools
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import contextmanager

#: (getter, setter) symbol names of BLAS thread counts: OpenBLAS under the names NumPy's
#: and SciPy's wheels give it (``scipy_openblas``, 64-bit integer builds) and its own, and
#: MKL's single dynamic library.
_THREAD_SYMBOLS = [
    ("scipy_openblas_get_num_threads64_", "scipy_openblas_set_num_threads64_"),
    ("scipy_openblas_get_num_threads", "scipy_openblas_set_num_threads"),
    ("openblas_get_num_threads64_", "openblas_set_num_threads64_"),
    ("openblas_get_num_threads", "openblas_set_num_threads"),
    ("MKL_Get_Max_Threads", "MKL_Set_Num_Threads"),
]


class _Controls:
    """The thread-count getters and setters of the BLAS libraries loaded in this process."""

    def __init__(self, pairs: list[tuple[Callable[[], int], Callable[[int], None]]]) -> None:
        self.pairs = pairs
        self.lock = threading.Lock()
        self.users = 0
        self.saved: list[int] = []
        if hasattr(os, "register_at_fork"):  # POSIX
            os.register_at_fork(after_in_child=self._after_fork)

    def _after_fork(self) -> None:
        # The child has only the forking thread: calls running on others never end there,
        # so their hold on BLAS (and perhaps the lock) is released here.
        self.lock = threading.Lock()
        if self.users:
            for (_, setter), count in zip(self.pairs, self.saved):
                setter(count)
            self.users = 0


def _loaded_blas_paths() -> list[str]:
    """Paths of the mapped shared libraries that look like OpenBLAS or MKL (Linux only)."""
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split(None, 5)[-1].strip() for line in maps if "/" in line}
    except OSError:
        return []
    names = ("openblas", "mkl_rt")
    return sorted(p for p in paths if any(n in os.path.basename(p).lower() for n in names))


@functools.cache
def _controls() -> _Controls:
    import numpy  # noqa: F401 (its BLAS must be loaded before the maps are read)

    pairs = []
    for path in _loaded_blas_paths():
        try:
            library = ctypes.CDLL(path)
        except OSError:
            continue
        for get_name, set_name in _THREAD_SYMBOLS:
            getter, setter = getattr(library, get_name, None), getattr(library, set_name, None)
            if getter is not None and setter is not None:
                getter.restype, getter.argtypes = ctypes.c_int, []
                setter.restype, setter.argtypes = None, [ctypes.c_int]
                pairs.append((getter, setter))
                break
    return _Controls(pairs)


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def thread_budget() -> int:
    """How many threads a layer call may use: the cores this process may run on, at most
    BLAS's own thread count, and 1 where that count cannot be limited.

    Examples
    --------
    >>> thread_budget() >= 1
    True
    """
    controls = _controls()
    if not controls.pairs:
        return 1
    return max(1, min(_cpus(), *(getter() for getter, _ in controls.pairs)))


@contextmanager
def single_threaded_blas() -> Iterator[None]:
    """BLAS on one thread inside the block; the previous counts are restored when the last
    of several overlapping blocks (from several threads) ends."""
    controls = _controls()
    with controls.lock:
        if controls.users == 0:
            controls.saved = [getter() for getter, _ in controls.pairs]
            for _, setter in controls.pairs:
                setter(1)
        controls.users += 1
    try:
        yield
    finally:
        with controls.lock:
            controls.users -= 1
            if controls.users == 0:
                for (_, setter), count in zip(controls.pairs, controls.saved):
                    setter(count)


class _Shared:
    """An iterator that several threads can draw from, each item going to one of them."""

    def __init__(self, items: Iterable[int]) -> None:
        self._items = iter(items)
        self._lock = threading.Lock()

    def __iter__(self) -> _Shared:
        return self

    def __next__(self) -> int:
        with self._lock:
            return next(self._items)


_executor_of_process: tuple[int, ThreadPoolExecutor] | None = None


def _executor() -> ThreadPoolExecutor:
    """The helper threads of this process (a new pool after a fork: the child has none of
    its parent's threads)."""
    global _executor_of_process
    if _executor_of_process is None or _executor_of_process[0] != os.getpid():
        pool = ThreadPoolExecutor(max(1, _cpus() - 1), thread_name_prefix="symconv-layer")
        _executor_of_process = (os.getpid(), pool)
    return _executor_of_process[1]


def run_chunks(starts: Iterable[int], work: Callable[[Iterator[int]], None], workers: int) -> None:
    """``work(chunk starts)`` on ``workers`` threads (the caller is one) sharing ``starts``.

    Each call of ``work`` allocates its own scratch once and processes the chunk starts it
    draws until none are left, so every start is processed exactly once. The caller starts
    at once; helpers join when they are scheduled, and one that has not started when the
    caller runs out of chunks is cancelled rather than waited for (on a loaded machine that
    wait would be the longest part of a small call). With one worker, ``work`` runs on the
    calling thread with BLAS's threads as they are. An exception in any worker is raised
    here after all of them have stopped.
    """
    if workers <= 1:
        work(iter(starts))
        return
    shared = _Shared(starts)
    with single_threaded_blas():
        helpers = [_executor().submit(work, shared) for _ in range(workers - 1)]
        try:
            work(shared)
        finally:
            # A cancelled future counts as done only once a pool thread has dequeued it.
            started = [helper for helper in helpers if not helper.cancel()]
            wait(started)
    for helper in started:
        if helper.exception() is not None:
            raise helper.exception()
