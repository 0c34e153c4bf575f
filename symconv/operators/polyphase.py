"""The polyphase (pixel-shuffle) form of a strided transposed convolution, on any number of axes.

``q ∗ ↑ₛy = Σᵥ Shiftᵥ ↑ₛ (q[v::s] ∗ y)``: output sample v + s·w only sees the taps t ≡ v
(mod s), so a transposed convolution is the interleaving of s stride-1 full convolutions
with the polyphase kernels q[v::s] (Shi et al., "Real-Time Single Image and Video
Super-Resolution Using an Efficient Sub-Pixel Convolutional Neural Network", 2016). On N
axes the phase is a multi-index v = (v₁, …, v_N), 0 <= v_k < s_k, and the polyphase kernel
is q[v₁::s₁, …, v_N::s_N]: each axis is spread and shifted on its own.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import sympy as sp
from sympy.matrices.expressions import Identity, KroneckerProduct, MatAdd, MatMul

from symconv import _validate, kernels
from symconv.errors import ParameterError
from symconv.operators.base import Operator
from symconv.operators.channels import ConvTransposeNd, WeightFamily, conv_nd
from symconv.operators.convolution import Conv
from symconv.operators.index_map import Term, product, within
from symconv.operators.padding import Pad
from symconv.operators.sampling import Upsample

__all__ = ["PhaseSum", "polyphase"]


def _spread(rows: object, n: object, m: object, s: object, v: object) -> tuple[Pad, Upsample]:
    """Shiftᵥ ↑ₛ on one axis: ``rows`` samples spread s apart, shifted by v into s(n − 1) + m."""
    spread = s * (rows - 1) + 1
    total = s * (n - 1) + m
    return Pad(spread, v, total - v - spread), Upsample(rows, s, spread)


def _kron(factors: Sequence[sp.MatrixExpr]) -> sp.MatrixExpr:
    """One axis's factor itself; on several axes their Kronecker product (row-major images)."""
    if len(factors) == 1:
        return factors[0]
    if all(isinstance(f, Identity) for f in factors):  # SymPy would merge them into one
        return Identity(sp.Mul(*(f.rows for f in factors)))
    return KroneckerProduct(*factors)


def _placed(core: sp.MatrixExpr, n: Sequence, m: Sequence, s: Sequence, v: Sequence) -> MatMul:
    """Shiftᵥ ↑ₛ (core ·): a phase's full convolution placed into the output, axis by axis."""
    rows = _output_size(core)
    pads, ups = zip(*(_spread(*axis) for axis in zip(rows, n, m, s, v)))
    return MatMul(_kron(pads), _kron(ups), core)


def _output_size(core: sp.MatrixExpr) -> tuple:
    # A 1-D convolution's output length; an N-D layer's per-axis output sizes.
    return getattr(core, "output_size", (core.rows,))


def _per_axis(name: str, value: object, rank: int) -> tuple:
    values = tuple(value) if isinstance(value, (tuple, list, sp.Tuple)) else (value,) * rank
    if len(values) != rank:
        raise ParameterError(name, value, f"one value or {rank} (one per axis of the kernel)")
    return tuple(_validate.size(name, v) for v in values)


def _slice(nested: list, steps: Sequence[slice]) -> list:
    """``nested[steps[0], steps[1], …]`` on nested lists (SymPy's array slicing drops steps)."""
    if not steps:
        return nested
    return [_slice(item, steps[1:]) for item in nested[steps[0]]]


def polyphase(n: object, kernel: Sequence, s: object) -> sp.MatrixExpr:
    """Σᵥ Shiftᵥ ↑ₛ (q[v::s] ∗ y) for a concrete kernel and stride: an explicit sum.

    ``kernel`` is a sequence of taps (1-D) or a nested list of N levels (N-D); ``n`` and
    ``s`` are one value or one per axis. Phases beyond the kernel have no taps and are
    left out.

    Examples
    --------
    >>> from symconv import ConvTranspose, explicit
    >>> explicit(polyphase(3, (1, 2, 3), 2)) == explicit(ConvTranspose((1, 2, 3), 3, 0, 2))
    True
    >>> from symconv.operators.channels import ConvTransposeNd
    >>> q = [[1, 2, 3], [4, 5, 6]]
    >>> explicit(polyphase((2, 2), q, (2, 3))) == explicit(
    ...     ConvTransposeNd([[q]], (2, 2), stride=(2, 3)))
    True
    """
    array = sp.Array(kernel)
    rank = array.rank()
    n, s = _per_axis("n", n, rank), _per_axis("s", s, rank)
    m = array.shape
    terms = []
    for v in itertools.product(*(range(min(int(sk), mk)) for sk, mk in zip(s, m))):
        phase = _slice(array.tolist(), [slice(vk, None, int(sk)) for vk, sk in zip(v, s)])
        core = Conv(tuple(phase), n[0], "full") if rank == 1 else conv_nd(phase, n)
        terms.append(_placed(core, n, m, s, v))
    return terms[0] if len(terms) == 1 else MatAdd(*terms)


