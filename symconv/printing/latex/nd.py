r"""N-D convolution layers (:class:`~symconv.operators.channels.CorrNd`, its transpose) in
the 1-D notation, with their kernels named.

A single-channel layer prints like its 1-D counterpart, the kernel an array
named by its taps (:func:`kernel_nd_latex`):

=========================================  ==========================================
taps (2-D)                                 printed
=========================================  ==========================================
``q_{i,j}`` at (i, j)                      ``\mathbf{q}``
``q_{u+s i, v+s j}`` (a polyphase part)    ``\mathbf{q}_{[u::s,\,v::s]}``
either, reversed on every axis             ``(\operatorname{Flip} \mathbf{q}_{[…]})``
all ones, k × l                            ``\mathbf{1}_{k \times l}``
numbers, at most 5 × 5                     their ``bmatrix``
a named kernel convolved with a box        ``(\mathbf{q} \ast \mathbf{1}_{2 \times 2})``
=========================================  ==========================================

Parameters are one subscript as in 1-D, a per-axis value written once when
every axis has it (``s=2``) and as a tuple otherwise (``s=(2,1)``). A
correlation with a flipped kernel over a full padding, stride 1, is the
true convolution with the kernel: it prints as ``(\mathbf{q}_{[0::2,\,1::2]} \ast)``,
as the polyphase identities are written. A multi-channel or grouped layer
prints its weight's name when its taps are ``w_{o,c,i,j}`` (``\mathbf{w}``),
with ``g=`` for the groups.

Examples
--------
>>> from symconv.operators.channels import corr_nd, weight_tensor, CorrNd
>>> from symconv.printing.latex import latex
>>> import sympy as sp
>>> q = [[sp.Symbol(f"q_{i}_{j}") for j in range(3)] for i in range(3)]
>>> latex(corr_nd(q, (5, 5), stride=2))
'(\\mathbf{q} \\star_{s=2})'
>>> latex(corr_nd([[1] * 3] * 3, (5, 5)).T)
'(\\mathbf{1}_{3 \\times 3} \\star)^{\\mathsf{T}}'
>>> phase = [[q[i][j] for j in (2, 0)] for i in (2, 0)]
>>> latex(corr_nd(phase, (3, 3), padding=1))
'(\\mathbf{q}_{[0::2,\\,0::2]} \\ast)'
"""

from __future__ import annotations

import itertools

import sympy as sp

from symconv.operators.channels import ConvTransposeNd, CorrNd, flat
from symconv.printing.latex.matrices import matrix_latex
from symconv.printing.latex.printer import (
    Kind,
    Printed,
    SymconvLatexPrinter,
    register,
    symbol_latex,
)

__all__ = ["kernel_nd_latex"]

#: A numeric 2-D kernel up to this size on each axis prints as its matrix of taps.
_SMALL = 5


def _name_and_index(tap: sp.Expr, rank: int) -> tuple[str, tuple[int, ...]] | None:
    """``("q", (1, 2))`` for ``q_1_2``, ``("w", (0, 0, 1, 2))`` for a weight entry."""
    if isinstance(tap, sp.Indexed):
        indices = tap.indices
        if all(i.is_Integer for i in indices):
            return str(tap.base), tuple(int(i) for i in indices)
        return None
    if not isinstance(tap, sp.Symbol):
        return None
    base, *indices = tap.name.split("_")
    if len(indices) < rank or not all(i.isdigit() for i in indices):
        return None
    return base, tuple(int(i) for i in indices)


