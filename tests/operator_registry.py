"""One registry of operator factories that every generic operator test runs over.

Each factory draws valid parameters with Hypothesis, builds the symconv
operator for a kernel (symbolic or numeric), and names the reference function
(from ``symconv.proof.oracle``, independent of the operators) that computes the same
map. Adding an operator here puts it under every generic test (ALL_FACTORIES).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from hypothesis import strategies as st

import symconv as sc
from symconv.kernels import family
from symconv.operators import BlockSum, MultiplesProjector, NearestUpsample, PhaseSum
from symconv.proof import oracle as ref

Params = dict[str, object]

#: The symbol a generic test makes one size of an operator into (``symbolic_size``).
SIZE = sp.Symbol("n", integer=True, positive=True)


@dataclass(frozen=True)
class Factory:
    """How to draw, build and independently compute one operator."""

    name: str
    params: st.SearchStrategy[Params]
    build: Callable[[Params, tuple], sc.Operator]
    reference: Callable[[Params, np.ndarray, np.ndarray], np.ndarray]
    uses_kernel: bool = True
    #: The symbolic taps ``build`` takes (a kernel family's q[0], … for PhaseSum).
    taps: Callable[[int], tuple] = lambda m: sc.kernel("q", m)
    #: Whether ``op.T`` is another operator; PhaseSum's is a bare ``Transpose`` (with s
    #: symbolic, Σᵥ of transposed phases is no single operator; see PhaseSum._eval_transpose).
    closed_transpose: bool = True
    #: Whether ``op.T.T`` is ``op`` itself (else it is the same map in a canonical form:
    #: a Conv whose modes coincide comes back as the full one, a stride-1 ConvTranspose
    #: with equal paddings as the Conv it equals).
    transpose_twice_is_self: Callable[[Params], bool] = lambda p: True

    #: ``(params, n) -> (params with a symbolic size n, the value n stands for)``: which
    #: size becomes a symbol (the input length; Upsample keeps its length in the same
    #: relation to n; Permute's first axis).
    symbolic_size: Callable[[Params, sp.Symbol], tuple[Params, int]] = lambda p, n: (
        {**p, "n": n},
        p["n"],
    )

    def kernel(self, params: Params) -> tuple:
        """The symbolic taps to build this factory's operator with."""
        return self.taps(kernel_length(params))

    def draw(self, data: st.DataObject) -> tuple[Params, tuple, sc.Operator]:
        """Drawn parameters, the symbolic taps, and the operator built from both."""
        params = data.draw(self.params)
        q = self.kernel(params)
        return params, q, self.build(params, q)

    def at_symbolic_size(self, params: Params, q: tuple) -> tuple[sc.Operator, int]:
        """The operator of ``params`` with one size the symbol ``SIZE``, and the value it
        stands for in ``params``."""
        symbolic_params, value = self.symbolic_size(params, SIZE)
        return self.build(symbolic_params, q), value


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


@st.composite
def layer_params(draw: st.DrawFn) -> Params:
    """A 2-D multi-channel layer: channels, groups, and per axis kernel, padding, stride, dilation.

    ``m`` is the number of weight entries, so that the generic tests' kernel of ``m``
    taps fills the weight tensor (reshaped row-major).
    """
    groups = draw(st.integers(1, 2))
    cin_g, cout_g = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    axes = []
    for _ in range(2):
        k, s, d = draw(st.integers(1, 3)), draw(st.integers(1, 2)), draw(st.integers(1, 2))
        lo, hi = draw(st.integers(0, 2)), draw(st.integers(0, 2))
        span = d * (k - 1) + 1
        n = draw(st.integers(max(1, span - lo - hi), max(1, span - lo - hi) + 4))
        axes.append({"k": k, "s": s, "d": d, "lo": lo, "hi": hi, "n": n})
    weight_shape = (groups * cout_g, cin_g, axes[0]["k"], axes[1]["k"])
    return {
        "groups": groups,
        "weight_shape": weight_shape,
        "m": int(np.prod(weight_shape)),
        "n": axes[0]["n"],  # the height: the generic tests make it symbolic
        "width": axes[1]["n"],
        "axes": axes,
    }


