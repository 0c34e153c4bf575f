"""Padding modes (reflect, symmetric, replicate, circular) and their fold-back transposes.

Oracles: the step-by-step reflection/wrap loops of tests/reference.py and NumPy's own
``numpy.pad`` (which shares no code with symconv).
"""

from __future__ import annotations

import numpy as np
import pytest
import reference as ref
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import symconv as sc
from symconv.errors import ParameterError
from symconv.operators.padding_modes import MODES, border_fold_nd, border_pad_nd

NUMPY_NAME = {
    "reflect": "reflect",
    "symmetric": "symmetric",
    "replicate": "edge",
    "circular": "wrap",
}

modes = st.sampled_from(MODES)


@st.composite
def one_axis(draw: st.DrawFn) -> tuple[str, int, int, int]:
    mode = draw(modes)
    n = draw(st.integers(2 if mode == "reflect" else 1, 8))
    return mode, n, draw(st.integers(0, 20)), draw(st.integers(0, 20))


@settings(max_examples=200, deadline=None)
@given(case=one_axis())
def test_pad_is_numpy_pad_and_fold_is_its_transpose(case: tuple) -> None:
    """Every mode and pad size (many reflections/wraps): the matrix is numpy.pad's map, and
    the fold-back is the loop reference's scatter, which is that matrix transposed."""
    mode, n, lo, hi = case
    pad = sc.explicit(sc.BorderPad(n, lo, hi, mode))
    numpy_map = ref.matrix_of(lambda x: np.pad(x, (lo, hi), mode=NUMPY_NAME[mode]), n)
    assert np.array_equal(np.array(pad, dtype=float), numpy_map)
    fold = sc.explicit(sc.BorderFold(n, lo, hi, mode))
    loops = ref.matrix_of(lambda y: ref.border_fold(y, n, lo, hi, mode), n + lo + hi)
    assert np.array_equal(np.array(fold, dtype=float), loops)
    assert np.array_equal(loops, numpy_map.T)


def test_fold_back_by_hand() -> None:
    """The gradient of reflect padding of (a b c) by (2, 1): c b | a b c | b."""
    g = sp.Matrix(sp.symbols("g0:6"))
    g0, g1, g2, g3, g4, g5 = g
    assert sc.explicit(sc.BorderFold(3, 2, 1, "reflect")) * g == sp.Matrix(
        [g2, g1 + g3 + g5, g0 + g4]
    )
    assert sc.explicit(sc.BorderFold(3, 2, 1, "replicate")) * g == sp.Matrix(
        [g0 + g1 + g2, g3, g4 + g5]
    )
    assert sc.explicit(sc.BorderFold(3, 2, 1, "circular")) * g == sp.Matrix(
        [g2 + g5, g0 + g3, g1 + g4]
    )
    assert sc.explicit(sc.BorderFold(3, 2, 1, "symmetric")) * g == sp.Matrix(
        [g1 + g2, g0 + g3, g4 + g5]
    )


@pytest.mark.parametrize("mode", MODES)
def test_transposes_in_closed_form(mode: str) -> None:
    op = sc.BorderPad(4, 3, 5, mode)
    assert sc.BorderFold(4, 3, 5, mode) == op.T
    assert op == op.T.T
    assert sc.explicit(op.T) == sc.explicit(op).T
    assert op.shape == (12, 4) and op.T.shape == (4, 12)


def test_constant_mode_is_zero_padding() -> None:
    assert sc.BorderPad(3, 1, 2, "constant") == sc.Pad(3, 1, 2)
    assert sc.BorderFold(3, 1, 2, "constant") == sc.Crop(6, 1, 2)
    assert sc.Crop(6, 1, 2) == sc.Pad(3, 1, 2).T


@pytest.mark.parametrize("mode", MODES)
def test_symbolic_sizes_substitute(mode: str) -> None:
    n, lo, hi = sp.symbols("n lo hi", integer=True, positive=True)
    op = sc.BorderPad(n, lo, hi, mode)
    assert op.shape == (n + lo + hi, n)
    assert op.subs({n: 3, lo: 2, hi: 4}) == sc.BorderPad(3, 2, 4, mode)
    assert op.T.subs({n: 3, lo: 2, hi: 4}) == sc.BorderFold(3, 2, 4, mode)
    # The entry with a symbolic row index, at concrete sizes, is the exact matrix.
    concrete = sc.BorderPad(3, 2, 4, mode)
    i, j = sp.symbols("i j", integer=True)
    entry = concrete[i, j]
    assert sp.Matrix(9, 3, lambda r, c: entry.subs({i: r, j: c})) == sc.explicit(concrete)


def test_bad_parameters_name_the_parameter() -> None:
    with pytest.raises(ParameterError, match=r"mode='edge' is not allowed: expected one of"):
        sc.BorderPad(3, 1, 1, "edge")
    with pytest.raises(ParameterError, match=r"n=1 is not allowed: expected n >= 2 for mode"):
        sc.BorderPad(1, 1, 0, "reflect")
    with pytest.raises(ParameterError, match=r"lo=-1 is not allowed"):
        sc.BorderFold(3, -1, 0, "circular")
    with pytest.raises(ParameterError, match=r"n=0 is not allowed"):
        sc.BorderPad(0, 1, 0, "replicate")


@settings(max_examples=60, deadline=None)
@given(
    mode=modes,
    shape=st.lists(st.integers(2, 5), min_size=1, max_size=3),
    channels=st.integers(1, 3),
    data=st.data(),
)
def test_nd_padding_is_numpy_pad_and_fold_is_its_adjoint(
    mode: str, shape: list, channels: int, data: st.DataObject
) -> None:
    """N-D: a Kronecker product per axis, channel-major; ⟨Px, y⟩ = ⟨x, Fy⟩."""
    pads = [tuple(data.draw(st.integers(0, 6)) for _ in range(2)) for _ in shape]
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    x = rng.normal(size=(channels, *shape))
    op = border_pad_nd(tuple(shape), pads, mode, channels=channels)
    expected = np.pad(x, [(0, 0), *pads], mode=NUMPY_NAME[mode])
    np.testing.assert_allclose(sc.lambdify(op)(x.ravel()), expected.ravel(), rtol=0, atol=0)
    y = rng.normal(size=expected.size)
    fold = border_fold_nd(tuple(shape), pads, mode, channels=channels)
    assert sc.explicit(fold) == sc.explicit(op).T
    np.testing.assert_allclose(x.ravel() @ sc.lambdify(fold)(y), expected.ravel() @ y)
