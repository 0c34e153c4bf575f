"""symconv.frameworks.torch_pooling against PyTorch: average and adaptive average pooling,
pixel (un)shuffle, unfold and fold.

Every case compares, in float64: the real function's matrix (unit vectors fed through it)
with symconv's exact matrix; symconv.lambdify with the function on random input; and the
transpose symconv states in closed form (``op.T``, its own operator class) with PyTorch's
own backward (``torch.autograd.grad`` of ⟨g, f(x)⟩ at random g). A call PyTorch refuses
must be refused with a ParameterError. Cases are seeded random draws from the parameter
grids (all flags: ceil_mode with overhanging windows, count_include_pad False with padding,
divisor_override).
"""

import itertools
import random

import numpy as np
import pytest
import sympy as sp

from conformance.framework_support import exact_array, torch_matrix_or_refusal
from symconv import ParameterError, lambdify
from symconv.frameworks import torch as adapters


def _check(torch, ours, theirs, in_shape, seed=0):
    """Compare symconv's operator (or its refusal) with the real function and its VJP."""
    expected = torch_matrix_or_refusal(torch, theirs, in_shape, ours)
    if expected is None:
        return "refused"
    op = ours()
    got = exact_array(op)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-15)
    rng = np.random.default_rng(seed)
    x = torch.from_numpy(rng.standard_normal((2, *in_shape))).requires_grad_(True)
    y = theirs(x)
    g = torch.from_numpy(rng.standard_normal(tuple(y.shape)))
    (vjp,) = torch.autograd.grad(y, x, g)
    np.testing.assert_allclose(
        lambdify(op)(x.detach().numpy().reshape(2, -1)),
        y.detach().numpy().reshape(2, -1),
        atol=1e-12,
    )
    transpose = op.T
    # A closed form: no bare SymPy Transpose left anywhere in it.
    assert not any(isinstance(e, sp.Transpose) for e in sp.preorder_traversal(transpose))
    np.testing.assert_allclose(
        lambdify(transpose)(g.numpy().reshape(2, -1)), vjp.numpy().reshape(2, -1), atol=1e-12
    )
    return "checked"


def _check_function(torch, name, size, args, channels=None):
    """:func:`_check` of ``adapters.<name>(size, *args, channels=channels)`` (the adapter's
    default channels if None) against ``torch.nn.functional.<name>(x, *args)``."""
    ours, theirs = getattr(adapters, name), getattr(torch.nn.functional, name)
    keywords = {} if channels is None else {"channels": channels}
    spatial = size if isinstance(size, tuple) else (size,)
    _check(
        torch,
        lambda: ours(size, *args, **keywords),
        lambda x: theirs(x, *args),
        (channels or 1, *spatial),
    )


def _sample(grid, count, seed):
    grid = list(grid)
    return random.Random(seed).sample(grid, min(count, len(grid)))


POOL1D = _sample(
    itertools.product(
        range(1, 10), range(1, 5), (None, 1, 2, 3), range(0, 3), (False, True), (True, False)
    ),
    300,
    1,
)


@pytest.mark.parametrize("n,k,s,p,ceil,cip", POOL1D)
def test_avg_pool1d(torch, n, k, s, p, ceil, cip):
    _check_function(torch, "avg_pool1d", n, (k, s, p, ceil, cip), channels=2)


POOL2D = _sample(
    itertools.product(
        ((3, 4), (5, 5), (6, 3), (2, 7)),
        ((1, 1), (2, 2), (3, 2), (2, 3)),
        (None, 1, (2, 3), 3),
        (0, 1, (1, 0)),
        (False, True),
        (True, False),
        (None, 1, 5),
    ),
    250,
    2,
)


@pytest.mark.parametrize("size,k,s,p,ceil,cip,div", POOL2D)
def test_avg_pool2d(torch, size, k, s, p, ceil, cip, div):
    _check_function(torch, "avg_pool2d", size, (k, s, p, ceil, cip, div), channels=2)


POOL3D = _sample(
    itertools.product(
        ((3, 4, 2), (4, 3, 5)),
        (2, (3, 1, 2)),
        (None, 2, 1),
        (0, 1),
        (False, True),
        (True, False),
        (None, 7),
    ),
    60,
    3,
)


