"""Errors cross process boundaries, and ``symconv prove --all`` stops at once when interrupted.

Regression tests for: a ``ParameterError`` raised in a ``Pool`` worker hung the
parent (the error did not unpickle); Ctrl-C to ``prove --all`` left the parent
alive for minutes with re-spawned workers; SIGTERM left idle workers behind and
printed their ``BrokenPipeError`` tracebacks.
"""

from __future__ import annotations

import _thread
import importlib
import inspect
import multiprocessing
import os
import pickle
import pkgutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

import symconv
from symconv.errors import ParameterError

ROOT = Path(__file__).resolve().parents[1]


def _exception_classes() -> list[type[BaseException]]:
    """Every exception class defined in a symconv module."""
    found = {}
    for module_info in pkgutil.walk_packages(symconv.__path__, "symconv."):
        if module_info.name.startswith(("symconv.frameworks.", "symconv.cli")):
            continue  # the framework adapters import optional packages
        module = importlib.import_module(module_info.name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, BaseException)
                and value.__module__.startswith("symconv")
            ):
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return [found[name] for name in sorted(found)]


def _instance(cls: type[BaseException]) -> BaseException:
    """An instance built from placeholder arguments of the right kinds."""
    if "__init__" not in {
        name for c in cls.__mro__ if c.__module__.startswith("symconv") for name in vars(c)
    }:
        return cls("a message")  # the builtin signature: any arguments
    arguments = []
    for parameter in inspect.signature(cls).parameters.values():
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            arguments.append("a message")
        elif parameter.name == "limit":
            arguments.append("taps")  # a limit's name
        elif parameter.annotation in (int, "int") or parameter.name == "position":
            arguments.append(2)
        else:
            arguments.append(f"<{parameter.name}>")
    return cls(*arguments)


EXCEPTIONS = _exception_classes()


def test_every_symconv_exception_is_found() -> None:
    names = {cls.__name__ for cls in EXCEPTIONS}
    assert {"SymconvError", "ParameterError", "ShapeMismatchError", "ParseError"} <= names


@pytest.mark.parametrize("cls", EXCEPTIONS, ids=lambda cls: cls.__name__)
def test_every_symconv_exception_round_trips_through_pickle(cls: type[BaseException]) -> None:
    error = _instance(cls)
    error.extra = ("attributes", "set", "after", "raising")  # as parse() records text/position
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is cls
    assert str(copy) == str(error)
    assert copy.args == error.args
    assert vars(copy) == vars(error)


def test_parameter_error_keeps_its_fields_through_pickle() -> None:
    copy = pickle.loads(pickle.dumps(ParameterError("n", 0, "an integer >= 1")))
    assert (copy.name, copy.value, copy.allowed) == ("n", 0, "an integer >= 1")
    assert str(copy) == "n=0 is not allowed: expected an integer >= 1"


def _raise_parameter_error(value: int) -> int:
    if value == 3:
        raise ParameterError("n", value, "anything but 3")
    return value


def test_pool_worker_raising_parameter_error_reaches_the_parent() -> None:
    context = multiprocessing.get_context("spawn")  # pickles both ways, like any start method
    with context.Pool(2) as pool:
        result = pool.map_async(_raise_parameter_error, range(6))
        with pytest.raises(ParameterError, match=r"n=3 is not allowed: expected anything but 3"):
            result.get(timeout=60)  # before the fix: TypeError in the pool's thread, then a hang


