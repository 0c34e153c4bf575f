"""The proof engine's matrix-free reference oracle, against two independent references.

Every operator class, 1-D and N-D (the catalogue's included), is checked against
references that share no code with it (NumPy and SciPy: ``convolve``, ``correlate``,
``upfirdn``, ``interp``, ``pad``, ``kron``, ``sliding_window_view``; hand-written
windows and weights) and against symconv's exact matrices; ``A x`` and ``Aᵀ y`` are checked
by the dot test. The numeric tier must catch a wrong identity at a concrete size,
and must never build a dense matrix.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import scipy.signal
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st
from sympy import Identity, KroneckerProduct, MatAdd, MatMul, MatPow, OneMatrix, Transpose

import symconv as sc
import symconv.catalogue  # loads every Operator subclass, for the coverage test
from symconv.errors import ParameterError
from symconv.kernels import family
from symconv.matrices import sparse_matrix
from symconv.operators.base import Operator, operator_classes
from symconv.operators.channels import ConvTransposeNd, CorrNd
from symconv.operators.grid import Permute, pad_nd, upsample_nd
from symconv.operators.index_map import within
from symconv.operators.polyphase import PhaseSum
from symconv.operators.resample import AreaResample, Resample
from symconv.operators.sampling import BlockSum, MultiplesProjector, NearestUpsample
from symconv.proof import oracle
from symconv.proof.tiers import Instance, numeric_tier

ROOT = Path(__file__).resolve().parents[1]
TAPS = (2, -3, 5, 7)  # integers: the exact matrices and the float references agree exactly
#: Adaptive average pooling 5 → 3: windows [⌊5i/3⌋, ⌈5(i + 1)/3⌉) = [0, 2), [1, 4), [3, 5).
ADAPTIVE_5_TO_3 = np.array([[3, 3, 0, 0, 0], [0, 2, 2, 2, 0], [0, 0, 0, 3, 3]]) / 6


def _weight(shape: tuple[int, ...]) -> np.ndarray:
    """A deterministic integer weight with no zero entry."""
    values = np.arange(1, int(np.prod(shape)) + 1) * np.where(np.arange(np.prod(shape)) % 3, 1, -1)
    return values.reshape(shape)


def _dilated(q: np.ndarray, d: int) -> np.ndarray:
    """q with d − 1 zeros between its taps (the kernel a dilated layer sees)."""
    spread = np.zeros(d * (len(q) - 1) + 1)
    spread[::d] = q
    return spread


def _scipy_corr(q: np.ndarray, x: np.ndarray, lo: int, hi: int, s: int, d: int) -> np.ndarray:
    """A strided, dilated, padded correlation by scipy.signal.correlate, decimated."""
    return scipy.signal.correlate(np.pad(x, (lo, hi)), _dilated(q, d), "valid")[::s]


def _scipy_conv_transpose(q: np.ndarray, y: np.ndarray, pads: tuple, s: int, d: int, a: int):
    """The frameworks' transposed conv: h ∗ (↑ₛ y) by scipy.signal.upfirdn, then its crop."""
    lo, hi = pads
    length = (len(y) - 1) * s - lo - hi + d * (len(q) - 1) + 1 + a
    return np.pad(scipy.signal.upfirdn(_dilated(q, d), y, up=s), (0, a))[lo : lo + length]


