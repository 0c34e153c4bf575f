"""Issue 17's table: the public API at real sizes, each row against a named baseline.

Rows (every timing in this run, on this machine; the load average is recorded):

- ``explicit(Conv(q, 2n, "same") @ Upsample(n, 2))`` for n up to 8192 (24k non-zeros,
  each size's first call in a forked child, since matrices are cached),
  against SymPy's dense ``as_explicit()`` of the same expression where that is feasible
  (small n, under a time budget); growth exponent of time against n.
- build + ``lambdify`` of ``symconv.frameworks.torch.conv_transpose2d`` from a
  64→32-channel 4×4 float weight at 64×64 (absolute; the target is 0.3 s), against the
  same build from the weight as SymPy numbers (the path every weight took before).
- the numeric time of three transposed-conv layers (batch 8, float64) against
  ``torch.nn.functional.conv_transpose2d`` on CPU at PyTorch's default thread count, and
  symconv's function on one thread, all three timed round by round in one process, each
  turn as many calls back to back as fill ``TURN`` seconds (the ratio is the median of the
  rounds' ratios; their range and the load average before and after each layer are
  recorded); and symconv against PyTorch in rounds of single calls (each call then
  follows the other's: a cold call); growth exponent of time against the output size.
  (Every ratio divides times of the same rounds: a time from another process divided by
  this torch time would compare two moments of a shared machine's load.)
- ``import symconv`` against ``import sympy``: the minimum over fresh interpreters.
- ``python -m symconv list`` in a fresh process (absolute; the target is 1 s).
- ``prove`` of q∗(↑₂x) = (↓₂(q∗)ᵀ)ᵀx at 1-D n = 1024 … 8192 and 2-D 64×64, each in a fresh
  process (bench_prove's script); growth exponent of time against n.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

import numpy as np
from bench_prove import _time_prove
from common import ROOT, interleaved, main, slope, table, with_timeout, write

try:
    import torch
    import torch.nn.functional as F  # noqa: N812 (PyTorch's own convention)
except ImportError:  # the numeric rows then say so
    torch = None

#: (C_in, C_out, kernel, side, stride, padding) of the transposed-conv layers (batch 8).
LAYERS = [(16, 8, 4, 32, 2, 1), (64, 32, 4, 64, 2, 1), (32, 32, 3, 64, 1, 1)]
BATCH = 8
#: Seconds of back-to-back calls in one turn of a numeric row (see ``common.interleaved``):
#: long enough that the milliseconds PyTorch's threads spin after its turn are a small part.
TURN = 0.2
#: Seconds after which the dense SymPy baseline of ``explicit`` is abandoned.
DENSE_BUDGET = 60.0


def _explicit_expr(n: int):
    from symconv import Conv, Upsample, kernel

    return Conv(kernel("q", 3), 2 * n, "same") @ Upsample(n, 2)


def nonzeros(n: int) -> int:
    """Non-zeros of the ``explicit`` row's matrix: 3 per column, 2 in the first."""
    return 3 * n - 1


def _time_explicit(n: int) -> float:
    from symconv import explicit

    expr = _explicit_expr(n)
    start = time.perf_counter()
    explicit(expr)
    return time.perf_counter() - start


def _time_dense(n: int) -> float:
    expr = _explicit_expr(n)
    start = time.perf_counter()
    expr.as_explicit()
    return time.perf_counter() - start


def explicit_rows(quick: bool) -> dict[str, object]:
    sizes = [256, 512, 1024, 2048] if quick else [512, 1024, 2048, 4096, 8192]
    dense_sizes = [4, 8] if quick else [4, 8, 16]
    _time_explicit(2)  # imports (SciPy is loaded on first use) are not what is measured
    rows = []
    for n in sorted({*sizes, *dense_sizes}):
        # Each call in a forked child: symconv caches operator matrices, and a repeat in
        # one process would time the cache.
        ours = min(
            with_timeout(_time_explicit, (n,), DENSE_BUDGET) or float("inf") for _ in range(3)
        )
        dense = with_timeout(_time_dense, (n,), DENSE_BUDGET) if n in dense_sizes else None
        rows.append({"n": n, "nonzeros": nonzeros(n), "symconv_s": ours, "dense_sympy_s": dense})
    big = [r for r in rows if r["n"] in sizes]
    return {
        "rows": rows,
        "symconv_exponent": slope([r["n"] for r in big], [r["symconv_s"] for r in big]),
        "dense_exponent": slope(
            [r["n"] for r in rows if r["dense_sympy_s"]],
            [r["dense_sympy_s"] for r in rows if r["dense_sympy_s"]],
        ),
    }


