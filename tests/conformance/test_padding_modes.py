"""Padding modes against the real frameworks: values, and the transpose against their VJPs.

PyTorch (``F.pad`` in every mode, 1/2/3-D; ``nn.Conv1d/2d/3d`` with ``padding_mode``),
TensorFlow (``tf.pad`` + ``tf.GradientTape``) and JAX (``jnp.pad`` + ``jax.vjp``), all in
float64 (JAX through ``jax.enable_x64``), on seeded random sweeps of a few hundred cases
per op. For each case the framework either refuses the call (then symconv's adapter must
raise ParameterError) or: the adapter's operator applied to a random input equals the
framework's output, and the operator's closed-form transpose applied to a random
cotangent equals the framework's own gradient (the backward of the padding).

The divergences found between the frameworks are asserted at the end.
"""

import numpy as np
import pytest

from conformance.framework_support import exact_array, framework_matrix
from symconv import ParameterError, lambdify
from symconv.frameworks import jax as jax_adapters
from symconv.frameworks import tf as tf_adapters
from symconv.frameworks import torch as torch_adapters


def _random_cases(seed: int, count: int, modes: tuple, largest_pad: int) -> list:
    """(mode, channels, size, pads per axis) with 1 to 3 axes of size 1 to 5."""
    rng = np.random.default_rng(seed)
    cases = []
    for _ in range(count):
        rank = int(rng.integers(1, 4))
        size = tuple(int(v) for v in rng.integers(1, 6, size=rank))
        pads = [tuple(int(v) for v in rng.integers(0, largest_pad(n) + 1, size=2)) for n in size]
        cases.append((str(rng.choice(modes)), int(rng.integers(1, 3)), size, pads))
    return cases


def _check(ours, forward, vjp, in_shape, refused):
    """Values and transpose of ``ours()`` against the framework's forward and VJP.

    ``forward(x)`` and ``vjp(x, g)`` take and return float64 NumPy arrays. The input and
    the cotangent are integer-valued, so every sum is exact and the comparison is exact
    equality, whatever order each side adds in. A call the framework refuses (one of the
    ``refused`` exceptions) must be refused by symconv.
    """
    rng = np.random.default_rng(hash(in_shape) % 2**32)
    x = rng.integers(-9, 10, in_shape).astype(float)  # integers: every sum is exact
    try:
        y = forward(x)
    except refused:
        with pytest.raises(ParameterError):
            ours()
        return "refused"
    op = ours()
    np.testing.assert_array_equal(lambdify(op)(x.ravel()), y.ravel())
    g = rng.integers(-9, 10, y.shape).astype(float)
    np.testing.assert_array_equal(lambdify(op.T)(g.ravel()), vjp(x, g).ravel())
    return "agreed"


# --- PyTorch ------------------------------------------------------------------------

TORCH_MODES = ("constant", "reflect", "replicate", "circular")
TORCH_PAD_CASES = _random_cases(11, 300, TORCH_MODES, lambda n: n + 1)
# Negative amounts (a crop) are valid in constant mode.
TORCH_PAD_CASES += [
    ("constant", 2, (5, 4), [(-1, 2), (0, -2)]),
    ("constant", 1, (6,), [(-2, -3)]),
]


def _torch_flat(pads):
    return tuple(v for pair in reversed(pads) for v in pair)


@pytest.mark.parametrize("case", TORCH_PAD_CASES, ids=str)
def test_torch_pad(torch, case):
    mode, channels, size, pads = case
    F = torch.nn.functional
    flat = _torch_flat(pads)

    def forward(x):
        return F.pad(torch.from_numpy(x), flat, mode=mode).numpy()

    def vjp(x, g):
        t = torch.from_numpy(x).requires_grad_()
        (grad,) = torch.autograd.grad(F.pad(t, flat, mode=mode), t, torch.from_numpy(g))
        return grad.numpy()

    _check(
        lambda: torch_adapters.pad(size, flat, mode=mode, channels=channels),
        forward,
        vjp,
        (1, channels, *size),
        (RuntimeError, ValueError, NotImplementedError),
    )


