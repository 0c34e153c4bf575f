"""Multi-channel, grouped, N-dimensional convolution layers: what ``convNd`` computes.

- :class:`CorrNd` is a deep-learning convolution layer without bias: for each
  output channel, the sum over its group's input channels of an N-D
  cross-correlation with per-axis padding (lo, hi), stride and dilation.
- :class:`ConvTransposeNd` is its transpose, the framework transposed
  convolution, with per-axis output padding.

Layout (the contract every adapter in :mod:`symconv.frameworks` follows):
signals are flattened **channel-major, then row-major**: the input vector is
``[channel 0 image, channel 1 image, …]`` and pixel (r, c) of a channel sits
at r·W + c, i.e. ``x.reshape(C, H, W)`` in NumPy's C order. The weight has
PyTorch's layout ``(C_out, C_in/groups, k_1, …, k_N)``; a transposed
convolution takes *the same tensor* as the convolution it transposes, which
reads ``(C_in, C_out/groups, k_1, …, k_N)`` from its own side.

The matrix is a ``C_out × C_in`` block matrix of N-D single-channel
correlations; ``groups`` makes it block-diagonal (group g connects output
channels g·C_out/groups … and input channels g·C_in/groups …). For N = 2
each block is itself a sum of Kronecker products of 1-D :class:`Corr`
operators, see :func:`as_kronecker_sum`.
"""

from __future__ import annotations

import itertools
import numbers
from collections.abc import Sequence

import numpy as np
import sympy as sp
from sympy.tensor.array import ImmutableDenseNDimArray

from symconv import _validate, kernels, sizes
from symconv.errors import ParameterError
from symconv.operators.base import Operator
from symconv.operators.convolution import Corr
from symconv.operators.index_map import Term, divides, within

__all__ = [
    "ConvTransposeNd",
    "CorrNd",
    "NumericWeight",
    "WeightFamily",
    "as_kronecker_sum",
    "as_weight",
    "conv_nd",
    "corr_nd",
    "flat",
    "weight_tensor",
]


# --- parameters -------------------------------------------------------------


def _indices(shape: Sequence[int]) -> itertools.product:
    return itertools.product(*map(range, shape))


def _tap(name: str, value: object) -> sp.Expr:
    # Framework weights are floats; integral ones become exact integers so that
    # matrices built from e.g. torch.ones compare exactly.
    if isinstance(value, (float, sp.Float)) or (
        isinstance(value, numbers.Real) and not isinstance(value, (numbers.Integral, sp.Basic))
    ):
        as_float = float(value)
        if as_float.is_integer():
            return sp.Integer(int(as_float))
    return _validate.scalar(name, value)


def flat(array: ImmutableDenseNDimArray | NumericWeight) -> list[sp.Expr]:
    """The entries of an array in row-major order (iterating an array yields sub-arrays)."""
    if isinstance(array, NumericWeight):
        return [_exact(v) for v in array.numbers.ravel().tolist()]
    return [array[index] for index in _indices(array.shape)]


def _exact(value: int | float) -> sp.Expr:
    # A float64 is exactly a 53-bit SymPy Float; integral values become Integers, as _tap does.
    if isinstance(value, float) and not value.is_integer():
        return sp.Float(value)
    return sp.Integer(int(value))


