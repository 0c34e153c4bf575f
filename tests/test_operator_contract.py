"""The operator contract, for every operator class symconv defines.

Every class in :func:`symconv.operators.operator_classes` must have a factory in
tests/operator_registry.py, so that the generic tests (test_operators.py,
test_properties.py) run over it. And every optional override of a derived default
is checked against that default, on small instances:

- a class's own ``_entry`` against ``Operator._entry`` (the entry read off the index map);
- a fast exact builder in :mod:`symconv.matrices` against
  :func:`symconv.matrices.derived_entries` (the matrix read off the index map);
- a fast NumPy function in :mod:`symconv.numeric` against
  ``symconv.numeric._compile_derived`` (one sparse product with that matrix).

The index map itself is checked against symconv.proof.oracle by the generic tests, and so
is the numeric tier's reference oracle here. The language's operator table is derived
(every expressible class, round-tripping), and the contributors' page's worked example
gets all of this with no registration.
"""

from __future__ import annotations

import importlib
import importlib.util
import pickle
import pkgutil
import sys
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from operator_registry import ALL_FACTORIES, Factory, by_name

import symconv
from symconv import latex, matrices, numeric, parse
from symconv.operators import Operator, operator_classes
from symconv.printing.expression import unparse
from symconv.proof import oracle
from symconv.proof import oracle as ref


def _import_every_module() -> None:
    """Define every operator class the package has, wherever it lives (the catalogue too)."""
    for module in pkgutil.walk_packages(symconv.__path__, "symconv."):
        try:
            importlib.import_module(module.name)
        except ModuleNotFoundError as error:  # an optional framework (torch, …) not installed
            if error.name is None or error.name.startswith("symconv"):
                raise


_import_every_module()
#: Every operator class defined by symconv (a test may define its own; those are not ours).
SYMCONV_CLASSES = {c.__name__: c for c in operator_classes() if c.__module__.startswith("symconv.")}


def _class_of(factory: Factory) -> type:
    return SYMCONV_CLASSES[factory.name]


def test_every_operator_class_has_a_factory() -> None:
    """A new operator class without a factory would escape every generic test."""
    covered = {f.name for f in ALL_FACTORIES}
    missing = sorted(set(SYMCONV_CLASSES) - covered)
    assert not missing, f"add a factory to tests/operator_registry.py for {', '.join(missing)}"
    assert len(covered) == len(ALL_FACTORIES), "two factories share a name"


@by_name
@given(data=st.data())
@settings(max_examples=10)
def test_each_factory_builds_its_class(factory: Factory, data: st.DataObject) -> None:
    _, _, op = factory.draw(data)
    assert type(op) is _class_of(factory)


def _overrides_entry(cls: type) -> bool:
    return cls._entry is not Operator._entry


def _fast_matrix(cls: type) -> bool:
    return any(
        builder.dispatch(cls) is not builder.dispatch(object)
        for builder in (matrices._sparse, matrices._pattern)
    )


def _fast_numeric(cls: type) -> bool:
    return numeric._compile.dispatch(cls) is not numeric._compile.dispatch(object)


def _with(override: object) -> list[Factory]:
    return [f for f in ALL_FACTORIES if override(_class_of(f))]


def test_the_override_checks_are_not_empty() -> None:
    """The three filters below select the classes that do override (so they can fail)."""
    for override in (_overrides_entry, _fast_matrix, _fast_numeric):
        assert {"Pad", "Conv", "CorrNd"} <= {f.name for f in _with(override)}
    # and a class with none of them takes every derived default
    assert not any(o(SYMCONV_CLASSES["BlockSum"]) for o in (_fast_matrix, _fast_numeric))


@pytest.mark.parametrize("factory", _with(_overrides_entry), ids=lambda f: f.name)
@given(data=st.data())
@settings(max_examples=8)
def test_entry_override_equals_the_derived_entry(factory: Factory, data: st.DataObject) -> None:
    _, _, op = factory.draw(data)
    rows, cols = int(op.rows), int(op.cols)
    for i in range(rows):
        for j in range(cols):
            own, derived = op._entry(i, j), Operator._entry(op, i, j).doit()
            assert sp.expand(own - derived) == 0, f"{op}[{i}, {j}]: {own} != {derived}"


def _derived_matrix(op: Operator) -> sp.Matrix:
    out = sp.zeros(int(op.rows), int(op.cols))
    for r, c, value in matrices.derived_entries(op):
        out[r, c] += value
    return out


@pytest.mark.parametrize("factory", _with(_fast_matrix), ids=lambda f: f.name)
@given(data=st.data())
@settings(max_examples=20)
def test_fast_matrix_equals_the_derived_matrix(factory: Factory, data: st.DataObject) -> None:
    _, _, op = factory.draw(data)
    difference = sp.Matrix(symconv.explicit(op)) - _derived_matrix(op)
    assert difference.applyfunc(sp.expand).is_zero_matrix


@pytest.mark.parametrize("factory", _with(_fast_numeric), ids=lambda f: f.name)
@given(data=st.data())
@settings(max_examples=20)
def test_fast_numeric_equals_the_derived_numeric(factory: Factory, data: st.DataObject) -> None:
    _, q, op = factory.draw(data)
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    taps, x = rng.normal(size=len(q)), rng.normal(size=(3, int(op.cols)))
    parameters = numeric._Parameters([q])
    derived = numeric._compile_derived(op, parameters)(x, parameters.flatten([taps]))
    np.testing.assert_allclose(symconv.lambdify(op, q)(x, taps), derived, rtol=1e-12, atol=1e-12)