@st.composite
def layer_transpose_params(draw: st.DrawFn) -> Params:
    """Like :func:`layer_params`, for the transposed layer: input size and output_padding."""
    params = draw(layer_params())
    for axis in params["axes"]:
        axis["a"] = draw(st.integers(0, axis["s"] - 1))
        axis["n"] = draw(st.integers(1, 4))  # the transposed layer's input size
        full = (axis["n"] - 1) * axis["s"] + axis["d"] * (axis["k"] - 1) + 1 + axis["a"]
        axis["lo"] = min(axis["lo"], full - 1)
        axis["hi"] = min(axis["hi"], full - 1 - axis["lo"])
    params["n"], params["width"] = (axis["n"] for axis in params["axes"])
    return params


def _weight(params: Params, q: object) -> list:
    return np.array(q, dtype=object).reshape(params["weight_shape"]).tolist()


def _layer_options(params: Params) -> dict:
    axes = params["axes"]
    return {
        "padding": tuple((a["lo"], a["hi"]) for a in axes),
        "stride": tuple(a["s"] for a in axes),
        "dilation": tuple(a["d"] for a in axes),
        "groups": params["groups"],
    }


def corr_2d_reference(params: Params, q: np.ndarray, x: np.ndarray, size: tuple) -> np.ndarray:
    """The 2-D grouped multi-channel cross-correlation by direct loops (channel-major)."""
    w = np.asarray(q, dtype=float).reshape(params["weight_shape"])
    cout, cin_g = w.shape[:2]
    groups = params["groups"]
    (a0, a1), (h, wd) = params["axes"], size
    image = x.reshape(cin_g * groups, h, wd)
    image = np.pad(image, ((0, 0), (a0["lo"], a0["hi"]), (a1["lo"], a1["hi"])))
    lengths = [
        (size_ + a["lo"] + a["hi"] - a["d"] * (a["k"] - 1) - 1) // a["s"] + 1
        for size_, a in zip(size, (a0, a1))
    ]
    y = np.zeros((cout, *lengths))
    for o in range(cout):
        g = o // (cout // groups)
        for c in range(cin_g):
            for i in range(lengths[0]):
                for j in range(lengths[1]):
                    for t0 in range(a0["k"]):
                        for t1 in range(a1["k"]):
                            r = i * a0["s"] + t0 * a0["d"]
                            col = j * a1["s"] + t1 * a1["d"]
                            y[o, i, j] += w[o, c, t0, t1] * image[g * cin_g + c, r, col]
    return y.ravel()


def conv_transpose_2d_reference(params: Params, q: np.ndarray, x: np.ndarray) -> np.ndarray:
    """The transpose of the forward correlation's matrix (built column by column), applied."""
    size = tuple(
        (a["n"] - 1) * a["s"] - a["lo"] - a["hi"] + a["d"] * (a["k"] - 1) + 1 + a["a"]
        for a in params["axes"]
    )
    cin = params["weight_shape"][1] * params["groups"]
    columns = cin * size[0] * size[1]
    forward = np.column_stack(
        [corr_2d_reference(params, q, np.eye(columns)[j], size) for j in range(columns)]
    )
    return forward.T @ x


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
        symbolic_size=lambda p, n: (
            {**p, "n": n, "length": p["k"] * n - (p["k"] * p["n"] - p["length"])},
            p["n"],
        ),
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
        transpose_twice_is_self=lambda p: p["mode"] == "full" or min(p["m"], p["n"]) > 1,
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
        # At stride 1 the transpose of the transpose may be the Conv whose mode crops the
        # same padding: equal pads (full, valid) or "same", whose split puts the odd one
        # at the end (hi = lo + 1; also for short signals, e.g. m = 3, n = 2, (0, 1)).
        transpose_twice_is_self=lambda p: (
            (p["s"], p["d"], p["a"]) != (1, 1, 0) or p["hi"] - p["lo"] not in (0, 1)
        ),
    ),
]


@st.composite
def border_params(draw: st.DrawFn) -> Params:
    """A padding mode and pads of any size (several reflections or wraps included)."""
    mode = draw(st.sampled_from(["reflect", "symmetric", "replicate", "circular"]))
    n = draw(st.integers(2 if mode == "reflect" else 1, 7))
    return {"n": n, "lo": draw(st.integers(0, 9)), "hi": draw(st.integers(0, 9)), "mode": mode}


