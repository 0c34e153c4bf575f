"""Shared pieces of the catalogue modules: symbols, kernels, parameter declarations."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator

import sympy as sp

from symconv import kernels
from symconv.catalogue.entry import Param, grid

#: Symbolic sizes for the rewrite and symbolic tiers.
n, k, N, s = sp.symbols("n k N s", integer=True, positive=True)
lo, hi, e = sp.symbols("lo hi e", integer=True, nonnegative=True)
#: The kernel length, dilation and output padding as symbols (kernels of symbolic length).
m, d = sp.symbols("m d", integer=True, positive=True)
a = sp.Symbol("a", integer=True, nonnegative=True)

#: The issue's minimum exhaustive bounds.
N_RANGE, M_RANGE, K_RANGE, P_RANGE = range(1, 13), range(1, 6), range(1, 5), range(0, 3)


def q(m: int, name: str = "q") -> tuple[sp.Symbol, ...]:
    """The symbolic kernel (q_0, …, q_{m−1})."""
    return kernels.kernel(name, m)


def taps(m: object, name: str = "q") -> tuple[sp.Symbol, ...] | kernels.KernelFamily:
    """The kernel of length m: symbols q_0, …, q_{m−1} for a number, a family for a symbol."""
    if isinstance(m, int) or sp.sympify(m).is_Integer:
        return q(int(m), name)
    return kernels.family(name, m)


def at_least(name: str, lower: object) -> sp.Symbol:
    """The positive integer parameter ``name`` with the stated condition ``name >= lower``."""
    from symconv.proof.symbolic import BoundedSymbol

    return BoundedSymbol(name, lower, sp.oo, integer=True, positive=True)


def param(name: str, default: object, text: str, minimum: int = 1, choices: tuple = ()) -> Param:
    return Param(name, default, text, minimum, choices)


N_PARAM = param("n", 4, "signal length")
M_PARAM = param("m", 3, "kernel length")
K_PARAM = param("k", 2, "sampling factor")
S_PARAM = param("s", 2, "stride")
D_PARAM = param("d", 1, "dilation")
LO_PARAM = param("lo", 0, "padding at the start", minimum=0)
HI_PARAM = param("hi", 0, "padding at the end", minimum=0)
MODE_PARAM = param("mode", "same", "convolution mode", choices=("full", "valid", "same"))
#: The kernel length, stride, padding and dilation of a strided layer (after its input length).
LAYER_PARAMS = (M_PARAM, S_PARAM, LO_PARAM, HI_PARAM, D_PARAM)

#: The number of spatial axes of an entry stated for signals and images alike.
RANK_PARAM = Param("rank", 1, "spatial axes: 1 signals, 2 images", choices=(1, 2))


def per_axis(name: str, default: int, text: str, image: tuple, minimum: int = 1) -> Param:
    """A parameter with one value per spatial axis: ``default`` at rank 1, ``image`` at 2."""
    return Param(name, default, text, minimum, per_axis=True, rank_defaults=((2, image),))


def ranked_params(*specs: tuple) -> tuple[Param, ...]:
    """``rank`` and the per-axis parameters ``(name, default, text, image default)``."""
    return (RANK_PARAM, *(per_axis(name, d, f"{text} (per axis)", i) for name, d, text, i in specs))


def axis_values(value: object, rank: int) -> tuple:
    """A per-axis parameter as a tuple of ``rank`` values (one integer is every axis's)."""
    return tuple(value) if isinstance(value, (tuple, list)) else (value,) * rank


def ranked_grid(signals: dict, images: dict) -> Callable[[], Iterator[dict]]:
    """The grid of an entry with a rank: ``signals``' ranges at rank 1, then ``images``'.

    An image parameter given as a range takes every pair from it (one value per axis);
    otherwise it lists its per-axis values.

    Examples
    --------
    >>> points = list(ranked_grid({"n": range(1, 3)}, {"n": [(2, 3)], "m": range(1, 3)})())
    >>> len(points), points[0], points[-1]
    (6, {'rank': 1, 'n': 1}, {'rank': 2, 'n': (2, 3), 'm': (2, 2)})
    """

    def points() -> Iterator[dict]:
        yield from grid(rank=[1], **signals)
        per_axis = {
            name: itertools.product(v, repeat=2) if isinstance(v, range) else v
            for name, v in images.items()
        }
        yield from grid(rank=[2], **per_axis)

    return points