class NumericWeight(sp.Atom):
    """A weight of plain numbers, kept as a read-only NumPy array (int64 or float64).

    Framework weights have tens of thousands of entries; holding them as one
    array makes building a layer O(entries) with NumPy's constant and lets
    :func:`symconv.lambdify` use the array as it is. Exact entries come on
    demand: indexing gives a SymPy Integer, or the 53-bit Float equal to the
    float64 (integral floats are stored as integers, so ``np.ones`` and a list
    of 1s give the same weight). ``==``, hashing and pickling compare the
    numbers; it has no free symbols, so ``subs`` leaves it alone.

    Examples
    --------
    >>> import numpy as np
    >>> w = NumericWeight(np.array([[1.0, 2.5]]))
    >>> w.shape, w[0, 0], w[0, 1]
    ((1, 2), 1, 2.50000000000000)
    >>> w == NumericWeight([[1, 2.5]])
    True
    >>> w.array()
    [[1, 2.5]]
    """

    def __new__(cls, numbers: object) -> NumericWeight:
        array = np.array(numbers)
        if array.dtype.kind not in "iuf":
            raise ParameterError("weight", numbers, "an array of real numbers")
        if array.dtype.kind == "f" and np.all(np.isfinite(array)):
            integral = np.all(array == np.round(array)) and np.all(np.abs(array) < 2.0**62)
            array = array.astype(np.int64) if integral else array.astype(np.float64)
        else:
            array = array.astype(np.int64 if array.dtype.kind in "iu" else np.float64)
        array.flags.writeable = False
        self = super().__new__(cls)
        self._numbers = array
        return self

    def __getnewargs__(self) -> tuple:
        return (self._numbers,)

    def _hashable_content(self) -> tuple:
        return (self._numbers.shape, self._numbers.dtype.str, self._numbers.tobytes())

    @property
    def numbers(self) -> np.ndarray:
        """The entries as a read-only NumPy array."""
        return self._numbers

    @property
    def shape(self) -> tuple[int, ...]:
        return self._numbers.shape

    def rank(self) -> int:
        return self._numbers.ndim

    def __len__(self) -> int:
        return self._numbers.size

    def __getitem__(self, index: object) -> sp.Expr:
        index = tuple(int(i) for i in index) if isinstance(index, tuple) else index
        return _exact(self._numbers[index].item())

    def array(self) -> ImmutableDenseNDimArray:
        """The exact entries as a SymPy array."""
        return ImmutableDenseNDimArray(
            [_exact(v) for v in self._numbers.ravel().tolist()], self.shape
        )

    def tolist(self) -> list:
        return self.array().tolist()

    def _sympystr(self, printer: object) -> str:
        return str(self.array())

    def _sympyrepr(self, printer: object) -> str:
        # Python's repr of a float64 round-trips exactly, so eval(srepr(w)) == w.
        return f"NumericWeight({self._numbers.tolist()!r})"


def _plain_numbers(value: object) -> np.ndarray | None:
    """``value`` as an int/float array when every entry is a plain real number, else None."""
    if isinstance(value, NumericWeight):
        return value.numbers
    if isinstance(value, ImmutableDenseNDimArray):
        entries = flat(value)
        if not all(
            isinstance(v, sp.Integer) or (isinstance(v, sp.Float) and v._prec == 53)
            for v in entries
        ):
            return None
        plain = [int(v) if isinstance(v, sp.Integer) else float(v) for v in entries]
        value = np.array(plain).reshape(value.shape) if plain else np.zeros(value.shape)
    try:
        array = np.array(value)
    except (ValueError, TypeError, OverflowError):
        return None
    if array.dtype.kind not in "iuf" or array.ndim == 0 or 0 in array.shape:
        return None
    return array


def as_weight(name: str, value: object) -> ImmutableDenseNDimArray | NumericWeight:
    """Turn a nested list, NumPy array, framework tensor or SymPy array into a weight.

    A weight of plain real numbers becomes a :class:`NumericWeight` (one
    NumPy array, exact entries on demand; integral floats are integers);
    anything holding SymPy expressions becomes a SymPy array of them.
    Framework tensors are read through ``detach()``/``numpy()`` when they
    have them, without importing the framework.

    Examples
    --------
    >>> as_weight("weight", [[1.0, 2.5]])
    [[1, 2.5]]
    """
    if isinstance(value, NumericWeight):
        return value
    if not isinstance(value, sp.Basic):
        for method in ("detach", "cpu", "numpy"):  # torch / tf tensors, duck-typed
            if hasattr(value, method):
                value = getattr(value, method)()
    numbers = _plain_numbers(value)
    if numbers is not None:
        return NumericWeight(numbers)
    if isinstance(value, ImmutableDenseNDimArray):
        array = value
    else:
        if hasattr(value, "tolist") and not isinstance(value, sp.Basic):
            value = value.tolist()  # NumPy / JAX arrays
        try:
            array = ImmutableDenseNDimArray(value)
        except (ValueError, TypeError, IndexError, RecursionError) as error:  # str: recursion
            raise ParameterError(
                name, value, f"a rectangular nested list or array of numbers ({error})"
            ) from None
    if array.rank() == 0 or 0 in array.shape:
        raise ParameterError(name, value, "a non-empty array")
    entries = [_tap(f"{name} entry", v) for v in flat(array)]
    return ImmutableDenseNDimArray(entries, array.shape)


