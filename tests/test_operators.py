"""Every operator, from one registry: exact matrices, closed-form transposes, numerics.

The oracle is symconv.proof.oracle (NumPy off the formulas, no operator code) and NumPy.
"""

from __future__ import annotations

import numpy as np
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st
from operator_registry import SIZE, Factory, by_name

import symconv as sc
from symconv.numeric import lambdify_explicit
from symconv.proof import oracle as ref


def _integer_taps(data: st.DataObject, m: int) -> np.ndarray:
    return np.array(data.draw(st.lists(st.integers(-9, 9), min_size=m, max_size=m)), dtype=float)


@by_name
@given(data=st.data())
def test_exact_matrix_matches_reference(factory: Factory, data: st.DataObject) -> None:
    """explicit() with symbolic taps, evaluated at integer taps, is the reference's matrix."""
    params, q, op = factory.draw(data)
    values = _integer_taps(data, len(q))
    exact = sc.explicit(op).subs(dict(zip(q, values.astype(int).tolist())))
    expected = ref.matrix_of(lambda x: factory.reference(params, values, x), int(op.cols))
    assert exact.shape == expected.shape
    assert np.array_equal(np.array(exact, dtype=float), expected)


@by_name
@given(data=st.data())
def test_entry_formula_agrees_with_structural_matrix(factory: Factory, data: st.DataObject) -> None:
    """_entry (used by as_explicit) and the sparse builder are two routes to one matrix."""
    _, _, op = factory.draw(data)
    assert op.as_explicit() == sc.explicit(op)


@by_name
@given(data=st.data())
def test_closed_form_transpose_is_exact(factory: Factory, data: st.DataObject) -> None:
    """The closed-form transpose equals the explicit transpose, with symbolic taps."""
    _, _, op = factory.draw(data)
    transposed = op.T
    if factory.closed_transpose:
        assert not isinstance(transposed, sp.Transpose), "transpose should be in closed form"
    else:  # the documented exception (PhaseSum): exactly the unevaluated transpose
        assert transposed == sp.Transpose(op)
    assert sc.explicit(transposed) == sc.explicit(op).T
    assert transposed.shape == (op.cols, op.rows)


@by_name
@given(data=st.data())
def test_transpose_twice_is_the_same_map(factory: Factory, data: st.DataObject) -> None:
    """``op.T.T`` is ``op``, or (where the registry says so) the canonical Conv of its map."""
    params, _, op = factory.draw(data)
    twice = op.T.T
    if factory.transpose_twice_is_self(params):
        assert twice == op
    else:
        assert isinstance(twice, (type(op), sc.Conv))
    assert sc.explicit(twice) == sc.explicit(op)


def test_a_stride_1_transposed_conv_with_same_padding_comes_back_as_conv_same() -> None:
    """An even kernel's "same" crop is unequal, (0, 1) for m = 2: op.T.T is that Conv."""
    op = sc.ConvTranspose(sc.kernel("q", 2), 2, (0, 1))
    twice = op.T.T
    assert sc.Conv(sc.kernel("q", 2), 2, "same") == twice
    assert sc.explicit(twice) == sc.explicit(op)


@by_name
@given(data=st.data())
def test_dot_test(factory: Factory, data: st.DataObject) -> None:
    """⟨Au, v⟩ = ⟨u, Aᵀv⟩ on the numeric functions (PyLops' dot test)."""
    _, q, op = factory.draw(data)
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    taps = rng.normal(size=len(q))
    u, v = rng.normal(size=int(op.cols)), rng.normal(size=int(op.rows))
    forward = sc.lambdify(op, q)(u, taps)
    adjoint = sc.lambdify(op.T, q)(v, taps)
    assert np.isclose(forward @ v, u @ adjoint, rtol=1e-10, atol=1e-10)


@by_name
@given(data=st.data())
def test_numeric_function_matches_reference_and_explicit(
    factory: Factory, data: st.DataObject
) -> None:
    params, q, op = factory.draw(data)
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    taps = rng.normal(size=len(q))
    batch = rng.normal(size=(2, 3, int(op.cols)))
    fast = sc.lambdify(op, q)(batch, taps)
    dense = lambdify_explicit(op, q)(batch, taps)
    oracle = np.array([[factory.reference(params, taps, row) for row in rows] for rows in batch])
    assert fast.shape == oracle.shape == (2, 3, int(op.rows))
    np.testing.assert_allclose(fast, oracle, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(dense, oracle, rtol=1e-12, atol=1e-12)
    assert sc.lambdify(op, q)(batch[0, 0], taps).shape == (int(op.rows),)


@by_name
@given(data=st.data())
def test_symbolic_size_substitutes_to_concrete(factory: Factory, data: st.DataObject) -> None:
    """An operator with a symbolic size becomes the concrete one under subs."""
    params, q, concrete = factory.draw(data)
    symbolic, value = factory.at_symbolic_size(params, q)
    assert SIZE in symbolic.free_symbols
    assert symbolic.subs(SIZE, value) == concrete
    assert tuple(sp.sympify(s).subs(SIZE, value) for s in symbolic.shape) == concrete.shape
    assert sc.explicit(symbolic.subs(SIZE, value)) == sc.explicit(concrete)


@given(
    m=st.integers(1, 5),
    n=st.integers(1, 8),
    s=st.integers(1, 3),
    d=st.integers(1, 3),
    p=st.integers(0, 4),
    a=st.integers(0, 4),
    seed=st.integers(0, 2**31),
)
def test_output_padding_up_to_hi_is_a_shorter_end_crop(m, n, s, d, p, a, seed) -> None:
    """The framework scatter with output_padding a ≤ hi equals padding (lo, hi − a), a = 0.

    This is why the error for a ≥ stride can name an equivalent call: such a
    PyTorch call (accepted when a < dilation) is still the transpose of a conv.
    """
    if a > p or (n - 1) * s - 2 * p + d * (m - 1) + 1 + a < 1:
        return
    rng = np.random.default_rng(seed)
    q, y = rng.normal(size=m), rng.normal(size=n)
    op = sc.ConvTranspose(q.tolist(), n, (p, p - a), stride=s, dilation=d)
    expected = ref.conv_transpose(q, y, p, p, s, d, a)
    np.testing.assert_allclose(sc.lambdify(op)(y), expected, rtol=1e-12, atol=1e-12)