def _build(weight: object, side: int) -> float:
    from symconv import lambdify
    from symconv.frameworks.torch import conv_transpose2d

    start = time.perf_counter()
    lambdify(conv_transpose2d(weight, (side, side), stride=2, padding=1))
    return time.perf_counter() - start


def build_rows(quick: bool) -> dict[str, object]:
    import sympy as sp

    w = np.random.default_rng(0).standard_normal((64, 32, 4, 4))
    ours = min(_build(w, 64) for _ in range(3))
    # Before: one SymPy number per entry (an object array of sp.Float reaches that path).
    as_sympy = np.vectorize(sp.Float, otypes=[object])(w)
    before = _build(as_sympy, 64)
    return {"symconv_s": ours, "sympy_weights_s": before, "ratio": ours / before}


def _layer_call(layer: tuple[int, ...], side: int | None = None, torch_check: bool = True):
    from symconv import lambdify
    from symconv.frameworks.torch import conv_transpose2d

    c_in, c_out, k, default_side, s, p = layer
    side = side or default_side
    rng = np.random.default_rng(1)
    w = rng.standard_normal((c_in, c_out, k, k))
    x = rng.standard_normal((BATCH, c_in * side * side))
    f = lambdify(conv_transpose2d(w, (side, side), stride=s, padding=p))
    ours = lambda: f(x)  # noqa: E731
    if torch is None or not torch_check:
        return ours, None, x.size
    tx, tw = torch.from_numpy(x.reshape(BATCH, c_in, side, side)), torch.from_numpy(w)
    theirs = lambda: F.conv_transpose2d(tx, tw, stride=s, padding=p)  # noqa: E731
    assert np.allclose(ours().reshape(theirs().shape), theirs().numpy())
    return ours, theirs, theirs().numel()


def _ratios(ours: list[float], theirs: list[float]) -> tuple[float, tuple[float, float]]:
    """The median of the rounds' time ratios, and their range."""
    rounds = [a / b for a, b in zip(ours, theirs)]
    return statistics.median(rounds), (min(rounds), max(rounds))


def numeric_rows(quick: bool) -> dict[str, object]:
    from symconv import _parallel

    repeats = 5 if quick else 11
    rows = []
    for layer in LAYERS:
        load_before = os.getloadavg()[0]
        ours, theirs, _ = _layer_call(layer)

        def one_thread(ours=ours) -> object:
            # BLAS held to one thread, so symconv's layer runs on the calling thread only.
            with _parallel.single_threaded_blas():
                return ours()

        contenders = {"symconv": ours, "symconv_1": one_thread}
        if theirs is not None:
            contenders["torch"] = theirs
        times = interleaved(contenders, repeats, TURN)
        c_in, c_out, k, side, s, p = layer
        row: dict[str, object] = {
            "layer": f"{c_in}→{c_out}, {k}×{k}, s={s}, p={p}, {side}²",
            "symconv_s": statistics.median(times["symconv"]),
            "symconv_1thread_s": statistics.median(times["symconv_1"]),
            "torch_s": statistics.median(times["torch"]) if theirs else None,
            "ratio": None,
            "ratio_range": None,
            "ratio_1thread": None,
            "ratio_single_call": None,
            "ratio_single_call_range": None,
        }
        if theirs is not None:
            row["ratio"], row["ratio_range"] = _ratios(times["symconv"], times["torch"])
            row["ratio_1thread"], _ = _ratios(times["symconv_1"], times["torch"])
            single = interleaved({"symconv": ours, "torch": theirs}, repeats)
            row["ratio_single_call"], row["ratio_single_call_range"] = _ratios(
                single["symconv"], single["torch"]
            )
        row["load_average"] = (load_before, os.getloadavg()[0])
        rows.append(row)
    # Growth: the 64→32 layer at growing sides (time against output entries).
    sides = [16, 32, 64] if quick else [16, 32, 64, 96]
    growth = []
    for side in sides:
        ours, _, size = _layer_call(LAYERS[1], side)
        growth.append(
            {"side": side, "outputs": size, "symconv_s": min(interleaved({"s": ours}, 3)["s"])}
        )
    return {
        "rows": rows,
        "torch": None if torch is None else torch.__version__,
        "torch_threads": None if torch is None else torch.get_num_threads(),
        "turn_s": TURN,
        "symconv_threads": _parallel.thread_budget(),
        "blas_threads": os.environ.get("OPENBLAS_NUM_THREADS", "default"),
        "growth": growth,
        "exponent": slope([g["outputs"] for g in growth], [g["symconv_s"] for g in growth]),
    }


