"""CorrNd / ConvTransposeNd / Permute / separable N-D operators against independent loops."""

import itertools

import numpy as np
import pytest
import scipy.signal
import sympy as sp

from symconv import ConvTransposeNd, CorrNd, ParameterError, Permute, explicit, lambdify, numeric
from symconv.matrices import domain_of, sparse_matrix
from symconv.numeric import lambdify_explicit
from symconv.operators.channels import as_kronecker_sum, conv_nd, corr_nd, flat, weight_tensor
from symconv.operators.grid import crop_nd, downsample_nd, pad_nd, upsample_nd


def reference_layer(w, size, pads, stride, dilation, groups):
    """The layer's matrix by the defining sum, one loop per index (shares no symconv code)."""
    w = np.asarray(w, dtype=float)
    c_out, c_in_g = w.shape[:2]
    c_in, kernel = c_in_g * groups, w.shape[2:]
    out_size = [
        (n + lo + hi - d * (k - 1) - 1) // s + 1
        for n, (lo, hi), k, s, d in zip(size, pads, kernel, stride, dilation)
    ]
    M = np.zeros((c_out * int(np.prod(out_size)), c_in * int(np.prod(size))))
    for o in range(c_out):
        g = o // (c_out // groups)
        for y in itertools.product(*map(range, out_size)):
            row = o * int(np.prod(out_size)) + int(np.ravel_multi_index(y, out_size))
            for cc in range(c_in_g):
                c = g * c_in_g + cc
                for t in itertools.product(*map(range, kernel)):
                    x = [
                        yi * s + ti * d - lo
                        for yi, ti, s, d, (lo, _) in zip(y, t, stride, dilation, pads)
                    ]
                    if all(0 <= xi < n for xi, n in zip(x, size)):
                        col = c * int(np.prod(size)) + int(np.ravel_multi_index(x, size))
                        M[row, col] += w[(o, cc, *t)]
    return M


LAYERS = [
    # weight shape, size, padding pairs, stride, dilation, groups
    ((1, 1, 3, 3), (4, 4), ((0, 0), (0, 0)), (1, 1), (1, 1), 1),
    ((4, 1, 2, 3), (4, 5), ((1, 0), (2, 1)), (2, 1), (1, 2), 2),
    ((3, 2, 2, 2), (5, 3), ((1, 1), (0, 2)), (3, 2), (2, 1), 1),
    ((2, 3, 3), (7,), ((2, 1),), (2,), (2,), 1),
    ((2, 1, 2, 2, 2), (3, 3, 4), ((0, 1), (1, 0), (0, 0)), (1, 2, 1), (1, 1, 2), 1),
]


@pytest.mark.parametrize("shape, size, pads, stride, dilation, groups", LAYERS)
def test_corr_nd_matrix_transpose_and_numeric(shape, size, pads, stride, dilation, groups):
    rng = np.random.default_rng(0)
    w = rng.integers(-4, 5, size=shape)
    op = CorrNd(w, size, pads, stride, dilation, groups)
    expected = reference_layer(w, size, pads, stride, dilation, groups)
    got = np.array(explicit(op), dtype=float)
    assert np.array_equal(got, expected)
    assert np.array_equal(np.array(explicit(op.T), dtype=float), expected.T)
    assert op == op.T.T
    x = rng.standard_normal((2, 3, expected.shape[1]))
    np.testing.assert_allclose(lambdify(op)(x), x @ expected.T, atol=1e-12)
    y = rng.standard_normal((4, expected.shape[0]))
    np.testing.assert_allclose(lambdify(op.T)(y), y @ expected, atol=1e-12)


@pytest.mark.parametrize("block", [1, 50, 700])
@pytest.mark.parametrize("shape, size, pads, stride, dilation, groups", LAYERS)
def test_layer_products_in_blocks(shape, size, pads, stride, dilation, groups, block, monkeypatch):
    # A small scratch budget cuts the matrix products into blocks of taps (one tap each at
    # 1, a partial last block at 50) or of samples (700): every cut must give the same map.
    monkeypatch.setattr(numeric, "LAYER_BLOCK", block)
    rng = np.random.default_rng(block)
    w = rng.standard_normal(shape)
    expected = reference_layer(w, size, pads, stride, dilation, groups)
    op = CorrNd(w, size, pads, stride, dilation, groups)
    x = rng.standard_normal((5, expected.shape[1]))
    np.testing.assert_allclose(lambdify(op)(x), x @ expected.T, atol=1e-12)
    y = rng.standard_normal((3, 2, expected.shape[0]))
    np.testing.assert_allclose(lambdify(op.T)(y), y @ expected, atol=1e-12)