def _scipy_layer(w: np.ndarray, x: np.ndarray, pads, stride, dilation, groups) -> np.ndarray:
    """A grouped conv layer by scipy.signal.correlate over every (output, input) channel pair."""
    rank = w.ndim - 2
    per_group, c_in_group = w.shape[0] // groups, w.shape[1]
    rows = []
    for o in range(w.shape[0]):
        total = 0
        for c in range(c_in_group):
            kernel = w[o, c]
            for axis, d in enumerate(dilation):  # zeros between taps along each axis
                kernel = np.moveaxis(
                    np.apply_along_axis(_dilated, 0, np.moveaxis(kernel, axis, 0), d), 0, axis
                )
            image = np.pad(x[(o // per_group) * c_in_group + c], pads)
            total = total + scipy.signal.correlate(image, kernel, "valid")
        rows.append(total[tuple(slice(None, None, s) for s in stride)])
    assert all(r.ndim == rank for r in rows)
    return np.array(rows)


def _nd(function: Callable, cin: int, size: tuple) -> Callable:
    """A flat-vector map from an N-D function on (channels, *size) arrays."""
    return lambda x: function(x.reshape(cin, *size)).ravel()


def _linear_resample(x: np.ndarray, length: int, scale: Fraction, offset: Fraction) -> np.ndarray:
    """Linear interpolation with clamped borders: numpy.interp at scale·i + offset."""
    return np.interp([float(scale * i + offset) for i in range(length)], np.arange(len(x)), x)


def _keys_half(n: int) -> np.ndarray:
    """Output i at src = i + ½, clamped: Keys' cubic with a = −¾ at ½ weighs its four taps
    −3/32, 19/32, 19/32, −3/32 (the half-pixel table of PyTorch's bicubic)."""
    matrix = np.zeros((n, n))
    for i in range(n):
        for offset, weight in zip((-1, 0, 1, 2), (-3 / 32, 19 / 32, 19 / 32, -3 / 32)):
            matrix[i, min(max(i + offset, 0), n - 1)] += weight
    return matrix


@dataclass(frozen=True)
class Case:
    """An operator (or expression), and its map by an independent reference."""

    name: str
    expr: sp.MatrixExpr
    reference: Callable[[np.ndarray], np.ndarray]


def _cases() -> list[Case]:
    q = np.array(TAPS[:3], dtype=float)
    cases = []
    for n, k in ((7, 1), (7, 2), (8, 3)):
        cases.append(
            Case(f"down{n},{k}", sc.Downsample(n, k), lambda x, k=k: np.eye(len(x))[::k] @ x)
        )
    for n, k, length in ((3, 2, 5), (3, 2, 6), (4, 3, 11)):
        cases.append(
            Case(  # upfirdn's length k(n − 1) + 1, then zeros up to the length
                f"up{n},{k},{length}",
                sc.Upsample(n, k, length),
                lambda x, k=k, L=length: np.pad(
                    scipy.signal.upfirdn([1], x, up=k), (0, L - k * (len(x) - 1) - 1)
                ),
            )
        )
    cases += [
        Case("pad", sc.Pad(4, 2, 1), lambda x: np.pad(x, (2, 1))),
        Case("crop", sc.Crop(6, 1, 2), lambda x: np.delete(x, [0, 4, 5])),
        Case("flip", sc.Flip(5), np.flip),
    ]
    for n, m, mode in (
        (6, 3, "full"),
        (6, 3, "valid"),
        (6, 4, "same"),
        (2, 4, "same"),
        (2, 4, "valid"),
        (3, 4, "full"),
    ):
        taps = np.array(TAPS[:m], dtype=float)
        cases.append(
            Case(
                f"conv{n},{m},{mode}",
                sc.Conv(TAPS[:m], n, mode),
                lambda x, t=taps, mode=mode: np.convolve(x, t, mode),
            )
        )
    for n, (lo, hi), s, d in ((7, (0, 0), 1, 1), (8, (2, 1), 2, 1), (9, (1, 0), 3, 2)):
        cases.append(
            Case(
                f"corr{n},{lo},{hi},{s},{d}",
                sc.Corr(TAPS[:3], n, (lo, hi), s, d),
                lambda x, lo=lo, hi=hi, s=s, d=d: _scipy_corr(q, x, lo, hi, s, d),
            )
        )
    for n, pads, s, d, a in ((3, (0, 0), 2, 1, 1), (4, (1, 2), 3, 2, 2), (5, (1, 1), 1, 1, 0)):
        cases.append(
            Case(
                f"convT{n},{pads},{s},{d},{a}",
                sc.ConvTranspose(TAPS[:3], n, pads, s, d, a),
                lambda y, p=pads, s=s, d=d, a=a: _scipy_conv_transpose(q, y, p, s, d, a),
            )
        )
    layers = (
        # (weight shape, size, padding, stride, dilation, groups, output padding)
        ((1, 1, 3, 3), (5, 6), ((1, 1), (1, 1)), (1, 1), (1, 1), 1, (0, 0)),
        ((4, 1, 2, 3), (5, 7), ((1, 0), (2, 1)), (2, 1), (1, 2), 2, (1, 0)),
        ((2, 3, 2), (6,), ((0, 1),), (2,), (2,), 1, (1,)),
        ((2, 1, 2, 1, 2), (3, 2, 4), ((0, 0), (1, 0), (0, 1)), (1, 2, 1), (1, 1, 2), 1, (0, 1, 0)),
    )
    for shape, size, pads, stride, dilation, groups, extra in layers:
        w = _weight(shape)
        cin = shape[1] * groups
        args = (pads, stride, dilation, groups)
        cases.append(
            Case(
                f"corrnd{shape}",
                CorrNd(w.tolist(), size, *args),
                _nd(lambda x, w=w, a=args: _scipy_layer(w, x, *a), cin, size),
            )
        )
        # The transposed conv is defined as the transpose of the conv on its output size.
        conv_size = [
            (n + lo + hi - d * (k - 1) - 1) // s + 1
            for n, (lo, hi), s, d, k in zip(size, pads, stride, dilation, shape[2:])
        ]
        transposed_size = [
            (n - 1) * s - lo - hi + d * (k - 1) + 1 + a
            for n, (lo, hi), s, d, k, a in zip(conv_size, pads, stride, dilation, shape[2:], extra)
        ]
        matrix = oracle.matrix_of(
            _nd(lambda x, w=w, a=args: _scipy_layer(w, x, *a), cin, tuple(transposed_size)),
            cin * int(np.prod(transposed_size)),
        )
        cases.append(
            Case(
                f"convTnd{shape}",
                ConvTransposeNd(w.tolist(), conv_size, pads, stride, dilation, extra, groups),
                lambda y, m=matrix: m.T @ y,
            )
        )
    cases += [
        Case(  # out[c, a, b] = cube[a, b, c]
            "permute",
            Permute((2, 3, 4), (2, 0, 1)),
            lambda x: np.einsum("abc->cab", x.reshape(2, 3, 4)).ravel(),
        ),
        Case("multiples", MultiplesProjector(7, 3), lambda x: np.where(np.arange(7) % 3, 0, x)),
        Case("nearest", NearestUpsample(3, 2), lambda x: np.kron(np.eye(3), np.ones((2, 1))) @ x),
        Case("block_sum", BlockSum(3, 2), lambda x: np.kron(np.eye(3), np.ones((1, 2))) @ x),
        Case(  # numpy.interp: linear interpolation, clamped at both ends; up and down
            "resample_linear_up",
            Resample(4, 7, "linear", Fraction(1, 2), Fraction(-1, 4)),
            lambda x: _linear_resample(x, 7, Fraction(1, 2), Fraction(-1, 4)),
        ),
        Case(
            "resample_transpose",
            Resample(4, 2, "linear", Fraction(2), Fraction(1, 2)).T,
            lambda y: (
                oracle.matrix_of(lambda v: _linear_resample(v, 2, Fraction(2), Fraction(1, 2)), 4).T
                @ y
            ),
        ),
        Case(
            "resample_cubic",
            Resample(5, 5, "cubic", Fraction(1), Fraction(1, 2)),
            lambda x: _keys_half(5) @ x,
        ),
        Case(  # intervals [0, 5/3), [5/3, 10/3), [10/3, 5), weights overlap / (5/3)
            "area_coverage",
            AreaResample(5, 3),
            lambda x: np.array([[3, 2, 0, 0, 0], [0, 1, 3, 1, 0], [0, 0, 0, 2, 3]]) / 5 @ x,
        ),
        Case(
            "border_pad",
            sc.BorderPad(3, 4, 2, "reflect"),
            lambda x: np.pad(x, (4, 2), mode="reflect"),
        ),
        Case(
            "border_fold",
            sc.BorderFold(2, 3, 5, "symmetric"),
            lambda y: oracle.matrix_of(lambda x: np.pad(x, (3, 5), mode="symmetric"), 2).T @ y,
        ),
        Case(  # the polyphase sum of q is q ∗ (↑₃ x): scipy's upfirdn
            "phase-sum",
            PhaseSum(family("*", 4), 3, 3),  # the ones kernel 1₄: phases of lengths 2, 1, 1
            lambda x: scipy.signal.upfirdn(np.ones(4), x, up=3),
        ),
    ]
    # Compositions: products, sums, scalar multiples, transposes, Kronecker products.
    conv = sc.Conv(TAPS[:3], 6, "same")
    ref_conv = oracle.matrix_of(lambda x: np.convolve(x, q, "same"), 6)
    ref_pad = oracle.matrix_of(lambda x: np.pad(x, (1, 0)), 2)
    ref_up = np.array([[1, 0], [0, 0], [0, 1], [0, 0]])
    cases += [
        Case(
            "transposed-product",
            Transpose(MatMul(sc.Downsample(6, 2), Transpose(conv))),
            lambda x: (ref_conv.T[::2]).T @ x,
        ),
        Case(
            "scaled-sum",
            MatAdd(MatMul(3, sc.Flip(6)), MatMul(-2, Identity(6)), conv),
            lambda x: 3 * x[::-1] - 2 * x + np.convolve(x, q, "same"),
        ),
        Case(
            "kron",
            KroneckerProduct(sc.Pad(2, 1, 0), sc.Upsample(2, 2, 4)),
            lambda x: np.kron(ref_pad, ref_up) @ x,
        ),
        Case(
            "pad_nd",
            pad_nd((2, 3), ((1, 0), (0, 2)), channels=2),
            lambda x: np.pad(x.reshape(2, 2, 3), ((0, 0), (1, 0), (0, 2))).ravel(),
        ),
        Case("upsample_nd", upsample_nd((2, 2), 2), lambda x: np.kron(ref_up, ref_up) @ x),
        Case(
            "explicit-matrix",
            MatAdd(sp.ImmutableMatrix([[1, 0, 2], [0, -1, 0], [4, 0, 0]]), MatMul(2, Identity(3))),
            lambda x: np.array([[3, 0, 2], [0, 1, 0], [4, 0, 2]]) @ x,
        ),
    ]
    return cases + _pooling_cases()


def _pixel_shuffle_2d(x: np.ndarray, c: int, r: int, size: tuple[int, int]) -> np.ndarray:
    """PyTorch's documented rule: out[ch, i·r + a, j·r + b] = in[ch·r² + a·r + b, i, j]."""
    image = x.reshape(c * r * r, *size)
    out = np.zeros((c, size[0] * r, size[1] * r))
    for ch, a, b, i, j in itertools.product(range(c), range(r), range(r), *map(range, size)):
        out[ch, i * r + a, j * r + b] = image[ch * r * r + a * r + b, i, j]
    return out.ravel()


def _unfold_2d(x: np.ndarray, c: int, size, kernel, dilation, padding, stride) -> np.ndarray:
    """im2col by numpy's sliding_window_view: windows of the dilated span, every d-th tap."""
    image = np.pad(x.reshape(c, *size), [(0, 0)] + [(p, p) for p in padding])
    span = [d * (k - 1) + 1 for k, d in zip(kernel, dilation)]
    windows = np.lib.stride_tricks.sliding_window_view(image, span, axis=(1, 2))
    taken = windows[:, :: stride[0], :: stride[1], :: dilation[0], :: dilation[1]]
    return taken.transpose(0, 3, 4, 1, 2).ravel()  # rows (c, t₁, t₂, l₁, l₂)


def _pooling_cases() -> list[Case]:
    """Pooling, pixel shuffle and unfold against hand-written windows and NumPy."""
    pool = (7, 3, 2, 1, 1, True, "input")
    # Windows [i·2 − 1, +3) clipped to the input, averaged over the inputs they hold.
    pool_ref = np.zeros((4, 7))
    for i, (first, last) in enumerate(((0, 2), (1, 4), (3, 6), (5, 7))):
        pool_ref[i, first:last] = 1 / (last - first)
    unfold = ((3, 4), (2, 2), (1, 2), (1, 0), (2, 1), 2)
    unfold_ref = oracle.matrix_of(
        lambda v: _unfold_2d(v, 2, (3, 4), (2, 2), (1, 2), (1, 0), (2, 1)), 24
    )
    shuffle_ref = oracle.matrix_of(lambda v: _pixel_shuffle_2d(v, 2, 2, (2, 1)), 16)
    return [
        Case("AvgPool", sc.AvgPool(*pool), lambda x: pool_ref @ x),
        Case("AvgPoolTranspose", sc.AvgPool(*pool).T, lambda x: pool_ref.T @ x),
        Case("AdaptiveAvgPool", sc.AdaptiveAvgPool(5, 3), lambda x: ADAPTIVE_5_TO_3 @ x),
        Case("AdaptiveAvgPoolT", sc.AdaptiveAvgPool(5, 3).T, lambda x: ADAPTIVE_5_TO_3.T @ x),
        Case("PixelShuffle", sc.PixelShuffle((2, 1), 2, 2), lambda x: shuffle_ref @ x),
        Case("PixelUnshuffle", sc.PixelShuffle((2, 1), 2, 2).T, lambda x: shuffle_ref.T @ x),
        Case("Unfold", sc.Unfold(*unfold), lambda x: unfold_ref @ x),
        Case("Fold", sc.Unfold(*unfold).T, lambda x: unfold_ref.T @ x),
    ]


CASES = _cases()
IDS = [case.name for case in CASES]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_oracle_matches_an_independent_reference(case: Case) -> None:
    rows, cols = oracle.shape(case.expr)
    expected = oracle.matrix_of(case.reference, cols)
    assert expected.shape == (rows, cols) == tuple(int(v) for v in case.expr.shape)
    assert np.array_equal(oracle.dense(case.expr, {}), expected)
    # Aᵀ y by the reference adjoint, column by column of the identity: the transposed matrix.
    assert np.array_equal(oracle.adjoint(case.expr, np.eye(rows), {}), expected.T)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_oracle_matches_the_exact_matrices(case: Case) -> None:
    exact = np.array(sparse_matrix(case.expr).to_Matrix().tolist(), dtype=float)
    assert np.array_equal(oracle.dense(case.expr, {}), exact)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_dot_test(case: Case) -> None:
    """⟨A x, y⟩ = ⟨x, Aᵀ y⟩ for random blocks, and a single vector works like one column."""
    rows, cols = oracle.shape(case.expr)
    rng = np.random.default_rng(7)
    x, y = rng.standard_normal((cols, 4)), rng.standard_normal((rows, 4))
    ax, aty = oracle.apply(case.expr, x, {}), oracle.adjoint(case.expr, y, {})
    assert ax.shape == (rows, 4) and aty.shape == (cols, 4)
    np.testing.assert_allclose(np.sum(ax * y, axis=0), np.sum(x * aty, axis=0), rtol=1e-12)
    np.testing.assert_array_equal(oracle.apply(case.expr, x[:, 0], {}), ax[:, 0])


def test_every_operator_class_has_a_case() -> None:
    """Each class of the package is checked here, by its own reference or its index map."""
    classes = {c for c in operator_classes() if c.__module__.startswith("symconv.")}
    assert set(oracle.REFERENCES) <= classes
    assert classes <= {type(case.expr) for case in CASES}


class Rotate(Operator):
    """A test's own operator, registered nowhere: the circular shift (Rx)_i = x_{(i − k) mod n}.

    Its index map is two range-guarded terms (rows k … n − 1 read i − k, rows 0 … k − 1
    read i − k + n), so the oracle can only know it through that map.
    """

    def __new__(cls, n: object, k: object) -> Rotate:
        return super().__new__(cls, sp.sympify(n), sp.sympify(k))

    @property
    def shape(self) -> tuple[sp.Expr, sp.Expr]:
        return self.args[0], self.args[0]

    def index_map(self, index: tuple) -> list:
        (i,) = index
        n, k = self.args
        return [(sp.Integer(1), (i - k,), {within(i, k, n)}), (1, (i - k + n,), {within(i, 0, k)})]

    def _eval_transpose(self) -> Rotate:
        n, k = self.args
        return self if k == 0 else Rotate(n, n - k)


def test_an_unregistered_operator_is_read_through_its_index_map() -> None:
    rotation = np.roll(np.eye(5), 2, axis=0)  # numpy.roll: an independent circular shift
    assert oracle.shape(Rotate(5, 2)) == (5, 5)
    assert np.array_equal(oracle.dense(Rotate(5, 2), {}), rotation)
    assert np.array_equal(oracle.adjoint(Rotate(5, 2), np.eye(5), {}), rotation.T)
    expr = MatMul(sc.Crop(5, 1, 0), Rotate(5, 2))  # and inside an expression
    assert np.array_equal(oracle.dense(expr, {}), rotation[1:])


def test_a_class_is_known_by_itself_not_by_its_name() -> None:
    """A user's class named like one of symconv's is not read with that class's reference."""
    named_pad = type("Pad", (Rotate,), {})
    assert np.array_equal(oracle.dense(named_pad(4, 1), {}), np.roll(np.eye(4), 1, axis=0))


def test_prove_decides_identities_of_an_unregistered_operator() -> None:
    from symconv import prove

    n = sp.Symbol("n", integer=True, positive=True)
    proof = prove(MatMul(Rotate(n + 3, 2), Rotate(n + 3, 2).T), Identity(n + 3))
    assert proof.verdict.value in {"proven", "verified"}, proof.tiers
    numeric = next(t for t in proof.tiers if t.tier.value == "numeric")
    assert numeric.passed, numeric.detail
    wrong = prove(MatMul(Rotate(n + 3, 2), Rotate(n + 3, 2)), Identity(n + 3))
    assert wrong.verdict.value == "refuted"
    # n = 1 (size 4) rotates by 4, the identity: the smallest counterexample is size 5
    assert str(wrong.counterexample).startswith("at n=2:")


def test_symbolic_taps_powers_and_ones() -> None:
    q = sp.symbols("q_0:3")
    values = dict(zip(q, (0.5, -1.25, 2.0)))
    expr = MatMul(q[0], sc.Conv(q, 5, "full"))
    expected = 0.5 * oracle.matrix_of(lambda x: np.convolve(x, [0.5, -1.25, 2.0]), 5)
    np.testing.assert_allclose(oracle.dense(expr, values), expected, rtol=1e-15)
    assert np.array_equal(oracle.dense(MatPow(sc.Flip(4), 2), {}), np.eye(4))
    permute = np.eye(6)[[0, 3, 1, 4, 2, 5]]  # out[a, b] = x[b, a]: rows read 0, 3, 1, 4, 2, 5
    cubed = oracle.dense(MatPow(Permute((2, 3), (1, 0)), 3), {})
    assert np.array_equal(cubed, np.linalg.matrix_power(permute, 3))
    assert np.array_equal(oracle.dense(MatPow(sc.Flip(3), 0), {}), np.eye(3))
    ones = MatMul(OneMatrix(2, 3), sc.Flip(3))
    assert np.array_equal(oracle.dense(ones, {}), np.ones((2, 3)))
    assert np.array_equal(oracle.adjoint(ones, np.eye(2), {}), np.ones((3, 2)))
    with pytest.raises(ParameterError, match="a value for every symbol"):
        oracle.dense(sc.Conv(q, 5), {})


def test_undefined_expressions_are_errors_naming_the_shapes() -> None:
    # A product SymPy would refuse to build, built without its check (as a rewrite might).
    product = sp.Basic.__new__(MatMul, sc.Downsample(8, 2), sc.Flip(9))
    with pytest.raises(ParameterError, match=r"inner sizes agree \(here \(4, 8\) times \(9, 9\)\)"):
        oracle.shape(product)
    with pytest.raises(
        ParameterError,
        match=r"shape \(4, 2\)' is not allowed: expected an array of shape \(3, trials\)",
    ):
        oracle.apply(sc.Flip(3), np.zeros((4, 2)), {})
    with pytest.raises(ParameterError, match="expression the reference oracle knows"):
        oracle.shape(sp.MatrixSymbol("A", 2, 2))


# --- the numeric tier ----------------------------------------------------------------


def test_numeric_tier_catches_a_wrong_padding() -> None:
    q = sp.symbols("q_0:3")
    n = 64
    right = sc.Corr(q, n, (1, 1))
    wrong = MatMul(sc.Corr(q, n + 2, (0, 0)), sc.Pad(n, 2, 0))  # same shape, shifted by one
    assert numeric_tier(
        [Instance({"n": n}, right, MatMul(sc.Corr(q, n + 2), sc.Pad(n, 1, 1)))]
    ).passed
    result = numeric_tier([Instance({"n": n}, right, wrong)])
    assert not result.passed
    assert result.detail.startswith("A x differs at n=64 by up to")


def test_numeric_tier_reports_shapes_and_undefined_sides() -> None:
    result = numeric_tier([Instance({"n": 9}, sc.Downsample(9, 2), sc.Downsample(8, 2))])
    assert not result.passed
    assert result.detail == "shapes differ at n=9: left (5, 9), right (4, 8)"
    undefined = sp.Basic.__new__(MatMul, sc.Downsample(8, 2), sc.Flip(9))
    result = numeric_tier([Instance({"n": 9}, undefined, sc.Downsample(9, 2))])
    assert not result.passed
    assert result.detail.startswith("left side undefined at n=9:")


def test_numeric_tier_never_builds_a_dense_matrix(monkeypatch: pytest.MonkeyPatch) -> None:
    """n = 2¹⁷: a dense float matrix of either side would need 128 GiB."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the numeric tier built a dense matrix")

    monkeypatch.setattr(oracle, "dense", refuse)
    monkeypatch.setattr(np, "eye", refuse)
    q = sp.symbols("q_0:3")
    n = 2**17
    lhs = MatMul(sc.Conv(q, 2 * n, "same"), sc.Upsample(n, 2))
    rhs = Transpose(MatMul(sc.Downsample(2 * n, 2), Transpose(sc.Conv(q, 2 * n, "same"))))
    result = numeric_tier([Instance({}, lhs, rhs)])
    assert result.passed, result.detail


# --- random compositions ------------------------------------------------------------


@st.composite
def chains(draw: st.DrawFn) -> sp.MatrixExpr:
    """A product of 1–4 random 1-D operators whose sizes fit, possibly transposed."""
    n = draw(st.integers(1, 8))
    factors = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["down", "up", "pad", "crop", "flip", "conv", "corr", "convT"]))
        m = draw(st.integers(1, 3))
        s, d = draw(st.integers(1, 3)), draw(st.integers(1, 2))
        lo, hi = draw(st.integers(0, 2)), draw(st.integers(0, 2))
        if kind == "down":
            op = sc.Downsample(n, s)
        elif kind == "up":
            op = sc.Upsample(n, s, s * (n - 1) + 1 + draw(st.integers(0, s - 1)))
        elif kind == "pad":
            op = sc.Pad(n, lo, hi)
        elif kind == "crop" and n > lo + hi:
            op = sc.Crop(n, lo, hi)
        elif kind == "conv":
            op = sc.Conv(TAPS[:m], n, draw(st.sampled_from(["full", "valid", "same"])))
        elif kind == "corr" and n + lo + hi >= d * (m - 1) + 1:
            op = sc.Corr(TAPS[:m], n, (lo, hi), s, d)
        elif kind == "convT" and (n - 1) * s - lo - hi + d * (m - 1) + 1 >= 1:
            op = sc.ConvTranspose(TAPS[:m], n, (lo, hi), s, d, draw(st.integers(0, s - 1)))
        else:
            op = sc.Flip(n)
        factors.insert(0, op)
        n = int(op.rows)
    expr = MatMul(*factors) if len(factors) > 1 else factors[0]
    return Transpose(expr) if draw(st.booleans()) else expr


@given(expr=chains())
def test_random_chains_match_the_exact_matrices(expr: sp.MatrixExpr) -> None:
    exact = np.array(sparse_matrix(expr).to_Matrix().tolist(), dtype=float)
    assert oracle.shape(expr) == exact.shape
    assert np.array_equal(oracle.dense(expr, {}), exact)
    assert np.array_equal(oracle.adjoint(expr, np.eye(exact.shape[0]), {}), exact.T)


# --- the oracle's functions on plain arrays, against NumPy and SciPy -------------------


@given(
    n=st.integers(1, 9), m=st.integers(1, 4), lo=st.integers(0, 3), hi=st.integers(0, 3),
    s=st.integers(1, 3), d=st.integers(1, 3), seed=st.integers(0, 2**31),
)  # fmt: skip
def test_corr_and_conv_transpose_match_scipy(n, m, lo, hi, s, d, seed) -> None:
    """1-D layers on a block of 2 vectors: scipy.signal.correlate and upfirdn, column by column."""
    if n + lo + hi < d * (m - 1) + 1:
        return  # no output
    rng = np.random.default_rng(seed)
    q, x = rng.integers(-5, 6, m).astype(float), rng.integers(-5, 6, (n, 2)).astype(float)
    got = oracle.corr(q, x, lo, hi, s, d)
    for column in range(2):
        np.testing.assert_allclose(got[:, column], _scipy_corr(q, x[:, column], lo, hi, s, d))
    a = (n + lo + hi - d * (m - 1) - 1) % s
    y = got[:, 0]
    if (len(y) - 1) * s - lo - hi + d * (m - 1) + 1 + a >= 1:
        expected = _scipy_conv_transpose(q, y, (lo, hi), s, d, a)
        np.testing.assert_allclose(oracle.conv_transpose(q, y, lo, hi, s, d, a), expected)
    for mode in ("full", "valid", "same"):
        np.testing.assert_allclose(oracle.conv(q, x[:, 0], mode), np.convolve(x[:, 0], q, mode))


@given(
    n=st.integers(1, 6), lo=st.integers(0, 9), hi=st.integers(0, 9),
    mode=st.sampled_from(["reflect", "symmetric", "replicate", "circular"]),
)  # fmt: skip
def test_border_pad_matches_numpy_pad(n: int, lo: int, hi: int, mode: str) -> None:
    """Pads wider than the signal too (numpy reflects and wraps as often as needed)."""
    if mode == "reflect" and n == 1 and lo + hi > 0:
        return  # numpy refuses to reflect a single sample
    numpy_mode = {"replicate": "edge", "circular": "wrap"}.get(mode, mode)
    x = np.arange(1.0, n + 1)
    expected = np.pad(x, (lo, hi), mode=numpy_mode)
    assert np.array_equal(oracle.border_pad(x, lo, hi, mode), expected)
    padding = oracle.matrix_of(lambda v: np.pad(v, (lo, hi), mode=numpy_mode), n)
    assert np.array_equal(oracle.border_fold(np.eye(n + lo + hi), n, lo, hi, mode), padding.T)


@given(n=st.integers(1, 9), k=st.integers(1, 4), s=st.integers(1, 3), lo=st.integers(0, 3))
def test_avg_pool_without_ceil_is_a_strided_box_filter(n: int, k: int, s: int, lo: int) -> None:
    """count_include_pad: the mean of every k-window of the zero-padded input, every s-th."""
    hi = lo
    if n + lo + hi < k or lo >= k:
        return
    x = np.arange(1.0, n + 1) ** 2
    box = scipy.signal.correlate(np.pad(x, (lo, hi)), np.ones(k), "valid")[::s]
    np.testing.assert_allclose(oracle.avg_pool(x, k, s, lo, hi, False, "padded"), box / k)
    np.testing.assert_allclose(oracle.avg_pool(x, k, s, lo, hi, False, "none"), box)


@given(n=st.integers(1, 8), length=st.integers(1, 12), num=st.integers(0, 12),
       den=st.integers(1, 4), shift=st.integers(-4, 4))  # fmt: skip
def test_linear_and_nearest_resampling_match_numpy(n, length, num, den, shift) -> None:
    """Clamped linear resampling is numpy.interp; clamped nearest reads x[clip(⌊src⌋)]."""
    scale, offset = Fraction(num, den), Fraction(shift, 4)
    x = np.arange(1.0, n + 1) ** 2
    args = (scale, offset, Fraction(-3, 4), "clamp")
    np.testing.assert_allclose(
        oracle.resample(x, length, "linear", *args), _linear_resample(x, length, scale, offset)
    )
    src = [int(np.floor(scale * i + offset)) for i in range(length)]
    assert np.array_equal(oracle.resample(x, length, "nearest", *args), x[np.clip(src, 0, n - 1)])


@given(n=st.integers(1, 6), k=st.integers(1, 4), length_extra=st.integers(0, 3))
def test_sampling_functions_match_numpy(n: int, k: int, length_extra: int) -> None:
    x = np.arange(1.0, n + 1)
    length = k * (n - 1) + 1 + min(length_extra, k - 1)
    expected = np.pad(scipy.signal.upfirdn([1], x, up=k), (0, length - k * (n - 1) - 1))
    assert np.array_equal(oracle.upsample(x, k, length), expected)
    assert np.array_equal(oracle.downsample(expected, k), x)
    assert np.array_equal(oracle.nearest_upsample(x, k), np.kron(x, np.ones(k)))
    assert np.array_equal(oracle.block_sum(np.kron(x, np.ones(k)), k), k * x)
    q = np.arange(1.0, k + 3)
    assert np.array_equal(oracle.phase_sum(q, x, k), scipy.signal.upfirdn(q, x, up=k))


def test_the_clipped_last_window_and_the_cubic_table() -> None:
    """ceil_mode's last window, clipped to n + hi, divides by its clipped length (ATen's
    pool_size); a cubic weight table rounds the fraction to the nearest 1/table."""
    expected = np.zeros((4, 6))
    for i, (first, last) in enumerate(((0, 2), (1, 4), (3, 6))):
        expected[i, first:last] = 1 / 3  # windows [2i − 1, 2i + 2) hold 3 samples
    expected[3, 5] = 1 / 2  # window [5, 7): sample 5 and the one zero of hi = 1
    assert np.array_equal(oracle.dense(sc.AvgPool(6, 3, 2, 1, 1, True, "padded"), {}), expected)
    rounded = sc.Resample(4, 3, "cubic", 1, Fraction(2, 3), table=4)  # 2/3 → 3/4, not 2/4
    exact = oracle.dense(sc.Resample(4, 3, "cubic", 1, Fraction(3, 4)), {})
    assert np.array_equal(oracle.dense(rounded, {}), exact)
    assert not np.allclose(oracle.dense(sc.Resample(4, 3, "cubic", 1, Fraction(2, 3)), {}), exact)
