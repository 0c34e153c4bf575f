"""symconv.frameworks.jax_resample.resize against jax.image.resize (CPU, float64).

For every case of a seeded sweep (each method × antialias, arrays of 1 to 3 axes of
random sizes, shrinking and growing) the real function's matrix must equal symconv's exact
matrix and the matrix of ``jax.vjp`` on unit cotangents must equal the exact matrix of
the transpose, to 1e-12 (float64 through ``jax.enable_x64``).
"""

import random

import numpy as np
import pytest

from conformance.framework_support import exact_array
from symconv import ParameterError
from symconv.frameworks.jax_resample import resize
from symconv.frameworks.torch_resample import interpolate

METHODS = ["nearest", "linear", "cubic", "cubic-pytorch", "area"]


def _cases(seed: int = 11, per_method: int = 20) -> list:
    rng = random.Random(seed)
    cases = []
    for method in METHODS:
        for antialias in (False, True):
            for _ in range(per_method):
                rank = rng.choice([1, 2, 2, 3])
                shape_in = tuple(rng.randint(1, 6 if rank < 3 else 4) for _ in range(rank))
                shape_out = tuple(rng.randint(1, 7 if rank < 3 else 4) for _ in range(rank))
                cases.append((method, antialias, shape_in, shape_out))
    return cases


CASES = _cases()


def _matrices(jax, shape_in, shape_out, method, antialias):
    """JAX's forward matrix and the matrix of its VJP, both from unit vectors."""
    n = int(np.prod(shape_in))
    with jax.enable_x64(True):
        jnp = jax.numpy

        def apply(x):
            return jax.image.resize(x, shape_out, method, antialias=antialias)

        units = jnp.asarray(np.eye(n).reshape(n, *shape_in))
        forward = np.asarray(jax.vmap(apply)(units)).reshape(n, -1).T
        _, vjp = jax.vjp(apply, jnp.zeros(shape_in, dtype=jnp.float64))
        m = forward.shape[0]
        cotangents = jnp.asarray(np.eye(m).reshape(m, *shape_out))
        backward = np.asarray(jax.vmap(lambda g: vjp(g)[0])(cotangents)).reshape(m, n).T
    return forward, backward


@pytest.mark.parametrize("method, antialias, shape_in, shape_out", CASES)
def test_resize_values_and_vjp(jax, method, antialias, shape_in, shape_out):
    forward, backward = _matrices(jax, shape_in, shape_out, method, antialias)
    op = resize(shape_in, shape_out, method, antialias=antialias)
    np.testing.assert_allclose(exact_array(op), forward, atol=1e-12)
    np.testing.assert_allclose(exact_array(op.T), backward, atol=1e-12)


def test_cubic_pytorch_with_antialias_is_keys_cubic(jax):
    # JAX's default antialias=True turns 'cubic-pytorch' into 'cubic' (a = -1/2) even
    # when upsampling; antialias=False gives PyTorch's bicubic (a = -3/4, clamped).
    forward, _ = _matrices(jax, (1, 3, 4), (1, 5, 6), "cubic-pytorch", True)
    keys = exact_array(resize((1, 3, 4), (1, 5, 6), "cubic", antialias=False))
    torch_like = exact_array(interpolate((3, 4), size=(5, 6), mode="bicubic", align_corners=False))
    np.testing.assert_allclose(forward, keys, atol=1e-12)
    assert not np.allclose(forward, torch_like)
    forward, _ = _matrices(jax, (1, 3, 4), (1, 5, 6), "cubic-pytorch", False)
    np.testing.assert_allclose(forward, torch_like, atol=1e-12)


def test_the_sweep_antialiases_shrinking_axes():
    shrinking = [
        c
        for c in CASES
        if c[1] and c[0] in ("linear", "cubic") and any(b < a for a, b in zip(c[2], c[3]))
    ]
    assert len(shrinking) >= 15


def test_unsupported_arguments_are_named():
    with pytest.raises(ParameterError, match="method"):
        resize((6,), (4,), "lanczos3", antialias=False)
    with pytest.raises(ParameterError, match="shape"):
        resize((6, 2), (4,), "linear", antialias=False)