def test_symbolic_weight_entries_and_numeric_parameters():
    w = weight_tensor("w", (4, 1, 2, 3))
    op = CorrNd(w, (4, 5), ((1, 0), (2, 1)), (2, 1), (1, 2), 2)
    E = explicit(op)
    assert op.as_explicit() == E  # the structural builder agrees with _entry everywhere
    i, j = sp.symbols("i j", integer=True)
    entry = op[i, j]
    for a, b in [(0, 0), (5, 7), (17, 31), (31, 39), (9, 2)]:
        assert entry.subs({i: a, j: b}) == E[a, b]
    values = np.arange(1.0, 25.0)
    x = np.random.default_rng(1).standard_normal(40)
    np.testing.assert_allclose(
        lambdify(op, flat(w))(x, values), lambdify_explicit(op, flat(w))(x, values)
    )


def test_transposed_with_output_padding_round_trips():
    T = ConvTransposeNd(np.ones((2, 3, 3, 3)), (3, 2), padding=1, stride=2, output_padding=(1, 0))
    assert T.output_size == (6, 3)
    assert T.channels == (3, 2)
    assert T.T.T == T
    K = domain_of(T)
    assert sparse_matrix(T, K) == sparse_matrix(T.T, K).transpose()


def test_as_kronecker_sum_of_a_non_separable_kernel():
    q = [[1, 0, 2], [0, 3, 0], [4, 0, 5]]
    C = corr_nd(q, (5, 6), padding=((1, 0), (0, 2)), stride=(2, 1), dilation=(1, 2))
    S = as_kronecker_sum(C)
    assert len(S.args) == 3  # one Kronecker product per kernel row
    assert explicit(S) == explicit(C)
    with pytest.raises(ParameterError, match="single-channel"):
        as_kronecker_sum(CorrNd(np.ones((2, 1, 2, 2)), (3, 3)))


@pytest.mark.parametrize("mode", ["full", "valid", "same"])
def test_conv_nd_matches_scipy(mode):
    rng = np.random.default_rng(3)
    q = rng.integers(-3, 4, size=(3, 4))
    x = rng.integers(-3, 4, size=(5, 6)).astype(float)
    got = lambdify(conv_nd(q, (5, 6), mode))(x.ravel())
    expected = scipy.signal.convolve(x, q, mode).ravel()
    np.testing.assert_allclose(got, expected)


def test_separable_operators_are_kronecker_products():
    up = np.array(explicit(upsample_nd((2, 3), (2, 3), length=(3, 9))), dtype=float)
    u1 = np.zeros((3, 2))
    u1[[0, 2], [0, 1]] = 1
    u2 = np.zeros((9, 3))
    u2[[0, 3, 6], [0, 1, 2]] = 1
    assert np.array_equal(up, np.kron(u1, u2))
    image = np.arange(12.0).reshape(3, 4)
    np.testing.assert_array_equal(
        lambdify(pad_nd((3, 4), ((1, 0), (0, 2)), channels=2))(np.stack([image, image]).ravel()),
        np.stack([np.pad(image, ((1, 0), (0, 2)))] * 2).ravel(),
    )
    np.testing.assert_array_equal(
        lambdify(crop_nd((3, 4), (1, (0, 2))))(image.ravel()), image[1:2, 0:2].ravel()
    )
    np.testing.assert_array_equal(
        lambdify(downsample_nd((3, 4), 2))(image.ravel()), image[::2, ::2].ravel()
    )


def test_permute_is_numpy_transpose():
    x = np.arange(24.0).reshape(2, 3, 4)
    P = Permute((2, 3, 4), (2, 0, 1))
    assert np.array_equal(lambdify(P)(x.ravel()), x.transpose(2, 0, 1).ravel())
    assert np.array_equal(
        np.array(explicit(P), dtype=float) @ x.ravel(), x.transpose(2, 0, 1).ravel()
    )
    assert explicit(P.T) == explicit(P).T
    i, j = sp.symbols("i j", integer=True)
    assert P[i, j].subs({i: 5, j: 13}) == explicit(P)[5, 13]


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: CorrNd(np.ones((3, 2, 2, 2)), (4, 4), groups=2), "groups"),
        (lambda: CorrNd(np.ones((1, 1, 3, 3)), (2, 2)), "size"),
        (lambda: CorrNd(np.ones((1, 1, 3)), (4, 4)), "weight"),
        (lambda: CorrNd([[[1, 2], [3]]], 4), "weight"),
        (lambda: CorrNd(np.ones((1, 1, 3, 3)), (4, 4), stride=(1, 2, 3)), "stride"),
        (
            lambda: ConvTransposeNd(np.ones((1, 1, 3)), 4, stride=2, output_padding=2),
            "output_padding",
        ),
        (lambda: ConvTransposeNd(np.ones((1, 1, 3)), 4, padding="same"), "padding"),
        (lambda: Permute((2, 3), (0, 0)), "axes"),
    ],
)
def test_bad_parameters_are_named(call, name):
    with pytest.raises(ParameterError, match=name):
        call()


