"""Symbolic sizes and indices: shapes, entries and the SymPy delta-sum trap."""

from __future__ import annotations

import itertools

import sympy as sp

import symconv as sc

n = sp.Symbol("n", integer=True, positive=True)
k = sp.Symbol("k", integer=True, positive=True)
i, j = sp.symbols("i j", integer=True, nonnegative=True)


def test_symbolic_shapes() -> None:
    assert sc.Downsample(n, 2).shape == (sp.ceiling(n / 2), n)
    assert sc.Upsample(n, k).shape == (k * n, n)
    assert sc.Pad(n, 1, 2).shape == (n + 3, n)
    assert sc.Corr((1, 2, 3), n, stride=2).shape[0] == sp.floor((n - 3) / 2) + 1
    assert sc.Conv((1, 2, 3), n, "full").shape == (n + 2, n)


def test_symbolic_transposes_close_over_the_family() -> None:
    assert sc.Upsample(n, k, k * n) == sc.Downsample(k * n, k).T
    assert sc.Downsample(k * n, k) == sc.Upsample(n, k).T
    assert sc.Pad(n, 1, 2) == sc.Pad(n, 1, 2).T.T
    conv = sc.Conv(sc.kernel("q", 3), n, "full")
    assert conv == conv.T.T


def test_upsample_entry_keeps_divisibility_through_a_symbolic_sum() -> None:
    """(↑ₖ↓ₖ)_{ij} via SymPy's own summation: must be 0 at i = j = 1, k = 2.

    SymPy 1.14 sums δ(i, k·t) over t to δ-free 1, dropping that k must
    divide i; the guarded entry of Upsample survives the summation.
    """
    product = sp.MatMul(sc.Upsample(n, k), sc.Downsample(k * n, k))
    entry = product._entry(i, j).doit()
    for size, factor in [(2, 2), (3, 2), (2, 3)]:
        dense = sc.explicit(sc.Upsample(size, factor) @ sc.Downsample(factor * size, factor))
        for a, b in itertools.product(range(factor * size), repeat=2):
            value = entry.subs({i: a, j: b, k: factor, n: size})
            assert value == dense[a, b], (size, factor, a, b)


def test_symbolic_entries_agree_with_concrete_matrices() -> None:
    """_entry with symbolic i, j and sizes, then substituted, equals the concrete matrix."""
    q = sc.kernel("q", 3)
    cases = [
        (sc.Downsample(n, 3), {n: 7}),
        (sc.Upsample(n, 2, 2 * n - 1), {n: 4}),
        (sc.Corr(q, n, (1, 2), stride=2, dilation=2), {n: 9}),
        (sc.Conv(q, n, "same"), {n: 5}),
        (sc.Conv(q, n, "valid"), {n: 2}),
        (sc.Flip(n), {n: 4}),
        (sc.Crop(n, 1, 1), {n: 5}),
    ]
    for op, values in cases:
        concrete = op.subs(values)
        rows, cols = (int(s) for s in concrete.shape)
        entry = op._entry(i, j)
        for a, b in itertools.product(range(rows), range(cols)):
            assert sp.simplify(entry.subs({**values, i: a, j: b})) == concrete[a, b], (op, a, b)


def test_operators_pickle_and_compare() -> None:
    import pickle

    q = sc.kernel("q", 3)
    op = sc.Corr(q, 2 * n, "same", stride=2) @ sc.Upsample(n, 2, 2 * n)
    assert pickle.loads(pickle.dumps(op)) == op
    assert sc.Corr(q, 8, "same") == sc.Corr(q, 8, (1, 1))