def test_torch_pad_matrix_and_counts(torch):
    """The exact matrix, entry for entry, on one case of each mode; and the sweep's spread."""
    F = torch.nn.functional
    for mode in TORCH_MODES:
        op = torch_adapters.pad((3, 4), (2, 1, 1, 2), mode=mode, channels=2)
        expected = framework_matrix(
            lambda x, mode=mode: F.pad(torch.from_numpy(x).double(), (2, 1, 1, 2), mode=mode),
            (2, 3, 4),
            lambda t: t.numpy(),
        )
        assert np.array_equal(exact_array(op), expected)
    by_mode = {m: sum(c[0] == m for c in TORCH_PAD_CASES) for m in TORCH_MODES}
    assert min(by_mode.values()) >= 60


CONV_CASES = []
_rng = np.random.default_rng(12)
for _ in range(240):
    _rank = int(_rng.integers(1, 4))
    _groups = int(_rng.integers(1, 3))
    _kernel = tuple(int(v) for v in _rng.integers(1, 4, size=_rank))
    _size = tuple(int(v) for v in _rng.integers(2, 7, size=_rank))
    CONV_CASES.append(
        (
            str(_rng.choice(["zeros", "reflect", "replicate", "circular"])),
            _rank,
            _groups,
            (_groups * int(_rng.integers(1, 3)), _groups * int(_rng.integers(1, 3))),  # C_in, C_out
            _kernel,
            _size,
            int(_rng.integers(1, 3)),  # stride
            int(_rng.integers(1, 3)),  # dilation
            ["same", 0, 1, 2, 3][int(_rng.integers(0, 5))],
        )
    )


