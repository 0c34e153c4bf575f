r"""Worked examples from the public sources, built exactly and rendered as LaTeX.

- :func:`transposed_conv_chain`: the matrix chain of the Data Science Stack
  Exchange answer to "What are deconvolutional layers?"
  q ∗ (↑₂x) = (4×4 q-matrix)(4×2 ↑₂ matrix)x = (…)ᵀ(…)ᵀx = ((…)(…))ᵀx = (↓₂(q∗)ᵀ)ᵀx,
  as a :class:`~symconv.derivation.Derivation` whose middle lines are explicit
  matrices. (The answer prints ↑ₖ in the last line; with matching shapes it is
  ↓ₖ: the ``transposed-conv-as-transpose`` entry refutes the misprint.)
- :func:`conv2d_matrix`: the daved01/deconvolutions README's (4,4) → (2,2) 3×3
  convolution as its 4×16 matrix C (a sum of Kronecker products of 1-D
  correlations, so built from symconv operators), and :func:`conv2d_latex`
  printing C and Cᵀ.

Examples
--------
>>> from symconv import explicit
>>> C = conv2d_matrix()
>>> C.shape
(4, 16)
>>> [e for e in explicit(C).row(0)][:5]
[w_0_0, w_0_1, w_0_2, 0, w_1_0]
"""

from __future__ import annotations

import sympy as sp

from symconv.derivation import Derivation, Rule, Step
from symconv.kernels import kernel, signal
from symconv.matrices import explicit
from symconv.operators import Conv, Corr, Downsample, Upsample
from symconv.printing.latex.notation import Notation
from symconv.printing.latex.printer import SymconvLatexPrinter

__all__ = ["conv2d_latex", "conv2d_matrix", "transposed_conv_chain"]

AS_MATRICES = Rule(
    "as-matrices", "each operator as its matrix", r"\text{writing each operator as its matrix}"
)
TRANSPOSE_TWICE = Rule(
    "transpose-twice",
    "A = (Aᵀ)ᵀ and ↑ₖ = ↓ₖᵀ",
    r"A = (A^{\mathsf{T}})^{\mathsf{T}},\ \uparrow_k = \downarrow_k^{\mathsf{T}}",
)
TRANSPOSE_PRODUCT = Rule(
    "transpose-product", "AᵀBᵀ = (BA)ᵀ", r"A^{\mathsf{T}} B^{\mathsf{T}} = (BA)^{\mathsf{T}}"
)
AS_OPERATORS = Rule(
    "as-operators",
    "the matrices are ↓₂ and (q∗)ᵀ",
    r"\text{reading the matrices as } \downarrow_2 \text{ and } (\mathbf{q}\ast)^{\mathsf{T}}",
)


def transposed_conv_chain() -> Derivation:
    r"""The Stack Exchange answer's derivation q ∗ (↑₂x) = (↓₂(q∗)ᵀ)ᵀx with its explicit matrices.

    q = (q₀, q₁, q₂), q∗ is the ``same`` convolution on ℝ⁴, ↑₂ maps ℝ² to
    ℝ⁴ (the answer's 4×2 matrix), x = (x₀, x₁)ᵀ.

    Examples
    --------
    >>> d = transposed_conv_chain()
    >>> len(d.steps), [s.rule.name for s in d.steps[1:]]
    (5, ['as-matrices', 'transpose-twice', 'transpose-product', 'as-operators'])
    """
    q = kernel("q", 3)
    conv, up, down = Conv(q, 4, "same"), Upsample(2, 2), Downsample(4, 2)
    x, column = sp.MatrixSymbol("x", 2, 1), signal("x", 2)

    def matrix(op: sp.MatrixExpr) -> sp.ImmutableMatrix:
        return sp.ImmutableMatrix(explicit(op))

    corr = conv.T  # the correlation matrix the Q&A writes transposed
    steps = (
        Step(sp.MatMul(conv, up, x)),
        Step(sp.MatMul(matrix(conv), matrix(up), column), AS_MATRICES),
        Step(
            sp.MatMul(sp.Transpose(matrix(corr)), sp.Transpose(matrix(down)), column),
            TRANSPOSE_TWICE,
        ),
        Step(
            sp.MatMul(sp.Transpose(sp.MatMul(matrix(down), matrix(corr))), column),
            TRANSPOSE_PRODUCT,
        ),
        Step(sp.MatMul(sp.Transpose(sp.MatMul(down, sp.Transpose(conv))), x), AS_OPERATORS),
    )
    return Derivation(
        "transposed-conv-chain",
        "q∗(↑₂x) = (↓₂(q∗)ᵀ)ᵀx, with the matrices of the Stack Exchange answer",
        steps,
    )


def conv2d_matrix(name: str = "w", n: int = 4, m: int = 3) -> sp.MatrixExpr:
    r"""The matrix of the valid 2-D correlation of an n×n image with an m×m kernel.

    Images are flattened row-major, so with y = C x,
    ``C = Σ_{a,b} w_{a,b} · (R_a ⊗ R_b)`` where R_t is the 1-D valid
    correlation with the unit kernel e_t (it picks x_{i+t}). For n = 4, m = 3
    this is the 4×16 matrix of the deconvolutions README (Dumoulin & Visin's
    figure), taps ``w_a_b`` printed w_{a,b}.
    """
    unit = [Corr(tuple(int(t == a) for t in range(m)), n) for a in range(m)]
    w = [[sp.Symbol(f"{name}_{a}_{b}") for b in range(m)] for a in range(m)]
    terms = [
        sp.MatMul(w[a][b], sp.KroneckerProduct(unit[a], unit[b]))
        for a in range(m)
        for b in range(m)
    ]
    return sp.MatAdd(*terms)


def conv2d_latex(notation: Notation | None = None) -> str:
    r"""``C = …`` and ``C^T = …`` of :func:`conv2d_matrix` as two ``equation*`` displays."""
    notation = Notation() if notation is None else notation
    printer = SymconvLatexPrinter(notation)
    C = explicit(conv2d_matrix())
    transpose = notation.call("transp")
    return (
        f"\\begin{{equation*}}\nC = {printer.doprint(C)}\n\\end{{equation*}}\n"
        f"\\begin{{equation*}}\nC^{{{transpose}}} = {printer.doprint(C.T)}\n\\end{{equation*}}"
    )