#: The padding modes and their fold-backs (no syntax in the expression language either).
BORDER_FACTORIES = [
    Factory(
        "BorderPad",
        border_params(),
        lambda p, q: sc.BorderPad(p["n"], p["lo"], p["hi"], p["mode"]),
        lambda p, q, x: ref.border_pad(x, p["lo"], p["hi"], p["mode"]),
        uses_kernel=False,
    ),
    Factory(
        "BorderFold",
        border_params(),
        lambda p, q: sc.BorderFold(p["n"], p["lo"], p["hi"], p["mode"]),
        lambda p, q, x: ref.border_fold(x, p["n"], p["lo"], p["hi"], p["mode"]),
        uses_kernel=False,
    ),
]

#: The multi-channel N-D layers and axis permutations (the expression language has no
#: syntax for them, so its round-trip tests take FACTORIES only).
LAYER_FACTORIES = [
    Factory(
        "CorrNd",
        layer_params(),
        lambda p, q: sc.CorrNd(_weight(p, q), (p["n"], p["width"]), **_layer_options(p)),
        lambda p, q, x: corr_2d_reference(p, q, x, (p["n"], p["width"])),
    ),
    Factory(
        "ConvTransposeNd",
        layer_transpose_params(),
        lambda p, q: sc.ConvTransposeNd(
            _weight(p, q),
            (p["n"], p["width"]),
            output_padding=tuple(a["a"] for a in p["axes"]),
            **_layer_options(p),
        ),
        conv_transpose_2d_reference,
    ),
    Factory(
        "Permute",
        st.lists(st.integers(1, 3), min_size=1, max_size=3).flatmap(
            lambda shape: st.fixed_dictionaries(
                {"shape": st.just(tuple(shape)), "axes": st.permutations(range(len(shape)))}
            )
        ),
        lambda p, q: sc.Permute(p["shape"], tuple(p["axes"])),
        lambda p, q, x: x.reshape(p["shape"]).transpose(p["axes"]).ravel(),
        uses_kernel=False,
        symbolic_size=lambda p, n: ({**p, "shape": (n, *p["shape"][1:])}, p["shape"][0]),
    ),
]


@st.composite
def avg_pool_params(draw: st.DrawFn) -> Params:
    k = draw(st.integers(1, 4))
    s = draw(st.integers(1, 3))
    lo, hi = draw(st.integers(0, k - 1)), draw(st.integers(0, k - 1))
    ceil = draw(st.booleans())
    # at least one window (PyTorch's rule: the last one starts inside input or left padding)
    n = draw(st.integers(max(1, k - lo - hi - (s - 1 if ceil else 0)), 9))
    divisor = draw(st.sampled_from(["padded", "input", "none"]))
    return {"n": n, "k": k, "s": s, "lo": lo, "hi": hi, "ceil": ceil, "divisor": divisor}


#: Average and adaptive average pooling (1-D; N-D is their Kronecker product).
POOLING_FACTORIES = [
    Factory(
        "AvgPool",
        avg_pool_params(),
        lambda p, q: sc.AvgPool(p["n"], p["k"], p["s"], p["lo"], p["hi"], p["ceil"], p["divisor"]),
        lambda p, q, x: ref.avg_pool(x, p["k"], p["s"], p["lo"], p["hi"], p["ceil"], p["divisor"]),
        uses_kernel=False,
    ),
    Factory(
        "AdaptiveAvgPool",
        st.fixed_dictionaries({"n": small, "length": st.integers(1, 10)}),
        lambda p, q: sc.AdaptiveAvgPool(p["n"], p["length"]),
        lambda p, q, x: ref.adaptive_avg_pool(x, p["length"]),
        uses_kernel=False,
    ),
]


def _pool_call(p: Params, x: np.ndarray) -> np.ndarray:
    return ref.avg_pool(x, p["k"], p["s"], p["lo"], p["hi"], p["ceil"], p["divisor"])


def _pool(cls: type, p: Params) -> sc.Operator:
    return cls(p["n"], p["k"], p["s"], p["lo"], p["hi"], p["ceil"], p["divisor"])


