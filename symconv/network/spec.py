"""The layer-list spec language of ``symconv network``: text in, network nodes out."""

from __future__ import annotations

import re
from typing import Any

from symconv.errors import ParameterError, SymconvError
from symconv.network.layers import SAME_RULES, Layer, Merge, Node

__all__ = ["LAYERS", "OPTIONS", "POINTWISE", "SpecError", "parse_spec"]

#: Words that name a pointwise layer, and whether it is linear.
POINTWISE = {
    **dict.fromkeys(("pointwise", "identity", "bn", "batchnorm", "dropout", "flatten"), True),
    **dict.fromkeys(
        ("relu", "leakyrelu", "gelu", "silu", "elu", "sigmoid", "tanh", "softmax", "nonlinear"),
        False,
    ),
}
#: Layer words and the :class:`~symconv.network.layers.Layer` kind (and linearity) they stand for.
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
    """``3`` → 3, ``3x5`` → (3, 5); padding also ``lo:hi`` per axis, ``same``, ``same_lower``."""
    if key == "p" and text.lower() in SAME_RULES:
        return text.lower()
    out: list[Any] = []
    for part in text.lower().split("x"):
        try:
            if key == "p" and ":" in part:
                lo, hi = part.split(":")
                out.append((int(lo), int(hi)))
            else:
                out.append(int(part))
        except ValueError:
            what = "integers per axis (3 or 3x5)" + (
                ", lo:hi, same or same_lower" if key == "p" else ""
            )
            raise SpecError(*where, f"{key}={text!r}: expected {what}") from None
    return out[0] if len(out) == 1 and not isinstance(out[0], tuple) else tuple(out)


def parse_spec(text: str) -> list[Node]:
    """The network graph of a layer-list spec: one layer per line, or separated by ``;``.

    A line is ``[label:] layer [k=K] [s=S] [p=P] [d=D] [a=A] [from=LABEL]`` with the
    layers ``conv``, ``conv_transpose`` (``deconv``), ``pool``/``avgpool``, ``maxpool``,
    ``upsample``, ``pad`` and pointwise words (``relu``, ``bn``, ...); per-axis values
    are written ``3x5``, a padding also ``lo:hi``, ``same`` or ``same_lower``. ``add LABEL`` and
    ``cat LABEL [crop]`` merge the current output with an earlier one. ``#`` starts a
    comment. ``symconv network --help`` shows a full example.

    Examples
    --------
    >>> [n.op.describe() for n in parse_spec("conv k=3x5 s=2 p=1:0; relu")]
    ['conv k=3x5 s=2 p=1:0', 'nonlinear']
    >>> parse_spec("conv k=3 q=1")
    Traceback (most recent call last):
    ...
    symconv.network.spec.SpecError: spec line 1, column 10: unknown option 'q' (k s p d a from)
    """
    nodes: list[Node] = []
    previous = "input"
    names = {"input"}
    statements = []
    for number, line in enumerate(text.splitlines(), 1):
        column = 1
        for part in line.split("#", 1)[0].split(";"):  # a comment may contain ';'
            statements.append((number, column, part))
            column += len(part) + 1
    for number, start, code in statements:
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
