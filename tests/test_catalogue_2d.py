"""The 2-D catalogue entries: tiers, the classic examples, and wrong variants refuted."""

from __future__ import annotations

import itertools

import catalogue_run
import numpy as np
import pytest
import sympy as sp
from sympy.matrices.expressions import Identity, KroneckerProduct, MatAdd, MatMul

from symconv import SymconvError, catalogue, explicit, lambdify
from symconv.catalogue import twod
from symconv.catalogue.multirate import _subpixel_sides
from symconv.derivation import Tier
from symconv.operators import Upsample
from symconv.operators.channels import ConvTransposeNd, CorrNd, conv_nd, corr_nd, weight_tensor
from symconv.operators.grid import pad_nd, upsample_nd
from symconv.operators.polyphase import polyphase
from symconv.proof import oracle
from symconv.proof.rules import border
from symconv.proof.symbolic import entrywise_equal_nd
from symconv.proof.tiers import Instance, exhaustive_tier, numeric_tier

#: The entries stated on images: the direct form on its own, the others at rank 2.
NAMES_2D = {
    "transposed-conv-as-direct-conv-2d": {},
    "subpixel-conv": {"rank": 2},
    "checkerboard-overlap": {"rank": 2},
    "nearest-upsample-conv": {"rank": 2},
}


@pytest.mark.parametrize("name", NAMES_2D)
def test_2d_entry_is_proven_symbolically_exhaustively_and_numerically(name: str) -> None:
    catalogue_run.results()  # the session's run: its grid tiers are shared
    derivation = catalogue.get(name).derivation(**NAMES_2D[name])
    passed = {t.tier for t in derivation.tiers if t.passed}
    assert passed == {Tier.SYMBOLIC, Tier.EXHAUSTIVE, Tier.NUMERIC}, derivation.tiers
    assert all(t.passed or not t.applicable for t in derivation.tiers)  # the rest is n/a
    symbolic = next(t for t in derivation.tiers if t.tier is Tier.SYMBOLIC)
    # The spatial sizes are free for every entry (n₁ and n₂ both symbolic), and for all but
    # the direct form every other size too; the scope is derived, and the words say it.
    assert symbolic.scope == "all" and "n" in symbolic.free and "n" not in symbolic.fixed
    names = [p.name for p in catalogue.get(name).params]
    if name == "transposed-conv-as-direct-conv-2d":
        assert set(symbolic.fixed) == set(names) - {"n"}
        assert symbolic.detail.startswith("for all n, at m = ")
    else:
        assert not symbolic.fixed and symbolic.detail.startswith(f"for all {', '.join(names)}:")


def test_direct_conv_grid_covers_channels_groups_and_crops() -> None:
    points = list(twod.TRANSPOSED_CONV_AS_DIRECT_CONV_2D.grid())
    assert {(p["cin"], p["cout"], p["groups"]) for p in points} >= {(2, 4, 2), (4, 2, 2)}
    # Some border is negative (a crop): m = 1 with lo = 1.
    assert any(d * (m - 1) - lo < 0 for p in points for m, lo, d in zip(p["m"], p["lo"], p["d"]))
    # Examples 2 and 3 of the daved01/deconvolutions README are grid points.
    example = {"n": (2, 2), "m": (3, 3), "lo": (0, 0), "hi": (0, 0), "d": (1, 1), "a": (0, 0)}
    for s in ((1, 1), (2, 2)):
        assert any(p == {**example, "s": s, "cin": 1, "cout": 1, "groups": 1} for p in points)


# --- the deconvolutions README's examples 2 and 3 ---------------------------------------------

W = weight_tensor("w", (1, 1, 3, 3))
FLIPPED = [[W[0, 0, 2 - a, 2 - b] for b in range(3)] for a in range(3)]


def test_readme_example_2_padded_2x2_to_6x6_conv_to_4x4() -> None:
    lhs, rhs = twod.readme_example(2)
    assert lhs.shape == rhs.shape == (16, 4)
    # Written independently: pad (2, 2) by 2 to (6, 6), correlate with the flipped 3×3 kernel.
    independent = MatMul(corr_nd(FLIPPED, (6, 6)), pad_nd((2, 2), 2))
    assert explicit(rhs) == explicit(lhs) == explicit(independent)
    assert explicit(lhs) == explicit(CorrNd(W, (4, 4))).T