@st.composite
def shuffle_params(draw: st.DrawFn) -> Params:
    rank = draw(st.integers(1, 2))
    size = tuple(draw(st.lists(st.integers(1, 3), min_size=rank, max_size=rank)))
    return {"size": size, "r": draw(st.integers(1, 3)), "c": draw(st.integers(1, 2))}


@st.composite
def block_params(draw: st.DrawFn) -> Params:
    rank = draw(st.integers(1, 2))
    kernel = tuple(draw(st.lists(st.integers(1, 3), min_size=rank, max_size=rank)))
    dilation = tuple(draw(st.lists(st.integers(1, 2), min_size=rank, max_size=rank)))
    padding = tuple(draw(st.lists(st.integers(0, 1), min_size=rank, max_size=rank)))
    stride = tuple(draw(st.lists(st.integers(1, 2), min_size=rank, max_size=rank)))
    size = tuple(  # at least one block on every axis
        draw(st.integers(max(1, d * (k - 1) + 1 - 2 * pad), 5))
        for k, d, pad in zip(kernel, dilation, padding)
    )
    return {
        "size": size,
        "kernel": kernel,
        "dilation": dilation,
        "padding": padding,
        "stride": stride,
        "c": draw(st.integers(1, 2)),
    }


def _blocks(cls: type, p: Params) -> sc.Operator:
    pads = tuple((pad, pad) for pad in p["padding"])
    return cls(p["size"], p["kernel"], p["dilation"], pads, p["stride"], p["c"])


def _unfold_call(p: Params, x: np.ndarray) -> np.ndarray:
    return ref.unfold(x, p["size"], p["kernel"], p["dilation"], p["padding"], p["stride"], p["c"])


def _first_axis(p: Params, n: sp.Symbol, scale: int = 1) -> tuple[Params, int]:
    size = p["size"]
    return {**p, "size": (scale * n, *size[1:])}, size[0] // scale


def _rearrangement(name: str, params: st.SearchStrategy, build: Callable, reference: Callable):
    """The factory of a kernel-free N-D rearrangement whose first axis can be symbolic."""
    return Factory(name, params, build, reference, uses_kernel=False, symbolic_size=_first_axis)


#: The transposes of pooling, and the rearrangements (pixel shuffle, unfold/fold), N-D.
REARRANGE_FACTORIES = [
    Factory(
        "AvgPoolTranspose",
        avg_pool_params(),
        lambda p, q: _pool(sc.operators.AvgPoolTranspose, p),
        lambda p, q, x: ref.transpose_of(lambda v: _pool_call(p, v), p["n"], x),
        uses_kernel=False,
    ),
    Factory(
        "AdaptiveAvgPoolTranspose",
        st.fixed_dictionaries({"n": small, "length": st.integers(1, 10)}),
        lambda p, q: sc.operators.AdaptiveAvgPoolTranspose(p["n"], p["length"]),
        lambda p, q, x: ref.transpose_of(
            lambda v: ref.adaptive_avg_pool(v, p["length"]), p["n"], x
        ),
        uses_kernel=False,
    ),
    _rearrangement(
        "PixelShuffle",
        shuffle_params(),
        lambda p, q: sc.PixelShuffle(p["size"], p["r"], p["c"]),
        lambda p, q, x: ref.pixel_shuffle(x, p["size"], p["r"], p["c"]),
    ),
    _rearrangement(
        "PixelUnshuffle",
        shuffle_params(),
        # Built on the shuffled size (multiples of r), the transpose of the shuffle.
        lambda p, q: sc.PixelUnshuffle(tuple(n * p["r"] for n in p["size"]), p["r"], p["c"]),
        lambda p, q, x: ref.transpose_of(
            lambda v: ref.pixel_shuffle(v, p["size"], p["r"], p["c"]),
            p["c"] * p["r"] ** len(p["size"]) * int(np.prod(p["size"])),
            x,
        ),
    ),
    _rearrangement(
        "Unfold",
        block_params(),
        lambda p, q: _blocks(sc.Unfold, p),
        lambda p, q, x: _unfold_call(p, x),
    ),
    _rearrangement(
        "Fold",
        block_params(),
        lambda p, q: _blocks(sc.Fold, p),
        lambda p, q, x: ref.transpose_of(
            lambda v: _unfold_call(p, v), p["c"] * int(np.prod(p["size"])), x
        ),
    ),
]


