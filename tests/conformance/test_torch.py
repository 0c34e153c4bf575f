"""symconv.frameworks.torch against PyTorch's own operator matrices (CPU).

For every case the real function's matrix (unit vectors fed through it) must
equal symconv's exact matrix entry for entry, symconv.lambdify must reproduce
the function on random input, and a call PyTorch refuses must be refused too.
"""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conformance.framework_support import exact_array, torch_matrix_or_refusal
from symconv import lambdify
from symconv.frameworks import torch as adapters

CHANNELS = [(1, 1, 1), (2, 4, 2), (3, 2, 1)]  # C_in, C_out, groups
SIZES = {1: (7,), 2: (5, 4)}
KERNELS = {1: [(1,), (3,)], 2: [(3, 2), (1, 3)]}

CONV_GRID = [
    (rank, ch, k, s, d, p)
    for rank in (1, 2)
    for ch, k, s, d, p in itertools.product(
        CHANNELS, KERNELS[rank], (1, 2, 3), (1, 2), (0, 1, 2, "same", "valid")
    )
]
TRANSPOSE_GRID = [
    (rank, ch, k, s, d, p, a)
    for rank in (1, 2)
    for ch, k, s, d, p in itertools.product(CHANNELS, KERNELS[rank], (1, 2, 3), (1, 2), (0, 1, 2))
    for a in range(max(s, d) + 1)  # the last one PyTorch refuses
]


def _check(torch, ours, theirs, in_shape):
    """Compare symconv's operator (or its refusal) with the real function."""
    expected = torch_matrix_or_refusal(torch, theirs, in_shape, ours)
    if expected is None:
        return
    op = ours()
    got = exact_array(op)
    assert got.shape == expected.shape
    assert np.array_equal(got, expected)
    x = np.random.default_rng(0).standard_normal((3, *in_shape))
    reference = theirs(torch.from_numpy(x)).numpy().reshape(3, -1)
    np.testing.assert_allclose(lambdify(op)(x.reshape(3, -1)), reference, atol=1e-10)


def _weight(shape, seed):
    return np.random.default_rng(seed).integers(-4, 5, size=shape).astype(float)


@pytest.mark.parametrize("rank, channels, kernel, stride, dilation, padding", CONV_GRID)
def test_conv(torch, rank, channels, kernel, stride, dilation, padding):
    F = torch.nn.functional

    c_in, c_out, groups = channels
    w = _weight((c_out, c_in // groups, *kernel), hash((rank, channels, kernel)) % 1000)
    conv = {1: F.conv1d, 2: F.conv2d}[rank]
    ours = {1: adapters.conv1d, 2: adapters.conv2d}[rank]
    size = SIZES[rank]
    _check(
        torch,
        lambda: ours(w, size, stride, padding, dilation, groups),
        lambda x: conv(x, torch.from_numpy(w), None, stride, padding, dilation, groups),
        (c_in, *size),
    )


@pytest.mark.parametrize(
    "rank, channels, kernel, stride, dilation, padding, output_padding", TRANSPOSE_GRID
)
def test_conv_transpose(torch, rank, channels, kernel, stride, dilation, padding, output_padding):
    F = torch.nn.functional

    c_in, c_out, groups = channels
    w = _weight((c_in, c_out // groups, *kernel), hash((rank, channels, kernel)) % 1000)
    conv = {1: F.conv_transpose1d, 2: F.conv_transpose2d}[rank]
    ours = {1: adapters.conv_transpose1d, 2: adapters.conv_transpose2d}[rank]
    size = {1: (4,), 2: (3, 2)}[rank]
    _check(
        torch,
        lambda: ours(w, size, stride, padding, output_padding, groups, dilation),
        lambda x: conv(
            x, torch.from_numpy(w), None, stride, padding, output_padding, groups, dilation
        ),
        (c_in, *size),
    )


def test_design_question_9_conv_transpose_is_the_vjp_of_conv(torch):
    """conv_transpose1d(g, w, s=2, output_padding=1) is the VJP of conv1d on length 6."""
    w = _weight((1, 1, 3), 5)
    forward = exact_array(adapters.conv1d(w, 6, stride=2))
    transposed = exact_array(adapters.conv_transpose1d(w, 2, stride=2, output_padding=1))
    assert np.array_equal(transposed, forward.T)
    x = torch.zeros(1, 1, 6, dtype=torch.float64, requires_grad=True)
    g = torch.tensor([[[1.0, -2.0]]], dtype=torch.float64)
    y = torch.nn.functional.conv1d(x, torch.from_numpy(w), stride=2)
    (vjp,) = torch.autograd.grad(y, x, g)
    np.testing.assert_allclose(vjp.numpy().ravel(), transposed @ g.numpy().ravel())


axis = st.tuples(st.integers(1, 3), st.integers(1, 3), st.integers(0, 2), st.integers(0, 2))


@settings(max_examples=40, deadline=None)
@given(
    axes=st.lists(axis, min_size=2, max_size=2),
    channels=st.sampled_from([(1, 1, 1), (2, 2, 2), (2, 3, 1), (4, 2, 2)]),
    sizes=st.tuples(st.integers(1, 6), st.integers(1, 6)),
    transposed=st.booleans(),
)
def test_hypothesis_conv2d_and_conv_transpose2d(torch, axes, channels, sizes, transposed):
    F = torch.nn.functional

    c_in, c_out, groups = channels
    stride = tuple(a[0] for a in axes)
    dilation = tuple(a[1] for a in axes)
    padding = tuple(a[2] for a in axes)
    kernel = tuple(a[3] + 1 for a in axes)
    if transposed:
        w = _weight((c_in, c_out // groups, *kernel), 7)
        a = tuple(min(v, max(s, d) - 1) for v, s, d in zip(padding, stride, dilation))
        _check(
            torch,
            lambda: adapters.conv_transpose2d(w, sizes, stride, padding, a, groups, dilation),
            lambda x: F.conv_transpose2d(
                x, torch.from_numpy(w), None, stride, padding, a, groups, dilation
            ),
            (c_in, *sizes),
        )
    else:
        w = _weight((c_out, c_in // groups, *kernel), 8)
        _check(
            torch,
            lambda: adapters.conv2d(w, sizes, stride, padding, dilation, groups),
            lambda x: F.conv2d(x, torch.from_numpy(w), None, stride, padding, dilation, groups),
            (c_in, *sizes),
        )
