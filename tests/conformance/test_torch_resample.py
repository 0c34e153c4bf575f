"""symconv.frameworks.torch_resample.interpolate against F.interpolate (CPU, float64).

For every case of a seeded sweep (every mode × align_corners × size or scale_factor ×
recompute_scale_factor, 1-D, 2-D and 3-D; and antialias=True for 2-D bilinear and
bicubic) the real function's matrix (unit vectors fed
through it) must equal symconv's exact matrix to 1e-12 (the weights are rationals such as
1/3 that float64 rounds), and the matrix of PyTorch's backward (autograd's vector-Jacobian
product on unit cotangents) must equal the exact matrix of the operator's transpose,
except in PyTorch's two divergences, asserted exactly below.
"""

import contextlib
import random

import numpy as np
import pytest

from conformance.framework_support import exact_array, framework_matrix
from symconv import ParameterError
from symconv.frameworks.torch_resample import interpolate

MODES = {1: ["nearest", "nearest-exact", "linear", "area"],
         2: ["nearest", "nearest-exact", "bilinear", "bicubic", "area"],
         3: ["nearest", "nearest-exact", "trilinear", "area"]}  # fmt: skip
FACTORS = [0.3, 0.5, 0.6, 0.7, 1.0, 1.2, 1.3, 1.5, 1.75, 2.0, 2.2, 2.5, 3.0, 1 / 3, 2.7]


DRAWS = {1: 6, 2: 4, 3: 2}


def _cases(seed: int = 13) -> list:
    """Every rank × mode × align_corners × (size, or scale_factor with each
    recompute_scale_factor), with random sizes and factors drawn ``DRAWS[rank]`` times."""
    rng = random.Random(seed)
    cases = []
    for rank, count in DRAWS.items():
        for mode in MODES[rank]:
            interpolating = mode in ("linear", "bilinear", "trilinear", "bicubic")
            for align in [False, True] if interpolating else [None]:
                for how in ("size", None, False, True):
                    for _ in range(count):
                        size_in = tuple(rng.randint(1, 9 if rank == 1 else 5) for _ in range(rank))
                        kwargs = dict(mode=mode, align_corners=align)
                        if how == "size":
                            top = 12 if rank == 1 else 7
                            kwargs["size"] = tuple(rng.randint(1, top) for _ in range(rank))
                        else:
                            kwargs["scale_factor"] = tuple(rng.choice(FACTORS) for _ in range(rank))
                            kwargs["recompute_scale_factor"] = how
                        cases.append((size_in, kwargs))
    return cases


#: PyTorch's one divergence (see ``_shortcut_divergence``): N = n and N = 2n from a factor.
SHORTCUTS = [
    ((n,), dict(scale_factor=(f,), mode="nearest", recompute_scale_factor=r))
    for n, f in [(4, 1.2), (3, 1.3), (4, 2.2), (5, 2.1), (7, 1.1)]
    for r in (None, False)
]
CASES = _cases() + SHORTCUTS


def _jacobians(torch, size_in, kwargs, channels=1):
    """PyTorch's forward matrix and the matrix of its backward (VJP on unit cotangents)."""
    F = torch.nn.functional
    shape = (channels, *size_in)

    def apply(x):
        return F.interpolate(torch.from_numpy(x).double(), **kwargs)

    forward = framework_matrix(apply, shape, lambda t: t.numpy())
    x = torch.zeros((1, *shape), dtype=torch.float64, requires_grad=True)
    y = F.interpolate(x, **kwargs)
    units = torch.eye(y.numel(), dtype=torch.float64).reshape(-1, *y.shape)
    rows = [torch.autograd.grad(y, x, g, retain_graph=True)[0].reshape(-1) for g in units]
    return forward, torch.stack(rows).numpy().T


def _shortcut_divergence(size_in, kwargs) -> bool:
    """PyTorch's 1-D nearest: the backward copies at N = n and reads i // 2 at N = 2n
    (the shortcuts of ATen's ``nearest_idx``) while the forward uses ⌊i/f⌋."""
    if len(size_in) != 1 or kwargs["mode"] != "nearest" or "scale_factor" not in kwargs:
        return False
    (n,), (f,) = size_in, kwargs["scale_factor"]
    length = int(np.floor(n * f))
    return not kwargs.get("recompute_scale_factor") and length in (n, 2 * n) and n / length != 1 / f


