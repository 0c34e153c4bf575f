"""``symconv network``: sizes, receptive fields and valid input sizes of a whole network.

SPEC is an ONNX model (a file named ``*.onnx``; needs the onnx package, takes its
input size from the model unless --input gives one, and ends at --output NAME if
given), or a file or an inline string with one layer per line (or separated by ``;``)::

    conv k=3 s=2 p=1 d=1    # kernel, stride, padding, dilation; 3x5 per axis; p=lo:hi, p=same
    skip: relu              # "name:" labels a layer's output; relu, gelu, bn, ... keep sizes
    maxpool k=2 s=2         # avgpool (or pool) is linear, maxpool is not
    pad p=1:0               # zero padding, lo:hi (a negative amount crops)
    conv_transpose k=3 s=2 p=2 a=1   # a = output_padding
    cat skip crop           # concatenation; "crop" centre-crops "skip" to the current size
    conv k=1 s=2 from=skip  # from= takes another layer's output (or "input") as the input
    upsample s=2            # nearest up-sampling by 2
    add skip                # elementwise sum of the current output and "skip"

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
linear parts: 1:conv, 2:conv
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

from symconv.errors import ParameterError
from symconv.network import SIZE_SETS, Network, SpecError, parse_spec

__all__ = ["SpecError", "parse_spec", "register", "run"]


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


def _span(text: str | None) -> tuple[int, int] | None:
    """``--sizes LOW:HIGH``, at most 100000 sizes (each is one pass over the layers)."""
    if text is None:
        return None
    try:
        low, high = (int(v) for v in text.split(":"))
    except ValueError:
        raise ParameterError("--sizes", text, "LOW:HIGH, e.g. 1:600") from None
    if not 1 <= low <= high or high - low > 100_000:
        raise ParameterError("--sizes", text, "1 <= LOW <= HIGH, at most 100000 sizes")
    return low, high


def _number(value: object) -> Any:
    """JSON form of an exact number: an int, or the string of a fraction."""
    value = sp.nsimplify(value)
    return int(value) if value.is_Integer else str(value)


def _numbers(values: tuple | None) -> list | None:
    """JSON form of per-axis numbers; None (not stated) stays None."""
    return None if values is None else [_number(v) for v in values]


def _axes(values: tuple | None) -> str:
    if values is None:  # behind a resample layer: no window map is stated
        return "-"
    texts = [str(v) for v in values]
    return texts[0] if len(set(texts)) == 1 else "x".join(texts)


def _samples(samples: tuple[int, ...]) -> str:
    if not samples:
        return "no input sample"
    if samples == tuple(range(samples[0], samples[-1] + 1)):
        return f"input {samples[0]}..{samples[-1]} ({len(samples)} samples)"
    return f"inputs {list(samples)}"


def _report(
    net: Network, size: tuple[int, ...], index: tuple[int, ...], span: tuple[int, int] | None
) -> dict[str, Any]:
    rows = net.table(size)
    stated = rows[-1]["r"] is not None  # no window map is stated across a resample layer
    inputs = net.inputs(index, size)
    listed = {}
    if span is not None:
        listed = {
            which: [net.input_sizes(*span, which, axis) for axis in range(net.rank)]
            for which in SIZE_SETS
        }
    return {
        "input_size": list(size),
        "layers": [
            {
                "name": row["name"],
                "layer": row["layer"],
                "size": list(row["size"]),
                "receptive_field": _numbers(row["r"]),
                "effective_stride": _numbers(row["S"]),
                "effective_padding": _numbers(row["P"]),
                "linear": row["linear"],
            }
            for row in rows
        ],
        "output_size": list(rows[-1]["size"]),
        "receptive_field": _numbers(rows[-1]["r"]),
        "effective_stride": _numbers(rows[-1]["S"]),
        "effective_padding": _numbers(rows[-1]["P"]),
        "unaligned_merges": net.unaligned_merges(size),
        "crops": {k: [list(c) for c in v] for k, v in net.crops(size).items()},
        "nonlinear_layers": net.nonlinear_layers(),
        "linear_parts": net.linear_parts(),
        "output_index": list(index),
        "window": [[_number(a), _number(b)] for a, b in net.window(index, size)]
        if stated
        else None,
        "centre": _numbers(net.centre(index, size)) if stated else None,
        "resample_layers": net.resample_layers(),
        "inputs": [list(axis) for axis in inputs],
        "input_sizes": {
            which: [None if r is None else str(r) for r in net.size_rule(which)]
            for which in SIZE_SETS
        },
        "input_sizes_in_range": listed,
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
    if report["window"] is None:
        lines.append(
            "receptive field, effective stride and padding: not stated (no affine window map "
            f"across the resample layers {', '.join(report['resample_layers'])})"
        )
    else:
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
        parts = " | ".join(", ".join(part) for part in report["linear_parts"])
        lines.append(f"linear parts: {parts or 'none'}")
    else:
        lines.append("linear: every layer (a linear map up to biases)")
    index = _axes(report["output_index"])
    reads = " x ".join(_samples(tuple(axis)) for axis in report["inputs"])
    if report["window"] is None:
        lines.append(f"output {index}: reads {reads}")
    else:
        windows = " x ".join(f"[{a}, {b}]" for a, b in report["window"])
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
        for axis, sizes in enumerate(report["input_sizes_in_range"].get(which, [])):
            where = f" (axis {axis})" if len(report["input_size"]) > 1 else ""
            lines.append(f"  in range{where}: {', '.join(map(str, sizes)) or 'none'}")
    return lines


def _network(spec: str, sizes: tuple[int, ...] | None, output: str | None) -> Network:
    """An ONNX model (by its suffix), or a layer-list file or inline spec."""
    if "\n" not in spec and ";" not in spec and Path(spec).suffix.lower() == ".onnx":
        if not Path(spec).is_file():
            raise ParameterError("SPEC", spec, "an existing ONNX file")
        return Network.from_onnx(spec, sizes, output=output)
    if output is not None:
        raise ParameterError("--output", output, "no --output with a layer-list spec")
    return Network.from_spec(_read(spec), sizes)


def run(args: argparse.Namespace) -> int:
    """Print the network report; returns the exit status."""
    net = _network(args.spec, _sizes(args.input), args.output)
    size = net.input_size
    if size is None:
        starts = [rule.start if rule else None for rule in net.size_rule("accepted")]
        if None in starts:
            raise ParameterError("--input", None, "an input size (none found automatically)")
        size = tuple(starts)
    index = _sizes(args.index) if args.index else (0,) * net.rank
    report = _report(net, size, index, _span(args.sizes))
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
    parser.add_argument(
        "spec", metavar="SPEC", help="an ONNX model (*.onnx), a layer-list file or inline string"
    )
    parser.add_argument(
        "--input",
        default=None,
        metavar="N",
        help="input size: 572, or per axis 572,572 (default: the ONNX model's, else the "
        "smallest size accepted)",
    )
    parser.add_argument(
        "--index", default=None, metavar="I", help="the output index to locate (default 0)"
    )
    parser.add_argument(
        "--sizes",
        default=None,
        metavar="LOW:HIGH",
        help="also list the accepted, exact and aligned input sizes in this range",
    )
    parser.add_argument(
        "--output",
        default=None,
        metavar="NAME",
        help="ONNX: end the network at this node or tensor (e.g. before a classifier's head)",
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.set_defaults(func=run)
