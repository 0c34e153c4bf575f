"""One axis of a framework's conv layer, exactly: sizes, operator, and ports between frameworks.

A :class:`Layer` is one spatial axis of a PyTorch, TensorFlow, JAX or plain
symconv conv / transposed conv, described with that framework's own
arguments. It validates them with the framework's own rules (and says why a
combination is rejected), and reduces them to one canonical geometry:

- a conv is ``Corr(q, n, (lo, hi), s, d)``, the padding resolved;
- a transposed conv is a *window* ``(start, end)`` of the full transposed conv
  ``q ∗ ↑ₛy`` (padding crops it), with the kernel flipped for JAX's
  ``conv_transpose`` without ``transpose_kernel``.

Two layers are the same linear map iff their operators have equal exact
matrices with symbolic taps (:func:`compare`). :func:`port` finds the PyTorch
call (plus an input pad or output crop where no single call does it) that
reproduces any layer, and checks it. In 2-D every axis is independent: a
general kernel is Σ K[r,c] e_r ⊗ e_c, so two parameter sets give the same 2-D
map iff they give the same map on each axis.

Examples
--------
>>> tf = Layer("tf", "conv_transpose", 6, 3, stride=2, padding="SAME", output_size=12)
>>> tf.crop
(0, 1)
>>> obvious = Layer("torch", "conv_transpose", 6, 3, stride=2, padding=1, output_padding=1)
>>> compare_layers(tf, obvious)
Comparison(equal=False, shapes=((12, 6), (12, 6)), first_difference=(0, 0, q_0, q_1))
>>> port(tf).describe()
'conv_transpose1d(stride=2, padding=0, output_padding=0, dilation=1), then crop (0, 1)'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import sympy as sp
from sympy.matrices.expressions import MatMul, MatrixExpr

from symconv import _validate, sizes
from symconv.arithmetic import (
    Candidate,
    full_transposed_length,
    input_lengths,
    strided_form,
    transposed_form,
    window,
)
from symconv.errors import ParameterError
from symconv.framework_padding import (
    crop_as_transpose,
    gradient_crop,
    jax_transpose_padding,
    kernel_span,
    preset_transposed_length,
    same_padding,
    torch_accepts_output_padding,
    torch_output_padding,
    torch_same_padding,
    transposed_crop,
)
from symconv.kernels import as_kernel, flip, kernel
from symconv.matrices import domain_of, sparse_matrix
from symconv.operators import ConvTranspose, Corr

__all__ = [
    "FRAMEWORKS",
    "OPS",
    "Comparison",
    "Layer",
    "Port",
    "PortNd",
    "compare",
    "compare_layers",
    "port",
    "port_nd",
]

#: ``plain`` is symconv's own convention (``Corr``/``ConvTranspose``).
FRAMEWORKS = ("plain", "torch", "tf", "jax")
OPS = ("conv", "conv_transpose")


def _choice(name: str, value: object, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ParameterError(name, value, f"one of {', '.join(map(repr, allowed))}")
    return str(value)


def _int(name: str, value: object, minimum: int | None = None) -> int:
    return int(_validate.integer(name, value, minimum))


def _preset(padding: object) -> str | None:
    return padding.upper() if isinstance(padding, str) else None


def _explicit_pair(name: str, padding: object, allow_negative: bool) -> tuple[int, int]:
    """An integer p as (p, p) or a pair (lo, hi)."""
    values = tuple(padding) if isinstance(padding, (tuple, list)) else (padding, padding)
    if len(values) != 2:
        raise ParameterError(name, padding, "an integer or a pair (lo, hi)")
    minimum = None if allow_negative else 0
    return _int(f"{name} lo", values[0], minimum), _int(f"{name} hi", values[1], minimum)


@dataclass(frozen=True)
class Layer:
    """One axis of a conv or transposed conv in a framework's own terms.

    Parameters
    ----------
    framework : {"plain", "torch", "tf", "jax"}
        ``torch``: ``F.conv1d``/``F.conv_transpose1d`` (``padding`` int or
        ``'same'``/``'valid'`` for conv; ``output_padding`` or ``output_size``
        for conv_transpose). ``tf``: ``tf.nn.conv1d``/``conv2d`` and
        ``conv2d_transpose`` (``'SAME'``/``'VALID'`` or a pair;
        ``output_size`` is ``output_shape``, by default Keras's n·s for SAME
        and (n − 1)s + max(d(m−1)+1, s) for VALID). ``jax``:
        ``lax.conv_general_dilated`` (``'SAME'``, ``'SAME_LOWER'``,
        ``'VALID'`` or a pair, negative = crop) and ``lax.conv_transpose``
        (``'SAME'``/``'VALID'`` or a pair applied to the zero-inserted input;
        ``transpose_kernel``). ``plain``: :class:`symconv.Corr` /
        :class:`symconv.ConvTranspose` arguments.
    op : {"conv", "conv_transpose"}
    n : int
        Input length along this axis.
    m : int
        Kernel size along this axis.
    stride, padding, dilation, output_padding, output_size, transpose_kernel
        As the framework names them.

    Raises
    ------
    ParameterError
        For the combinations the framework rejects, saying why.
    """

    framework: str
    op: str
    n: int
    m: int
    stride: int = 1
    padding: object = 0
    dilation: int = 1
    output_padding: int = 0
    output_size: int | None = None
    transpose_kernel: bool = False
    #: conv: (lo, hi) padding (negative = crop); conv_transpose: (start, end) window.
    geometry: tuple[int, int] = field(init=False)
    #: What is worth knowing about this call (asymmetric SAME split, flipped kernel, ...).
    notes: tuple[str, ...] = field(init=False, default=())

    def __post_init__(self) -> None:
        _choice("framework", self.framework, FRAMEWORKS)
        _choice("op", self.op, OPS)
        for name in ("n", "m", "stride", "dilation"):
            object.__setattr__(self, name, _int(name, getattr(self, name), 1))
        object.__setattr__(self, "output_padding", _int("output_padding", self.output_padding, 0))
        if self.output_size is not None:
            object.__setattr__(self, "output_size", _int("output_size", self.output_size, 1))
        if self.transpose_kernel and (self.framework, self.op) != ("jax", "conv_transpose"):
            raise ParameterError(
                "transpose_kernel", True, "False: only JAX's conv_transpose has transpose_kernel"
            )
        if self.output_padding and (self.op == "conv" or self.framework in ("tf", "jax")):
            raise ParameterError(
                "output_padding",
                self.output_padding,
                "0: only a PyTorch or plain transposed conv takes output_padding "
                "(TF takes output_shape, JAX the padding)",
            )
        resolve = self._conv if self.op == "conv" else self._conv_transpose
        geometry, notes = resolve()
        object.__setattr__(self, "geometry", tuple(sp.Integer(v) for v in geometry))
        object.__setattr__(self, "notes", tuple(notes))
        if self.output_length < 1:
            raise ParameterError(
                "padding",
                self.padding,
                f"a padding that leaves a non-empty output (this one gives length "
                f"{self.output_length}); the framework rejects it too",
            )

    # -- resolution per framework -------------------------------------------------
    @property
    def span(self) -> int:
        """Extent d(m − 1) + 1 of the dilated kernel."""
        return kernel_span(self.m, self.dilation)

    def _conv(self) -> tuple[tuple[int, int], list[str]]:
        fw, s, d, preset = self.framework, self.stride, self.dilation, _preset(self.padding)
        notes: list[str] = []
        if preset is None:
            pair = _explicit_pair("padding", self.padding, allow_negative=fw == "jax")
            if fw == "torch" and pair[0] != pair[1]:
                raise ParameterError(
                    "padding",
                    self.padding,
                    "an integer: PyTorch pads both ends equally (pad asymmetrically with F.pad)",
                )
        else:
            allowed = {
                "plain": ("VALID", "SAME", "FULL"),
                "torch": ("VALID", "SAME"),
                "tf": ("VALID", "SAME"),
                "jax": ("VALID", "SAME", "SAME_LOWER"),
            }[fw]
            _choice("padding", preset, allowed)
            if fw == "torch" and preset == "SAME" and s != 1:
                raise ParameterError(
                    "padding",
                    self.padding,
                    "not 'same' with stride > 1: PyTorch rejects "
                    "padding='same' for strided convolutions",
                )
            if preset.startswith("SAME"):
                pair = same_padding(self.n, self.m, s, d, lower=preset == "SAME_LOWER")
            else:
                pair = sizes.resolve_padding(preset, self.n, self.m, s, d)
            if preset.startswith("SAME") and pair[0] != pair[1]:
                notes.append(
                    f"{preset} pads ({pair[0]}, {pair[1]}): the odd extra at the "
                    + ("start" if preset == "SAME_LOWER" else "end")
                )
        if self.n + min(pair[0], 0) + min(pair[1], 0) < 1:
            raise ParameterError("padding", self.padding, f"crops leaving at least 1 of n={self.n}")
        if self.n + pair[0] + pair[1] < self.span:
            raise ParameterError(
                "n",
                self.n,
                f"n + lo + hi >= d*(m-1) + 1 = {self.span}: the padded input is shorter than "
                "the kernel (every framework rejects this)",
            )
        return pair, notes

    def _conv_transpose(self) -> tuple[tuple[int, int], list[str]]:
        fw, n, m, s, d = self.framework, self.n, self.m, self.stride, self.dilation
        preset, a, notes = _preset(self.padding), self.output_padding, []
        if fw == "jax":
            if preset is None:
                plo, phi = _explicit_pair("padding", self.padding, allow_negative=True)
            else:
                _choice("padding", preset, ("SAME", "VALID"))
                plo, phi = jax_transpose_padding(m, s, d, preset)
            if self.output_size is not None:
                raise ParameterError(
                    "output_size", self.output_size, "None: JAX's size is set by the padding"
                )
            if not self.transpose_kernel:
                notes.append(
                    "without transpose_kernel JAX uses the kernel unflipped: this is "
                    "the transpose of the conv with the flipped kernel"
                )
            return (self.span - 1 - plo, self.span - 1 - phi), notes
        if fw == "tf":
            n_out = self.output_size
            if n_out is None:
                n_out = preset_transposed_length(
                    n, m, s, d, "SAME" if preset == "SAME" else "VALID"
                )
                notes.append(f"no output_shape given: Keras's default {n_out}")
            if preset is None:
                lo, hi = _explicit_pair("padding", self.padding, allow_negative=False)
            else:
                _choice("padding", preset, ("SAME", "VALID"))
                lo, hi = (int(v) for v in sizes.resolve_padding(preset, n_out, m, s, d))
            forward = int(sizes.corr_length(n_out, m, (lo, hi), s, d))
            if n_out + lo + hi < self.span or forward != n:
                sizes_ok = ", ".join(str(c.length) for c in self.possible_output_lengths())
                raise ParameterError(
                    "output_size",
                    n_out,
                    f"a length the conv maps back to n={n} ({sizes_ok}): TensorFlow computes "
                    f"the gradient of the conv on output_shape, whose output here has "
                    f"length {forward if n_out + lo + hi >= self.span else 'below 1'}",
                )
            return gradient_crop(n_out, m, preset or (lo, hi), s, d), notes
        lo, hi = _explicit_pair("padding", self.padding, allow_negative=False)
        if fw == "torch" and lo != hi:
            raise ParameterError(
                "padding", self.padding, "an integer: PyTorch crops both ends equally"
            )
        if self.output_size is not None:
            if a:
                raise ParameterError(
                    "output_padding", a, "0 when output_size is given (it determines it)"
                )
            a = torch_output_padding(n, m, self.output_size, (lo, hi), s, d)
            object.__setattr__(self, "output_padding", a)
        if fw == "torch" and not torch_accepts_output_padding(a, s, d):
            raise ParameterError(
                "output_padding",
                a,
                f"an integer < max(stride, dilation) = {max(s, d)}: PyTorch requires output "
                "padding smaller than either stride or dilation",
            )
        if fw == "plain" and a >= s:
            raise ParameterError(
                "output_padding", a, f"0 <= output_padding < stride = {s} (the transpose of a conv)"
            )
        if a >= s:
            notes.append(
                f"output_padding {a} >= stride {s}: the length is outside the preimage "
                "of n, so this is not the transpose of the conv with these parameters"
            )
        return transposed_crop((lo, hi), a), notes

    # -- what the layer is ----------------------------------------------------------
    @property
    def output_length(self) -> int:
        """The output length along this axis."""
        if self.op == "conv":
            return int(sizes.corr_length(self.n, self.m, self.geometry, self.stride, self.dilation))
        start, end = self.geometry
        return int(full_transposed_length(self.n, self.m, self.stride, self.dilation)) - start - end

    @property
    def crop(self) -> tuple[int, int]:
        """Transposed conv: ``(start, end)`` removed from q ∗ ↑ₛy (negative end: zeros added)."""
        if self.op != "conv_transpose":
            raise ParameterError("op", self.op, "'conv_transpose' (a conv has no crop)")
        return self.geometry

    @property
    def flipped(self) -> bool:
        """True when the framework uses the kernel reversed relative to the transpose."""
        return self.framework == "jax" and self.op == "conv_transpose" and not self.transpose_kernel

    @property
    def transpose_of(self) -> tuple[tuple[int, int], int] | None:
        """Transposed conv: ``((lo, hi), a)`` of the conv it transposes, or None.

        None when the window appends more zeros than any conv's transpose has
        (PyTorch's output_padding ≥ stride with padding 0 does this).
        """
        spec = crop_as_transpose(self.crop, self.stride)
        torch_like = self.framework in ("torch", "plain")
        if spec is not None and torch_like and self.output_padding < self.stride:
            # The conv as the call names it: padding (p, p) and output padding a.
            lo, hi = _explicit_pair("padding", self.padding, allow_negative=False)
            return (lo, hi), self.output_padding
        return spec

    def possible_output_lengths(self) -> tuple[Candidate, ...]:
        """Transposed conv: every output length this input allows, and the a for each.

        For PyTorch and plain, the preimage of n under the conv with the same
        padding; for TensorFlow, the output_shape values it accepts (the a
        shown is the implied output padding); JAX has no choice (empty).
        """
        if self.op != "conv_transpose":
            raise ParameterError("op", self.op, "'conv_transpose'")
        if self.framework == "jax":
            return ()
        preset = _preset(self.padding) if self.framework == "tf" else None
        if preset == "SAME":
            padding = "same"  # TensorFlow's SAME padding depends on the output length
        elif preset == "VALID":
            padding = (0, 0)
        else:
            padding = _explicit_pair("padding", self.padding, allow_negative=False)
        return input_lengths(self.n, self.m, padding, self.stride, self.dilation)

    def operator(self, q: object = None) -> MatrixExpr:
        """The exact symconv operator of this axis (default kernel: symbolic q_0 … q_{m−1})."""
        q = self._kernel(q)
        s, d = self.stride, self.dilation
        if self.op == "conv":
            lo, hi = self.geometry
            cut = (max(-lo, 0), max(-hi, 0))
            corr = Corr(q, self.n - sum(cut), (max(lo, 0), max(hi, 0)), s, d)
            return corr if cut == (0, 0) else MatMul(corr, window(self.n, *cut), evaluate=False)
        taps = flip(q) if self.flipped else q
        spec = self.transpose_of
        if spec is not None:
            return ConvTranspose(taps, self.n, spec[0], s, d, spec[1])
        start, end = self.geometry
        full = ConvTranspose(taps, self.n, (0, 0), s, d, 0)
        return MatMul(window(full.rows, start, end), full, evaluate=False)

    def form(self, q: object = None) -> MatrixExpr:
        """The equivalent form: ``↓ₛ · (↑_d q ⋆ ·) · Pad`` or ``Window · (↑_d q ∗ ↑ₛy)``."""
        q = self._kernel(q)
        if self.op == "conv":
            lo, hi = self.geometry
            if lo < 0 or hi < 0:
                return self.operator(q)
            return strided_form(q, self.n, (lo, hi), self.stride, self.dilation)
        start, end = self.geometry
        taps = flip(q) if self.flipped else q
        s, d = self.stride, self.dilation
        if start < 0:  # only JAX's explicit padding adds zeros in front
            full = transposed_form(taps, self.n, 0, s, d)
            return MatMul(window(full.rows, start, end), *full.args, evaluate=False)
        return transposed_form(taps, self.n, (start, max(end, 0)), s, d, max(-end, 0))

    def _kernel(self, q: object) -> tuple[sp.Expr, ...]:
        q = kernel("q", self.m) if q is None else as_kernel(q)
        if len(q) != self.m:
            raise ParameterError("q", q, f"a kernel of m={self.m} taps")
        return q


class Comparison(NamedTuple):
    """Result of :func:`compare`: equal, both shapes, the first differing entry ``(i, j, a, b)``."""

    equal: bool
    shapes: tuple[tuple[int, int], tuple[int, int]]
    first_difference: tuple[int, int, sp.Expr, sp.Expr] | None


def compare(left: MatrixExpr, right: MatrixExpr) -> Comparison:
    """Decide exactly whether two operator expressions are the same linear map.

    Both are built as sparse matrices in one polynomial domain (symbolic taps
    stay symbolic, so equality holds for *every* kernel); the first differing
    entry in row-major order is reported, or None when only the shapes differ.

    Examples
    --------
    >>> from symconv import kernel
    >>> q = kernel("q", 3)
    >>> compare(Corr(q, 5), Corr(q, 5, (0, 0))).equal
    True
    >>> compare(Corr(q, 5, 1), Corr(q, 5, (1, 0)))
    Comparison(equal=False, shapes=((5, 5), (4, 5)), first_difference=None)
    """
    shapes = tuple(tuple(int(v) for v in e.shape) for e in (left, right))
    if shapes[0] != shapes[1]:
        return Comparison(False, shapes, None)
    K = domain_of(left, right)
    a, b = sparse_matrix(left, K), sparse_matrix(right, K)
    if a == b:
        return Comparison(True, shapes, None)
    da, db = a.rep.to_dod(), b.rep.to_dod()
    for i in sorted(set(da) | set(db)):
        ra, rb = da.get(i, {}), db.get(i, {})
        for j in sorted(set(ra) | set(rb)):
            va, vb = ra.get(j, K.zero), rb.get(j, K.zero)
            if va != vb:
                return Comparison(False, shapes, (i, j, K.to_sympy(va), K.to_sympy(vb)))
    raise AssertionError("unequal matrices with no differing entry")  # pragma: no cover


def compare_layers(left: Layer, right: Layer) -> Comparison:
    """:func:`compare` of two layers' operators with one symbolic kernel."""
    if left.m != right.m:
        raise ParameterError("m", right.m, f"the same kernel size as the other layer ({left.m})")
    return compare(left.operator(), right.operator())


@dataclass(frozen=True)
class Port:
    """A PyTorch call reproducing a layer: pad the input, call, then window the output.

    Attributes
    ----------
    source : Layer
        The layer being ported.
    call : Layer
        The PyTorch layer (``framework="torch"``).
    pad_input : tuple
        ``(lo, hi)`` zeros added to the input first (``F.pad``); negative crops.
    crop_output : tuple
        ``(start, end)`` removed from the call's output; negative pads zeros.
    flip_kernel : bool
        Use the kernel reversed (``w.flip(-1)``).
    """

    source: Layer
    call: Layer
    pad_input: tuple[int, int]
    crop_output: tuple[int, int]
    flip_kernel: bool

    @property
    def single_call(self) -> bool:
        """True when the PyTorch call alone reproduces the layer."""
        return self.pad_input == (0, 0) and self.crop_output == (0, 0) and not self.flip_kernel

    def operator(self, q: object = None) -> MatrixExpr:
        """The port as one operator: window · call · pad (for checking)."""
        q = self.source._kernel(q)
        call = self.call.operator(flip(q) if self.flip_kernel else q)
        factors = [window(call.rows, *self.crop_output), call]
        if self.pad_input != (0, 0):
            factors.append(window(self.source.n, -self.pad_input[0], -self.pad_input[1]))
        factors = [f for f in factors if not f.is_Identity]
        return factors[0] if len(factors) == 1 else MatMul(*factors, evaluate=False)

    def check(self) -> Comparison:
        """Prove the port: compare it with the source layer exactly (symbolic taps)."""
        return compare(self.source.operator(), self.operator())

    def describe(self) -> str:
        """The port as one line of text."""
        c = self.call
        name = "conv1d" if c.op == "conv" else "conv_transpose1d"
        args = [f"stride={c.stride}", f"padding={c.padding!r}"]
        if c.op == "conv_transpose":
            args.append(f"output_padding={c.output_padding}")
        args.append(f"dilation={c.dilation}")
        text = f"{name}({', '.join(args)})"
        if self.flip_kernel:
            text += " with the kernel flipped (w.flip(-1))"
        if self.pad_input != (0, 0):
            text = f"F.pad(x, {self.pad_input}), then " + text
        if self.crop_output != (0, 0):
            text += f", then crop {self.crop_output}"
        return text


def port(layer: Layer) -> Port:
    """The PyTorch call that reproduces ``layer``, with the pad/crop it needs, checked exactly.

    A conv with padding (lo, hi) becomes ``conv1d(padding=lo)`` when that
    has the same output length (or ``padding='same'`` for stride 1),
    otherwise it needs ``F.pad`` for the extra end padding or a crop of extra
    outputs. A transposed conv with window (start, end) is
    ``conv_transpose1d(padding=start, output_padding=start − end)`` when
    PyTorch accepts that output_padding; otherwise no single call does it
    (PyTorch crops both ends equally and only output_padding can shorten the
    end crop): the port is the call with padding min(start, end) followed by
    a crop. :meth:`Port.check` proves the port.

    Examples
    --------
    >>> port(Layer("tf", "conv", 12, 3, stride=2, padding="SAME")).describe()
    'F.pad(x, (0, 1)), then conv1d(stride=2, padding=0, dilation=1)'
    >>> p = port(Layer("tf", "conv_transpose", 6, 4, stride=2, padding="SAME", output_size=12))
    >>> p.single_call, p.describe(), p.check().equal
    (True, 'conv_transpose1d(stride=2, padding=1, output_padding=0, dilation=1)', True)
    """
    n, m, s, d = layer.n, layer.m, layer.stride, layer.dilation
    if layer.op == "conv":
        lo, hi = (int(v) for v in layer.geometry)
        cut = (max(-lo, 0), max(-hi, 0))
        lo, hi, n_in = max(lo, 0), max(hi, 0), n - sum(cut)
        target = layer.output_length
        if s == 1 and lo != hi and (lo, hi) == torch_same_padding(m, d):
            call = Layer("torch", "conv", n_in, m, 1, "same", d)
            return Port(layer, call, (-cut[0], -cut[1]), (0, 0), False)
        if sizes.corr_length(n_in, m, (lo, lo), s, d) >= target and n_in + 2 * lo >= layer.span:
            call = Layer("torch", "conv", n_in, m, s, lo, d)
            return Port(layer, call, (-cut[0], -cut[1]), (0, call.output_length - target), False)
        call = Layer("torch", "conv", n_in + hi - lo, m, s, lo, d)
        return Port(
            layer, call, (-cut[0], hi - lo - cut[1]), (0, call.output_length - target), False
        )
    start, end = (int(v) for v in layer.geometry)
    a = start - end
    if start >= 0 and 0 <= a < max(s, d):
        call = Layer("torch", "conv_transpose", n, m, s, start, d, a)
        return Port(layer, call, (0, 0), (0, 0), layer.flipped)
    p = max(0, min(start, end))
    call = Layer("torch", "conv_transpose", n, m, s, p, d, 0)
    return Port(layer, call, (0, 0), (start - p, end - p), layer.flipped)


@dataclass(frozen=True)
class PortNd:
    """One PyTorch ``conv2d``/``conv3d`` (or ``conv_transpose2d``/``3d``) call for an N-D layer.

    An N-D layer of a framework acts on each axis separately (its matrix is the
    Kronecker product of the per-axis ones), and so does one N-D PyTorch call with
    per-axis tuples. The port is therefore the per-axis :class:`Port` s, written as
    one call; checking each axis exactly checks the whole.

    Attributes
    ----------
    axes : tuple of Port
        The port of each axis, first axis first (``H`` before ``W``).
    """

    axes: tuple[Port, ...]

    @property
    def single_call(self) -> bool:
        """True when the PyTorch call alone reproduces the layer on every axis."""
        return all(p.single_call for p in self.axes)

    def check(self) -> Comparison:
        """Every axis compared exactly; the first axis that differs, else the last."""
        results = [p.check() for p in self.axes]
        return next((r for r in results if not r.equal), results[-1])

    def describe(self) -> str:
        """The port as one line: ``F.pad``, the N-D call with per-axis tuples, the crop."""
        rank = len(self.axes)
        calls = [p.call for p in self.axes]

        def per_axis(values: list) -> str:
            return f"({', '.join(map(repr, values))})"

        op = calls[0].op
        name = f"{'conv' if op == 'conv' else 'conv_transpose'}{rank}d"
        paddings = [c.padding for c in calls]
        padding = "'same'" if paddings[0] == "same" else per_axis(paddings)
        args = [f"stride={per_axis([c.stride for c in calls])}", f"padding={padding}"]
        if op == "conv_transpose":
            args.append(f"output_padding={per_axis([c.output_padding for c in calls])}")
        args.append(f"dilation={per_axis([c.dilation for c in calls])}")
        text = f"{name}({', '.join(args)})"
        if rank > 3:
            text += f" (PyTorch has no conv{rank}d: up to conv3d)"
        flipped = [axis - rank for axis, p in enumerate(self.axes) if p.flip_kernel]
        if flipped:
            text += f" with the kernel flipped (w.flip({per_axis(flipped)}))"
        if any(p.pad_input != (0, 0) for p in self.axes):
            # F.pad lists the last axis first: (lo_W, hi_W, lo_H, hi_H).
            pads = [v for p in reversed(self.axes) for v in p.pad_input]
            text = f"F.pad(x, {per_axis(pads)}), then " + text
        if any(p.crop_output != (0, 0) for p in self.axes):
            crops = ", ".join(str(p.crop_output) for p in self.axes)
            text += f", then crop (start, end) per axis: ({crops})"
        return text


def port_nd(layers: list[Layer] | tuple[Layer, ...]) -> PortNd:
    """The one N-D PyTorch call that reproduces a layer given by its per-axis ``layers``.

    PyTorch's ``padding='same'`` applies to every axis at once: when only some axes
    port to it, those axes get their padding from ``F.pad`` instead (checked exactly).

    Examples
    --------
    >>> layers = [Layer("torch", "conv_transpose", 2, 3, stride=2) for _ in range(2)]
    >>> p = port_nd(layers)
    >>> p.describe(), p.single_call, p.check().equal
    ('conv_transpose2d(stride=(2, 2), padding=(0, 0), output_padding=(0, 0), dilation=(1, 1))', \
True, True)
    """
    ports = [port(layer) for layer in layers]
    same = [p.call.padding == "same" for p in ports]
    if any(same) and not all(same):
        ports = [_explicit_same(p) if is_same else p for p, is_same in zip(ports, same)]
    return PortNd(tuple(ports))


def _explicit_same(ported: Port) -> Port:
    """A ``padding='same'`` port written as ``F.pad`` of its (lo, hi) and ``padding=0``."""
    call = ported.call
    lo, hi = torch_same_padding(call.m, call.dilation)
    plain = Layer("torch", "conv", call.n + lo + hi, call.m, call.stride, 0, call.dilation)
    pad = (ported.pad_input[0] + lo, ported.pad_input[1] + hi)
    return Port(ported.source, plain, pad, ported.crop_output, ported.flip_kernel)
