"""Target 4: the whole catalogue, ``symconv prove --all``, under 60 s; where the time goes.

Runs ``python -m symconv prove --all`` as a fresh process (as a user would: start-up,
imports and the worker pool included) and reports its wall time, the CPU time of it and
its workers, and the phase line it prints. Without ``--quick`` it then profiles the same
work in one process (``jobs=1``, so that cProfile sees every task) and lists the
functions with the most cumulative and the most own time.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import resource
import subprocess
import sys
import time

from common import ROOT, table, write


def _run_cli() -> dict[str, object]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "symconv", "prove", "--all", "--quiet"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    last = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    phases = re.search(r"\((.*)\)$", last)
    return {
        "exit_status": done.returncode,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "summary": last,
        "phases": phases.group(1) if phases else "",
        "load_average": os.getloadavg()[0],
    }


def _profile() -> dict[str, list[dict[str, object]]]:
    from symconv.catalogue import runner

    profile = cProfile.Profile()
    profile.enable()
    runner.prove_all(jobs=1, progress=None)
    profile.disable()
    stats = pstats.Stats(profile).stats

    def name(key: tuple) -> str:
        path, line, function = key
        return f"{path.split('/')[-1]}:{line}({function})"

    by_cumulative = sorted(stats.items(), key=lambda item: item[1][3], reverse=True)
    by_own = sorted(stats.items(), key=lambda item: item[1][2], reverse=True)
    return {
        "top_cumulative": [
            {"function": name(k), "cumulative_s": v[3]}
            for k, v in by_cumulative
            if "symconv" in k[0]
        ][:15],
        "top_own": [{"function": name(k), "own_s": v[2]} for k, v in by_own][:15],
    }


def run(quick: bool) -> dict[str, object]:
    result: dict[str, object] = {"available": True, **_run_cli()}
    print(
        f"prove --all: {result['seconds']:.3g} s wall, {result['cpu_seconds']:.3g} s CPU "
        f"(goal < 60 s), exit status {result['exit_status']}, load {result['load_average']:.2f}"
    )
    print(f"  {result['phases']}")
    if not quick:
        result.update(_profile())
        print("profile of the same work in one process (cProfile, jobs=1):")
        rows = [[r["function"], r["cumulative_s"]] for r in result["top_cumulative"]]
        print(table(["function", "cumulative s"], rows))
        rows = [[r["function"], r["own_s"]] for r in result["top_own"]]
        print(table(["function", "own s"], rows))
    write("prove", quick, result)
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    run(parser.parse_args().quick)
