"""Entrywise code generation: one expression per output, as Python/NumPy or C source.

:func:`symconv.lambdify` is the fast way to *compute*; this module is for
reading and exporting: it writes ``y_i = Σ_j A_ij x_j`` for every output i,
straight from the exact sparse matrix, as source code.

Cost is linear in the number of non-zeros: the rows come from the sparse
matrix (never from ``rows × cols`` entries), and common subexpressions are
eliminated by hashing: every distinct entry polynomial that is more than a
single tap or number (``q_0 + q_1``, ``q_0*r_1``) is computed once into a
temporary. (SymPy's general ``cse`` finds the same temporaries here but is
super-linear and takes minutes at n = 4096.)

Examples
--------
>>> from symconv import Corr, kernel
>>> q = kernel("q", 2)
>>> print(python_source(Corr(q, 3), q))
import numpy as np
<BLANKLINE>
<BLANKLINE>
def apply(x, v0):
    # y = A x for A = Corr((q_0, q_1), 3, (0, 0), 1, 1) of shape (2, 3); x of shape (..., 3)
    x = np.asarray(x)
    q_0, q_1 = v0
    y = np.zeros((*x.shape[:-1], 2), dtype=np.result_type(x, np.float64))
    y[..., 0] = q_0*x[..., 0] + q_1*x[..., 1]
    y[..., 1] = q_0*x[..., 1] + q_1*x[..., 2]
    return y
<BLANKLINE>
"""

from __future__ import annotations

import keyword
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

import sympy as sp
from sympy.matrices.expressions import MatrixExpr
from sympy.printing.c import C99CodePrinter
from sympy.printing.pycode import PythonCodePrinter

from symconv.errors import ParameterError
from symconv.matrices import _concrete, _polymatrix, _sparse, domain_of
from symconv.numeric import _Parameters

__all__ = ["Entrywise", "c_source", "entrywise", "python_function", "python_source"]


@dataclass(frozen=True)
class Entrywise:
    """``y_i = Σ_j entry · x_j`` for every output, with shared temporaries.

    Attributes
    ----------
    shape : (int, int)
        The matrix shape (outputs, inputs).
    temporaries : list of (Symbol, Expr)
        ``c_k = expression``, each computed once, in order.
    rows : list of list of (Expr, int)
        For output i, the (coefficient, input index) pairs; a coefficient is
        a number, a parameter symbol or a temporary.
    """

    shape: tuple[int, int]
    temporaries: list[tuple[sp.Symbol, sp.Expr]]
    rows: list[list[tuple[sp.Expr, int]]]

    def outputs(self, x: Sequence[sp.Expr] | None = None) -> list[sp.Expr]:
        """The output expressions in ``x`` (default symbols x_0, x_1, …), temporaries kept.

        Examples
        --------
        >>> from symconv import Conv
        >>> entrywise(Conv((1, 2), 2)).outputs()
        [x_0, 2*x_0 + x_1, 2*x_1]
        """
        x = list(x) if x is not None else list(sp.symbols(f"x_0:{self.shape[1]}"))
        return [sp.Add(*(c * x[j] for c, j in row)) for row in self.rows]


def _cells(expr: MatrixExpr) -> tuple[dict[int, dict[int, object]], Callable[[object], sp.Expr]]:
    """Row-wise non-zeros as hashable entry keys, and how to turn a key into SymPy."""
    K = domain_of(expr)
    fast = _polymatrix(expr, K)
    if fast is None:
        dm = _sparse(expr, K)
        return {i: dict(row) for i, row in dm.rep.to_dod().items()}, K.to_sympy
    symbols = K.symbols if K.is_PolynomialRing else ()
    cells: dict[int, dict[int, list]] = {}
    for monomial, matrix in fast.terms.items():
        coo = matrix.tocoo()
        for i, j, c in zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist()):
            cells.setdefault(i, {}).setdefault(j, []).append((monomial, c))

    def to_sympy(key: tuple) -> sp.Expr:
        return sp.Add(
            *(sp.Integer(c) * sp.Mul(*(s**e for s, e in zip(symbols, m) if e)) for m, c in key)
        )

    rows = {i: {j: tuple(sorted(terms)) for j, terms in row.items()} for i, row in cells.items()}
    return rows, to_sympy