def _affine_name(taps: sp.MutableDenseNDimArray) -> tuple[str, list[tuple[int, int]]] | None:
    """The name and per-axis (start, step) when tap p is ``name[start + step·p]``."""
    shape, rank = taps.shape, len(taps.shape)
    found = {}
    for position in itertools.product(*map(range, shape)):
        named = _name_and_index(taps[position], rank)
        if named is None:
            return None
        found[position] = named
    names = {name for name, _ in found.values()}
    prefixes = {index[: len(index) - rank] for _, index in found.values()}
    if len(names) != 1 or len(prefixes) != 1 or any(prefixes.pop()):
        return None  # several names, or a channel index other than (0, 0)
    origin = found[(0,) * rank][1][-rank:]
    axes = []
    for axis in range(rank):
        step = 0
        if shape[axis] > 1:
            unit = tuple(1 if a == axis else 0 for a in range(rank))
            step = found[unit][1][-rank:][axis] - origin[axis]
        axes.append((origin[axis], step))
    for position, (_, index) in found.items():
        expected = tuple(start + step * p for (start, step), p in zip(axes, position))
        if index[-rank:] != expected:
            return None
    if any(step == 0 and size > 1 for (_, step), size in zip(axes, shape)):
        return None
    return names.pop(), axes


def _box_of(taps: sp.MutableDenseNDimArray) -> tuple[str, tuple[int, ...]] | None:
    """``("q", (2, 2))`` when the taps are the full convolution of a named kernel with a box."""
    shape = taps.shape
    corner = _name_and_index(taps[(0,) * len(shape)], len(shape))
    if corner is None or not isinstance(taps[(0,) * len(shape)], sp.Symbol):
        return None
    name = corner[0]
    for box in itertools.product(*(range(1, k + 1) for k in shape)):
        if all(b == 1 for b in box):
            continue  # the kernel itself: named by _affine_name
        inner = tuple(k - b + 1 for k, b in zip(shape, box))
        if all(
            _box_tap(name, position, box, inner) == taps[position]
            for position in itertools.product(*map(range, shape))
        ):
            return name, box
    return None


def _box_tap(name: str, position: tuple, box: tuple, inner: tuple) -> sp.Expr:
    """Tap ``position`` of ``name ∗ 1_box`` for a kernel ``name`` of shape ``inner``."""
    total = sp.Integer(0)
    for offset in itertools.product(*map(range, box)):
        index = tuple(p - o for p, o in zip(position, offset))
        if all(0 <= i < k for i, k in zip(index, inner)):
            total += sp.Symbol(f"{name}_" + "_".join(map(str, index)))
    return total


def _ones(box: tuple, printer: SymconvLatexPrinter) -> str:
    size = r" \times ".join(str(b) for b in box)
    return printer.notation.call("vect", "1") + f"_{{{size}}}"


def kernel_nd_latex(weight: object, printer: SymconvLatexPrinter) -> tuple[str, bool] | None:
    """A single-channel N-D kernel named by its taps, and whether it is a flipped one.

    Returns None when the kernel has no name symconv can give it.
    """
    taps = sp.MutableDenseNDimArray(flat(weight), weight.shape[2:])
    rank = len(taps.shape)
    values = flat(taps)
    if all(v == 1 for v in values):
        return _ones(taps.shape, printer), False
    named = _affine_name(taps)
    if named is not None:
        name, axes = named
        flipped = all(step < 0 for _, step in axes if step) and any(step for _, step in axes)
        if flipped:
            axes = [(a + b * (size - 1), -b) for (a, b), size in zip(axes, taps.shape)]
        vector = printer.notation.call("vect", symbol_latex(name))
        if any(start != 0 or step not in (0, 1) for start, step in axes):
            slices = r",\,".join(f"{start}::{max(step, 1)}" for start, step in axes)
            vector += f"_{{[{slices}]}}"
        elif any(step < 0 for _, step in axes):
            return None
        return vector, flipped
    if rank == 2 and all(v.is_number for v in values) and max(taps.shape) <= _SMALL:
        return matrix_latex(sp.Matrix(taps.tolist()), printer.notation, printer.doprint), False
    box = _box_of(taps)
    if box is not None and rank:
        name, size = box
        vector = printer.notation.call("vect", symbol_latex(name))
        conv = printer.notation.call("conv")
        return rf"\left({vector} {conv} {_ones(size, printer)}\right)", False
    return None


