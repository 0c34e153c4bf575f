"""Properties of products of registry operators: transposes, dot test, numerics, pickling, subs.

Every operator class of the registry (tests/operator_registry.py) appears as
the middle factor ``A`` of ``C · A · B``, where ``B`` and ``C`` are drawn so
that the product is defined (a padding, crop, flip, down- or up-sampling of the
right length). The oracle of each property is independent of the code path
under test: explicit matrices multiplied by SymPy, NumPy on those matrices,
``pickle``, and the concrete constructors.
"""

from __future__ import annotations

import pickle

import numpy as np
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st
from operator_registry import SIZE, Factory, by_name

import symconv as sc


@st.composite
def with_output(draw: st.DrawFn, rows: int) -> sc.Operator:
    """A simple operator with exactly ``rows`` rows (to stand left of a factor with ``rows``)."""
    kind = draw(st.sampled_from(["flip", "pad", "crop", "down", "up"]))
    if kind == "flip":
        return sc.Flip(rows)
    if kind == "pad" and rows > 1:
        lo = draw(st.integers(0, rows - 1))
        hi = draw(st.integers(0, rows - 1 - lo))
        return sc.Pad(rows - lo - hi, lo, hi)
    if kind == "crop":
        lo, hi = draw(st.integers(0, 2)), draw(st.integers(0, 2))
        return sc.Crop(rows + lo + hi, lo, hi)
    if kind == "down":
        k = draw(st.integers(1, 3))
        return sc.Downsample(rows * k - draw(st.integers(0, k - 1)), k)
    k = draw(st.integers(1, 3))
    n = -(-rows // k)  # k(n-1)+1 <= rows <= kn
    return sc.Upsample(n, k, length=rows)


def _product(factory: Factory, data: st.DataObject) -> tuple[sp.MatrixExpr, tuple, list]:
    """``C @ A @ B`` with A from ``factory``; its kernel; and the three factors."""
    _, q, middle = factory.draw(data)
    right = data.draw(with_output(int(middle.cols)))  # B's rows are A's columns
    left = data.draw(with_output(int(middle.rows))).T  # C = Dᵀ: its columns are A's rows
    # MatMul unevaluated: `@` lets SymPy turn equal neighbours into a MatPow, which
    # explicit() and lambdify() do not read (reported in issue 16's closing note)
    return sp.MatMul(left, middle, right), q, [left, middle, right]


@by_name
@given(data=st.data())
def test_transpose_of_a_product_is_the_reversed_product_of_transposes(
    factory: Factory, data: st.DataObject
) -> None:
    product, _, factors = _product(factory, data)
    explicit = [sc.explicit(f) for f in factors]
    assert sc.explicit(product) == explicit[0] * explicit[1] * explicit[2]
    reversed_transposes = sp.MatMul(*(f.T for f in reversed(factors)))
    # sp.Transpose unevaluated: product.T lets SymPy turn equal neighbours into a MatPow
    assert sc.explicit(sp.Transpose(product)) == sc.explicit(product).T
    assert sc.explicit(reversed_transposes) == sc.explicit(product).T


@by_name
@given(data=st.data())
def test_dot_test_of_a_product(factory: Factory, data: st.DataObject) -> None:
    """⟨P u, v⟩ = ⟨u, Pᵀ v⟩ through the compiled functions of P and Pᵀ."""
    product, q, factors = _product(factory, data)
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    taps = rng.normal(size=len(q))
    u, v = rng.normal(size=int(product.cols)), rng.normal(size=int(product.rows))
    forward = sc.lambdify(product, q)(u, taps)
    adjoint = sc.lambdify(sp.MatMul(*(f.T for f in reversed(factors))), q)(v, taps)
    assert np.isclose(forward @ v, u @ adjoint, rtol=1e-9, atol=1e-9)


@by_name
@given(data=st.data())
def test_lambdify_equals_explicit_on_products(factory: Factory, data: st.DataObject) -> None:
    product, q, _ = _product(factory, data)
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    taps = rng.integers(-5, 6, size=len(q))
    matrix = sc.explicit(product).subs(dict(zip(q, taps.tolist())))
    dense = np.array(matrix.tolist(), dtype=float)
    x = rng.normal(size=(3, int(product.cols)))
    np.testing.assert_allclose(
        sc.lambdify(product, q)(x, taps.astype(float)), x @ dense.T, rtol=1e-12, atol=1e-12
    )


@by_name
@given(data=st.data())
def test_operators_and_products_pickle(factory: Factory, data: st.DataObject) -> None:
    product, _, factors = _product(factory, data)
    for expr in (*factors, product, sp.Transpose(product)):
        copy = pickle.loads(pickle.dumps(expr))
        assert copy == expr
        assert hash(copy) == hash(expr)
        assert sc.explicit(copy) == sc.explicit(expr)


@by_name
@given(data=st.data())
def test_symbolic_sizes_substitute_in_products(factory: Factory, data: st.DataObject) -> None:
    """A product built at a symbolic size becomes, under subs, the one built at a number."""
    params, q, concrete = factory.draw(data)
    symbolic, value = factory.at_symbolic_size(params, q)
    substituted = sp.MatMul(symbolic.T, symbolic).subs(SIZE, value)
    assert symbolic.subs(SIZE, value) == concrete
    # The transpose may take another closed form at a concrete size (Corrᵀ is a Conv at
    # stride 1): the same map, compared as matrices.
    assert sc.explicit(substituted) == sc.explicit(concrete).T * sc.explicit(concrete)
