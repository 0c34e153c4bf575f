"""``symconv shapes``: what a conv / transposed conv layer does to sizes, exactly.

Given a layer in a framework's own terms, prints per axis the output size,
the operator, the equivalent form (``↓ₛ(q ⋆ x)`` for a conv, the crop of
``q ∗ ↑ₛy`` for a transposed conv), the sizes that map to each other (the
preimage of the size map, with the output_padding for each), and the outputs
that are structurally zero. ``--port`` prints the PyTorch call that reproduces
the layer (for a 2-D or 3-D layer one ``conv2d``/``conv_transpose2d``/… call with
per-axis tuples); ``--compare`` decides whether a second parameter set is the same
linear map (exit 1 when it is not). Impossible combinations exit 2 with the
reason the framework gives.

Examples
--------
>>> from symconv.cli import main
>>> main(["shapes", "--op", "conv_transpose", "--input", "2", "--kernel", "3",
...       "--stride", "2", "--output-padding", "1"])
torch conv_transpose: input 2, kernel 3, stride 2, padding 0, dilation 1, output_padding 1
output size: 6
  operator: ConvTranspose((q_0, q_1, q_2), 2, (0, 0), 2, 1, 1)
  form: Pad(5, 0, 1) · Conv((q_0, q_1, q_2), 3, 'full') · Upsample(2, 2, 3)
  crop of the full q ∗ ↑ₛy (length 5): 0 at the start, -1 at the end (1 zero appended)
  transpose of: the conv with padding (0, 0), stride 2, dilation 1 on length 6
  possible output sizes for input 2: 5 (output_padding=0), 6 (output_padding=1)
  structurally zero outputs: [5]
0
>>> main(["shapes", "--input", "5", "--kernel", "3", "--padding", "same",
...       "--padding-mode", "reflect"])
torch conv: input 5, kernel 3, stride 1, padding same, dilation 1
output size: 5
  operator: Corr((q_0, q_1, q_2), 5, (1, 1), 1, 1)
...
padding_mode reflect: the input is padded first, then correlated 'valid'
  BorderPad(5, 1, 1, 'reflect'), padded length 7; its transpose: BorderFold(5, 1, 1, 'reflect')
0
"""

from __future__ import annotations

import argparse

import sympy as sp
from sympy.matrices.expressions import MatMul

from symconv import limits, sizes
from symconv.arithmetic import explain_output_padding, input_lengths, structural_zeros
from symconv.errors import ParameterError
from symconv.operators.padding_modes import BorderPad
from symconv.porting import FRAMEWORKS, OPS, Layer, compare_layers, port, port_nd

__all__ = ["register", "run"]

_PRESETS = ("same", "valid", "full", "same_lower")


def _ints(name: str, text: str) -> list[int]:
    """``"4"`` or ``"4x4"`` → a list of integers, one per axis."""
    try:
        return [int(v) for v in text.lower().split("x")]
    except ValueError:
        raise ParameterError(name, text, "integers per axis, e.g. 3 or 3x3") from None


def _paddings(text: str) -> list[object]:
    """Per axis: an integer, ``lo:hi``, or a preset word (``same``, ``valid``, …)."""
    if text.lower() in _PRESETS:
        return [text]
    out: list[object] = []
    for part in text.split("x"):
        try:
            if ":" in part:
                lo, hi = part.split(":")
                out.append((int(lo), int(hi)))
            else:
                out.append(int(part))
        except ValueError:
            raise ParameterError(
                "--padding", text, f"per axis an integer or lo:hi, or one of {_PRESETS}"
            ) from None
    return out


def _per_axis(name: str, values: list, axes: int) -> list:
    if len(values) == 1:
        return values * axes
    if len(values) != axes:
        raise ParameterError(name, "x".join(map(str, values)), f"1 or {axes} values (one per axis)")
    return values