def _per_axis(values: tuple, printer: SymconvLatexPrinter) -> str:
    if len(set(values)) == 1:
        return printer.doprint(values[0])
    return "(" + ",".join(printer.doprint(v) for v in values) + ")"


def _parameters(op: CorrNd | ConvTransposeNd, printer: SymconvLatexPrinter) -> list[str]:
    out = []
    if any(s != 1 for s in op.stride):
        out.append(f"s={_per_axis(op.stride, printer)}")
    if any(lo != 0 or hi != 0 for lo, hi in op.padding):
        if all(lo == hi for lo, hi in op.padding):
            out.append(f"p={_per_axis(tuple(lo for lo, _ in op.padding), printer)}")
        else:
            pairs = tuple(sp.Tuple(lo, hi) for lo, hi in op.padding)
            if len(set(pairs)) == 1:
                out.append(f"p=({printer.doprint(pairs[0][0])},{printer.doprint(pairs[0][1])})")
            else:
                text = ",".join(f"({printer.doprint(a)},{printer.doprint(b)})" for a, b in pairs)
                out.append(f"p=({text})")
    if any(d != 1 for d in op.dilation):
        out.append(f"d={_per_axis(op.dilation, printer)}")
    if isinstance(op, ConvTransposeNd) and any(a != 0 for a in op.output_padding):
        out.append(f"a={_per_axis(op.output_padding, printer)}")
    if op.groups != 1:
        out.append(f"g={printer.doprint(op.groups)}")
    return out


def _weight_name(op: CorrNd | ConvTransposeNd, printer: SymconvLatexPrinter) -> str | None:
    """``\\mathbf{w}`` when every entry is ``w_{o,c,i,j}`` at its own position."""
    names = set()
    for position in itertools.product(*map(range, op.weight.shape)):
        named = _name_and_index(op.weight[position], len(position))
        if named is None or named[1] != position:
            return None
        names.add(named[0])
    return printer.notation.call("vect", symbol_latex(names.pop())) if len(names) == 1 else None


def _layer(op: CorrNd | ConvTransposeNd, printer: SymconvLatexPrinter) -> str | None:
    single = tuple(op.weight.shape[:2]) == (1, 1) and op.groups == 1
    kernel = kernel_nd_latex(op.weight, printer) if single else None
    if kernel is None:
        name = _weight_name(op, printer)
        if name is None:
            return None
        kernel = (name, False)
    text, flipped = kernel
    parameters = _parameters(op, printer)
    full = all(
        lo == hi == d * (m - 1) for (lo, hi), d, m in zip(op.padding, op.dilation, op.kernel_size)
    )
    if flipped and full and isinstance(op, CorrNd) and all(s == 1 for s in op.stride):
        # Correlation with flip(q) over the full padding is the full convolution with q.
        extra = r",\,".join(p for p in parameters if not p.startswith("p="))
        star = printer.notation.call("conv") + (f"_{{{extra}}}" if extra else "")
        return f"({text} {star})"
    if flipped:
        text = rf"\left({printer.notation.call('flip')} {text}\right)"
    star = printer.notation.call("corr")
    if parameters:
        star += "_{" + r",\,".join(parameters) + "}"
    return f"({text} {star})"


@register
def _(expr: CorrNd, printer: SymconvLatexPrinter) -> Printed:
    text = _layer(expr, printer)
    if text is None:
        return r"\operatorname{CorrNd}", Kind.ATOM
    return text, Kind.CLOSED


@register
def _(expr: ConvTransposeNd, printer: SymconvLatexPrinter) -> Printed:
    text = _layer(expr, printer)
    if text is None:
        return r"\operatorname{ConvTransposeNd}", Kind.ATOM
    return f"{text}^{{{printer.notation.call('transp')}}}", Kind.SUPERSCRIPTED
