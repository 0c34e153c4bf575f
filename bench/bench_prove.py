"""Target 4: the whole catalogue, ``symconv prove --all``, under 60 s; where the time goes.

Runs ``python -m symconv prove --all`` as a fresh process (as a user would: start-up,
imports and the worker pool included) and reports its wall time, the CPU time of it and
its workers, and the phase line it prints. Without ``--quick`` it then profiles the same
work in one process (``jobs=1``, so that cProfile sees every task) and lists the
functions with the most cumulative and the most own time.

Then ``prove`` of q∗(↑₂x) = (↓₂(q∗)ᵀ)ᵀx at concrete sizes (target: under 2 s each), in 1-D
(``Conv(q, 2n, "same")``, q of length 3, n = 4096 and 8192) and in 2-D (a 3×3 kernel of
symbols, ``conv_nd(q, (64, 64), "same")`` after ``upsample_nd((32, 32), 2)``, against the
transpose of ``downsample_nd`` times the transposed convolution), and the 2-D transposed
conv itself, ``ConvTransposeNd`` from 32×32 to 64×64 with stride 2 (padding 1, output
padding 1), against its definition, the transpose of the strided ``CorrNd``: each call timed
in a fresh process (imports excluded, nothing cached), next to the same call on the
baseline commit (``BASELINE``, whose numeric tier built dense float matrices), extracted
with ``git archive`` and run the same way in the same run.
"""

from __future__ import annotations

import cProfile
import os
import pstats
import re
import resource
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from common import ROOT, main, table, write

#: The commit before the matrix-free oracle: its numeric tier built dense matrices.
BASELINE = "98cb854"
#: Seconds after which a baseline run is abandoned (reported as "over" that).
BASELINE_TIMEOUT = 400.0

#: Builds both sides of q∗(↑₂x) = (↓₂(q∗)ᵀ)ᵀx at the sizes ``case`` and ``size``, times
#: ``prove`` on them and prints the seconds and the tiers that passed. Runs in a fresh
#: process against the tree on ``sys.path[0]``; uses only API that the baseline has too.
_CONCRETE = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, sys.argv[1])
    case, size = sys.argv[2], int(sys.argv[3])
    import sympy as sp
    from sympy import MatMul, Transpose
    from symconv import Conv, Downsample, Upsample, kernels, prove
    from symconv.operators.channels import conv_nd
    from symconv.operators.grid import downsample_nd, upsample_nd
    if sys.argv[4] == "baseline":
        import symconv.catalogue.twod  # the baseline registered its N-D oracle on import
    if case == "2dT":
        from symconv.operators.channels import ConvTransposeNd, CorrNd
        q = [[[[sp.Symbol(f"q_{a}_{b}") for b in range(3)] for a in range(3)]]]
        lhs = ConvTransposeNd(q, (size, size), 1, 2, 1, 1)
        rhs = Transpose(CorrNd(q, (2 * size, 2 * size), 1, 2))
    elif case == "2d":
        q = [[sp.Symbol(f"q_{a}_{b}") for b in range(3)] for a in range(3)]
        conv = conv_nd(q, (2 * size, 2 * size), "same")
        lhs = MatMul(conv, upsample_nd((size, size), 2))
        rhs = Transpose(MatMul(downsample_nd((2 * size, 2 * size), 2), Transpose(conv)))
    else:
        conv = Conv(kernels.kernel("q", 3), 2 * size, "same")
        lhs = MatMul(conv, Upsample(size, 2))
        rhs = Transpose(MatMul(Downsample(2 * size, 2), Transpose(conv)))
    start = time.perf_counter()
    proof = prove(lhs, rhs)
    seconds = time.perf_counter() - start
    print(seconds, ",".join(t.tier.value for t in proof.tiers if t.passed))
    """
)


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


def _time_prove(tree: Path, case: str, size: int, label: str) -> dict[str, object]:
    """Seconds of one ``prove`` call in a fresh process on ``tree``, or None past the timeout."""
    try:
        done = subprocess.run(
            [sys.executable, "-c", _CONCRETE, str(tree), case, str(size), label],
            capture_output=True,
            text=True,
            cwd=tree,
            timeout=BASELINE_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"seconds": None, "passed": f"over {BASELINE_TIMEOUT:g} s"}
    if done.returncode != 0:
        return {"seconds": None, "passed": done.stderr.strip().splitlines()[-1]}
    seconds, passed = done.stdout.split()
    return {"seconds": float(seconds), "passed": passed}


def _baseline_tree(directory: str) -> Path | None:
    """The baseline commit's files in ``directory``, or None when git cannot provide them."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", BASELINE, "symconv"],
        capture_output=True,
        check=False,
    )
    if archive.returncode != 0:
        return None
    subprocess.run(["tar", "-x", "-C", directory], input=archive.stdout, check=True)
    return Path(directory)


def concrete_sizes(quick: bool) -> list[dict[str, object]]:
    """``prove`` at concrete sizes, this tree against the baseline commit."""
    cases = (
        [("2d", 16), ("2dT", 16), ("1d", 1024)]
        if quick
        else [("2d", 32), ("2dT", 32), ("1d", 4096), ("1d", 8192)]
    )
    rows = []
    with tempfile.TemporaryDirectory() as directory:
        baseline = _baseline_tree(directory)
        for case, size in cases:
            name = {
                "2d": f"2-D {2 * size}×{2 * size}, 3×3 taps",
                "2dT": f"2-D ConvTransposeNd {size}² → {2 * size}², s = 2",
                "1d": f"1-D n = {size}",
            }[case]
            now = _time_prove(ROOT, case, size, "current")
            before = (
                _time_prove(baseline, case, size, "baseline")
                if baseline is not None
                else {"seconds": None, "passed": "baseline commit not available"}
            )
            ratio = (
                before["seconds"] / now["seconds"]
                if before["seconds"] is not None and now["seconds"]
                else None
            )
            rows.append(
                {
                    "case": name,
                    "seconds": now["seconds"],
                    "passed": now["passed"],
                    "baseline": BASELINE,
                    "baseline_seconds": before["seconds"],
                    "baseline_passed": before["passed"],
                    "speedup": ratio,
                }
            )
    return rows


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
    result["concrete"] = concrete_sizes(quick)
    print(f"prove at concrete sizes (goal < 2 s each), against {BASELINE} (dense oracle):")
    rows = [
        [r["case"], r["seconds"], r["baseline_seconds"], r["speedup"], r["passed"]]
        for r in result["concrete"]
    ]
    print(table(["case", "s", f"{BASELINE} s", "speed-up", "tiers passed"], rows))
    write("prove", quick, result)
    return result


if __name__ == "__main__":
    raise SystemExit(main(run, __doc__))