def weight_tensor(name: str, shape: Sequence[int]) -> ImmutableDenseNDimArray:
    """A symbolic weight: one Symbol ``name_i_j_…`` per entry of an array of ``shape``.

    Use it with any layout; the adapters in :mod:`symconv.frameworks` read it
    in their framework's layout.

    Examples
    --------
    >>> weight_tensor("w", (1, 1, 2, 2))
    [[[[w_0_0_0_0, w_0_0_0_1], [w_0_0_1_0, w_0_0_1_1]]]]
    """
    _validate.name("name", name)
    dims = tuple(int(_validate.size("shape", s)) for s in shape)
    if not dims:
        raise ParameterError("shape", shape, "at least one dimension")
    symbols = [
        sp.Symbol(f"{name}_{'_'.join(map(str, index))}")
        for index in itertools.product(*map(range, dims))
    ]
    return ImmutableDenseNDimArray(symbols, dims)


def _per_axis(name: str, value: object, rank: int, check: object) -> sp.Tuple:
    """An int for every axis, or a sequence of ``rank`` of them."""
    values = value if isinstance(value, (tuple, list, sp.Tuple)) else (value,) * rank
    if len(values) != rank:
        raise ParameterError(name, value, f"one value or a sequence of {rank} (one per axis)")
    return sp.Tuple(*(check(name, v) for v in values))


def _padding(
    padding: object, size: sp.Tuple, kernel: Sequence[int], stride: sp.Tuple, dilation: sp.Tuple
) -> sp.Tuple:
    """Per-axis (lo, hi) from a preset, an int, or one int/(lo, hi) per axis."""
    rank = len(size)
    if isinstance(padding, str) or not isinstance(padding, (tuple, list, sp.Tuple)):
        specs = [padding] * rank
    elif rank == 1 and len(padding) == 2 and not isinstance(padding[0], (tuple, list, sp.Tuple)):
        specs = [padding]  # a bare (lo, hi) for the single axis
    else:
        specs = list(padding)
    if len(specs) != rank:
        raise ParameterError(
            "padding", padding, f"a preset, an int, or {rank} entries (an int or (lo, hi) each)"
        )
    pairs = []
    for spec, n, m, s, d in zip(specs, size, kernel, stride, dilation):
        try:
            lo, hi = sizes.resolve_padding(spec, n, m, s, d)
        except ValueError as error:
            raise ParameterError("padding", padding, str(error).split("expected ", 1)[1]) from None
        pairs.append(
            sp.Tuple(_validate.amount("padding lo", lo), _validate.amount("padding hi", hi))
        )
    return sp.Tuple(*pairs)


def _unravel(index: sp.Expr, dims: Sequence[sp.Expr]) -> list[sp.Expr]:
    """Row-major multi-index of a flat index (floor/Mod, so it works symbolically)."""
    out = []
    for k in range(len(dims)):
        inner = sp.Mul(*dims[k + 1 :])
        out.append(sp.Mod(sp.floor(index / inner), dims[k]))
    return out


def _layer_shape(weight: ImmutableDenseNDimArray, groups: sp.Expr) -> tuple[int, int, int, int]:
    """(C_out, C_in, C_out per group, C_in per group) of a conv weight."""
    c_out, c_in_g = weight.shape[:2]
    g = int(groups)
    if c_out % g:
        raise ParameterError(
            "groups", g, f"a divisor of the weight's first dimension {c_out} (C_out)"
        )
    return c_out, c_in_g * g, c_out // g, c_in_g


