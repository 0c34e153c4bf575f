"""Kernels and signals."""

from __future__ import annotations

import numpy as np
import sympy as sp

import symconv as sc
from symconv import kernels


def test_kernel_taps_are_named_symbols() -> None:
    q = sc.kernel("q", 3)
    assert q == (sp.Symbol("q_0"), sp.Symbol("q_1"), sp.Symbol("q_2"))


def test_signal_is_a_column() -> None:
    assert sc.signal("x", 3).shape == (3, 1)


def test_kernel_operations_against_numpy() -> None:
    q, r = [1, 2, 3], [4, -1]
    assert list(kernels.convolve(q, r)) == list(np.convolve(q, r))
    assert list(kernels.flip(q)) == [3, 2, 1]
    assert list(kernels.dilate(q, 3)) == [1, 0, 0, 2, 0, 0, 3]
    assert list(kernels.ones(2)) == [1, 1]


def test_nearest_neighbour_kernel_from_the_qa() -> None:
    """(1, 1) ∗ (q₀, q₁, q₂) = (q₀, q₀ + q₁, q₁ + q₂, q₂)."""
    q0, q1, q2 = q = sc.kernel("q", 3)
    assert kernels.convolve((1, 1), q) == (q0, q0 + q1, q1 + q2, q2)