def _children(pid: int) -> list[int]:
    """Process ids whose parent is ``pid`` (from /proc)."""
    children = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2 :].split()
            if int(fields[1]) == pid and fields[0] != "Z":
                children.append(int(entry))
    return children


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)")
@pytest.mark.parametrize(
    ("signum", "whole_group", "status"),
    [
        (signal.SIGINT, True, 130),  # Ctrl-C in a terminal: the whole process group
        (signal.SIGTERM, False, 128 + signal.SIGTERM),  # `kill PID`: the parent only
        (signal.SIGTERM, True, 128 + signal.SIGTERM),
    ],
    ids=["sigint-group", "sigterm-parent", "sigterm-group"],
)
def test_prove_all_stops_at_once_without_orphans(
    signum: int, whole_group: bool, status: int
) -> None:
    # Ctrl-C in a terminal reaches a command whose SIGINT has its default handler; a
    # background job of a non-interactive shell (a CI script's `&`) starts with SIGINT
    # ignored, and Python keeps it so. Restore the terminal's case before running symconv.
    start = (
        "import runpy, signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
        "sys.argv = ['symconv', 'prove', '--all', '--quiet', '--jobs', '2']; "
        "runpy.run_module('symconv', run_name='__main__')"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", start],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a shell job has
    )
    try:
        deadline = time.monotonic() + 60
        while len(_children(process.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        workers = _children(process.pid)
        assert len(workers) == 2, "the pool's workers never started"
        time.sleep(0.5)  # inside a task
        if whole_group:
            os.killpg(process.pid, signum)
        else:
            os.kill(process.pid, signum)
        # Stopping takes well under a second; the timeout only detects a hang (no wall-clock
        # bound is asserted, so that a loaded machine cannot fail the test).
        _, stderr = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert process.returncode == status, stderr
    assert "Traceback" not in stderr and "Error" not in stderr, stderr
    deadline = time.monotonic() + 30  # terminated with the parent; the 30 s only bounds a hang
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    orphans = [pid for pid in workers if _alive(pid)]
    for pid in orphans:  # clean up before failing
        os.kill(pid, signal.SIGKILL)
    assert not orphans, "workers outlived the command"


def _tasks() -> int:
    return len(os.listdir("/proc/self/task"))


def _wait_until(condition: Callable[[], bool]) -> None:
    """Poll ``condition``: the OS lists and drops threads a little after they start and end.
    The 60 s only detects a hang; no duration is asserted."""
    deadline = time.monotonic() + 60
    while not condition():
        assert time.monotonic() < deadline, "the thread count never settled"
        time.sleep(0.01)


def _python_thread(stop: threading.Event) -> Callable[[], None]:
    before = _tasks()
    thread = threading.Thread(target=stop.wait)
    thread.start()

    def join() -> None:
        thread.join()
        _wait_until(lambda: _tasks() <= before)  # until the OS thread has gone too

    return join


def _native_threads(stop: threading.Event) -> Callable[[], None]:
    """More threads unknown to :mod:`threading` (as JAX's or TensorFlow's are) than the
    BLAS pools have, which may or may not be running."""
    from symconv.catalogue import runner

    count = runner._BLAS_THREADS + 1
    done = threading.Semaphore(0)

    def run() -> None:
        stop.wait()
        done.release()

    before = _tasks()
    for _ in range(count):
        _thread.start_new_thread(run, ())
    _wait_until(lambda: _tasks() >= before + count)  # until the OS lists them

    def join() -> None:
        for _ in range(count):
            done.acquire()
        _wait_until(lambda: _tasks() <= before)  # until the OS threads have gone

    return join


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="counts /proc/self/task (Linux)")
@pytest.mark.parametrize("start", ["_python_thread", "_native_threads"])
def test_no_fork_while_other_threads_run(start: str) -> None:
    """In a fresh interpreter: in this one, earlier tests may have loaded JAX, TensorFlow or
    PyTorch, whose threads (rightly) make every later pool serial."""
    code = f"import test_interrupt as t; t.check_no_fork_while(t.{start})"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "tests"), str(ROOT)]))
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]


def check_no_fork_while(start: Callable) -> None:
    """Serial while the threads ``start`` starts run; forked again once they are gone."""
    from symconv.catalogue import runner

    stop = threading.Event()
    join = start(stop)
    try:
        assert runner._pool(2) is None  # forking now could deadlock the child: serial
    finally:
        stop.set()
        join()
    pool = runner._pool(2)
    assert pool is not None, (threading.enumerate(), os.listdir("/proc/self/task"))
    pool.terminate()