class WeightFamily(sp.Basic):
    """A single-channel weight (1, 1, L_1, …, L_N) whose kernel sizes may be symbols.

    Base tap (u_1, …, u_N) is q[u_1, …, u_N] (or 1 for the name ``"*"``, the
    all-ones kernel); on axis k it sits where that axis's kernel places base tap
    u_k: a :class:`~symconv.kernels.KernelFamily` (q itself, flipped, dilated, …)
    or a :class:`~symconv.kernels.KernelConvolution` of one with 1ₖ (a box). Built
    from sizes, the axes are plain families of lengths m_1, …, m_N.
    :class:`CorrNd` and :class:`ConvTransposeNd` accept it as their weight for the
    symbolic proof tier (:mod:`symconv.proof.symbolic`), which reads the
    taps with bound indices per axis; exact matrices need :meth:`array`.

    Examples
    --------
    >>> m = sp.Symbol("m", integer=True, positive=True)
    >>> WeightFamily("*", (m, 2)).shape
    (1, 1, m, 2)
    >>> WeightFamily("q", (1, 2)).array()
    [[[[q[0, 0], q[0, 1]]]]]
    >>> WeightFamily("q", (1, 2)).flipped().array()
    [[[[q[0, 1], q[0, 0]]]]]
    """

    def __new__(cls, name: object, axes: Sequence[object]) -> WeightFamily:
        from sympy.core.symbol import Str

        from symconv import kernels

        name = name.name if isinstance(name, Str) else name
        if name != "*":
            _validate.name("name", name)
        axes = tuple(
            a if isinstance(a, kernels.SYMBOLIC_KERNELS) else kernels.family(name, a) for a in axes
        )
        return super().__new__(cls, Str(name), sp.Tuple(*axes))

    name = property(lambda self: self.args[0].name)
    axes = property(lambda self: tuple(self.args[1]))
    shape = property(lambda self: (1, 1, *(a.length for a in self.axes)))

    def rank(self) -> int:
        return len(self.shape)

    def value(self, taps: Sequence[sp.Expr]) -> sp.Expr:
        """Base tap (u_1, …, u_N)."""
        return sp.Integer(1) if self.name == "*" else sp.IndexedBase(self.name)[tuple(taps)]

    def flipped(self) -> WeightFamily:
        """The kernel flipped on every axis."""
        return WeightFamily(self.name, [a.flipped() for a in self.axes])

    def box(self, k: Sequence[object]) -> WeightFamily:
        """q ∗ 1_{k₁×…}: each axis convolved with the all-ones kernel of its factor."""
        from symconv import kernels

        return WeightFamily(
            self.name,
            [kernels.KernelConvolution(a, kernels.family("*", kk)) for a, kk in zip(self.axes, k)],
        )

    def array(self) -> ImmutableDenseNDimArray:
        """The concrete weight, once every size is a number: Σ over base taps."""
        from symconv.proof.symbolic import base_taps

        dims = tuple(int(m) for m in self.shape)
        out = [sp.Integer(0)] * int(sp.Mul(*dims))
        per_axis = [base_taps(a) for a in self.axes]
        for combo in itertools.product(*per_axis):
            index = 0
            for (_, position), size in zip(combo, dims[2:]):
                index = index * size + int(position)
            out[index] += self.value([u for u, _ in combo])
        return ImmutableDenseNDimArray(out, dims)

    def __getitem__(self, index: tuple) -> sp.Expr:
        return self.array()[index]


def _weight_for(
    name: str, weight: object, size: object
) -> tuple[ImmutableDenseNDimArray, sp.Tuple]:
    if isinstance(weight, WeightFamily):
        size = size if isinstance(size, (tuple, list, sp.Tuple)) else (size,)
        if weight.rank() != len(size) + 2:
            raise ParameterError(name, weight, f"rank {len(size) + 2} for size={tuple(size)}")
        return weight, sp.Tuple(*(_validate.size("size", n) for n in size))
    w = as_weight(name, weight)
    size = size if isinstance(size, (tuple, list, sp.Tuple)) else (size,)
    if w.rank() != len(size) + 2:
        raise ParameterError(
            name,
            f"array of shape {w.shape}",
            f"rank {len(size) + 2}: (C_out, C_in/groups) and one kernel size per spatial "
            f"axis of size={tuple(size)}",
        )
    return w, sp.Tuple(*(_validate.size("size", n) for n in size))


# --- the operators ------------------------------------------------------------


def _layer_parameters(
    weight: object, size: object, stride: object, dilation: object, groups: object
) -> tuple:
    """The checked weight, size, stride, dilation (one per axis) and groups of a layer."""
    w, size = _weight_for("weight", weight, size)
    stride = _per_axis("stride", stride, len(size), _validate.size)
    dilation = _per_axis("dilation", dilation, len(size), _validate.size)
    groups = _validate.size("groups", groups)
    _layer_shape(w, groups)
    return w, size, stride, dilation, groups


