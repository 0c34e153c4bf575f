"""Kernels and signals: symbolic taps, and the operations on kernels themselves.

A kernel is a tuple of SymPy scalars ``(q_0, …, q_{m-1})``; it may mix
symbols and numbers. The functions here act on kernels (flip, dilate,
convolve two kernels), not on signals; operators live in
the operator classes.

Examples
--------
>>> q = kernel("q", 3)
>>> q
(q_0, q_1, q_2)
>>> dilate(q, 2)
(q_0, 0, q_1, 0, q_2)
>>> convolve((1, 1), q)
(q_0, q_0 + q_1, q_1 + q_2, q_2)
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy as sp

from symconv import _validate, limits

__all__ = ["convolve", "dilate", "flip", "kernel", "ones", "signal"]

Kernel = tuple[sp.Expr, ...]


def kernel(name: str, m: int) -> Kernel:
    """The symbolic kernel ``(name_0, …, name_{m-1})``.

    Parameters
    ----------
    name : str
        Base name: ASCII letters and digits, starting with a letter.
    m : int
        Number of taps, at least 1.

    Returns
    -------
    tuple of sympy.Symbol

    Examples
    --------
    >>> kernel("w", 2)
    (w_0, w_1)
    """
    _validate.name("name", name)
    m = int(_validate.size("m", m))
    limits.require("taps", m, f"kernel({name!r}, {m})")
    return tuple(sp.Symbol(f"{name}_{t}") for t in range(m))


def signal(name: str, n: int) -> sp.ImmutableMatrix:
    """The symbolic column vector ``(name_0, …, name_{n-1})ᵀ``.

    Examples
    --------
    >>> signal("x", 2)
    Matrix([
    [x_0],
    [x_1]])
    """
    return sp.ImmutableMatrix(kernel(name, _validate.size("n", n)))  # an error names n


def as_kernel(values: Sequence[object], name: str = "q") -> Kernel:
    """Validate ``values`` as a kernel and return it as a tuple of SymPy scalars."""
    return tuple(_validate.taps(name, values))


def flip(q: Sequence[object]) -> Kernel:
    """The reversed kernel (q_{m-1}, …, q_0): correlation with q = convolution with flip(q)."""
    return as_kernel(q)[::-1]


def dilate(q: Sequence[object], d: int) -> Kernel:
    """↑_d q: d − 1 zeros between taps, length d(m − 1) + 1 (the dilated kernel)."""
    q = as_kernel(q)
    d = int(_validate.size("dilation", d))
    out = [sp.Integer(0)] * (d * (len(q) - 1) + 1)
    out[::d] = q
    return tuple(out)


def convolve(q: Sequence[object], r: Sequence[object]) -> Kernel:
    """The full convolution q ∗ r of two kernels, length m + r − 1, expanded."""
    q, r = as_kernel(q, "q"), as_kernel(r, "r")
    limits.require("terms", limits.terms(q) * limits.terms(r), "convolve(q, r)")
    # Collect the products and add each output tap once: `out[k] += a * b` rebuilds a
    # growing Add every time (quadratic in the terms); atoms need no expansion.
    products: list[list[sp.Expr]] = [[] for _ in range(len(q) + len(r) - 1)]
    for i, a in enumerate(q):
        for j, b in enumerate(r):
            products[i + j].append(a * b)
    out = (sp.Add(*terms) for terms in products)
    atoms = all(tap.is_Atom for tap in (*q, *r))
    return tuple(out) if atoms else tuple(sp.expand(v) for v in out)


def ones(m: int) -> Kernel:
    """The all-ones kernel 1ₘ (box filter; nearest-neighbour interpolation)."""
    return (sp.Integer(1),) * int(_validate.size("m", m))