#: The fresh processes' environment: bytecode caches written and read, as a user's are
#: (with ``PYTHONDONTWRITEBYTECODE`` set, every start would compile symconv's modules anew:
#: ``symconv list`` 0.8–1.0 s instead of about 0.6 s).
FRESH_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _fresh(*args: str) -> float:
    """Wall time of ``python args`` in a fresh process."""
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=FRESH_ENV, check=True, capture_output=True
    )
    return time.perf_counter() - start


def startup_rows(quick: bool) -> dict[str, object]:
    runs = 5
    _fresh("-m", "symconv", "list")  # writes the bytecode caches
    sympy_s = min(_fresh("-c", "import sympy") for _ in range(runs))
    symconv_s = min(_fresh("-c", "import symconv") for _ in range(runs))
    return {
        "import_sympy_s": sympy_s,
        "import_symconv_s": symconv_s,
        "import_extra_s": symconv_s - sympy_s,
        "list_s": _fresh("-m", "symconv", "list"),
    }


def prove_rows(quick: bool) -> dict[str, object]:
    sizes = [512, 1024, 2048] if quick else [1024, 2048, 4096, 8192]
    rows = [
        {"case": f"1-D n = {n}", "n": n, **_time_prove(ROOT, "1d", n, "current")} for n in sizes
    ]
    rows.append(
        {"case": "2-D 64×64, 3×3 taps", "n": None, **_time_prove(ROOT, "2d", 32, "current")}
    )
    one_d = [r for r in rows if r["n"] and r["seconds"]]
    return {"rows": rows, "exponent": slope([r["n"] for r in one_d], [r["seconds"] for r in one_d])}


def run(quick: bool) -> dict[str, object]:
    result: dict[str, object] = {"load_average_start": os.getloadavg()[0]}
    result["explicit"] = explicit_rows(quick)
    result["build"] = build_rows(quick)
    result["numeric"] = numeric_rows(quick)
    result["startup"] = startup_rows(quick)
    result["prove"] = prove_rows(quick)
    result["load_average_end"] = os.getloadavg()[0]
    ex, b, nu, st, pr = (result[k] for k in ("explicit", "build", "numeric", "startup", "prove"))
    print(f"load average {result['load_average_start']:.2f} → {result['load_average_end']:.2f}")
    rows = [[r["n"], r["nonzeros"], r["symconv_s"], r["dense_sympy_s"]] for r in ex["rows"]]
    print(table(["n", "non-zeros", "explicit s", "dense SymPy s"], rows))
    print(f"  growth exponent: explicit {ex['symconv_exponent']}, dense {ex['dense_exponent']}")
    print(
        f"build + lambdify 64→32 4×4 at 64²: {b['symconv_s']:.3g} s "
        f"(SymPy-number weights {b['sympy_weights_s']:.3g} s)"
    )
    rows = [
        [
            r["layer"],
            r["symconv_s"],
            r["torch_s"],
            r["ratio"],
            r["ratio_range"] and "–".join(f"{v:.2f}" for v in r["ratio_range"]),
            r["ratio_1thread"],
            r["ratio_single_call"],
            "{:.2f} → {:.2f}".format(*r["load_average"]),
        ]
        for r in nu["rows"]
    ]
    headers = ["layer (batch 8)", "symconv s", "torch s", "ratio", "rounds", "1 thread"]
    headers += ["single calls", "load"]
    print(table(headers, rows))
    print(
        f"  numeric growth exponent {nu['exponent']}; threads: torch {nu['torch_threads']},"
        f" symconv {nu['symconv_threads']}"
    )
    print(
        f"import symconv {st['import_symconv_s']:.3g} s, sympy {st['import_sympy_s']:.3g} s;"
        f" symconv list {st['list_s']:.3g} s"
    )
    rows = [[r["case"], r["seconds"], r["passed"]] for r in pr["rows"]]
    print(table(["prove", "s", "tiers passed"], rows))
    print(f"  prove growth exponent {pr['exponent']}")
    write("public", quick, result)
    return result


if __name__ == "__main__":
    raise SystemExit(main(run, __doc__))
