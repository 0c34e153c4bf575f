"""``symconv network``: sizes, receptive fields and valid input sizes of a whole network.

SPEC is a file or an inline string with one layer per line (or separated by ``;``)::

    conv k=3 s=2 p=1 d=1    # kernel, stride, padding, dilation; per axis 3x5, p=lo:hi, p=same
    conv_transpose k=2 s=2 p=0 a=1   # a = output_padding
    maxpool k=2 s=2         # avgpool (or pool) is linear, maxpool is not
    upsample s=2            # nearest up-sampling by 2
    pad p=1                 # zero padding (negative: a crop); p=2:0 is (lo, hi)
    relu                    # any pointwise layer: relu, gelu, sigmoid, tanh, bn, dropout, ...
    skip: conv k=3          # "name:" labels a layer's output
    conv k=1 s=2 from=skip  # from= takes another layer's output (or "input") as the input
    add skip                # elementwise sum of the current output and "skip"
    cat skip crop           # concatenation; "crop" centre-crops "skip" to the current size

Prints one row per layer (output size, and the receptive field r, effective stride S
and effective padding P from the input to that layer, per axis) and a summary: the
output size, r, S, P of the network (Araujo et al., Distill 2019), merges whose
branches are not centred alike, the layers that are not linear, the window and exact
input samples of one output index, and the input sizes the network accepts, the ones
where no strided layer drops rows, and the ones where every merge lines up without a
crop, each in closed form. Exit status 2 on a bad spec, with its line and column.

Examples
--------
>>> from symconv.cli import main
>>> main(["network", "conv k=3 p=1; conv k=3 p=1; maxpool k=2 s=2", "--input", "8"])
network: 3 layers, input 8
  #  name       layer               size  r  S  P
  0  input      input                  8  1  1  0
  1  1:conv     conv k=3 s=1 p=1       8  3  1  1
  2  2:conv     conv k=3 s=1 p=1       8  5  1  2
  3  3:maxpool  maxpool k=2 s=2 p=0    4  6  2  2
output size: 4
receptive field 6, effective stride 2, effective padding 2
not linear: 3:maxpool
output 0: window [-2, 3], centre 1/2, reads input 0..3 (4 samples)
accepted input sizes: n ≥ 2
exact (no rows dropped): n ≡ 0 (mod 2), n ≥ 2
aligned (no crops): n ≥ 2
0
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Any

import sympy as sp

from symconv.errors import ParameterError, SymconvError
from symconv.network import SIZE_SETS, Layer, Merge, Network, Node

__all__ = ["parse_spec", "register", "run"]

#: Words that name a pointwise layer, and whether it is linear.
POINTWISE = {
    **dict.fromkeys(("pointwise", "identity", "bn", "batchnorm", "dropout", "flatten"), True),
    **dict.fromkeys(
        ("relu", "leakyrelu", "gelu", "silu", "elu", "sigmoid", "tanh", "softmax", "nonlinear"),
        False,
    ),
}
#: Layer words and the :class:`~symconv.network.Layer` kind (and linearity) they stand for.
LAYERS = {
    "conv": ("conv", True),
    "conv_transpose": ("conv_transpose", True),
    "deconv": ("conv_transpose", True),
    "pool": ("pool", True),
    "avgpool": ("pool", True),
    "maxpool": ("pool", False),
    "upsample": ("upsample", True),
    "pad": ("pad", True),
}
OPTIONS = {"k": "kernel", "s": "stride", "p": "padding", "d": "dilation", "a": "output_padding"}
_NAME = re.compile(r"[A-Za-z_][\w./-]*$")


class SpecError(SymconvError):
    """A layer-list spec that cannot be read: where, and what was expected."""

    def __init__(self, line: int, column: int, message: str) -> None:
        self.line, self.column = line, column
        super().__init__(f"spec line {line}, column {column}: {message}")


def _values(key: str, text: str, where: tuple[int, int]) -> Any:
    """``3`` → 3, ``3x5`` → (3, 5); padding also ``lo:hi`` per axis and ``same``."""
    if key == "p" and text.lower() == "same":
        return "same"
    out: list[Any] = []
    for part in text.lower().split("x"):
        try:
            if key == "p" and ":" in part:
                lo, hi = part.split(":")
                out.append((int(lo), int(hi)))
            else:
                out.append(int(part))
        except ValueError:
            what = "integers per axis (3 or 3x5)" + (", lo:hi or same" if key == "p" else "")
            raise SpecError(*where, f"{key}={text!r}: expected {what}") from None
    return out[0] if len(out) == 1 and not isinstance(out[0], tuple) else tuple(out)


def parse_spec(text: str) -> list[Node]:
    """The network graph of a layer-list spec (see the module notes for the syntax).

    Examples
    --------
    >>> [n.op.describe() for n in parse_spec("conv k=3x5 s=2 p=1:0; relu")]
    ['conv k=3,5 s=2 p=1:0', 'pointwise nonlinear']
    >>> parse_spec("conv k=3 q=1")
    Traceback (most recent call last):
    ...
    symconv.cli.network.SpecError: spec line 1, column 10: unknown option 'q' (k s p d a from)
    """
    nodes: list[Node] = []
    previous = "input"
    names = {"input"}
    lines = [(number, line) for number, raw in enumerate(text.splitlines(), 1)
             for line in [raw]]  # fmt: skip
    statements = []
    for number, line in lines:
        column = 1
        for part in line.split(";"):
            statements.append((number, column, part))
            column += len(part) + 1
    for number, start, statement in statements:
        code = statement.split("#", 1)[0]
        tokens = [(m.start() + start, m.group()) for m in re.finditer(r"\S+", code)]
        if not tokens:
            continue
        label = None
        if tokens[0][1].endswith(":"):
            label = tokens[0][1][:-1]
            if not _NAME.match(label) or label in names:
                why = "already used" if label in names else "a name like enc1 or block2/conv"
                raise SpecError(number, tokens[0][0], f"label {label!r}: {why}")
            tokens = tokens[1:]
            if not tokens:
                raise SpecError(number, start, f"label {label!r} without a layer")
        (column, word), rest = tokens[0], tokens[1:]
        kind = word.lower()
        name = label or f"{len(nodes) + 1}:{kind}"
        try:
            if kind in ("add", "cat"):
                node = _merge(kind, name, previous, rest, names, number)
            else:
                node = _layer(kind, name, previous, rest, names, number, column)
        except ParameterError as error:
            raise SpecError(number, column, str(error)) from None
        nodes.append(node)
        names.add(node.name)
        previous = node.name
    if not nodes:
        raise SpecError(1, 1, "no layers (one layer per line, e.g. 'conv k=3 s=2 p=1')")
    return nodes


def _merge(kind: str, name: str, previous: str, rest: list, names: set, number: int) -> Node:
    others, crop = [], False
    for column, token in rest:
        if token.lower() == "crop":
            crop = True
        elif token in names:
            others.append(token)
        else:
            known = ", ".join(sorted(names))
            raise SpecError(number, column, f"{token!r} is not an earlier layer (known: {known})")
    if not others:
        raise SpecError(number, 1, f"{kind} needs the label of another layer, e.g. '{kind} skip'")
    return Node(name, Merge(kind, crop, name), (previous, *others))


def _layer(
    kind: str, name: str, previous: str, rest: list, names: set, number: int, column: int
) -> Node:
    if kind in POINTWISE:
        linear, options = POINTWISE[kind], {}
        layer_kind = "pointwise"
    elif kind in LAYERS:
        layer_kind, linear = LAYERS[kind]
        options = {}
    else:
        words = ", ".join([*LAYERS, "add", "cat", *POINTWISE])
        raise SpecError(number, column, f"unknown layer {kind!r} (expected one of {words})")
    source = previous
    for where, token in rest:
        key, sep, value = token.partition("=")
        if key == "from" and sep:
            if value not in names:
                raise SpecError(number, where, f"from={value!r}: not an earlier layer or 'input'")
            source = value
            continue
        if not sep or key not in OPTIONS or not value:
            raise SpecError(number, where, f"unknown option {key!r} (k s p d a from)")
        if layer_kind == "pointwise":
            raise SpecError(number, where, f"{kind} takes no {key}=")
        options[OPTIONS[key]] = _values(key, value, (number, where))
    if layer_kind in ("conv", "conv_transpose", "pool") and "kernel" not in options:
        raise SpecError(number, column, f"{kind} needs a kernel size k=")
    if layer_kind == "pool" and "stride" not in options:
        options["stride"] = options["kernel"]  # as every framework's pooling
    return Node(name, Layer(layer_kind, linear=linear, name=name, **options), (source,))


def _read(spec: str) -> str:
    path = Path(spec)
    if "\n" not in spec and ";" not in spec and path.suffix and path.is_file():
        return path.read_text(encoding="utf-8")
    if "\n" not in spec and ";" not in spec and path.suffix in (".txt", ".net", ".spec"):
        raise ParameterError("SPEC", spec, "an existing file or an inline layer list")
    return spec


def _sizes(text: str | None) -> tuple[int, ...] | None:
    if text is None:
        return None
    try:
        return tuple(int(v) for v in re.split(r"[,x]", text.lower()))
    except ValueError:
        raise ParameterError("--input", text, "sizes per axis: 572 or 572,572") from None


def _number(value: object) -> Any:
    """JSON form of an exact number: an int, or the string of a fraction."""
    value = sp.nsimplify(value)
    return int(value) if value.is_Integer else str(value)


def _axes(values: tuple) -> str:
    texts = [str(v) for v in values]
    return texts[0] if len(set(texts)) == 1 else "x".join(texts)


def _samples(samples: tuple[int, ...]) -> str:
    if not samples:
        return "no input sample"
    if samples == tuple(range(samples[0], samples[-1] + 1)):
        return f"input {samples[0]}..{samples[-1]} ({len(samples)} samples)"
    return f"inputs {list(samples)}"


def _report(net: Network, size: tuple[int, ...], index: tuple[int, ...]) -> dict[str, Any]:
    rows = net.table(size)
    inputs = net.inputs(index, size)
    return {
        "input_size": list(size),
        "layers": [
            {
                "name": row["name"],
                "layer": row["layer"],
                "size": list(row["size"]),
                "receptive_field": [_number(v) for v in row["r"]],
                "effective_stride": [_number(v) for v in row["S"]],
                "effective_padding": [_number(v) for v in row["P"]],
                "linear": row["linear"],
            }
            for row in rows
        ],
        "output_size": list(rows[-1]["size"]),
        "receptive_field": [_number(v) for v in net.receptive_field(size)],
        "effective_stride": [_number(v) for v in net.effective_stride(size)],
        "effective_padding": [_number(v) for v in net.effective_padding(size)],
        "unaligned_merges": net.aligned(size),
        "crops": {k: [list(c) for c in v] for k, v in net.crops(size).items()},
        "nonlinear_layers": net.nonlinear_layers(),
        "output_index": list(index),
        "window": [[_number(a), _number(b)] for a, b in net.window(index, size)],
        "centre": [_number(c) for c in net.centre(index, size)],
        "inputs": [list(axis) for axis in inputs],
        "input_sizes": {
            which: [None if r is None else str(r) for r in net.size_rule(which)]
            for which in SIZE_SETS
        },
    }


def _text(report: dict[str, Any]) -> list[str]:
    layers = report["layers"]
    head = ["#", "name", "layer", "size", "r", "S", "P"]
    table = [
        [str(i), row["name"], row["layer"], _axes(row["size"]),
         _axes(row["receptive_field"]), _axes(row["effective_stride"]),
         _axes(row["effective_padding"])]
        for i, row in enumerate(layers)
    ]  # fmt: skip
    widths = [max(len(r[c]) for r in [head, *table]) for c in range(len(head))]
    left = {1, 2}

    def line(cells: list[str]) -> str:
        out = [
            c.ljust(w) if k in left else c.rjust(w) for k, (c, w) in enumerate(zip(cells, widths))
        ]
        return "  " + "  ".join(out).rstrip()

    lines = [f"network: {len(layers) - 1} layers, input {_axes(report['input_size'])}"]
    lines += [line(head)] + [line(row) for row in table]
    lines.append(f"output size: {_axes(report['output_size'])}")
    lines.append(
        f"receptive field {_axes(report['receptive_field'])}, effective stride "
        f"{_axes(report['effective_stride'])}, effective padding "
        f"{_axes(report['effective_padding'])}"
    )
    for merge, why in report["unaligned_merges"].items():
        lines.append(f"not aligned: {merge}: {why}")
    for merge, cuts in report["crops"].items():
        lines.append(f"crop {merge}: " + " x ".join(f"{lo}:{hi}" for lo, hi in cuts))
    if report["nonlinear_layers"]:
        lines.append("not linear: " + ", ".join(report["nonlinear_layers"]))
    else:
        lines.append("linear: every layer (a linear map up to biases)")
    index = _axes(report["output_index"])
    windows = " x ".join(f"[{a}, {b}]" for a, b in report["window"])
    reads = " x ".join(_samples(tuple(axis)) for axis in report["inputs"])
    lines.append(
        f"output {index}: window {windows}, centre {_axes(report['centre'])}, reads {reads}"
    )
    labels = {
        "accepted": "accepted input sizes",
        "exact": "exact (no rows dropped)",
        "aligned": "aligned (no crops)",
    }
    for which, rules in report["input_sizes"].items():
        text = _axes(tuple("no closed form" if r is None else r for r in rules))
        lines.append(f"{labels[which]}: {text}")
    return lines


def run(args: argparse.Namespace) -> int:
    """Print the network report; returns the exit status."""
    nodes = parse_spec(_read(args.spec))
    net = Network(nodes, _sizes(args.input))
    size = net.input_size
    if size is None:
        starts = [rule.start if rule else None for rule in net.size_rule("accepted")]
        if None in starts:
            raise ParameterError("--input", None, "an input size (none found automatically)")
        size = tuple(starts)
    index = _sizes(args.index) if args.index else (0,) * net.rank
    report = _report(net, size, index)
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print("\n".join(_text(report)))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``network`` subcommand."""
    parser = subparsers.add_parser(
        "network",
        help="per-layer sizes, receptive field, stride, padding and valid input sizes",
        description=__doc__.split("\n\nExamples")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("spec", metavar="SPEC", help="a layer-list file or inline string")
    parser.add_argument(
        "--input",
        default=None,
        metavar="N",
        help="input size: 572, or per axis 572,572 (default: the smallest size accepted)",
    )
    parser.add_argument(
        "--index", default=None, metavar="I", help="the output index to locate (default 0)"
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.set_defaults(func=run)