def test_readme_example_3_stride_half_padded_between_and_around_to_7x7() -> None:
    lhs, rhs = twod.readme_example(3)
    assert lhs.shape == rhs.shape == (25, 4)
    assert "KroneckerProduct(Pad(3, 2, 2), Pad(3, 2, 2))" in str(rhs)
    assert "KroneckerProduct(Upsample(2, 2, 3), Upsample(2, 2, 3))" in str(rhs)
    independent = MatMul(
        corr_nd(FLIPPED, (7, 7)), pad_nd((3, 3), 2), upsample_nd((2, 2), 2, length=3)
    )
    assert explicit(rhs) == explicit(lhs) == explicit(independent)
    assert explicit(lhs) == explicit(CorrNd(W, (5, 5), stride=2)).T
    with pytest.raises(SymconvError, match="number=4 is not allowed"):
        twod.readme_example(4)


def test_direct_form_matches_pytorch() -> None:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    cases = [
        dict(n=(3, 2), m=(3, 2), s=(2, 3), p=(1, 0), d=(1, 2), a=(1, 2), g=2),
        dict(n=(2, 4), m=(2, 3), s=(3, 1), p=(2, 1), d=(2, 1), a=(0, 0), g=1),
    ]
    for case in cases:
        cin, cout, g = 2, 4, case["g"]
        values = {k: case[k] for k in ("n", "m", "s", "d", "a")}
        _, rhs = twod._direct_sides(
            **values, lo=case["p"], hi=case["p"], cin=cin, cout=cout, groups=g
        )
        weight = rng.standard_normal((cin, cout // g, *case["m"]))
        taps = dict(zip(_flat_symbols(weight.shape), weight.ravel()))
        y = rng.standard_normal((cin, *case["n"]))
        expected = torch.nn.functional.conv_transpose2d(
            torch.tensor(y[None]),
            torch.tensor(weight),
            stride=case["s"],
            padding=case["p"],
            output_padding=case["a"],
            groups=g,
            dilation=case["d"],
        ).numpy()[0]
        got = oracle.dense(rhs, taps) @ y.ravel()
        np.testing.assert_allclose(got, expected.ravel(), rtol=1e-10, atol=1e-12)


def _flat_symbols(shape: tuple) -> list[sp.Symbol]:
    tensor = weight_tensor("w", shape)
    return [tensor[index] for index in itertools.product(*map(range, shape))]


# --- wrong variants, refuted with a counterexample -------------------------------------------


def _refute(pairs: list[tuple[dict, sp.MatrixExpr, sp.MatrixExpr]]) -> str:
    result, counterexample = exhaustive_tier(
        [Instance(v, lhs, rhs) for v, lhs, rhs in pairs], "test"
    )
    assert not result.passed and counterexample is not None
    return str(counterexample)


def _correct_border(span: int, lo: int, hi: int, a: int) -> tuple[int, int]:
    return span - lo, span - hi + a


def _direct_variant(values: dict, *, flip: bool = True, swap: bool = True, amounts=_correct_border):
    """The direct form with one ingredient deliberately wrong."""
    lhs, _ = twod._direct_sides(**values)
    w, cin, groups = lhs.weight, values["cin"], values["groups"]
    kernel = twod.direct_weight(w, groups, values["d"])
    if not flip:  # undo the flip, keep the dilation
        kernel = [[[row[::-1] for row in plane[::-1]] for plane in c] for c in kernel]
    if not swap:  # read the transposed conv's weight as if it were already (C_out, C_in/g)
        kernel = _unswapped(w, groups, values["d"])
    framed, spread = [], []
    axes = zip(*(values[key] for key in ("n", "m", "s", "lo", "hi", "d", "a")))
    for nk, mk, sk, lok, hik, dk, ak in axes:
        stretched = sk * (nk - 1) + 1
        framed.append(border(stretched, *amounts(dk * (mk - 1), lok, hik, ak)))
        spread.append(Upsample(nk, sk, stretched))
    channel = [Identity(cin)] if cin > 1 else []
    direct = CorrNd(kernel, tuple(f.rows for f in framed), groups=groups)
    return lhs, MatMul(
        direct, KroneckerProduct(*channel, *framed), KroneckerProduct(*channel, *spread)
    )


def _unswapped(w, groups: int, dilation: tuple) -> list:
    """Flip and dilate each kernel but keep channel (c, o) as if it were (o, c): wrong."""
    right = twod.direct_weight(w, groups, dilation)
    # right[o][c] holds w[c, o]; the wrong reading puts w[o, c] there (same shape when square).
    return [[right[c][o] for c in range(len(right[0]))] for o in range(len(right))]


SINGLE = dict(n=(2, 3), m=(3, 2), s=(2, 2), lo=(1, 0), hi=(0, 1), d=(1, 2), a=(1, 1))


def test_forgetting_the_kernel_flip_is_refuted() -> None:
    values = {**SINGLE, "cin": 1, "cout": 1, "groups": 1}
    lhs, wrong = _direct_variant(values, flip=False)
    text = _refute([(values, lhs, wrong)])
    assert "entry" in text and "left w_0_0_" in text
    # ... and the symbolic tier does not claim it either.
    assert not entrywise_equal_nd(lhs, wrong, 2)[0]


def test_wrong_border_padding_is_refuted() -> None:
    values = {**SINGLE, "cin": 1, "cout": 1, "groups": 1}
    # Forgetting + a at the end: the output is a rows/columns short.
    lhs, wrong = _direct_variant(values, amounts=lambda span, lo, hi, a: (span - lo, span - hi))
    assert "shapes differ: left (35, 6), right (24, 6)" in _refute([(values, lhs, wrong)])
    # Bordering by the padding (lo, hi) itself instead of (d(m−1) − lo, d(m−1) − hi + a):
    # with lo = 2, hi = 0 the shape is right and the values are shifted.
    values = dict(n=(2, 2), m=(3, 3), s=(2, 1), lo=(2, 2), hi=(0, 0), d=(1, 1), a=(0, 0))
    values.update(cin=1, cout=1, groups=1)
    lhs, wrong = _direct_variant(values, amounts=lambda span, lo, hi, a: (lo, hi))
    assert lhs.shape == wrong.shape
    assert "entry (0, 0)" in _refute([(values, lhs, wrong)])
    assert explicit(lhs) == explicit(_direct_variant(values)[1])


def test_forgetting_the_channel_swap_is_refuted() -> None:
    values = {**SINGLE, "cin": 2, "cout": 2, "groups": 1}
    lhs, wrong = _direct_variant(values, swap=False)
    text = _refute([(values, lhs, wrong)])
    assert "entry" in text


def test_wrong_polyphase_kernels_are_refuted() -> None:
    n, m, s = (2, 2), (3, 3), (2, 2)
    lhs, _ = _subpixel_sides(n, m, s, rank=2)
    q = twod.kernel_2d("q", m)
    transposed = [list(col) for col in zip(*q)]  # phases from q transposed: u and v swapped
    wrong = polyphase(n, transposed, s)
    assert "entry" in _refute([({"n": n, "m": m, "s": s}, lhs, wrong)])
    ok, _ = entrywise_equal_nd(lhs, wrong, 2)
    assert not ok


def test_checkerboard_counts_are_outer_products() -> None:
    counts = twod.overlap_2d((3, 3), (2, 2), (4, 4))
    rows = np.array(counts)
    one_d = np.array([1, 1, 2, 1, 2, 1, 2, 1, 1])
    np.testing.assert_array_equal(rows, np.outer(one_d, one_d))
    assert set(rows[2:-2, 2:-2].ravel()) == {1, 2, 4}
    assert set(np.array(twod.overlap_2d((4, 2), (2, 2), (4, 4)))[3:-3, 1:-1].ravel()) == {2}
    assert twod.interior_uniform_2d((4, 6), (2, 3))
    assert not twod.interior_uniform_2d((4, 5), (2, 3))  # uniform rows, checkerboard columns
    # The claim "uniform for m = 3, s = 2" is refuted with the counts themselves.
    lhs, _ = twod.checkerboard_sides((3, 3), (3, 3), (2, 2))
    uniform = sp.ImmutableMatrix([2] * 49)
    assert "entry (0, 0): left 1, right 2" in _refute([({}, lhs, uniform)])


def test_nearest_upsample_with_the_unboxed_kernel_is_refuted() -> None:
    n, k, m = (2, 2), (2, 2), (2, 2)
    lhs, right = twod.nearest_sides(n, k, m)
    q = twod.kernel_2d("q", m)
    assert twod.box_kernel(q, k)[1][1] == sum(v for row in q for v in row)
    # A 3×3 kernel with q in the corner has the right shape and the wrong values.
    padded = [[*row, 0] for row in q] + [[0, 0, 0]]
    wrong = ConvTransposeNd(twod.single_channel(padded), n, stride=k)
    assert explicit(lhs) == explicit(right)
    assert "entry" in _refute([({}, lhs, wrong)])


def test_nd_symbolic_needs_matching_axis_sizes() -> None:
    n1 = sp.Symbol("n1", integer=True, positive=True)
    a = CorrNd([[[[1, 2]]]], (n1, 3))
    b = CorrNd([[[[1, 2]]]], (n1, 4))
    ok, why = entrywise_equal_nd(a, b, 2)
    assert not ok and "axis shapes" in why
    ok, why = entrywise_equal_nd(MatAdd(a, a), MatMul(2, a), 2)
    assert ok


def test_numeric_tier_uses_the_nd_oracle() -> None:
    lhs, rhs = twod.readme_example(3)
    assert numeric_tier([Instance({}, lhs, rhs)]).passed
    taps = {s: float(i + 1) for i, s in enumerate(_flat_symbols((1, 1, 3, 3)))}
    f = lambdify(lhs, *_flat_symbols((1, 1, 3, 3)))
    y = np.arange(4.0)
    np.testing.assert_allclose(
        f(y[None], *taps.values())[0], oracle.dense(lhs, taps) @ y, rtol=1e-12
    )
    # Full 2-D convolution through the oracle matches NumPy's outer-product construction.
    conv = conv_nd([[1, 2]], (1, 2), "full")
    np.testing.assert_array_equal(oracle.dense(conv, {}), [[1, 0], [2, 1], [0, 2]])


def test_per_axis_parameters_are_validated() -> None:
    entry = catalogue.get("subpixel-conv")
    assert entry.resolve(rank=2, n=3)["n"] == (3, 3)
    assert entry.resolve(n=3)["n"] == 3 and entry.resolve(rank="2")["n"] == (2, 2)
    with pytest.raises(SymconvError, match="rank=3 is not allowed: expected one of 1, 2"):
        entry.resolve(rank=3)
    with pytest.raises(SymconvError, match=r"n=\(2, 3\) is not allowed: expected an integer >= 1"):
        entry.resolve(n=(2, 3))  # two values at rank 1
    with pytest.raises(
        SymconvError, match=r"s=\(2, 0\) is not allowed: expected an integer >= 1 or 2"
    ):
        entry.derivation(rank=2, s=(2, 0))
    with pytest.raises(SymconvError, match="a=\\(2, 0\\) is not allowed: expected 0 <= a < s"):
        catalogue.get("transposed-conv-as-direct-conv-2d").derivation(a=(2, 0))
    with pytest.raises(SymconvError, match="groups=2 is not allowed"):
        catalogue.get("transposed-conv-as-direct-conv-2d").derivation(cin=3, groups=2)


@pytest.mark.parametrize(
    "kernel_size, n, s", [((3, 2), (2, 3), (2, 3)), ((4,), (3,), (2,)), ((2, 3), (1, 2), (3, 1))]
)
def test_phase_sum_index_map_is_the_strided_transposed_conv(kernel_size, n, s) -> None:
    """The N-D PhaseSum's index map (phases as bound indices) summed at concrete sizes is
    the framework transposed conv built from the same weight (independent index formulas)."""
    from symconv.matrices import derived_entries
    from symconv.operators import PhaseSum
    from symconv.operators.channels import WeightFamily

    weight = WeightFamily("q", kernel_size)
    op = PhaseSum(weight, n, s)
    summed = sp.zeros(*op.shape)
    for row, col, value in derived_entries(op):
        summed[row, col] += value
    assert summed == explicit(ConvTransposeNd(weight.array(), n, stride=s))
    assert op.index_dims == ((1, *op.output_size), (1, *n))


def test_phase_sum_rejects_a_plain_kernel_and_wrong_axis_counts() -> None:
    from symconv.errors import ParameterError
    from symconv.operators import PhaseSum
    from symconv.operators.channels import WeightFamily

    with pytest.raises(ParameterError, match="q="):
        PhaseSum((1, 2), 3, 2)
    with pytest.raises(ParameterError, match="one value or 2"):
        PhaseSum(WeightFamily("q", (2, 2)), (3, 3, 3), 2)


def test_phase_sum_latex_names_every_axis() -> None:
    from symconv import latex
    from symconv.operators import PhaseSum
    from symconv.operators.channels import WeightFamily

    s1, s2 = sp.symbols("s_1 s_2", integer=True, positive=True)
    text = latex(PhaseSum(WeightFamily("q", (3, 3)), (2, 2), (s1, s2)))
    assert r"v_{1}::s_{1}, v_{2}::s_{2}" in text and r"\sum_{\left(v_{1}, v_{2}\right)}" in text
