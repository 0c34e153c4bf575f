"""symconv against NumPy and SciPy's own functions (independent oracles)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg
import scipy.signal
from hypothesis import given
from hypothesis import strategies as st

import symconv as sc

modes = pytest.mark.parametrize("mode", ["full", "valid", "same"])


@modes
@given(n=st.integers(1, 12), m=st.integers(1, 7), seed=st.integers(0, 2**31))
def test_conv_matches_numpy_convolve(mode: str, n: int, m: int, seed: int) -> None:
    """Including n < m, where NumPy swaps its inputs."""
    rng = np.random.default_rng(seed)
    q, x = rng.normal(size=m), rng.normal(size=n)
    op = sc.Conv(q.tolist(), n, mode)
    expected = np.convolve(x, q, mode)
    np.testing.assert_allclose(sc.lambdify(op)(x), expected, rtol=1e-12, atol=1e-12)
    dense = np.array(sc.explicit(op), dtype=float)
    np.testing.assert_allclose(dense @ x, expected, rtol=1e-12, atol=1e-12)


@modes
@given(n=st.integers(1, 12), m=st.integers(1, 7), seed=st.integers(0, 2**31))
def test_corr_matches_numpy_correlate(mode: str, n: int, m: int, seed: int) -> None:
    """np.correlate(x, q, mode) is Corr with the numpy mode's padding (n ≥ m for numpy's rule)."""
    if n < m:
        return  # numpy.correlate swaps and conjugates-reverses when n < m: not a framework conv
    rng = np.random.default_rng(seed)
    q, x = rng.normal(size=m), rng.normal(size=n)
    # NumPy centres 'same' with the extra tap of an even kernel on the left.
    lo = {"full": m - 1, "valid": 0, "same": (m - 1) - (m - 1) // 2}[mode]
    hi = {"full": m - 1, "valid": 0, "same": (m - 1) // 2}[mode]
    op = sc.Corr(q.tolist(), n, (lo, hi))
    np.testing.assert_allclose(sc.lambdify(op)(x), np.correlate(x, q, mode), rtol=1e-12, atol=1e-12)


@given(n=st.integers(1, 12), m=st.integers(1, 7))
def test_full_conv_matches_scipy_convolution_matrix(n: int, m: int) -> None:
    q = np.arange(1.0, m + 1)
    for mode in ("full", "valid", "same"):
        if mode != "full" and n < m:
            continue  # scipy's matrix keeps the kernel role fixed; numpy swaps
        expected = scipy.linalg.convolution_matrix(q, n, mode)
        assert np.array_equal(
            np.array(sc.explicit(sc.Conv(q.tolist(), n, mode)), dtype=float), expected
        )


@given(n=st.integers(1, 10), k=st.integers(1, 4), m=st.integers(1, 6), seed=st.integers(0, 2**31))
def test_upsample_then_filter_matches_scipy_upfirdn(n: int, k: int, m: int, seed: int) -> None:
    """upfirdn(h, x, up=k) = h ∗ (↑ₖx) with ↑ₖ of length k(n − 1) + 1 (no trailing zeros)."""
    rng = np.random.default_rng(seed)
    h, x = rng.normal(size=m), rng.normal(size=n)
    op = sc.Conv(h.tolist(), k * (n - 1) + 1) @ sc.Upsample(n, k, length=k * (n - 1) + 1)
    np.testing.assert_allclose(
        sc.lambdify(op)(x), scipy.signal.upfirdn(h, x, up=k), rtol=1e-12, atol=1e-12
    )


@given(n=st.integers(1, 12), k=st.integers(1, 4), m=st.integers(1, 6), seed=st.integers(0, 2**31))
def test_filter_then_downsample_matches_scipy_upfirdn(n: int, k: int, m: int, seed: int) -> None:
    """upfirdn(h, x, down=k) = ↓ₖ(h ∗ x), the full convolution decimated."""
    rng = np.random.default_rng(seed)
    h, x = rng.normal(size=m), rng.normal(size=n)
    op = sc.Downsample(n + m - 1, k) @ sc.Conv(h.tolist(), n)
    np.testing.assert_allclose(
        sc.lambdify(op)(x), scipy.signal.upfirdn(h, x, down=k), rtol=1e-12, atol=1e-12
    )


@modes
@given(
    h=st.integers(3, 7), w=st.integers(3, 7), kh=st.integers(1, 3), kw=st.integers(1, 3),
    seed=st.integers(0, 2**31),
)  # fmt: skip
def test_reference_oracle_matches_scipy_convolve_in_2d(
    mode: str, h: int, w: int, kh: int, kw: int, seed: int
) -> None:
    """The proof engine's matrix-free oracle on N-D layers against scipy.signal, both ways."""
    from symconv.operators.channels import conv_nd, corr_nd
    from symconv.proof import oracle

    rng = np.random.default_rng(seed)
    q, x = rng.normal(size=(kh, kw)), rng.normal(size=(h, w))
    expected = scipy.signal.convolve(x, q, mode)
    got = oracle.apply(conv_nd(q.tolist(), (h, w), mode), x.ravel(), {})
    np.testing.assert_allclose(got, expected.ravel(), rtol=1e-12, atol=1e-12)
    # A stride-2 correlation is the full-resolution correlation decimated on both axes,
    # and its transpose applied to y is the gradient of ⟨y, C x⟩, i.e. correlate's adjoint.
    strided = corr_nd(q.tolist(), (h, w), "valid", stride=2)
    decimated = scipy.signal.correlate(x, q, "valid")[::2, ::2]
    np.testing.assert_allclose(oracle.apply(strided, x.ravel(), {}), decimated.ravel(), rtol=1e-12)
    y = rng.normal(size=decimated.shape)
    spread = np.zeros((h - kh + 1, w - kw + 1))
    spread[::2, ::2] = y
    np.testing.assert_allclose(
        oracle.adjoint(strided, y.ravel(), {}),
        scipy.signal.convolve(spread, q, "full").ravel(),
        rtol=1e-12,
        atol=1e-12,
    )
