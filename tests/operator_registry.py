"""One registry of operator factories that every generic operator test runs over.

Each factory draws valid parameters with Hypothesis, builds the symconv
operator for a kernel (symbolic or numeric), and names the reference function
(from ``tests/reference.py``, independent of symconv) that computes the same
map. Adding an operator here puts it under every generic test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import reference as ref
from hypothesis import strategies as st

import symconv as sc

Params = dict[str, object]


@dataclass(frozen=True)
class Factory:
    """How to draw, build and independently compute one operator."""

    name: str
    params: st.SearchStrategy[Params]
    build: Callable[[Params, tuple], sc.Operator]
    reference: Callable[[Params, np.ndarray, np.ndarray], np.ndarray]
    uses_kernel: bool = True


small = st.integers(1, 9)
factor = st.integers(1, 4)
amount = st.integers(0, 3)


@st.composite
def upsample_params(draw: st.DrawFn) -> Params:
    n, k = draw(small), draw(factor)
    return {"n": n, "k": k, "length": draw(st.integers(k * (n - 1) + 1, k * n))}


@st.composite
def crop_params(draw: st.DrawFn) -> Params:
    n = draw(st.integers(1, 10))
    lo = draw(st.integers(0, n - 1))
    return {"n": n, "lo": lo, "hi": draw(st.integers(0, n - 1 - lo))}


@st.composite
def conv_params(draw: st.DrawFn) -> Params:
    return {
        "m": draw(st.integers(1, 5)),
        "n": draw(small),
        "mode": draw(st.sampled_from(["full", "valid", "same"])),
    }


@st.composite
def corr_params(draw: st.DrawFn) -> Params:
    m, s, d = draw(st.integers(1, 5)), draw(factor), draw(factor)
    lo, hi = draw(amount), draw(amount)
    span = d * (m - 1) + 1
    n = draw(st.integers(max(1, span - lo - hi), max(1, span - lo - hi) + 8))
    return {"m": m, "n": n, "lo": lo, "hi": hi, "s": s, "d": d}


@st.composite
def conv_transpose_params(draw: st.DrawFn) -> Params:
    m, s, d = draw(st.integers(1, 5)), draw(factor), draw(factor)
    n, a = draw(st.integers(1, 8)), draw(st.integers(0, s - 1))
    full = (n - 1) * s + d * (m - 1) + 1 + a
    lo = draw(st.integers(0, min(3, full - 1)))
    hi = draw(st.integers(0, min(3, full - 1 - lo)))
    return {"m": m, "n": n, "lo": lo, "hi": hi, "s": s, "d": d, "a": a}


FACTORIES = [
    Factory(
        "Downsample",
        st.fixed_dictionaries({"n": small, "k": factor}),
        lambda p, q: sc.Downsample(p["n"], p["k"]),
        lambda p, q, x: ref.downsample(x, p["k"]),
        uses_kernel=False,
    ),
    Factory(
        "Upsample",
        upsample_params(),
        lambda p, q: sc.Upsample(p["n"], p["k"], length=p["length"]),
        lambda p, q, x: ref.upsample(x, p["k"], p["length"]),
        uses_kernel=False,
    ),
    Factory(
        "Pad",
        st.fixed_dictionaries({"n": small, "lo": amount, "hi": amount}),
        lambda p, q: sc.Pad(p["n"], p["lo"], p["hi"]),
        lambda p, q, x: ref.pad(x, p["lo"], p["hi"]),
        uses_kernel=False,
    ),
    Factory(
        "Crop",
        crop_params(),
        lambda p, q: sc.Crop(p["n"], p["lo"], p["hi"]),
        lambda p, q, x: ref.crop(x, p["lo"], p["hi"]),
        uses_kernel=False,
    ),
    Factory(
        "Flip",
        st.fixed_dictionaries({"n": small}),
        lambda p, q: sc.Flip(p["n"]),
        lambda p, q, x: ref.flip(x),
        uses_kernel=False,
    ),
    Factory(
        "Conv",
        conv_params(),
        lambda p, q: sc.Conv(q, p["n"], p["mode"]),
        # numpy.convolve is the oracle of the modes (it swaps inputs when n < m)
        lambda p, q, x: np.convolve(x, q, p["mode"]),
    ),
    Factory(
        "Corr",
        corr_params(),
        lambda p, q: sc.Corr(q, p["n"], (p["lo"], p["hi"]), stride=p["s"], dilation=p["d"]),
        lambda p, q, x: ref.corr(q, x, p["lo"], p["hi"], p["s"], p["d"]),
    ),
    Factory(
        "ConvTranspose",
        conv_transpose_params(),
        lambda p, q: sc.ConvTranspose(
            q, p["n"], (p["lo"], p["hi"]), stride=p["s"], dilation=p["d"], output_padding=p["a"]
        ),
        lambda p, q, x: ref.conv_transpose(q, x, p["lo"], p["hi"], p["s"], p["d"], p["a"]),
    ),
]


def kernel_length(params: Params) -> int:
    """The kernel length a factory's parameters ask for (1 when it takes none)."""
    return int(params.get("m", 1))