def test_numeric_weights_are_one_array_with_exact_entries_on_demand():
    import pickle

    from symconv.operators.channels import NumericWeight

    rng = np.random.default_rng(3)
    w = rng.standard_normal((2, 3, 2, 2))
    w[0, 0, 0, 0] = 4.0  # an integral float: an exact Integer, as for every weight
    op = CorrNd(w, (4, 3), padding=1)
    assert isinstance(op.weight, NumericWeight)
    assert op.weight[0, 0, 0, 0] == sp.Integer(4) and op.weight[0, 0, 0, 0].is_Integer
    assert op.weight[1, 2, 1, 0] == sp.Float(float(w[1, 2, 1, 0]))  # the float64, exactly
    # Every container of the same numbers gives the same operator.
    assert op == CorrNd(w.tolist(), (4, 3), padding=1)
    ones = CorrNd(np.ones((1, 1, 2, 2)), (3, 3))
    assert ones == CorrNd([[[[1, 1], [1, 1]]]], (3, 3))
    assert ones == CorrNd(sp.ImmutableDenseNDimArray([1] * 4, (1, 1, 2, 2)), (3, 3))
    assert hash(ones) == hash(CorrNd([[[[1, 1], [1, 1]]]], (3, 3)))
    assert op != CorrNd(w + 1e-9, (4, 3), padding=1)
    assert pickle.loads(pickle.dumps(op)) == op
    assert op.weight.numbers.flags.writeable is False
    assert eval(sp.srepr(op.weight), {"NumericWeight": NumericWeight}) == op.weight
    # explicit() reads the exact entries; subs of a size rebuilds around the same weight.
    expected = reference_layer(w, (4, 3), ((1, 1), (1, 1)), (1, 1), (1, 1), 1)
    assert np.array_equal(np.array(explicit(op), dtype=float), expected)
    n = sp.Symbol("n", integer=True, positive=True)
    assert CorrNd(w, (n, 3), padding=1).subs(n, 4) == op
    assert op == op.T.T and op.T.weight is op.weight


def test_numeric_framework_weight_builds_without_sympy_scalars():
    from symconv.frameworks import torch as st

    w = np.random.default_rng(4).standard_normal((64, 32, 4, 4))
    op = st.conv_transpose2d(w, (64, 64), stride=2, padding=1)
    assert op.weight.numbers.shape == w.shape
    assert np.array_equal(op.weight.numbers, w)
    y = np.random.default_rng(5).standard_normal((2, 64 * 64 * 64))
    # Against a direct scatter of the defining sum (no symconv code).
    grid = y.reshape(2, 64, 64, 64)
    full = np.zeros((2, 32, 130, 130))
    for t0 in range(4):
        for t1 in range(4):
            full[:, :, t0 : t0 + 127 : 2, t1 : t1 + 127 : 2] += np.einsum(
                "co,bchw->bohw", w[:, :, t0, t1], grid
            )
    np.testing.assert_allclose(lambdify(op)(y), full[:, :, 1:-1, 1:-1].reshape(2, -1))


@pytest.mark.parametrize("transposed", [False, True])
@pytest.mark.parametrize(
    "shape, side, stride",
    # The transposed 16→8-channel 4×4 stride-2 layer at 32² runs as phase correlations, the
    # others as col2im.
    [((16, 8, 4, 4), 32, 2), ((32, 32, 3, 3), 24, 1), ((16, 8, 4, 4), 64, 2)],
)
def test_layer_functions_peak_below_twice_the_output_plus_weights(shape, side, stride, transposed):
    import tracemalloc

    w = np.ones(shape)
    op = CorrNd(w, (side, side), padding=1, stride=stride)
    op = op.T if transposed else op
    f = lambdify(op)
    x = np.ones((8, op.shape[1]))
    f(x)
    tracemalloc.start()
    out = f(x)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak <= 2 * out.nbytes + 2 * w.nbytes  # the weights are reordered once per call