def entrywise(expr: MatrixExpr, *params: object) -> Entrywise:
    """One expression per output of ``x ↦ expr · x``, with common subexpressions shared.

    Parameters
    ----------
    expr : matrix expression
        At concrete sizes, as for :func:`symconv.explicit`.
    *params : sympy.Symbol or sequence of Symbols
        The symbols the generated code takes, as for :func:`symconv.lambdify`;
        every free symbol of the matrix must be among them.

    Examples
    --------
    >>> from symconv import Conv, kernel
    >>> q, r = kernel("q", 2), kernel("r", 2)
    >>> code = entrywise(Conv(q, 3) @ Conv(r, 2), q, r)
    >>> code.temporaries
    [(c0, q_0*r_0), (c1, q_0*r_1 + q_1*r_0), (c2, q_1*r_1)]
    >>> code.outputs()[1]
    c0*x_1 + c1*x_0
    """
    parameters = _Parameters(params)
    rows_count, cols = _concrete(expr)
    cells, to_sympy = _cells(expr)
    names: dict[object, sp.Expr] = {}
    temporaries: list[tuple[sp.Symbol, sp.Expr]] = []
    free: set[sp.Symbol] = set()
    for row in cells.values():
        for key in row.values():
            if key in names:
                continue
            value = to_sympy(key)
            free |= value.free_symbols
            if value.is_Atom or (value.is_Mul and len(value.args) == 2 and value.args[0].is_Number):
                names[key] = value  # a number, a tap, or a number times a tap: print inline
            else:
                temporary = sp.Symbol(f"c{len(temporaries)}")
                temporaries.append((temporary, value))
                names[key] = temporary
    parameters.compile(sorted(free, key=str))  # raises, naming any missing symbol
    rows = [
        [(names[key], j) for j, key in sorted(cells.get(i, {}).items())] for i in range(rows_count)
    ]
    return Entrywise((rows_count, cols), temporaries, rows)


def _unpacking(params: Sequence[object]) -> list[tuple[str, list[sp.Symbol] | sp.Symbol]]:
    """(argument name, what it holds) for each parameter: v0, v1, …"""
    _Parameters(params)  # validates
    return [(f"v{k}", list(p) if not isinstance(p, sp.Symbol) else p) for k, p in enumerate(params)]


def _check_names(params: Sequence[object]) -> None:
    symbols = [s for p in params for s in ([p] if isinstance(p, sp.Symbol) else p)]
    for s in symbols:
        name = str(s)
        if not name.isidentifier() or keyword.iskeyword(name) or name in {"x", "y", "np"}:
            raise ParameterError(
                "params", s, "symbols whose names are identifiers other than x, y and np"
            )


def _linear(
    row: list[tuple[sp.Expr, int]], printer: Callable[[sp.Expr], str], x: Callable[[int], str]
) -> str:
    """``Σ coefficient·x_j`` as source, with unit coefficients left out."""
    if not row:
        return "0"
    terms = []
    for coefficient, j in row:
        factor = x(j)
        if coefficient == 1:
            terms.append(factor)
        elif coefficient == -1:
            terms.append(f"-{factor}")
        else:
            text = printer(coefficient)
            text = text if coefficient.is_Atom or coefficient.is_Mul else f"({text})"
            terms.append(f"{text}*{factor}")
    return " + ".join(terms).replace("+ -", "- ")


