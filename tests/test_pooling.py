"""Pooling, pixel (un)shuffle and unfold/fold against symconv.proof.oracle.

The 1-D pooling operators are also in the generic operator registry; here: the N-D
classes (exact matrices, closed-form transposes, numerics), the size rule of ceil_mode,
and the errors.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import symconv as sc
from symconv import sizes
from symconv.operators.pooling import avg_pool_nd
from symconv.proof import oracle as ref


def _check(op, reference) -> None:
    """Exact matrix = the reference's, closed-form transpose exact, lambdify = reference."""
    expected = ref.matrix_of(reference, int(op.cols))
    exact = sc.explicit(op)
    assert np.array_equal(np.array(exact, dtype=float), expected)
    transposed = op.T
    assert not isinstance(transposed, sp.Transpose)
    assert sc.explicit(transposed) == exact.T
    x = np.random.default_rng(0).standard_normal((2, int(op.cols)))
    np.testing.assert_allclose(sc.lambdify(op)(x), x @ expected.T, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(
    size=st.lists(st.integers(1, 3), min_size=1, max_size=3),
    r=st.integers(1, 3),
    c=st.integers(1, 2),
)
def test_pixel_shuffle_and_unshuffle(size, r, c) -> None:
    size = tuple(size)
    shuffle = sc.PixelShuffle(size, r, c)
    _check(shuffle, lambda x: ref.pixel_shuffle(x, size, r, c))
    big = tuple(n * r for n in size)
    unshuffle = sc.PixelUnshuffle(big, r, c)
    assert unshuffle == shuffle.T and shuffle == unshuffle.T
    # a permutation: its transpose is its inverse
    assert sc.explicit(unshuffle) * sc.explicit(shuffle) == sp.eye(int(shuffle.rows))


def test_pixel_shuffle_is_a_permute_of_axes() -> None:
    """(C, r, r, H, W) → (C, H, r, W, r): PyTorch's pixel shuffle is one axis permutation."""
    c, r, h, w = 2, 3, 2, 1
    permute = sc.Permute((c, r, r, h, w), (0, 3, 1, 4, 2))
    assert sc.explicit(sc.PixelShuffle((h, w), r, c)) == sc.explicit(permute)


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_unfold_and_fold(data) -> None:
    rank = data.draw(st.integers(1, 2))
    size = tuple(data.draw(st.lists(st.integers(1, 5), min_size=rank, max_size=rank)))
    kernel = tuple(data.draw(st.integers(1, 3)) for _ in size)
    dilation = tuple(data.draw(st.integers(1, 2)) for _ in size)
    padding = tuple(data.draw(st.integers(0, 2)) for _ in size)
    stride = tuple(data.draw(st.integers(1, 3)) for _ in size)
    c = data.draw(st.integers(1, 2))
    fits = all(n + 2 * p >= d * (k - 1) + 1 for n, p, d, k in zip(size, padding, dilation, kernel))
    if not fits:
        with pytest.raises(sc.ParameterError, match="kernel"):
            sc.Unfold(size, kernel, dilation, padding, stride, c)
        return
    op = sc.Unfold(size, kernel, dilation, padding, stride, c)
    _check(op, lambda x: ref.unfold(x, size, kernel, dilation, padding, stride, c))
    assert isinstance(op.T, sc.Fold) and op == op.T.T


def test_fold_sums_overlaps() -> None:
    """col2im of all-ones columns counts how many blocks cover each pixel."""
    fold = sc.Fold((3, 3), (2, 2))
    counts = sc.lambdify(fold)(np.ones(int(fold.cols))).reshape(3, 3)
    np.testing.assert_array_equal(counts, [[1, 2, 1], [2, 4, 2], [1, 2, 1]])


@pytest.mark.parametrize(
    "n,k,s,p,ceil",
    list(itertools.product(range(1, 9), range(1, 4), range(1, 4), range(2), [0, 1])),
)
def test_pool_length_is_pytorchs_rule(n, k, s, p, ceil) -> None:
    """The number of windows: PyTorch's pooling_output_shape, written out independently."""
    if n + 2 * p - k + (s - 1 if ceil else 0) < 0:
        return
    expected = (n + 2 * p - k + (s - 1 if ceil else 0)) // s + 1
    if ceil and (expected - 1) * s >= n + p:
        expected -= 1
    assert sizes.pool_length(n, k, s, p, p, bool(ceil)) == expected


def test_pool_length_symbolic() -> None:
    n = sp.Symbol("n", integer=True, positive=True)
    assert sizes.pool_length(n, 2, 2) == sp.floor((n - 2) / 2) + 1
    ceil = sizes.pool_length(n, 2, 2, ceil_mode=True)
    assert [ceil.subs(n, v) for v in (2, 3, 4, 5)] == [1, 2, 2, 3]


def test_avg_pool_nd_divides_by_the_product_of_axis_counts() -> None:
    """count_include_pad=False in 2-D: the corner window of a 3×3 input padded by 1 with a
    2×2 kernel sees one pixel, divided by 1·1 (not by 4)."""
    op = avg_pool_nd((3, 3), 2, 1, 1, divisor="input")
    assert sc.explicit(op)[0, :].tolist()[0][:2] == [1, 0]
    assert sc.explicit(op)[1, :2].tolist()[0] == [sp.Rational(1, 2), sp.Rational(1, 2)]


def test_avg_pool_nd_with_channels_is_block_diagonal() -> None:
    op = avg_pool_nd((2, 2), 2, channels=3)
    assert sc.explicit(op) == sp.diag(*[sp.Matrix([[sp.Rational(1, 4)] * 4])] * 3)


@pytest.mark.parametrize(
    "args,name",
    [
        ((4, 2, 1, 2, 0), "lo"),
        ((4, 2, 1, 0, 2), "hi"),
        ((1, 4, 1, 1, 1), "n"),
        ((4, 2, 1, 0, 0, False, "mean"), "divisor"),
        ((4, 2, 1, 0, 0, 1), "ceil_mode"),
        ((0, 2), "n"),
    ],
)
def test_avg_pool_errors_name_the_parameter(args, name) -> None:
    with pytest.raises(sc.ParameterError, match=rf"^{name}="):
        sc.AvgPool(*args)


def test_adapter_errors() -> None:
    from symconv.frameworks import torch as adapters

    with pytest.raises(sc.ParameterError, match="padding"):
        adapters.avg_pool2d((4, 4), 2, padding=2)
    with pytest.raises(sc.ParameterError, match="channels"):
        adapters.pixel_shuffle((2, 2), 2, channels=3)


def test_avg_pool_entry_is_proven_for_all_parameters() -> None:
    from symconv import catalogue
    from symconv.derivation import Tier, Verdict

    derivation = catalogue.get("avg-pool-as-strided-corr").derivation(n=7, k=3, s=2, lo=1)
    assert derivation.verdict is Verdict.PROVEN
    symbolic = next(t for t in derivation.tiers if t.tier is Tier.SYMBOLIC)
    assert symbolic.scope == "all" and not symbolic.fixed


def test_where_pooling_stops_being_a_correlation_is_stated_exactly() -> None:
    """The entry's note names the smallest counterexamples an exhaustive search finds."""
    from symconv import catalogue
    from symconv.catalogue.pooling import where_it_breaks

    found = where_it_breaks()
    assert found["count_include_pad=False"].startswith("n=1, k=2, s=1, lo=1, hi=1:")
    assert found["ceil_mode=True"].startswith("n=1, k=2, s=2, lo=0, hi=0:")
    note = catalogue.get("avg-pool-as-strided-corr").notes[0]
    assert "n=1, k=2, s=1, lo=hi=1" in note and "n=1, k=2, s=2, lo=hi=0" in note
    # and the break is real: the two sides differ right there
    pool = sc.AvgPool(1, 2, 1, 1, 1, False, "input")
    assert sc.explicit(pool)[0, 0] == 1


def test_the_row_argument_of_the_shuffle_entries_can_fail() -> None:
    """A kernel not flipped (or a padding off by one) makes the row forms differ."""
    from symconv.catalogue import pooling

    def unflipped(n, m, r, lo, hi, c_in=1, c=1):
        lhs, rhs = pooling._shuffle_sides(n, m, r, lo, hi, c_in, c)
        weight = rhs.weight
        flipped = sp.ImmutableDenseNDimArray(
            [weight[i, o, t] for i in range(c_in) for o in range(c) for t in range(r * m)][::-1],
            weight.shape,
        )
        return lhs, sc.ConvTransposeNd(flipped, rhs.size, rhs.padding, r)

    values = {"n": 3, "m": 2, "r": 2, "lo": 0, "hi": 0, "c_in": 1, "c": 1}
    (good,) = pooling._row_argument(pooling._shuffle_sides, True)(**values)[1]
    (bad,) = pooling._row_argument(unflipped, True)(**values)[1]
    assert good.passed and not bad.passed
    assert good.fixed == {"m": 2, "r": 2, "lo": 0, "hi": 0, "c_in": 1, "c": 1}


def test_shapes_cli_states_the_ceil_mode_rule(capsys) -> None:
    from symconv.cli import main

    args = ["shapes", "--op", "avg_pool", "--input", "6", "--kernel", "2", "--stride", "4"]
    assert main([*args, "--padding", "1", "--ceil-mode"]) == 0
    out = capsys.readouterr().out
    assert "output size: 2" in out and "the documented formula gives 3" in out
    assert main(["shapes", "--op", "avg_pool", "--input", "5", "--kernel", "2", "--ceil-mode"]) == 0
    out = capsys.readouterr().out  # stride defaults to the kernel size, as in PyTorch
    assert "output size: 3" in out and "weights per window: 1/2, 1/2, 1" in out
    assert main(["shapes", "--op", "adaptive_avg_pool", "--input", "5", "--output-size", "3"]) == 0
    assert "[(0, 2), (1, 4), (3, 5)]" in capsys.readouterr().out
    assert (
        main(["shapes", "--op", "unfold", "--input", "4x5", "--kernel", "2", "--padding", "1"]) == 0
    )
    assert "output: (C·4, 30)" in capsys.readouterr().out
    assert (
        main(["shapes", "--op", "avg_pool", "--input", "4", "--kernel", "2", "--padding", "2"]) == 2
    )
    assert "--padding=2" in capsys.readouterr().err


def test_pooling_figure_draws_the_reference_weights() -> None:
    """The labels of the figure's input cells are the loop reference's weights, row by row."""
    pytest.importorskip("matplotlib")
    from fractions import Fraction

    from symconv import figures

    n, k, s, p = 6, 3, 2, 1
    fig = figures.pooling_weights(n, k, s, p, ceil_mode=True)
    for ax, divisor in zip(fig.axes, ("padded", "input")):
        matrix = ref.matrix_of(lambda x, d=divisor: ref.avg_pool(x, k, s, p, p, True, d), n)
        drawn = [t.get_text() for t in ax.texts if t.get_text() not in ("", "0")]
        expected = [
            f"${sp.latex(sp.Rational(Fraction(v).limit_denominator(100)))}$"
            for v in matrix.ravel()
            if v
        ]
        assert drawn == expected


@pytest.mark.parametrize(
    "op",
    [
        sc.PixelShuffle((2, 3), 2, 3),
        sc.PixelShuffle((2,), 3, 2),
        sc.PixelUnshuffle((4, 6), 2, 2),
        sc.PixelUnshuffle((2, 2, 4), 2, 1),
        sc.Unfold((4, 5), (2, 3), (1, 2), ((1, 0), (2, 1)), (2, 1), 2),
        sc.Unfold((5,), (3,), (2,), ((1, 1),), (2,), 3),
        sc.Fold((4, 5), (2, 3), (1, 2), ((1, 0), (2, 1)), (2, 1), 2),
        sc.Fold((3, 3), (2, 2)),
    ],
    ids=str,
)
def test_fast_numeric_paths_equal_the_derived_default(op) -> None:
    """The NumPy paths of pixel shuffle and unfold against the index map's sparse product."""
    from symconv.numeric import _compile_derived, _Parameters

    x = np.random.default_rng(3).standard_normal((2, 3, int(op.cols)))
    derived = _compile_derived(op, _Parameters([]))(x, [])
    np.testing.assert_allclose(sc.lambdify(op)(x), derived, atol=1e-12)
    assert sc.lambdify(op)(x[0, 0]).shape == (int(op.rows),)


def test_latex_forms_say_what_the_operators_do() -> None:
    assert sc.latex(sc.AvgPool(5, 2)) == r"\operatorname{AvgPool}_{k=2,\,s=2}"
    flagged = sc.latex(sc.AvgPool(6, 3, 2, 1, 1, True, "input").T)
    assert flagged == (
        r"\operatorname{AvgPool}_{k=3,\,s=2,\,p=(1,1),\,\mathrm{ceil},\,\div\mathrm{input}}"
        r"^{\mathsf{T}}"
    )
    assert sc.latex(sc.AdaptiveAvgPool(5, 3)) == r"\operatorname{AdaptiveAvgPool}_{5 \to 3}"
    assert sc.latex(sc.PixelShuffle((2, 2), 2, 1).T) == r"\operatorname{PixelUnshuffle}_{r=2}"
    assert sc.latex(sc.Unfold((3, 3), (2, 2)).T) == r"\operatorname{Fold}_{2\times2}"


@pytest.mark.parametrize(
    "size,m,r,pads,c_in,c",
    [((2, 3), (2, 2), 2, ((0, 0), (0, 0)), 1, 1), ((3, 2), (3, 2), 2, ((1, 2), (0, 1)), 2, 1)],
)
def test_subpixel_layer_in_2d(size, m, r, pads, c_in, c) -> None:
    """Shi et al.'s 2-D sub-pixel layer: conv to c·r² channels then pixel shuffle equals the
    stride-r transposed conv with K[i, o, (m₁−1−t₁)r + v₁, (m₂−1−t₂)r + v₂] =
    w[o·r² + v₁·r + v₂, i, t₁, t₂] — the 1-D entry's rearrangement on each axis."""
    rng = np.random.default_rng(4)
    w = rng.integers(-5, 6, size=(c * r * r, c_in, *m))
    conv = sc.CorrNd(w.tolist(), size, list(pads))
    lhs = sp.MatMul(sc.PixelShuffle(conv.output_size, r, c), conv)
    K = np.zeros((c_in, c, r * m[0], r * m[1]), dtype=int)
    for i, o, t1, t2, v1, v2 in itertools.product(
        range(c_in), range(c), range(m[0]), range(m[1]), range(r), range(r)
    ):
        K[i, o, (m[0] - 1 - t1) * r + v1, (m[1] - 1 - t2) * r + v2] = w[
            o * r * r + v1 * r + v2, i, t1, t2
        ]
    padding = [((mm - 1 - lo) * r, (mm - 1 - hi) * r) for mm, (lo, hi) in zip(m, pads)]
    rhs = sc.ConvTransposeNd(K.tolist(), size, padding, r)
    assert sc.explicit(lhs) == sc.explicit(rhs)


def test_where_each_flag_departs_from_the_box_correlation_exactly() -> None:
    """count_include_pad=False changes exactly the rows whose window overlaps the padding;
    ceil_mode=True keeps every row and adds the overhanging ones (n ≤ 12, k ≤ 4, s ≤ 3,
    PyTorch's p ≤ k/2) — the two sentences of the entry's note, checked both ways."""
    from symconv.catalogue.pooling import _box_corr

    for n, k, s in itertools.product(range(1, 13), range(1, 5), range(1, 4)):
        for p in range(k // 2 + 1):
            if n + 2 * p < k:
                continue
            box = sc.explicit(_box_corr(n, k, s, p, p))
            exclude = sc.explicit(sc.AvgPool(n, k, s, p, p, False, "input"))
            differing = {i for i in range(box.rows) if box.row(i) != exclude.row(i)}
            overlapping = {i for i in range(box.rows) if i * s < p or i * s - p + k > n}
            assert differing == overlapping, (n, k, s, p)
            ceil = sc.explicit(sc.AvgPool(n, k, s, p, p, True))
            assert ceil[: box.rows, :] == box
            extra = ceil.rows - box.rows
            assert extra in (0, 1)
            assert extra == int((n + 2 * p - k) % s != 0 and box.rows * s < n + p)