def _layer_terms(op: CorrNd | ConvTransposeNd, index: tuple, forward: bool) -> list[Term]:
    """Row ``(channel, i₁, …, i_N)`` of a layer: every weight tap of the channels it reads.

    Forward, tap t sends row (o, i) to column (c, i·s + t·d − lo) for each input channel c
    of o's group; transposed, row (c, i) collects ((i + lo − t·d)/s) where s divides, from
    the output channels of c's group. The channel index must be concrete.
    """
    channel, positions = index[0], index[1:]
    _, _, c_out_g, c_in_g = _layer_shape(op.weight, op.groups)
    channel = int(channel)
    if forward:
        group = channel // c_out_g
        pairs = [(channel, group * c_in_g + c, c) for c in range(c_in_g)]
    else:
        group = channel // c_in_g
        pairs = [(o, o, channel % c_in_g) for o in range(group * c_out_g, (group + 1) * c_out_g)]
    family = isinstance(op.weight, WeightFamily)
    if family:  # per axis the bound taps of that axis's kernel: (value, position, guards)
        tap_sets = list(itertools.product(*(kernels.tap_terms(axis) for axis in op.weight.axes)))
    else:
        tap_sets = list(itertools.product(*map(range, op.kernel_size)))
    lows = [p[0] for p in op.padding]
    terms = []
    for w_out, col_channel, w_in in pairs:
        for taps in tap_sets:
            guards: set = set()
            if family:
                value = op.weight.value([_base_tap(op.weight.name, tau, g) for _, tau, g in taps])
                guards = set().union(*(g for _, _, g in taps))
                taps = [tau for _, tau, _ in taps]
            else:
                value = op.weight[(w_out, w_in, *taps)]
            if value == 0:
                continue
            cols = []
            for i, t, s, d, lo, n in zip(positions, taps, op.stride, op.dilation, lows, op.size):
                if forward:
                    col = i * s + t * d - lo
                else:
                    e = i + lo - t * d
                    col = e / s
                    guards.add(divides(s, e))
                guards.add(within(col, 0, n))
                cols.append(col)
            terms.append((value, (col_channel, *cols), guards))
    return terms


def _base_tap(name: str, tau: sp.Expr, guards: set) -> sp.Expr | None:
    """The bound base index of a family's tap term (None for a tap without one)."""
    dummies = set().union(*(sp.sympify(x).atoms(sp.Dummy) for x in (tau, *_flat(guards))))
    base = [u for u in dummies if u.name == f"u_{name}"]
    return base[0] if base else None


def _flat(guards: set) -> list:
    return [x for g in guards for x in g[1:]]


class _Layer:
    """What :class:`CorrNd` and :class:`ConvTransposeNd` share: the weight, the per-axis
    geometry (``args`` begins weight, size, padding, stride, dilation and ends with groups),
    the shape from ``channels`` and ``output_size``, and the index map of
    :func:`_layer_terms` (``_forward`` says which way the taps point)."""

    _forward: bool

    weight = property(lambda self: self.args[0])
    size = property(lambda self: tuple(self.args[1]))
    padding = property(lambda self: tuple(tuple(p) for p in self.args[2]))
    stride = property(lambda self: tuple(self.args[3]))
    dilation = property(lambda self: tuple(self.args[4]))
    groups = property(lambda self: self.args[-1])
    #: Every weight entry, flat (what :func:`symconv.matrices.domain_of` reads).
    kernel = property(lambda self: tuple(flat(self.weight)))

    @property
    def kernel_size(self) -> tuple[int, ...]:
        return tuple(self.weight.shape[2:])

    @property
    def shape(self) -> tuple[sp.Expr, sp.Expr]:
        c_out, c_in = self.channels
        return c_out * sp.Mul(*self.output_size), c_in * sp.Mul(*self.size)

    @property
    def index_dims(self) -> tuple[tuple[sp.Expr, ...], tuple[sp.Expr, ...]]:
        """The output axes (channels, then the output size) and the input axes (channels, size)."""
        c_out, c_in = self.channels
        return (c_out, *self.output_size), (c_in, *self.size)

    def index_map(self, index: tuple) -> list[Term]:
        return _layer_terms(self, index, forward=self._forward)

    def _display_args(self) -> tuple:
        return (sp.Tuple(*self.weight.shape), *self.args[1:])