def _layers(args: argparse.Namespace) -> list[Layer]:
    sizes = _ints("--input", args.input)
    axes = len(sizes)
    columns = {
        "m": _per_axis("--kernel", _ints("--kernel", args.kernel), axes),
        "stride": _per_axis("--stride", _ints("--stride", args.stride), axes),
        "padding": _per_axis("--padding", _paddings(args.padding), axes),
        "dilation": _per_axis("--dilation", _ints("--dilation", args.dilation), axes),
        "output_padding": _per_axis(
            "--output-padding", _ints("--output-padding", args.output_padding), axes
        ),
    }
    if args.output_size is not None:
        columns["output_size"] = _per_axis(
            "--output-size", _ints("--output-size", args.output_size), axes
        )
    return [
        Layer(
            args.framework,
            args.op,
            n,
            transpose_kernel=args.transpose_kernel,
            **{key: values[axis] for key, values in columns.items()},
        )
        for axis, n in enumerate(sizes)
    ]


def _show(expr: object) -> str:
    if isinstance(expr, MatMul):
        return " · ".join(str(f) for f in expr.args)
    return str(expr)


def _joined(values: list) -> str:
    texts = [str(v) for v in values]
    return texts[0] if len(set(texts)) == 1 else "x".join(texts)


def _describe(layer: Layer) -> list[str]:
    lines = [f"operator: {_show(layer.operator())}", f"form: {_show(layer.form())}"]
    if layer.op == "conv":
        lo, hi = layer.geometry
        lines.append(f"padding (lo, hi): ({lo}, {hi})")
        pad = "same" if str(layer.padding).lower() == "same" and lo >= 0 else (max(lo, 0), hi)
        if lo >= 0 and hi >= 0:
            found = input_lengths(layer.output_length, layer.m, pad, layer.stride, layer.dilation)
            listed = ", ".join(str(c.length) for c in found)
            lines.append(f"input sizes giving output {layer.output_length}: {listed}")
    else:
        start, end = layer.crop
        full = layer.output_length + start + end
        tail = f" ({-end} zero{'s' if end < -1 else ''} appended)" if end < 0 else ""
        lines.append(
            f"crop of the full q ∗ ↑ₛy (length {full}): {start} at the start, {end} at the "
            f"end{tail}"
        )
        spec = layer.transpose_of
        if spec is None:
            lines.append("transpose of: no conv (it appends zeros no conv's transpose has)")
        else:
            (lo, hi), a = spec
            extra = (
                f", output_padding {a}" if a and layer.framework not in ("torch", "plain") else ""
            )
            lines.append(
                f"transpose of: the conv with padding ({lo}, {hi}), stride {layer.stride}, "
                f"dilation {layer.dilation} on length {layer.output_length}{extra}"
            )
        options = layer.possible_output_lengths()
        if options and layer.framework == "tf":
            listed = ", ".join(str(c.length) for c in options)
            lines.append(f"possible output_shape values for input {layer.n}: {listed}")
        elif options:
            listed = ", ".join(f"{c.length} (output_padding={c.output_padding})" for c in options)
            lines.append(f"possible output sizes for input {layer.n}: {listed}")
        if layer.framework == "torch" and layer.output_padding >= layer.stride:
            explained = explain_output_padding(
                layer.n, layer.m, layer.padding, layer.stride, layer.dilation, layer.output_padding
            )
            lines.append(f"output_padding: {explained.reason}")
        lines.append(f"structurally zero outputs: {structural_zeros(layer.operator())}")
    lines.extend(f"note: {note}" for note in layer.notes)
    return lines