class PhaseSum(Operator):
    """Σᵥ Shiftᵥ ↑ₛ (q[v::s] ∗ y) over every phase 0 <= v_k < s_k: the pixel-shuffle form.

    Phase v is the full convolution of y with the polyphase kernel q[v::s] (length
    ⌈(m_k − v_k)/s_k⌉ on axis k), spread by ↑ₛ and shifted by v into the output of size
    s_k(n_k − 1) + m_k on each axis. Phases with v_k >= m_k have no taps and add nothing.

    Parameters
    ----------
    q : KernelFamily or WeightFamily
        The kernel, its sizes possibly symbols: a :func:`~symconv.kernels.family` (1-D, a
        signal of length n) or a :class:`~symconv.operators.channels.WeightFamily` of N
        axes (a single-channel N-D image, flattened row-major; its index map has the
        channel axis first, as the N-D layers' do).
    n, s : one value, or one per axis
        Input size and stride (the number of phases) of each axis.

    Notes
    -----
    With s and m symbols the number of phases is symbolic: :meth:`phase_term` is the term
    of one phase v (any symbols), and the index map sums over v as bound indices, one per
    axis. :meth:`doit` with concrete strides and kernel sizes is the explicit sum
    (:func:`polyphase`).

    Examples
    --------
    >>> from symconv.kernels import family
    >>> s, m, n = sp.symbols("s m n", integer=True, positive=True)
    >>> PhaseSum(family("q", m), n, s).shape
    (m + s*(n - 1), n)
    >>> PhaseSum(family("q", 3), 2, 2).doit().shape
    (5, 2)
    >>> PhaseSum(WeightFamily("q", (m, 3)), (n, 2), (s, 2)).shape
    (5*m + 5*s*(n - 1), 2*n)
    """

    def __new__(cls, q: object, n: object, s: object) -> PhaseSum:
        if isinstance(q, kernels.KernelFamily):
            rank = 1
        elif isinstance(q, WeightFamily):
            rank = len(q.axes)
        else:
            raise ParameterError(
                "q", q, "a kernel family (symconv.kernels.family) or a WeightFamily"
            )
        size, stride = _per_axis("n", n, rank), _per_axis("s", s, rank)
        return super().__new__(cls, q, sp.Tuple(*size), sp.Tuple(*stride))

    kernel = property(lambda self: self.args[0])
    size = property(lambda self: tuple(self.args[1]))
    stride = property(lambda self: tuple(self.args[2]))

    @property
    def rank(self) -> int:
        return len(self.size)

    @property
    def kernel_size(self) -> tuple:
        q = self.kernel
        return (q.length,) if isinstance(q, kernels.KernelFamily) else q.shape[2:]

    @property
    def _channels(self) -> bool:
        # A WeightFamily is a single-channel image: its index map has a channel axis.
        return isinstance(self.kernel, WeightFamily)

    @property
    def output_size(self) -> tuple:
        return tuple(s * (n - 1) + m for n, m, s in zip(self.size, self.kernel_size, self.stride))

    @property
    def shape(self) -> tuple[sp.Expr, sp.Expr]:
        return sp.Mul(*self.output_size), sp.Mul(*self.size)

    @property
    def index_dims(self) -> tuple[tuple, tuple]:
        if self._channels:
            return (1, *self.output_size), (1, *self.size)
        return self.output_size, self.size

    def _core(self, v: Sequence[sp.Expr]) -> sp.MatrixExpr:
        """The full convolution with the polyphase kernel q[v::s]."""
        if not self._channels:
            return Conv(self.kernel.phase(v[0], self.stride[0]), self.size[0], "full")
        axes = [a.phase(vk, sk) for a, vk, sk in zip(self.kernel.axes, v, self.stride)]
        # A stride-1 transposed conv is the full convolution (no flip to undo).
        return ConvTransposeNd(WeightFamily(self.kernel.name, axes), self.size)

    def phase_term(self, v: Sequence[sp.Expr]) -> MatMul:
        """Shiftᵥ ↑ₛ (q[v::s] ∗ ·) for one phase v (one entry per axis)."""
        return _placed(self._core(v), self.size, self.kernel_size, self.stride, tuple(v))

    def index_map(self, index: tuple) -> list[Term]:
        # Every phase's row, the phase of each axis a bound index 0 <= v_k < s_k. Each axis
        # is spread and shifted on its own; the columns that reach the convolution form
        # its row multi-index.
        v = tuple(sp.Dummy("phase", integer=True) for _ in range(self.rank))
        core = self._core(v)
        channel, spatial = (index[:1], index[1:]) if self._channels else ((), index)
        rows = _output_size(core)
        per_axis = [
            product(_spread(*axis), (i,))
            for axis, i in zip(
                zip(rows, self.size, self.kernel_size, self.stride, v), spatial, strict=True
            )
        ]
        terms = []
        for combo in itertools.product(*per_axis):
            coeff = sp.Mul(*(c for c, _, _ in combo))
            guards = set().union(*(g for _, _, g in combo))
            row = (*channel, *(col[0] for _, col, _ in combo))
            for c, col, g in core.index_map(row):
                terms.append((coeff * c, tuple(col), guards | g))
        phases = {within(vk, 0, sk) for vk, sk in zip(v, self.stride)}
        return [(c, col, g | phases) for c, col, g in terms]

    def doit(self, **hints: object) -> sp.MatrixExpr:
        if not all(sp.sympify(x).is_Integer for x in (*self.stride, *self.kernel_size)):
            return self
        if self._channels:
            return polyphase(self.size, self.kernel.array()[0, 0].tolist(), self.stride)
        return polyphase(self.size, self.kernel.taps(), self.stride)

    def _eval_transpose(self) -> sp.MatrixExpr:
        # Σᵥ of transposed phases has no single-operator closed form with s symbolic; at
        # concrete sizes doit() is the explicit sum, whose transpose SymPy distributes.
        return sp.Transpose(self)