class CorrNd(_Layer, Operator):
    """An N-D convolution layer (cross-correlation), multi-channel and grouped, no bias.

    ``y[o, i] = Σ_c Σ_t w[o, c, t] · x[g·C_in/groups + c, i·s + t·d − lo]`` with
    multi-indices i, t over the N spatial axes and g = o // (C_out/groups).

    Parameters
    ----------
    weight : array-like of shape (C_out, C_in/groups, k_1, …, k_N)
        PyTorch's layout; numbers or SymPy expressions
        (see :func:`~symconv.operators.channels.weight_tensor`).
    size : int or sequence of N ints or SymPy integer expressions
        The input's spatial size (n_1, …, n_N), e.g. (H, W).
    padding : "valid", "same", "full", int, or one int or (lo, hi) per axis
        As in :class:`symconv.Corr`, per axis. ``"same"`` is TensorFlow's split.
    stride, dilation : int or one per axis
    groups : int
        Divides C_in and C_out; the matrix is block-diagonal with ``groups`` blocks.

    Notes
    -----
    Shape (C_out·Π L_k, C_in·Π n_k), L_k the 1-D :class:`symconv.Corr` output
    length of axis k. Flattening is channel-major, then row-major.

    Examples
    --------
    >>> from symconv import explicit
    >>> C = CorrNd([[[[1, 2], [3, 4]]]], (2, 3))
    >>> C.shape
    (2, 6)
    >>> explicit(C)
    Matrix([
    [1, 2, 0, 3, 4, 0],
    [0, 1, 2, 0, 3, 4]])
    >>> CorrNd(weight_tensor("w", (2, 1, 3)), 5, groups=2).shape
    (6, 10)
    """

    def __new__(
        cls,
        weight: object,
        size: object,
        padding: object = "valid",
        stride: object = 1,
        dilation: object = 1,
        groups: object = 1,
    ) -> CorrNd:
        w, size, stride, dilation, groups = _layer_parameters(
            weight, size, stride, dilation, groups
        )
        kernel = w.shape[2:]
        pairs = _padding(padding, size, kernel, stride, dilation)
        for axis, (n, (lo, hi), m, d) in enumerate(zip(size, pairs, kernel, dilation)):
            span = d * (m - 1) + 1
            _validate.require(
                sp.Ge(n + lo + hi, span),
                "size",
                tuple(size),
                f"n + lo + hi >= d*(k-1) + 1 = {span} on axis {axis} (padding {(lo, hi)}), "
                "so that the output is not empty",
            )
        return super().__new__(cls, w, size, pairs, stride, dilation, groups)

    _forward = True

    @property
    def channels(self) -> tuple[int, int]:
        """(C_out, C_in)."""
        return _layer_shape(self.weight, self.groups)[:2]

    @property
    def output_size(self) -> tuple[sp.Expr, ...]:
        """The spatial size of the output, per axis."""
        return tuple(
            sizes.corr_length(n, m, p, s, d)
            for n, m, p, s, d in zip(
                self.size, self.kernel_size, self.padding, self.stride, self.dilation
            )
        )

    def _entry(self, i: object, j: object, **kwargs: object) -> sp.Expr:
        out_size, in_size = self.output_size, self.size
        _, _, c_out_g, c_in_g = _layer_shape(self.weight, self.groups)
        i, j = sp.sympify(i), sp.sympify(j)
        o = sp.floor(i / sp.Mul(*out_size))
        c = sp.floor(j / sp.Mul(*in_size))
        ys = _unravel(sp.Mod(i, sp.Mul(*out_size)), out_size)
        xs = _unravel(sp.Mod(j, sp.Mul(*in_size)), in_size)
        lows = [p[0] for p in self.padding]
        offsets = [x - y * s + lo for x, y, s, lo in zip(xs, ys, self.stride, lows)]
        if all(v.is_Integer for v in (o, c, *offsets)):
            # Concrete indices: look the tap up directly.
            o, c = int(o), int(c)
            if o // c_out_g != c // c_in_g:
                return sp.Integer(0)
            taps = []
            for offset, d, m in zip(offsets, self.dilation, self.kernel_size):
                t, r = divmod(int(offset), int(d))
                if r or not 0 <= t < m:
                    return sp.Integer(0)
                taps.append(t)
            return self.weight[(o, c % c_in_g, *taps)]
        # Symbolic indices: the sum over every weight entry of its position's deltas.
        terms = []
        for index in itertools.product(*map(range, self.weight.shape)):
            o_w, c_w, taps = index[0], index[1], index[2:]
            c_global = (o_w // c_out_g) * c_in_g + c_w
            factor = sp.KroneckerDelta(o, o_w) * sp.KroneckerDelta(c, c_global)
            for offset, d, t in zip(offsets, self.dilation, taps):
                factor *= sp.KroneckerDelta(offset, t * d)
            terms.append(self.weight[index] * factor)
        return sp.Add(*terms)

    def _eval_transpose(self) -> ConvTransposeNd:
        a = [
            sizes.output_padding(n, m, p, s, d)
            for n, m, p, s, d in zip(
                self.size, self.kernel_size, self.padding, self.stride, self.dilation
            )
        ]
        return ConvTransposeNd(
            self.weight,
            self.output_size,
            self.padding,
            self.stride,
            self.dilation,
            a,
            self.groups,
        )


class ConvTransposeNd(_Layer, Operator):
    """An N-D transposed convolution layer: the transpose of a :class:`CorrNd`.

    Parameters
    ----------
    weight : array-like of shape (C_in, C_out/groups, k_1, …, k_N)
        The *same tensor* as the weight of the :class:`CorrNd` it transposes
        (PyTorch's ``conv_transposeNd`` layout).
    size : int or sequence of N ints
        The input's spatial size (the forward conv's output size).
    padding : int, or one int or (lo, hi) per axis
        The forward conv's padding; crops lo at the start and hi − a at the end.
    stride, dilation : int or one per axis
    output_padding : int or one per axis
        a_k with 0 ≤ a_k < s_k: which of the input sizes that share one
        forward output size is meant (see :class:`symconv.ConvTranspose`).
    groups : int

    Notes
    -----
    Output size per axis (n − 1)s − lo − hi + d(k − 1) + 1 + a. PyTorch also
    accepts s ≤ a < d; that call is *not* the transpose of any convolution
    (it appends zeros): :func:`symconv.frameworks.torch.conv_transpose2d`
    returns it as an explicit zero padding times a :class:`ConvTransposeNd`.

    Examples
    --------
    >>> from symconv import explicit
    >>> T = ConvTransposeNd([[[[1, 1, 1]] * 3]], (2, 2), padding=1, stride=2, output_padding=1)
    >>> T.shape
    (16, 4)
    >>> T.T.shape
    (4, 16)
    """

    def __new__(
        cls,
        weight: object,
        size: object,
        padding: object = 0,
        stride: object = 1,
        dilation: object = 1,
        output_padding: object = 0,
        groups: object = 1,
    ) -> ConvTransposeNd:
        w, size, stride, dilation, groups = _layer_parameters(
            weight, size, stride, dilation, groups
        )
        a = _per_axis("output_padding", output_padding, len(size), _validate.amount)
        if isinstance(padding, str) and padding.lower() != "valid":
            raise ParameterError(
                "padding", padding, "'valid', an int, or one int or (lo, hi) per axis"
            )
        pairs = _padding(padding, size, w.shape[2:], stride, dilation)
        for a_k, s_k in zip(a, stride):
            _validate.require(
                sp.Lt(a_k, s_k),
                "output_padding",
                output_padding,
                f"0 <= output_padding < stride = {tuple(stride)} on every axis; otherwise the "
                "result is not the transpose of any convolution",
            )
        self = super().__new__(cls, w, size, pairs, stride, dilation, a, groups)
        for axis, length in enumerate(self.output_size):
            _validate.require(
                sp.Ge(length, 1),
                "padding",
                self.padding,
                f"a padding that leaves a non-empty output on axis {axis}",
            )
        return self

    _forward = False
    output_padding = property(lambda self: tuple(self.args[5]))

    @property
    def channels(self) -> tuple[int, int]:
        """(C_out, C_in) of the transposed layer itself."""
        c_out_fwd, c_in_fwd = _layer_shape(self.weight, self.groups)[:2]
        return c_in_fwd, c_out_fwd

    @property
    def output_size(self) -> tuple[sp.Expr, ...]:
        return tuple(
            sizes.conv_transpose_length(n, m, p, s, d, a)
            for n, m, p, s, d, a in zip(
                self.size,
                self.kernel_size,
                self.padding,
                self.stride,
                self.dilation,
                self.output_padding,
            )
        )

    def _eval_transpose(self) -> CorrNd:
        return CorrNd(
            self.weight, self.output_size, self.padding, self.stride, self.dilation, self.groups
        )

    def _entry(self, i: object, j: object, **kwargs: object) -> sp.Expr:
        return self._eval_transpose()._entry(j, i)


# --- single-channel conveniences ------------------------------------------------


def corr_nd(
    q: object, size: object, padding: object = "valid", stride: object = 1, dilation: object = 1
) -> CorrNd:
    """Single-channel N-D cross-correlation with an N-D kernel ``q`` (e.g. a 3×3 list).

    Examples
    --------
    >>> from symconv import explicit
    >>> explicit(corr_nd([[1, 2], [3, 4]], (2, 2)))
    Matrix([[1, 2, 3, 4]])
    """
    q = as_weight("q", q)
    return CorrNd(
        ImmutableDenseNDimArray(flat(q), (1, 1, *q.shape)), size, padding, stride, dilation
    )


def conv_nd(q: object, size: object, mode: str = "full") -> CorrNd:
    """True N-D convolution with kernel ``q``, as ``scipy.signal.convolve`` computes it.

    Convolution is correlation with the flipped kernel: ``full`` pads k − 1
    on both sides, ``valid`` pads nothing, ``same`` pads ⌈(k−1)/2⌉ before and
    ⌊(k−1)/2⌋ after (the output centred in ``full``, like SciPy). ``valid``
    and ``same`` need the input at least as large as the kernel on every axis
    (SciPy's and NumPy's swap of the two inputs does not carry over to N-D).

    Examples
    --------
    >>> from symconv import explicit
    >>> explicit(conv_nd([[1, 2]], (1, 2)))
    Matrix([
    [1, 0],
    [2, 1],
    [0, 2]])
    """
    if isinstance(q, WeightFamily) and mode == "full":  # kernel sizes may be symbols
        size = size if isinstance(size, (tuple, list, sp.Tuple)) else (size,)
        pads = [(m - 1, m - 1) for m in q.shape[2:]]
        return CorrNd(q.flipped(), size, pads)
    q = as_weight("q", q)
    size = size if isinstance(size, (tuple, list, sp.Tuple)) else (size,)
    if len(size) != q.rank():
        raise ParameterError("size", size, f"{q.rank()} sizes, one per axis of q")
    if mode not in sizes.CONV_MODES:
        raise ParameterError("mode", mode, f"one of {sizes.CONV_MODES}")
    pads = []
    for n, m in zip(size, q.shape):
        if mode == "full":
            pads.append((m - 1, m - 1))
            continue
        _validate.require(
            sp.Ge(n, m), "size", tuple(size), f"at least the kernel size {q.shape} for '{mode}'"
        )
        pads.append((0, 0) if mode == "valid" else (m - 1 - (m - 1) // 2, (m - 1) // 2))
    flipped = [q[tuple(m - 1 - t for m, t in zip(q.shape, index))] for index in _indices(q.shape)]
    return CorrNd(ImmutableDenseNDimArray(flipped, (1, 1, *q.shape)), size, pads)


def as_kronecker_sum(op: CorrNd) -> sp.MatrixExpr:
    """A single-channel :class:`CorrNd` as a sum of Kronecker products of 1-D :class:`Corr`.

    ``Σ_{t_1…t_{N−1}} Corr(e_{t_1}) ⊗ … ⊗ Corr(e_{t_{N−1}}) ⊗ Corr(w[t_1, …, :])``,
    e_t the unit kernel: a general (non-separable) 2-D kernel is a sum of k_1
    Kronecker products, one per kernel row (all-zero rows are skipped).

    Examples
    --------
    >>> from symconv import explicit
    >>> C = corr_nd([[1, 2], [3, 4]], (3, 3))
    >>> S = as_kronecker_sum(C)
    >>> sorted(str(term) for term in S.args)  # doctest: +NORMALIZE_WHITESPACE
    ['KroneckerProduct(Corr((0, 1), 3, (0, 0), 1, 1), Corr((3, 4), 3, (0, 0), 1, 1))',
     'KroneckerProduct(Corr((1, 0), 3, (0, 0), 1, 1), Corr((1, 2), 3, (0, 0), 1, 1))']
    >>> explicit(S) == explicit(C)
    True
    """
    if op.channels != (1, 1):
        raise ParameterError("op", op, "a single-channel CorrNd (C_out = C_in = 1)")
    axes = list(zip(op.size, op.padding, op.stride, op.dilation, op.kernel_size))
    terms = []
    for lead in _indices(op.kernel_size[:-1]):
        row = [op.weight[(0, 0, *lead, t)] for t in range(op.kernel_size[-1])]
        if all(v == 0 for v in row):
            continue
        factors = [
            Corr([int(u == t) for u in range(m)], n, p, s, d)
            for t, (n, p, s, d, m) in zip(lead, axes[:-1])
        ]
        n, p, s, d, _ = axes[-1]
        factors.append(Corr(row, n, p, s, d))
        terms.append(sp.KroneckerProduct(*factors) if len(factors) > 1 else factors[0])
    if not terms:
        return sp.ZeroMatrix(*op.shape)
    return sp.MatAdd(*terms) if len(terms) > 1 else terms[0]