@pytest.mark.parametrize("size_in, kwargs", CASES, ids=[f"{s}-{k}" for s, k in CASES])
def test_interpolate_values_and_backward(torch, size_in, kwargs):
    try:
        forward, backward = _jacobians(torch, size_in, kwargs)
    except RuntimeError:  # an empty output: refused by both
        with pytest.raises(ParameterError):
            interpolate(size_in, **kwargs)
        return
    op = interpolate(size_in, **kwargs)
    assert exact_array(op).shape == forward.shape
    np.testing.assert_allclose(exact_array(op), forward, atol=1e-12)
    if _shortcut_divergence(size_in, kwargs):
        # The divergence, exactly: the backward is the transpose of the size-given call.
        length = int(np.floor(size_in[0] * kwargs["scale_factor"][0]))
        shortcut = interpolate(size_in, size=length, mode="nearest")
        np.testing.assert_array_equal(backward, exact_array(shortcut.T))
        assert not np.array_equal(exact_array(op), exact_array(shortcut))
    else:
        np.testing.assert_allclose(exact_array(op.T), backward, atol=1e-12)


def test_the_sweep_meets_the_divergence():
    assert sum(_shortcut_divergence(s, k) for s, k in CASES) == len(SHORTCUTS)


@pytest.mark.parametrize("channels", [2, 3])
def test_channels_are_independent(torch, channels):
    kwargs = dict(scale_factor=(1.5, 0.7), mode="bicubic", align_corners=False)
    forward, backward = _jacobians(torch, (4, 5), kwargs, channels)
    op = interpolate((4, 5), channels=channels, **kwargs)
    np.testing.assert_allclose(exact_array(op), forward, atol=1e-12)
    np.testing.assert_allclose(exact_array(op.T), backward, atol=1e-12)


REFUSED = [
    ((4,), dict(size=3, scale_factor=2.0)),
    ((4,), dict()),
    ((4,), dict(size=3, mode="bilinear")),
    ((4, 4), dict(size=3, mode="linear")),
    ((4,), dict(size=3, mode="nearest", align_corners=False)),
    ((4,), dict(size=3, recompute_scale_factor=True)),
    ((4,), dict(scale_factor=0.1)),
    ((4,), dict(size=3, mode="cubic")),
    ((4,), dict(size=3, mode="linear", antialias=True)),
    ((4, 4), dict(size=3, mode="nearest", antialias=True)),
]


@pytest.mark.parametrize("size_in, kwargs", REFUSED)
def test_refused_like_pytorch(torch, size_in, kwargs):
    x = torch.zeros((1, 1, *size_in), dtype=torch.float64)
    with pytest.raises((ValueError, RuntimeError, NotImplementedError)):
        torch.nn.functional.interpolate(x, **kwargs)
    with pytest.raises(ParameterError):
        interpolate(size_in, **kwargs)


def _antialias_cases(seed: int = 21, per_combination: int = 15) -> list:
    rng = random.Random(seed)
    cases = []
    for mode in ("bilinear", "bicubic"):
        for align in (False, True):
            for _ in range(per_combination):
                size_in = (rng.randint(1, 8), rng.randint(1, 8))
                kwargs = dict(mode=mode, align_corners=align, antialias=True)
                if rng.random() < 0.5:
                    kwargs["size"] = (rng.randint(1, 8), rng.randint(1, 8))
                else:
                    kwargs["scale_factor"] = (rng.choice(FACTORS), rng.choice(FACTORS))
                    kwargs["recompute_scale_factor"] = rng.choice([None, True])
                cases.append((size_in, kwargs))
    return cases


AA_CASES = _antialias_cases()


@pytest.mark.parametrize("size_in, kwargs", AA_CASES, ids=[f"{s}-{k}" for s, k in AA_CASES])
def test_antialiased_interpolate(torch, size_in, kwargs):
    try:
        forward, backward = _jacobians(torch, size_in, kwargs)
    except RuntimeError:
        with pytest.raises(ParameterError):
            interpolate(size_in, **kwargs)
        return
    op = interpolate(size_in, **kwargs)
    matrix = exact_array(op)
    np.testing.assert_allclose(exact_array(op.T), backward, atol=1e-12)
    if forward.shape[0] > 1 and op.args[-1].rows == 1:
        # PyTorch's divergence: an output width of 1 gives the first output row everywhere
        # (its backward, above, is the transpose of the map itself).
        np.testing.assert_allclose(forward, np.repeat(matrix[:1], len(matrix), axis=0), atol=1e-12)
    else:
        np.testing.assert_allclose(matrix, forward, atol=1e-12)


def test_the_antialias_sweep_meets_the_width_one_divergence():
    widths = []
    for size_in, kwargs in AA_CASES:
        with contextlib.suppress(ParameterError):  # an empty output: refused
            widths.append(interpolate(size_in, **kwargs).args[-1].rows)
    assert widths.count(1) >= 3