def run(args: argparse.Namespace) -> int:
    """Print the report for one layer; returns the exit status."""
    if getattr(args, "interpolate", None) is not None:
        return _resample_run(args)
    if args.op != "adaptive_avg_pool" and args.kernel is None:
        raise ParameterError(
            "--kernel",
            None,
            "a kernel size such as 3 or 3x3 (needed by every op but adaptive_avg_pool)",
        )
    if args.op in POOL_OPS:
        return _pool_run(args)
    if args.stride is None:
        args.stride = "1"
    layers = _layers(args)
    for layer in layers:  # before printing anything
        # The sizes listed (inputs giving one output, outputs of one input) are one per
        # stride step: checked before they are computed.
        limits.require("items", layer.stride, f"listing the sizes of stride {layer.stride}")
    first = layers[0]
    head = [
        f"input {_joined([x.n for x in layers])}",
        f"kernel {_joined([x.m for x in layers])}",
        f"stride {_joined([x.stride for x in layers])}",
        f"padding {_joined([x.padding for x in layers])}",
        f"dilation {_joined([x.dilation for x in layers])}",
    ]
    if first.op == "conv_transpose" and first.framework in ("torch", "plain"):
        head.append(f"output_padding {_joined([x.output_padding for x in layers])}")
    # The whole report first, then print it: an error (a limit, say) leaves no half report.
    report = [f"{first.framework} {first.op}: {', '.join(head)}"]
    report.append(f"output size: {'x'.join(str(x.output_length) for x in layers)}")
    for axis, layer in enumerate(layers):
        if len(layers) > 1:
            report.append(f"axis {axis} (n={layer.n} -> {layer.output_length}):")
        report.extend(f"  {line}" for line in _describe(layer))
    if args.padding_mode != "zeros":
        report.extend(_padding_mode_report(layers, args.padding_mode))
    if args.port:
        # One call for the whole layer: an N-D call with per-axis tuples when N > 1.
        ported = port(first) if len(layers) == 1 else port_nd(layers)
        verdict = "checked exactly" if ported.check().equal else "CHECK FAILED"
        single = "" if ported.single_call else " (no single PyTorch call does it)"
        indent = "  " if len(layers) == 1 else ""
        report.append(f"{indent}PyTorch: {ported.describe()}{single} [{verdict}]")
    print("\n".join(report))
    if args.compare is None:
        return 0
    return _compare(args, layers)


# --- padding modes: a PyTorch conv with padding_mode (reflect, replicate, circular) -----


def _padding_mode_report(layers: list[Layer], mode: str) -> list[str]:
    """The lines for ``--padding-mode``: the padding the conv module applies before a valid
    correlation (same output size), PyTorch's limit on it, and its transpose."""
    first = layers[0]
    if first.framework != "torch" or first.op != "conv":
        raise ParameterError(
            "--padding-mode", mode, "only with --framework torch --op conv (nn.ConvNd's argument)"
        )
    lines = [f"padding_mode {mode}: the input is padded first, then correlated 'valid'"]
    for axis, layer in enumerate(layers):
        lo, hi = layer.operator().padding
        largest = sizes.largest_pad(layer.n, mode, "torch")
        if largest is not None and max(lo, hi) > largest:
            raise ParameterError(
                "--padding",
                f"{lo}:{hi}",
                f"at most {largest} on an axis of size {layer.n} with padding_mode {mode!r} "
                "(PyTorch's rule)",
            )
        where = f"axis {axis}: " if len(layers) > 1 else ""
        pad = BorderPad(layer.n, lo, hi, mode)
        lines.append(f"  {where}{pad}, padded length {pad.rows}; its transpose: {pad.T}")
    return lines