def _length_and_factor(
    cls: type[sc.Operator], reference: Callable[[np.ndarray, int], np.ndarray]
) -> Factory:
    """The factory of an operator ``cls(n, k)`` of a length and a factor, without a kernel."""
    return Factory(
        cls.__name__,
        st.fixed_dictionaries({"n": small, "k": factor}),
        lambda p, q: cls(p["n"], p["k"]),
        lambda p, q, x: reference(x, p["k"]),
        uses_kernel=False,
    )


#: The sampling relatives and the polyphase sum (used by the catalogue's identities).
RELATIVE_FACTORIES = [
    _length_and_factor(MultiplesProjector, ref.multiples_projector),
    _length_and_factor(NearestUpsample, ref.nearest_upsample),
    _length_and_factor(BlockSum, ref.block_sum),
    Factory(
        "PhaseSum",
        st.fixed_dictionaries({"m": st.integers(1, 5), "n": st.integers(1, 6), "s": factor}),
        lambda p, q: PhaseSum(family("q", len(q)), p["n"], p["s"]),
        lambda p, q, x: ref.phase_sum(q, x, p["s"]),
        taps=lambda m: family("q", m).taps(),
        closed_transpose=False,
    ),
]


@st.composite
def resample_params(draw: st.DrawFn) -> Params:
    """Any kernel, border, rational coordinate map (frameworks' or not) and sizes."""
    kernel = draw(st.sampled_from(["nearest", "linear", "cubic"]))
    scale = Fraction(draw(st.integers(0, 12)), draw(st.integers(1, 6)))
    offset = Fraction(draw(st.integers(-4, 4)), draw(st.integers(1, 4)))
    border = "clamp" if kernel == "nearest" else draw(st.sampled_from(["clamp", "renormalize"]))
    a = draw(st.sampled_from([Fraction(-3, 4), Fraction(-1, 2)]))
    return {"n": draw(small), "length": draw(small), "kernel": kernel, "scale": scale,
            "offset": offset, "a": a, "border": border}  # fmt: skip


def _resample(p: Params, q: object) -> sc.Resample:
    args = (p["scale"], p["offset"], p["a"])
    return sc.Resample(p["n"], p["length"], p["kernel"], *(sp.Rational(v) for v in args),
                       p["border"])  # fmt: skip


#: Resampling (symconv.operators.resample): not in the expression language, so not in
#: FACTORIES (whose operators the parser round-trips).
RESAMPLE_FACTORIES = [
    Factory(
        "Resample",
        resample_params(),
        _resample,
        lambda p, q, x: ref.resample(
            x, p["length"], p["kernel"], p["scale"], p["offset"], p["a"], p["border"]
        ),
        uses_kernel=False,
    ),
    Factory(
        "ResampleTranspose",
        resample_params(),
        lambda p, q: _resample(p, q).T,
        lambda p, q, x: ref.transpose_of(
            lambda v: ref.resample(
                v, p["length"], p["kernel"], p["scale"], p["offset"], p["a"], p["border"]
            ),
            p["n"],
            x,
        ),
        uses_kernel=False,
    ),
    Factory(
        "AreaResample",
        st.fixed_dictionaries({"n": small, "length": small}),
        lambda p, q: sc.AreaResample(p["n"], p["length"]),
        lambda p, q, x: ref.area_coverage(x, p["length"]),
        uses_kernel=False,
    ),
]


#: Every operator class symconv has (tests/test_operator_contract.py checks that).
ALL_FACTORIES = (
    FACTORIES
    + LAYER_FACTORIES
    + BORDER_FACTORIES
    + POOLING_FACTORIES
    + REARRANGE_FACTORIES
    + RELATIVE_FACTORIES
    + RESAMPLE_FACTORIES
)

#: Runs a test once for every factory, named by its operator class.
by_name = pytest.mark.parametrize("factory", ALL_FACTORIES, ids=lambda f: f.name)


def kernel_length(params: Params) -> int:
    """The kernel length a factory's parameters ask for (1 when it takes none)."""
    return int(params.get("m", 1))
