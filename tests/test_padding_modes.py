"""Padding modes (reflect, symmetric, replicate, circular) and their fold-back transposes.

Oracles: the periodic reflection/wrap of symconv.proof.oracle and NumPy's own
``numpy.pad`` (which shares no code with symconv).
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import symconv as sc
from symconv.errors import ParameterError
from symconv.operators.padding_modes import MODES, border_fold_nd, border_pad_nd
from symconv.proof import oracle as ref

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


def test_torch_pad_tuple_is_last_axis_first() -> None:
    from symconv.frameworks import torch as adapters

    op = adapters.pad((2, 3), (1, 0, 0, 2), mode="replicate", channels=2)
    x = np.arange(12.0).reshape(2, 2, 3)
    expected = np.pad(x, [(0, 0), (0, 2), (1, 0)], mode="edge")
    assert np.array_equal(sc.lambdify(op)(x.ravel()), expected.ravel())
    # constant mode may pad only the last axes, and crops with negative amounts
    op = adapters.pad((4, 5), (-1, 2))
    y = np.arange(20.0).reshape(4, 5)
    assert np.array_equal(sc.lambdify(op)(y.ravel()), np.pad(y[:, 1:], [(0, 0), (0, 2)]).ravel())


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda a: a.pad(4, (1, 1), value=1), r"value=1 is not allowed: expected None or 0"),
        (lambda a: a.pad(4, (1, 1), mode="edge"), r"mode='edge' is not allowed"),
        (lambda a: a.pad(4, (1, 1, 1)), r"an even number"),
        (lambda a: a.pad((4, 4), (1, 1), mode="reflect"), r"4 ints in mode 'reflect'"),
        (lambda a: a.pad(4, (0, 5), mode="circular"), r"at most the axis size 4"),
        (lambda a: a.pad((1, 1, 1, 1), (1,) * 8, mode="replicate"), r"1 to 3 spatial axes"),
        (
            lambda a: a.conv1d([[[1, 2]]], 4, padding=1, padding_mode="mirror"),
            r"padding_mode='mirror' is not allowed",
        ),
        (
            lambda a: a.conv1d([[[1, 2, 3]]], 2, padding=2, padding_mode="reflect"),
            r"smaller than the axis size 2",
        ),
    ],
)
def test_torch_adapter_refusals_name_the_parameter(call, message) -> None:
    from symconv.frameworks import torch as adapters

    with pytest.raises(ParameterError, match=message):
        call(adapters)


def test_tf_and_jax_adapter_refusals() -> None:
    from symconv.frameworks import jax as jax_adapters
    from symconv.frameworks import tf as tf_adapters

    with pytest.raises(ParameterError, match="at most size - 1 = 2"):
        tf_adapters.pad(3, [[3, 0]], "REFLECT")
    with pytest.raises(ParameterError, match="at most size = 3"):
        tf_adapters.pad(3, [[0, 4]], "symmetric")
    with pytest.raises(ParameterError, match="mode='WRAP' is not allowed"):
        tf_adapters.pad(3, [[0, 1]], "WRAP")
    with pytest.raises(ParameterError, match="2 \\[before, after\\] pairs"):
        tf_adapters.pad((3, 2), [[0, 1]])
    with pytest.raises(ParameterError, match="mode='mean' is not allowed"):
        jax_adapters.pad(3, 1, "mean")
    with pytest.raises(ParameterError, match="amounts >= 0"):
        jax_adapters.pad(3, (-1, 1), "edge")
    with pytest.raises(ParameterError, match="constant_values=1"):
        jax_adapters.pad(3, 1, "constant", constant_values=1)


def test_circular_conv_adapter_is_a_circulant() -> None:
    """conv1d(padding_mode='circular') with padding (m − 1)/2 on each side: a circulant."""
    from symconv.frameworks import torch as adapters

    q = [1, 2, 3]
    op = adapters.conv1d([[q]], 5, padding=1, padding_mode="circular")
    rows = [[q[(j - i + 1) % 5] if (j - i + 1) % 5 < 3 else 0 for j in range(5)] for i in range(5)]
    assert sc.explicit(op) == sp.Matrix(rows)


def test_the_catalogue_arguments_fail_for_wrong_statements() -> None:
    """The symbolic tiers behind padding-fold-back and circular-corr-transpose can fail."""
    from sympy.matrices.expressions import Transpose

    from symconv.catalogue.padding_modes import (
        _fold_sides,
        _symbolic_fold_sides,
        circulant_argument,
    )
    from symconv.proof.symbolic import entrywise_equal

    lhs, rhs, _ = _symbolic_fold_sides("reflect")
    assert entrywise_equal(lhs, rhs)[0]
    _, symmetric, _ = _symbolic_fold_sides("symmetric")
    assert not entrywise_equal(lhs, symmetric)[0]  # the edge repeated: another fold-back
    assert [passed for passed, _, _ in circulant_argument()] == [True, True, True]
    assert not all(passed for passed, _, _ in circulant_argument(swapped=False))
    # Concretely, the unswapped padding is a different matrix (m = 3, lo = 0, hi = 2).
    q = sc.kernel("q", 3)
    wrong = sc.Conv(q, 6, "valid") @ sc.BorderPad(4, 0, 2, "circular")
    right = Transpose(sc.Corr(q, 6) @ sc.BorderPad(4, 0, 2, "circular"))
    assert sc.explicit(wrong) != sc.explicit(right)
    assert sc.explicit(right) == sc.explicit(
        sc.Conv(q, 6, "valid") @ sc.BorderPad(4, 2, 0, "circular")
    )
    # The fold-back's pieces at one concrete size, by hand: reflect n = 4, lo = 2, hi = 1.
    lhs, rhs = _fold_sides(4, 2, 1, "reflect")
    assert sc.explicit(lhs) == sc.explicit(rhs) == sc.explicit(sc.BorderFold(4, 2, 1, "reflect"))


def test_shapes_cli_padding_mode(capsys: pytest.CaptureFixture) -> None:
    from symconv.cli import main

    status = main(
        ["shapes", "--input", "4x6", "--kernel", "3x3", "--padding", "1x2", "--padding-mode",
         "circular"]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert status == 0 and "output size: 4x8" in out
    assert "axis 0: BorderPad(4, 1, 1, 'circular'), padded length 6" in out
    assert "axis 1: BorderPad(6, 2, 2, 'circular'), padded length 10" in out
    assert main(["shapes", "--input", "3", "--kernel", "3", "--padding", "4",
                 "--padding-mode", "circular"]) == 2  # fmt: skip
    assert "at most 3 on an axis of size 3" in capsys.readouterr().err
    assert main(["shapes", "--framework", "tf", "--input", "5", "--kernel", "3",
                 "--padding-mode", "reflect"]) == 2  # fmt: skip
    assert "only with --framework torch --op conv" in capsys.readouterr().err
    assert sc.sizes.largest_pad(4, "symmetric", "numpy") is None


def test_latex_names_the_mode() -> None:
    assert (
        sc.latex(sc.BorderPad(3, 1, 2, "reflect")) == r"\operatorname{Pad}_{1,2}^{\mathrm{reflect}}"
    )
    assert sc.latex(sc.BorderFold(3, 1, 2, "circular")) == (
        r"\left(\operatorname{Pad}_{1,2}^{\mathrm{circular}}\right)^{\mathsf{T}}"
    )


def test_fold_back_figure_reads_numpy_pad() -> None:
    """The figure's top rows are numpy.pad of the indices; its weights are the row sums."""
    pytest.importorskip("matplotlib")
    from symconv.figures import padding_fold_back

    fig = padding_fold_back(n=3, lo=4, hi=2)
    for ax, mode in zip(fig.axes, MODES):
        texts = [t.get_text() for t in ax.texts]
        size = 3 + 4 + 2
        sources = np.pad(np.arange(3), (4, 2), mode=NUMPY_NAME[mode])
        assert texts[:size] == [f"$x_{{{j}}}$" for j in sources]
        # The weight column (x = size + 0.5), rows 1 … n: how many positions copy each x_j.
        weights = {
            round(t.get_position()[1] - 0.5): int(t.get_text())
            for t in ax.texts
            if t.get_position()[0] == size + 0.5 and t.get_text().isdigit()
        }
        assert [weights[r] for r in (1, 2, 3)] == np.bincount(sources, minlength=3).tolist()
    with pytest.raises(ParameterError, match="n=1 is not allowed"):
        padding_fold_back(n=1)


@settings(max_examples=80, deadline=None)
@given(case=one_axis(), seed=st.integers(0, 2**32 - 1))
def test_fast_numeric_paths_agree_with_the_derived_ones(case: tuple, seed: int) -> None:
    """The gather/scatter fast paths of lambdify against the index-map (sparse) default."""
    from symconv.numeric import _compile_derived, _Parameters

    mode, n, lo, hi = case
    rng = np.random.default_rng(seed)
    for op in (sc.BorderPad(n, lo, hi, mode), sc.BorderFold(n, lo, hi, mode)):
        x = rng.normal(size=(2, int(op.cols)))
        derived = _compile_derived(op, _Parameters(()))(x, ())
        np.testing.assert_allclose(sc.lambdify(op)(x), derived, rtol=1e-13, atol=1e-13)