@pytest.mark.parametrize("case", CONV_CASES, ids=str)
def test_torch_conv_padding_mode(torch, case):
    """nn.ConvNd(padding_mode=…): values, and the gradient with respect to the input."""
    mode, rank, groups, (c_in, c_out), kernel, size, stride, dilation, padding = case
    if padding == "same":
        stride = 1  # PyTorch allows 'same' with stride 1 only
    weight = np.random.default_rng(len(CONV_CASES)).integers(
        -4, 5, (c_out, c_in // groups, *kernel)
    )
    module_class = getattr(torch.nn, f"Conv{rank}d")
    conv = getattr(torch_adapters, f"conv{rank}d")

    def module():
        m = module_class(
            c_in, c_out, kernel, stride, padding, dilation, groups, False, mode
        ).double()
        with torch.no_grad():
            m.weight.copy_(torch.from_numpy(weight.astype(float)))
        return m

    def forward(x):
        return module()(torch.from_numpy(x)).detach().numpy()

    def vjp(x, g):
        t = torch.from_numpy(x).requires_grad_()
        (grad,) = torch.autograd.grad(module()(t), t, torch.from_numpy(g))
        return grad.numpy()

    def ours():
        return conv(weight, size, stride, padding, dilation, groups, padding_mode=mode)

    _check(ours, forward, vjp, (1, c_in, *size), (RuntimeError, ValueError))


# --- TensorFlow -----------------------------------------------------------------------

TF_CASES = _random_cases(13, 300, ("CONSTANT", "REFLECT", "SYMMETRIC"), lambda n: n + 1)


@pytest.mark.parametrize("case", TF_CASES, ids=str)
def test_tf_pad(tf, case):
    mode, channels, size, pads = case
    shape = (*size, channels)  # channels last: the paddings name every axis
    paddings = [*pads, (0, 0)]

    def forward(x):
        return tf.pad(tf.constant(x), paddings, mode=mode).numpy()

    def vjp(x, g):
        t = tf.constant(x)
        with tf.GradientTape() as tape:
            tape.watch(t)
            y = tf.pad(t, paddings, mode=mode)
        return tape.gradient(y, t, output_gradients=tf.constant(g)).numpy()

    _check(
        lambda: tf_adapters.pad(shape, paddings, mode),
        forward,
        vjp,
        shape,
        (tf.errors.InvalidArgumentError, ValueError),
    )


# --- JAX ------------------------------------------------------------------------------

JAX_CASES = _random_cases(
    14, 300, ("constant", "reflect", "symmetric", "edge", "wrap"), lambda n: 2 * n + 3
)


@pytest.mark.parametrize("case", JAX_CASES, ids=str)
def test_jax_pad(jax, case):
    """Pads up to 2n + 3: JAX reflects and wraps more than once, symconv follows exactly."""
    mode, channels, size, pads = case
    jnp = jax.numpy
    shape = (channels, *size)
    widths = [(0, 0), *pads]

    def forward(x):
        with jax.enable_x64(True):
            return np.asarray(jnp.pad(jnp.asarray(x), widths, mode=mode))

    def vjp(x, g):
        with jax.enable_x64(True):
            _, pullback = jax.vjp(lambda t: jnp.pad(t, widths, mode=mode), jnp.asarray(x))
            return np.asarray(pullback(jnp.asarray(g))[0])

    assert _check(lambda: jax_adapters.pad(shape, widths, mode), forward, vjp, shape, ()) == (
        "agreed"
    )


# --- divergences between the frameworks --------------------------------------------------


def test_divergence_pad_longer_than_the_signal(torch, tf, jax):
    """JAX (and NumPy) reflect/wrap again; PyTorch and TensorFlow refuse such pads."""
    x = np.arange(3.0)
    with jax.enable_x64(True):
        assert np.asarray(jax.numpy.pad(x, (5, 0), mode="reflect")).tolist() == [
            1, 0, 1, 2, 1, 0, 1, 2,
        ]  # fmt: skip
    assert np.pad(x, (5, 0), mode="reflect").tolist() == [1, 0, 1, 2, 1, 0, 1, 2]
    with pytest.raises(RuntimeError):
        torch.nn.functional.pad(torch.from_numpy(x)[None], (3, 0), mode="reflect")
    with pytest.raises(RuntimeError):
        torch.nn.functional.pad(torch.from_numpy(x)[None], (4, 0), mode="circular")
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.pad(tf.constant(x), [[3, 0]], mode="REFLECT")
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.pad(tf.constant(x), [[4, 0]], mode="SYMMETRIC")
    assert lambdify(jax_adapters.pad(3, (5, 0), "reflect"))(x).tolist() == [1, 0, 1, 2, 1, 0, 1, 2]
    with pytest.raises(ParameterError):
        torch_adapters.pad(3, (3, 0), mode="reflect")
    with pytest.raises(ParameterError):
        tf_adapters.pad(3, [[4, 0]], "SYMMETRIC")


def test_divergence_reflect_of_a_single_sample(torch, jax):
    """JAX reflects a length-1 axis by repeating it (as 'edge'); PyTorch refuses."""
    with jax.enable_x64(True):
        assert (
            np.asarray(jax.numpy.pad(np.array([7.0]), (2, 1), mode="reflect")).tolist() == [7] * 4
        )
    with pytest.raises(RuntimeError):
        torch.nn.functional.pad(torch.ones(1, 1), (1, 0), mode="reflect")
    assert lambdify(jax_adapters.pad(1, (2, 1), "reflect"))(np.array([7.0])).tolist() == [7] * 4


def test_divergence_torch_negative_pads_crop_in_different_orders(torch):
    """PyTorch with a negative amount: 'reflect' pads the whole signal and then crops, but
    'circular' crops first and wraps the cropped signal. symconv refuses negative amounts in
    the non-constant modes rather than pick one order."""
    x = torch.arange(3.0)[None]
    F = torch.nn.functional
    assert F.pad(x, (-1, 2), mode="reflect").tolist() == [[1, 2, 1, 0]]  # (0 1 2 1 0)[1:]
    assert F.pad(x, (-1, 2), mode="circular").tolist() == [[1, 2, 1, 2]]  # (1 2) wrapped
    assert F.pad(x, (-1, 2), mode="replicate").tolist() == [[1, 2, 2, 2]]
    for mode in ("reflect", "circular", "replicate"):
        with pytest.raises(ParameterError, match="negative"):
            torch_adapters.pad(3, (-1, 2), mode=mode)


def test_torch_crop_to_nothing_is_refused(torch):
    """PyTorch returns an empty tensor when negative amounts crop everything; symconv has no
    operator with zero rows, so its adapter refuses the call."""
    assert torch.nn.functional.pad(torch.ones(1, 3), (-2, -1)).shape == (1, 0)
    with pytest.raises(ParameterError, match="leave at least one sample"):
        torch_adapters.pad(3, (-2, -1))


def test_case_counts():
    """The sweeps' sizes, as reported in the docs."""
    assert len(TORCH_PAD_CASES) == 302 and len(CONV_CASES) == 240
    assert len(TF_CASES) == 300 and len(JAX_CASES) == 300
    largest = max(max(max(p) for p in pads) - max(size) for _, _, size, pads in JAX_CASES)
    assert largest > 3  # pads that reflect or wrap more than once are in the JAX sweep
    for cases in (TORCH_PAD_CASES, TF_CASES, JAX_CASES):
        assert {len(size) for _, _, size, _ in cases} == {1, 2, 3}