@pytest.mark.parametrize("size,k,s,p,ceil,cip,div", POOL3D)
def test_avg_pool3d(torch, size, k, s, p, ceil, cip, div):
    _check_function(torch, "avg_pool3d", size, (k, s, p, ceil, cip, div))


def test_ceil_mode_overhang_cases_are_covered(torch):
    """The sweep above contains windows hanging over the border in ceil_mode, and the case
    where the documented formula (pytorch#116420) gives one window too many."""
    F = torch.nn.functional
    assert any(ceil and (n + 2 * p - k) % (s or k) for n, k, s, p, ceil, _ in POOL1D if 2 * p <= k)
    # n = 6, k = 2, s = 4, p = 1: ⌈(6 + 2 − 2)/4⌉ + 1 = 3 by the docs, 2 by PyTorch.
    assert F.avg_pool1d(torch.zeros(1, 1, 6), 2, 4, 1, ceil_mode=True).shape[-1] == 2
    assert adapters.avg_pool1d(6, 2, 4, 1, ceil_mode=True).shape == (2, 6)


ADAPTIVE = [(n, o) for n in range(1, 9) for o in range(1, 10)]


@pytest.mark.parametrize("n,o", ADAPTIVE)
def test_adaptive_avg_pool1d(torch, n, o):
    _check_function(torch, "adaptive_avg_pool1d", n, (o,), channels=2)


ADAPTIVE2D = _sample(
    itertools.product(((5, 7), (4, 4), (3, 8)), ((2, 3), (4, 4), (1, 5), (6, None), 3)), 15, 4
)


@pytest.mark.parametrize("size,o", ADAPTIVE2D)
def test_adaptive_avg_pool2d(torch, size, o):
    _check_function(torch, "adaptive_avg_pool2d", size, (o,), channels=2)


@pytest.mark.parametrize("size,o", [((3, 4, 5), (2, 3, 2)), ((2, 5, 3), 4)])
def test_adaptive_avg_pool3d(torch, size, o):
    _check_function(torch, "adaptive_avg_pool3d", size, (o,))


SHUFFLE = list(itertools.product(((1, 1), (2, 3), (3, 2)), (1, 2, 3), (1, 2, 3)))


@pytest.mark.parametrize("size,r,c", SHUFFLE)
def test_pixel_shuffle(torch, size, r, c):
    _check_function(torch, "pixel_shuffle", size, (r,), channels=c * r * r)


@pytest.mark.parametrize("size,r,c", SHUFFLE)
def test_pixel_unshuffle(torch, size, r, c):
    big = tuple(n * r for n in size)
    _check_function(torch, "pixel_unshuffle", big, (r,), channels=c)


def test_pixel_shuffle_refusals():
    with pytest.raises(ParameterError, match="channels"):
        adapters.pixel_shuffle((2, 2), 2, channels=6)
    with pytest.raises(ParameterError, match="input_size"):
        adapters.pixel_unshuffle((3, 4), 2)


UNFOLD = _sample(
    itertools.product(
        ((4, 5), (3, 3), (6, 2)),
        ((2, 2), (1, 3), (3, 2)),
        (1, 2, (1, 2)),
        (0, 1, (2, 0)),
        (1, 2, (2, 1)),
        (1, 2),
    ),
    200,
    5,
)


@pytest.mark.parametrize("size,k,d,p,s,c", UNFOLD)
def test_unfold(torch, size, k, d, p, s, c):
    _check_function(torch, "unfold", size, (k, d, p, s), channels=c)


@pytest.mark.parametrize("size,k,d,p,s,c", UNFOLD[:100])
def test_fold(torch, size, k, d, p, s, c):
    F = torch.nn.functional
    try:
        op = adapters.unfold(size, k, d, p, s, channels=c)
    except ParameterError:
        return  # no block fits: PyTorch's unfold refuses it (test_unfold)
    ks = (k, k) if isinstance(k, int) else k
    blocks = op.shape[0] // (c * ks[0] * ks[1])
    _check(
        torch,
        lambda: adapters.fold(size, k, d, p, s, channels=c),
        lambda x: F.fold(x, size, k, d, p, s),
        (c * ks[0] * ks[1], blocks),
    )


# --- TensorFlow: tf.nn.avg_pool (VALID, SAME), depth_to_space, space_to_depth ------------