def python_source(expr: MatrixExpr, *params: object, name: str = "apply") -> str:
    """Python/NumPy source of ``name(x, *values)``: one assignment per output.

    The function takes ``x`` of shape ``(..., cols)`` and the parameter values
    in the order of ``params`` (a kernel as one sequence), like the function
    :func:`symconv.lambdify` returns.

    Examples
    --------
    >>> from symconv import Downsample
    >>> print(python_source(Downsample(3, 2)).splitlines()[-2])
        y[..., 1] = x[..., 2]
    """
    _check_names(params)
    if not name.isidentifier():
        raise ParameterError("name", name, "a Python identifier")
    code = entrywise(expr, *params)
    # Few distinct coefficients, printed once each (printing dominates otherwise).
    printer = cache(PythonCodePrinter({"fully_qualified_modules": False}).doprint)
    rows, cols = code.shape
    lines = [
        "import numpy as np",
        "",
        "",
        f"def {name}(x{''.join(f', {a}' for a, _ in _unpacking(params))}):",
        f"    # y = A x for A = {expr} of shape ({rows}, {cols}); x of shape (..., {cols})",
        "    x = np.asarray(x)",
    ]
    for argument, held in _unpacking(params):
        if isinstance(held, list):
            names = ", ".join(map(str, held)) + ("," if len(held) == 1 else "")
            lines.append(f"    {names} = {argument}")
        else:
            lines.append(f"    {held} = {argument}")
    lines += [f"    {t} = {printer(v)}" for t, v in code.temporaries]
    lines.append(f"    y = np.zeros((*x.shape[:-1], {rows}), dtype=np.result_type(x, np.float64))")
    batched = "x[..., {}]".format
    lines += [
        f"    y[..., {i}] = {_linear(row, printer, batched)}"
        for i, row in enumerate(code.rows)
        if row
    ]
    lines += ["    return y", ""]
    return "\n".join(lines)


def python_function(expr: MatrixExpr, *params: object, name: str = "apply") -> Callable:
    """The function :func:`python_source` writes, compiled (our own generated code).

    Examples
    --------
    >>> from symconv import Flip
    >>> python_function(Flip(3))([1.0, 2.0, 3.0])
    array([3., 2., 1.])
    """
    namespace: dict[str, object] = {}
    exec(compile(python_source(expr, *params, name=name), f"<symconv {name}>", "exec"), namespace)
    return namespace[name]


def c_source(expr: MatrixExpr, *params: object, name: str = "apply") -> str:
    """C99 source of ``void name(const double *x, <params>, double *y)``.

    A kernel parameter is a ``const double *`` of its taps, a scalar a
    ``double``; ``y`` has one slot per output and is fully written.

    Examples
    --------
    >>> from symconv import Corr, kernel
    >>> q = kernel("q", 2)
    >>> print(c_source(Corr(q, 3), q))
    void apply(const double *x, const double *v0, double *y) {
        const double q_0 = v0[0];
        const double q_1 = v0[1];
        y[0] = q_0*x[0] + q_1*x[1];
        y[1] = q_0*x[1] + q_1*x[2];
    }
    <BLANKLINE>
    """
    _check_names(params)
    if not name.isidentifier():
        raise ParameterError("name", name, "a C identifier")
    code = entrywise(expr, *params)
    printer = cache(C99CodePrinter().doprint)
    arguments = ["const double *x"]
    body = []
    for argument, held in _unpacking(params):
        if isinstance(held, list):
            arguments.append(f"const double *{argument}")
            body += [f"    const double {s} = {argument}[{t}];" for t, s in enumerate(held)]
        else:
            arguments.append(f"double {argument}")
            body.append(f"    const double {held} = {argument};")
    arguments.append("double *y")
    body += [f"    const double {t} = {printer(v)};" for t, v in code.temporaries]
    flat = "x[{}]".format
    body += [f"    y[{i}] = {_linear(row, printer, flat)};" for i, row in enumerate(code.rows)]
    return f"void {name}({', '.join(arguments)}) {{\n" + "\n".join(body) + "\n}\n"