def _compare(args: argparse.Namespace, layers: list[Layer]) -> int:
    overrides = dict(vars(args))
    for item in filter(None, args.compare.split(",")):
        key, sep, value = item.partition("=")
        key = key.strip().replace("-", "_")
        if not sep or key not in (
            "framework",
            "op",
            "padding",
            "stride",
            "dilation",
            "output_padding",
            "output_size",
            "transpose_kernel",
        ):
            raise ParameterError(
                "--compare",
                item,
                "key=value with key one of framework, op, padding, stride, "
                "dilation, output_padding, output_size, transpose_kernel",
            )
        overrides[key] = value.strip() == "true" if key == "transpose_kernel" else value.strip()
        # output_size and output_padding both fix the length: the one given wins.
        if key == "output_padding":
            overrides["output_size"] = None
        elif key == "output_size":
            overrides["output_padding"] = "0"
    others = _layers(argparse.Namespace(**overrides))
    same = True
    for axis, (left, right) in enumerate(zip(layers, others)):
        result = compare_layers(left, right)
        where = f"axis {axis}: " if len(layers) > 1 else ""
        if result.equal:
            print(f"{where}same linear map (exact, symbolic taps)")
            continue
        same = False
        if result.first_difference is None:
            print(f"{where}different: shapes {result.shapes[0]} and {result.shapes[1]}")
        else:
            i, j, a, b = result.first_difference
            print(
                f"{where}different: shapes {result.shapes[0]}; first differing entry "
                f"({i}, {j}): {a} against {b}"
            )
    print("verdict: " + ("the same linear map" if same else "NOT the same linear map"))
    return 0 if same else 1


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``shapes`` subcommand."""
    parser = subparsers.add_parser(
        "shapes",
        help="output sizes, crops and equivalent forms of a conv layer",
        description=__doc__.split("\n\n")[1],
    )
    parser.add_argument(
        "--framework",
        choices=FRAMEWORKS,
        default="torch",
        help="whose conventions the layer is given in (default torch; plain: the arguments of "
        "symconv.Corr / symconv.ConvTranspose)",
    )
    parser.add_argument(
        "--op",
        choices=OPS + POOL_OPS,
        default="conv",
        help="conv (a framework's conv, a correlation) or conv_transpose (default conv); "
        "PyTorch's avg_pool, unfold (--kernel, --stride, --padding, --dilation for unfold) "
        "or adaptive_avg_pool (--output-size)",
    )
    parser.add_argument("--input", required=True, metavar="N", help="input size: 12 or 4x4")
    parser.add_argument(
        "--kernel",
        default=None,
        metavar="M",
        help="kernel size: 3 or 3x3 (every op but adaptive_avg_pool)",
    )
    parser.add_argument(
        "--stride",
        default=None,
        metavar="S",
        help="stride: 2, or per axis 2x1 (default 1; for avg_pool the kernel size, as PyTorch)",
    )
    parser.add_argument(
        "--padding",
        default="0",
        metavar="P",
        help="per axis an integer or lo:hi (e.g. 1x0:1), or same/valid/full/same_lower",
    )
    parser.add_argument(
        "--dilation", default="1", metavar="D", help="dilation: 2, or per axis 2x1 (default 1)"
    )
    parser.add_argument(
        "--output-padding",
        default="0",
        metavar="A",
        help="transposed conv: PyTorch's output_padding, per axis like --stride (default 0)",
    )
    parser.add_argument(
        "--output-size",
        default=None,
        metavar="N",
        help="transposed conv: PyTorch's output_size or TensorFlow's output_shape",
    )
    parser.add_argument("--transpose-kernel", action="store_true", help="JAX conv_transpose")
    parser.add_argument(
        "--padding-mode",
        choices=("zeros", "reflect", "replicate", "circular"),
        default="zeros",
        help="torch conv: nn.ConvNd's padding_mode (default zeros)",
    )
    parser.add_argument("--port", action="store_true", help="print the PyTorch call that does it")
    parser.add_argument(
        "--compare",
        default=None,
        metavar="KEY=VALUE,...",
        help="a second parameter set (overrides of this one); exit 1 unless the same linear map",
    )
    parser.add_argument(
        "--ceil-mode", action="store_true", help="avg_pool: PyTorch's ceil_mode (last window rule)"
    )
    parser.add_argument(
        "--exclude-pad",
        action="store_true",
        help="avg_pool: count_include_pad=False (divide by the input samples in each window)",
    )
    _register_resample(parser)
    parser.set_defaults(func=run)


# --- pooling and unfold (PyTorch): window counts, the ceil_mode rule, border divisors ---

#: The ops answered by :func:`_pool_run` rather than by the conv/transposed-conv report.
POOL_OPS = ("avg_pool", "adaptive_avg_pool", "unfold")

#: Divisors are listed in full up to this many windows per axis.
_LISTED = 12


def _pool_axis(n: int, k: int, s: int, p: int, ceil: bool, exclude: bool) -> list[str]:
    from symconv import sizes
    from symconv.operators.pooling import AvgPool

    if 2 * p > k:
        raise ParameterError("--padding", p, f"at most half the kernel {k} (PyTorch's rule)")
    pool = AvgPool(n, k, s, p, p, ceil, "input" if exclude else "padded")
    length = int(pool.rows)
    lines = [f"windows: {length} (window i covers [i·{s} − {p}, i·{s} − {p} + {k}))"]
    if ceil:
        documented = -(-(n + 2 * p - k) // s) + 1  # the AvgPool docs' ⌈(n + 2p − k)/s⌉ + 1
        floor = int(sizes.pool_length(n, k, s, p, p))
        last = (length - 1) * s - p
        lines.append(
            f"ceil_mode: the last window starts at {last}, inside the input or the left "
            f"padding ({floor} window(s) without ceil_mode)"
        )
        if documented != length:
            lines.append(
                f"the documented formula gives {documented}: its last window would start at "
                f"{(documented - 1) * s - p} >= n, in the right padding; PyTorch drops it "
                "(pytorch#116420)"
            )
    divisors = [1 / pool.divisor_at(i) for i in range(min(length, _LISTED))]
    shown = ", ".join(f"1/{1 / d}" if d != 1 else "1" for d in divisors)
    more = ", …" if length > _LISTED else ""
    lines.append(f"weights per window: {shown}{more}")
    return lines


def _pool_run(args: argparse.Namespace) -> int:
    """``symconv shapes --op avg_pool|adaptive_avg_pool|unfold``: sizes per axis."""
    from symconv import sizes
    from symconv.operators.pooling import AdaptiveAvgPool

    if args.framework != "torch":
        raise ParameterError("--framework", args.framework, f"torch for --op {args.op}")
    inputs = _ints("--input", args.input)
    axes = len(inputs)
    report = [f"torch {args.op}: input {'x'.join(map(str, inputs))}"]
    if args.op == "adaptive_avg_pool":
        if args.output_size is None:
            raise ParameterError("--output-size", None, "the output size, e.g. 3 or 3x2")
        outputs = _per_axis("--output-size", _ints("--output-size", args.output_size), axes)
        report.append(f"output size: {'x'.join(map(str, outputs))}")
        for axis, (n, length) in enumerate(zip(inputs, outputs)):
            pool = AdaptiveAvgPool(n, length)
            windows = [(int(pool.start(i)), int(pool.end(i))) for i in range(min(length, _LISTED))]
            more = ", …" if length > _LISTED else ""
            report.append(f"axis {axis}: windows [⌊i·n/L⌋, ⌈(i+1)·n/L⌉): {windows}{more}")
        print("\n".join(report))
        return 0
    kernel = _per_axis("--kernel", _ints("--kernel", args.kernel), axes)
    # PyTorch's avg_pool stride defaults to the kernel size, unfold's to 1.
    default = "x".join(map(str, kernel)) if args.op == "avg_pool" else "1"
    stride = _per_axis("--stride", _ints("--stride", args.stride or default), axes)
    padding = _per_axis("--padding", _ints("--padding", args.padding), axes)
    if args.op == "unfold":
        dilation = _per_axis("--dilation", _ints("--dilation", args.dilation), axes)
        blocks = [
            int(sizes.unfold_blocks(n, k, d, p, p, s))
            for n, k, d, p, s in zip(inputs, kernel, dilation, padding, stride)
        ]
        if min(blocks) < 1:
            raise ParameterError("--kernel", args.kernel, "blocks that fit the padded input")
        total, taps = 1, 1
        for b, k in zip(blocks, kernel):
            total, taps = total * b, taps * k
        report.append(f"output: (C·{taps}, {total}) — blocks per axis {blocks}")
        print("\n".join(report))
        return 0
    lines = [
        _pool_axis(n, k, s, p, args.ceil_mode, args.exclude_pad)
        for n, k, s, p in zip(inputs, kernel, stride, padding)
    ]
    report.append(f"output size: {'x'.join(line[0].split()[1] for line in lines)}")
    for axis, axis_lines in enumerate(lines):
        if axes > 1:
            report.append(f"axis {axis} (n={inputs[axis]}):")
        report.extend(f"  {line}" for line in axis_lines)
    print("\n".join(report))
    return 0


# --- resampling: F.interpolate / tf.image.resize / jax.image.resize --------------------


def _register_resample(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(
        "resampling",
        "with --interpolate MODE: the output size and per-axis operator of "
        "F.interpolate (torch), tf.image.resize (tf) or jax.image.resize (jax)",
    )
    group.add_argument(
        "--interpolate",
        default=None,
        metavar="MODE",
        help="the framework's mode/method name, e.g. bilinear, nearest-exact, bicubic, area",
    )
    group.add_argument("--size", default=None, metavar="N", help="output size: 8 or 8x8")
    group.add_argument(
        "--scale-factor", default=None, metavar="F", help="torch: scale factor, 2 or 1.5x2"
    )
    group.add_argument("--align-corners", action="store_true", help="torch: align_corners=True")
    group.add_argument(
        "--recompute-scale-factor", action="store_true", help="torch: recompute_scale_factor=True"
    )


def _floats(name: str, text: str) -> list[float]:
    try:
        return [float(v) for v in text.lower().split("x")]
    except ValueError:
        raise ParameterError(name, text, "numbers per axis, e.g. 2 or 1.5x2") from None


def _resample_run(args: argparse.Namespace) -> int:
    """The output size and the operator of each axis of a resampling call."""
    from sympy.matrices.expressions import KroneckerProduct

    from symconv.frameworks import jax_resample, tf_resample, torch_resample

    sizes = _ints("--input", args.input)
    size = (
        None if args.size is None else _per_axis("--size", _ints("--size", args.size), len(sizes))
    )
    mode = args.interpolate
    if args.framework == "torch":
        factor = None
        if args.scale_factor is not None:
            factor = _per_axis(
                "--scale-factor", _floats("--scale-factor", args.scale_factor), len(sizes)
            )
        interpolating = mode in ("linear", "bilinear", "trilinear", "bicubic")
        op = torch_resample.interpolate(
            sizes,
            size=size,
            scale_factor=factor,
            mode=mode,
            align_corners=args.align_corners if interpolating else None,
            recompute_scale_factor=True if args.recompute_scale_factor else None,
        )
        call = f"F.interpolate(mode={mode!r}, size={size}, scale_factor={factor}"
        if interpolating:
            call += f", align_corners={args.align_corners}"
        call += f", recompute_scale_factor={args.recompute_scale_factor or None})"
    elif size is None:
        raise ParameterError("--size", None, f"the output size ({args.framework} takes a size)")
    elif args.framework == "tf":
        if len(sizes) != 2:
            raise ParameterError("--input", args.input, "H x W (tf.image.resize is 2-D)")
        op, call = tf_resample.resize(sizes, size, mode), f"tf.image.resize(size={size}, {mode!r})"
    elif args.framework == "jax":
        op = jax_resample.resize(sizes, size, mode, antialias=False)
        call = f"jax.image.resize(shape={tuple(size)}, method={mode!r}, antialias=False)"
    else:
        raise ParameterError("--framework", args.framework, "torch, tf or jax with --interpolate")
    axes = list(op.args) if isinstance(op, KroneckerProduct) else [op]
    lines = [f"{args.framework} {call} on input {'x'.join(map(str, sizes))}"]
    lines.append(f"output size: {'x'.join(str(a.rows) for a in axes)}")
    for axis, (n, factor_op) in enumerate(zip(sizes, axes)):
        lines.append(f"axis {axis} (n={n} -> {factor_op.rows}): {factor_op}")
        if isinstance(getattr(factor_op, "scale", None), sp.Rational):
            i = sp.Symbol("i")
            lines.append(f"  src(i) = {factor_op.scale * i + factor_op.offset}")
    print("\n".join(lines))
    return 0
