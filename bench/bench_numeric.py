"""Target 2: symconv.lambdify against hand-written NumPy/SciPy and PyTorch CPU.

Every case is one linear map computed four ways on the same input: symconv's
matrix-free function, the best of a few hand-written NumPy/SciPy versions,
PyTorch (``torch.nn.functional``) with one thread and with its default thread
count. Ratios are symconv time / baseline time (below 1: symconv is faster).
Peak memory is the tracemalloc peak of one symconv call divided by the output's
size; the floor is (input + output bytes) / measured copy bandwidth.
"""

from __future__ import annotations

import statistics
import tracemalloc
from collections.abc import Callable

import numpy as np
from common import interleaved, main, median_time, report

try:
    import torch
    import torch.nn.functional as F  # noqa: N812 (PyTorch's own convention)
except ImportError:  # the table then says so
    torch = None


def _cases(n: int, side: int, batch: int) -> list[dict[str, object]]:
    import sympy as sp
    from sympy import KroneckerProduct, MatAdd

    from symconv import Conv as TrueConv
    from symconv import ConvTranspose, Corr, Downsample, Pad, Upsample, kernel

    q = kernel("q", 3)
    taps = np.array([0.25, 0.5, -0.75])
    rng = np.random.default_rng(0)
    half = n // 2
    cases = []

    def case(name, expr, params, values, x, numpy_versions, torch_version):
        cases.append(
            {
                "name": name,
                "expr": expr,
                "params": params,
                "values": values,
                "x": x,
                "numpy": numpy_versions,
                "torch": torch_version,
            }
        )

    # -- 1-D, length n -----------------------------------------------------
    x = rng.normal(size=n)
    y = rng.normal(size=half)

    def np_strided(x):
        return np.convolve(x, taps[::-1], "full")[1 : 1 + n : 2]

    def np_strided_loop(x):
        padded = np.zeros(n + 2)
        padded[1:-1] = x
        return sum(t * padded[i : i + n - 1 : 2] for i, t in enumerate(taps))

    case(
        "1-D strided conv s=2 p=1",
        Corr(q, n, (1, 1), 2),
        (q,),
        (taps,),
        x,
        [np_strided, np_strided_loop],
        lambda t, w: F.conv1d(t, w, stride=2, padding=1),
    )

    def transposed(p, a, d):
        def np_version(y):
            spread = np.zeros(2 * (half - 1) + 1)
            spread[::2] = y
            kernel = np.zeros(d * 2 + 1)
            kernel[::d] = taps
            full = np.convolve(spread, kernel, "full")
            length = 2 * (half - 1) - 2 * p + d * 2 + 1 + a
            full = np.concatenate([full, np.zeros(max(0, p + length - len(full)))])
            return full[p : p + length]

        return np_version

    for p, a, d in [(0, 0, 1), (1, 1, 1), (0, 1, 2), (2, 0, 2)]:
        case(
            f"1-D transposed conv s=2 p={p} a={a} d={d}",
            ConvTranspose(q, half, (p, p), 2, d, a),
            (q,),
            (taps,),
            y,
            [transposed(p, a, d)],
            lambda t, w, p=p, a=a, d=d: F.conv_transpose1d(
                t, w, stride=2, padding=p, output_padding=a, dilation=d
            ),
        )

    third = n // 3

    def np_chain(x):
        up = np.zeros(3 * third)
        up[::3] = x
        return up[::2]

    def np_chain_fused(x):
        # ↑₃ then ↓₂ keeps x[2u] at position 3u: one strided copy, no 3n buffer.
        out = np.zeros(-(-3 * third // 2))
        out[::3] = x[::2]
        return out

    def torch_chain(t, w):
        up = torch.zeros(*t.shape[:-1], 3 * third, dtype=t.dtype)
        up[..., ::3] = t
        return up[..., ::2]

    case(
        "1-D chain ↓2·↑3",
        Downsample(3 * third, 2) @ Upsample(third, 3),
        (),
        (),
        rng.normal(size=third),
        [np_chain, np_chain_fused],
        torch_chain,
    )

    # Sub-pixel form of the stride-2 transposed conv: Σ_v shift_v ↑₂ (q[v::2] ∗ y).
    length = 2 * (half - 1) + 3
    terms = []
    for v in range(2):
        phase = q[v::2]
        conv = TrueConv(phase, half)
        up_len = 2 * (conv.rows - 1) + 1
        terms.append(Pad(up_len, v, length - v - up_len) @ Upsample(conv.rows, 2, up_len) @ conv)
    case(
        "1-D sub-pixel (polyphase) form",
        MatAdd(*terms),
        (q,),
        (taps,),
        y,
        [transposed(0, 0, 1)],
        lambda t, w: F.conv_transpose1d(t, w, stride=2),
    )

    # -- 2-D, batch × side × side, separable kernels as Kronecker products --
    image = rng.normal(size=(batch, side * side))
    small = rng.normal(size=(batch, (side // 2) ** 2))
    outer = np.outer(taps, taps)

    def np2_strided(x):
        x = x.reshape(batch, side, side)
        padded = np.zeros((batch, side + 2, side + 2))
        padded[:, 1:-1, 1:-1] = x
        out = np.zeros((batch, side // 2, side // 2))
        for a in range(3):
            for b in range(3):
                out += outer[a, b] * padded[:, a : a + side - 1 : 2, b : b + side - 1 : 2]
        return out

    def sp2_strided(x):
        from scipy import ndimage

        x = x.reshape(batch, side, side)
        rows = ndimage.correlate1d(x[:, ::1, :], taps, axis=2, mode="constant")[:, :, ::2]
        return ndimage.correlate1d(rows, taps, axis=1, mode="constant")[:, ::2, :]

    corr = Corr(q, side, (1, 1), 2)
    case(
        "2-D strided conv s=2 p=1 (separable 3x3)",
        KroneckerProduct(corr, corr),
        (q,),
        (taps,),
        image,
        [np2_strided, sp2_strided],
        lambda t, w: F.conv2d(t, w, stride=2, padding=1),
    )

    def np2_transposed(y):
        y = y.reshape(batch, side // 2, side // 2)
        out = np.zeros((batch, side + 2, side + 2))
        for a in range(3):
            for b in range(3):
                out[:, a : a + side - 1 : 2, b : b + side - 1 : 2] += outer[a, b] * y
        return out[:, 1 : 1 + side, 1 : 1 + side]

    back = ConvTranspose(q, side // 2, (1, 1), 2, 1, 1)
    case(
        "2-D transposed conv s=2 p=1 a=1 (separable 3x3)",
        KroneckerProduct(back, back),
        (q,),
        (taps,),
        small,
        [np2_transposed],
        lambda t, w: F.conv_transpose2d(t, w, stride=2, padding=1, output_padding=1),
    )

    def np2_up(y):
        out = np.zeros((batch, side, side))
        out[:, ::2, ::2] = y.reshape(batch, side // 2, side // 2)
        return out

    def torch2_up(t, w):
        out = torch.zeros(batch, 1, side, side, dtype=t.dtype)
        out[..., ::2, ::2] = t
        return out

    up = Upsample(side // 2, 2)
    case("2-D ↑2⊗↑2 (zero insertion)", KroneckerProduct(up, up), (), (), small, [np2_up], torch2_up)
    _ = sp
    return cases


def _torch_call(case: dict[str, object]) -> Callable[[], object] | None:
    if torch is None:
        return None
    x = case["x"]
    two_d = "2-D" in case["name"]
    if two_d:
        side = round(x.shape[-1] ** 0.5)
        t = torch.from_numpy(x.reshape(x.shape[0], 1, side, side))
        w = torch.from_numpy(np.outer(case_taps(case), case_taps(case))).view(1, 1, 3, 3)
    else:
        t = torch.from_numpy(x).view(1, 1, -1)
        w = torch.from_numpy(case_taps(case)).view(1, 1, -1)
    return lambda: case["torch"](t, w)


def case_taps(case: dict[str, object]) -> np.ndarray:
    return np.asarray(case["values"][0]) if case["values"] else np.zeros(3)


def _check(case, symconv_out) -> None:
    reference = case["numpy"][0](case["x"])
    assert np.allclose(np.ravel(symconv_out), np.ravel(reference)), case["name"]
    if torch is not None:
        torch_out = _torch_call(case)().numpy()
        assert np.allclose(np.ravel(symconv_out), np.ravel(torch_out)), case["name"]


def _measure(case, f, repeats: int, threads: int | None) -> dict[str, list[float]]:
    """Interleaved times: symconv with NumPy and PyTorch (default threads), then with
    single-threaded PyTorch (switching thread counts inside a round would rebuild
    PyTorch's thread pool on every call)."""
    x, values = case["x"], case["values"]

    def ours():
        return f(x, *values)

    best_numpy = min(case["numpy"], key=lambda g: median_time(lambda: g(x), 3))
    contenders = {"symconv": ours, "numpy": lambda: best_numpy(x)}
    call = _torch_call(case)
    if call is None:
        return interleaved(contenders, repeats)
    times = interleaved({**contenders, "torch": call}, repeats)
    torch.set_num_threads(1)
    single = interleaved({"symconv": ours, "torch1": call}, repeats)
    torch.set_num_threads(threads)
    times["torch1"] = single["torch1"]
    times["symconv_vs_torch1"] = single["symconv"]
    return times


def _ratio(times: dict[str, list[float]], name: str) -> float | None:
    """Median over rounds of symconv's time / the contender's time in the same round."""
    if name not in times:
        return None
    ours = times["symconv_vs_torch1" if name == "torch1" else "symconv"]
    return statistics.median(a / b for a, b in zip(ours, times[name]))


def bandwidth() -> float:
    """Copy bandwidth in bytes/s (read + write), from copying 256 MB."""
    a = np.ones(2**25)
    b = np.empty_like(a)
    t = median_time(lambda: np.copyto(b, a), repeats=5)
    return 2 * a.nbytes / t


def run(quick: bool) -> dict[str, object]:
    from symconv import lambdify

    n, side, batch = (10**5, 128, 2) if quick else (10**6, 512, 8)
    repeats = 7 if quick else 15
    copy = bandwidth()
    rows = []
    threads = torch.get_num_threads() if torch is not None else None
    for case in _cases(n, side, batch):
        f = lambdify(case["expr"], *case["params"])
        x, values = case["x"], case["values"]
        out = f(x, *values)
        _check(case, out)
        times = _measure(case, f, repeats, threads)
        t_symconv, t_numpy = (statistics.median(times[k]) for k in ("symconv", "numpy"))
        t_torch1 = statistics.median(times["torch1"]) if "torch1" in times else None
        t_torch = statistics.median(times["torch"]) if "torch" in times else None
        tracemalloc.start()
        f(x, *values)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        floor = (x.nbytes + out.nbytes) / copy
        rows.append(
            {
                "case": case["name"],
                "elements": int(out.size),
                "symconv_s": t_symconv,
                "numpy_s": t_numpy,
                "torch_1thread_s": t_torch1,
                "torch_default_s": t_torch,
                "torch_threads": threads,
                "vs_numpy": _ratio(times, "numpy"),
                "vs_torch_1thread": _ratio(times, "torch1"),
                "vs_torch_default": _ratio(times, "torch"),
                "peak_over_output": peak / out.nbytes,
                "ns_per_element": 1e9 * t_symconv / out.size,
                "floor_ns_per_element": 1e9 * floor / out.size,
            }
        )
    result = {
        "sizes": {"n": n, "side": side, "batch": batch},
        "copy_bandwidth_GBps": copy / 1e9,
        "torch": torch.__version__ if torch is not None else None,
        "rows": rows,
    }
    summary = f"copy bandwidth {copy / 1e9:.2f} GB/s; sizes: 1-D n={n}, 2-D {batch}x{side}x{side}"
    return report("numeric", quick, result, summary)


if __name__ == "__main__":
    raise SystemExit(main(run, __doc__))