@by_name
@given(data=st.data())
@settings(max_examples=20)
def test_the_oracle_reads_every_operator_as_its_reference_function(
    factory: Factory, data: st.DataObject
) -> None:
    """The numeric tier's oracle, A and Aᵀ, read off an operator's arguments, against the
    oracle function the registry names for it, called on plain arrays (integer taps).

    Both sides are the one reference module, so this checks how ``REFERENCES`` reads an
    operator's arguments and that each adjoint mirrors its apply; the functions themselves
    are checked against NumPy/SciPy in tests/test_proof_oracle.py. Exact for integer and
    dyadic weights; rational weights such as the 1/3 of a resampling are summed in another
    order by each side, so the two agree to rounding (1e-12).
    """
    params, q, op = factory.draw(data)
    taps = np.array(data.draw(st.lists(st.integers(-9, 9), min_size=len(q), max_size=len(q))))
    values = dict(zip(q, taps.astype(float)))
    expected = ref.matrix_of(lambda x: factory.reference(params, taps, x), int(op.cols))
    assert oracle.shape(op) == tuple(int(d) for d in op.shape)
    np.testing.assert_allclose(oracle.dense(op, values), expected, rtol=1e-12, atol=1e-12)
    adjoint = oracle.adjoint(op, np.eye(int(op.rows)), values)
    np.testing.assert_allclose(adjoint, expected.T, rtol=1e-12, atol=1e-12)


def test_the_language_has_every_one_axis_operator_with_writable_parameters() -> None:
    """OPERATOR_CLASSES is derived: a new operator class needs no edit of the parser."""
    names = set(parse.OPERATOR_CLASSES)
    assert names == {name for name, cls in SYMCONV_CLASSES.items() if parse.expressible(cls)}
    assert {"Downsample", "Conv", "ConvTranspose", "NearestUpsample", "BlockSum"} <= names
    # no syntax for channels, images, permutations or a kernel of symbolic length
    assert not names & {"CorrNd", "ConvTransposeNd", "Permute", "PhaseSum"}


@pytest.mark.parametrize(
    "factory", [f for f in ALL_FACTORIES if f.name in parse.OPERATOR_CLASSES], ids=lambda f: f.name
)
@given(data=st.data())
@settings(max_examples=20)
def test_expressible_operators_round_trip_through_the_language(
    factory: Factory, data: st.DataObject
) -> None:
    _, _, op = factory.draw(data)
    assert parse.parse(unparse(op)) == op
    # A transpose with no syntax of its own is written R.T, parsed as written: evaluated,
    # it is the same operator.
    assert parse.parse(unparse(op.T)).doit() == op.T


# --- the contributors' page's worked example (docs/examples/circular_shift.py) -----------


def _circular_shift() -> type:
    """The example class, loaded from the docs folder it is published in."""
    path = Path(__file__).resolve().parents[1] / "docs" / "examples" / "circular_shift.py"
    spec = importlib.util.spec_from_file_location("circular_shift", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # so that its operators pickle, as a package's would
    spec.loader.exec_module(module)
    return module.CircularShift


CircularShift = _circular_shift()


def test_circular_shift_gets_everything_for_free() -> None:
    """Shape, index map and transpose are all it states; the rest is derived."""
    x = np.arange(5.0)
    shift = CircularShift(5, 2)
    # the exact matrix and the NumPy functions, against numpy.roll
    matrix = np.array(symconv.explicit(shift).tolist(), dtype=float)
    np.testing.assert_array_equal(matrix @ x, np.roll(x, 2))
    np.testing.assert_array_equal(symconv.lambdify(shift)(x), np.roll(x, 2))
    np.testing.assert_array_equal(symconv.lambdify(shift.T)(x), np.roll(x, -2))
    assert pickle.loads(pickle.dumps(shift)) == shift
    back = CircularShift(5, -2)
    assert back == shift.T
    assert shift == back.T
    # the reference oracle of the numeric tier reads it through its index map
    np.testing.assert_array_equal(oracle.dense(shift, {}), matrix)
    # prove: for all n where a tier can show it, else at every size up to the bounds
    n = sp.Symbol("n", integer=True, positive=True)
    assert CircularShift(n, 2).subs(n, 5) == shift
    twice = symconv.prove(sp.MatMul(CircularShift(n, 1), CircularShift(n, 1)), CircularShift(n, 2))
    assert twice.verdict.value == "proven"  # rows Mod(Mod(i − 1, n) − 1, n) = Mod(i − 2, n)
    inverse = symconv.prove(sp.MatMul(CircularShift(n, 2), CircularShift(n, -2)), sp.Identity(n))
    assert inverse.verdict.value == "verified"  # Mod(i, n) = i needs 0 <= i < n: not symbolic
    wrong = symconv.prove(sp.MatMul(CircularShift(n, 1), CircularShift(n, 1)), sp.Identity(n))
    assert str(wrong.counterexample) == "at n=3: entry (0, 0): left 0, right 1"
    # the default LaTeX form, and the expression language would take it
    assert latex(shift) == r"\operatorname{CircularShift}_{5,2}"
    assert parse.expressible(CircularShift)