def _check_tf(tf, op, theirs, in_shape, seed=0, single=False):
    """Values and the gradient (tf.GradientTape) of a channels-last function: float64, or
    float32 with tolerance 1e-5 where TensorFlow's CPU kernel has no float64 (AvgPool3D)."""
    rng = np.random.default_rng(seed)
    dtype, atol = (np.float32, 1e-5) if single else (np.float64, 1e-12)
    x = tf.constant(rng.standard_normal((2, *in_shape)).astype(dtype))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = theirs(x)
    g = tf.constant(rng.standard_normal(tuple(y.shape)).astype(dtype))
    vjp = tape.gradient(y, x, output_gradients=g)
    assert op.shape == (int(np.prod(y.shape[1:])), int(np.prod(in_shape)))
    np.testing.assert_allclose(
        lambdify(op)(x.numpy().reshape(2, -1)), y.numpy().reshape(2, -1), atol=atol
    )
    transpose = op.T
    assert not any(isinstance(e, sp.Transpose) for e in sp.preorder_traversal(transpose))
    np.testing.assert_allclose(
        lambdify(transpose)(g.numpy().reshape(2, -1)), vjp.numpy().reshape(2, -1), atol=atol
    )


TF_POOL = _sample(
    itertools.product(
        ((5,), (4, 6), (7, 3), (3, 4, 5)), (1, 2, 3), (1, 2, 3), ("SAME", "VALID"), (1, 3)
    ),
    150,
    6,
)


@pytest.mark.parametrize("size,k,s,padding,c", TF_POOL)
def test_tf_avg_pool(tf, size, k, s, padding, c):
    from symconv.frameworks import tf as tf_adapters

    if padding == "VALID" and any(n < k for n in size):
        with pytest.raises(ParameterError):
            tf_adapters.avg_pool(size, k, s, padding, channels=c)
        return
    op = tf_adapters.avg_pool(size, k, s, padding, channels=c)
    # data_format given explicitly: with None, TF 2.21's AvgPool3D gradient fails
    # ('NoneType' object has no attribute 'decode' in nn_grad.py).
    fmt = {1: "NWC", 2: "NHWC", 3: "NDHWC"}[len(size)]
    theirs = lambda x: tf.nn.avg_pool(x, k, s, padding, data_format=fmt)  # noqa: E731
    _check_tf(tf, op, theirs, (*size, c), single=len(size) == 3)


@pytest.mark.parametrize("size,r,c", list(itertools.product(((1, 1), (2, 3)), (2, 3), (1, 2, 3))))
def test_tf_depth_to_space_and_back(tf, size, r, c):
    from symconv.frameworks import tf as tf_adapters

    op = tf_adapters.depth_to_space(size, r, channels=c * r * r)
    _check_tf(tf, op, lambda x: tf.nn.depth_to_space(x, r), (*size, c * r * r))
    big = tuple(n * r for n in size)
    back = tf_adapters.space_to_depth(big, r, channels=c)
    _check_tf(tf, back, lambda x: tf.nn.space_to_depth(x, r), (*big, c))


@pytest.mark.parametrize("r,c", [(2, 1), (2, 2), (3, 2)])
def test_tf_depth_to_space_channel_order_differs_from_pixel_shuffle(tf, torch, r, c):
    """TensorFlow reads channel (a·r + b)·C + c, PyTorch c·r² + a·r + b: equal only for C = 1."""
    h, w = 2, 3
    x = np.random.default_rng(1).standard_normal((1, c * r * r, h, w))  # NCHW
    torch_out = torch.nn.functional.pixel_shuffle(torch.from_numpy(x), r).numpy()
    tf_out = tf.nn.depth_to_space(tf.constant(x.transpose(0, 2, 3, 1)), r).numpy()
    same = np.allclose(torch_out, tf_out.transpose(0, 3, 1, 2))
    assert same == (c == 1)
    # Reordering the input channels from PyTorch's (c, offset) to TF's (offset, c) agrees.
    reordered = x.reshape(1, c, r * r, h, w).transpose(0, 2, 1, 3, 4).reshape(x.shape)
    tf_reordered = tf.nn.depth_to_space(tf.constant(reordered.transpose(0, 2, 3, 1)), r).numpy()
    np.testing.assert_allclose(torch_out, tf_reordered.transpose(0, 3, 1, 2))
