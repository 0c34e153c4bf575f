"""Whole networks: per-layer sizes, receptive fields, input windows, valid input sizes.

A :class:`Network` is a directed acyclic graph of layers (a chain, or a graph
with skip connections and concatenations) over an N-D input. Per spatial axis
it answers, exactly:

- the size of every layer's output (:meth:`~symconv.network.geometry.Network.layer_sizes`,
  :meth:`~symconv.network.geometry.Network.table`);
- the receptive field r₀, effective stride S₀ and effective padding P₀
  (Araujo, Norris & Sim, "Computing Receptive Fields of Convolutional Neural
  Networks", Distill 2019): output index i of the network depends on inputs
  inside the window [S₀·i − P₀, S₀·i − P₀ + r₀ − 1], centred on
  S₀·i − P₀ + (r₀ − 1)/2 (:meth:`~symconv.network.geometry.Network.window`,
  :meth:`~symconv.network.geometry.Network.centre`);
- the exact input samples output i depends on (:meth:`~symconv.network.geometry.Network.inputs`);
- every input size the network accepts, the sizes where no strided layer drops
  a row, and the ones where every merge of branches lines up without cropping,
  with a closed form "n ≥ n₀, n ≡ r (mod P)" (:meth:`~symconv.network.geometry.Network.input_sizes`,
  :meth:`~symconv.network.geometry.Network.size_rule`);
- where every layer is linear, the network's exact operator
  (:meth:`~symconv.network.geometry.Network.operator`, for networks built with weights by
  :meth:`~symconv.network.geometry.Network.from_torch` or
  :meth:`~symconv.network.geometry.Network.from_onnx`).

Layers are described geometrically by :class:`Layer` (kind, kernel, stride,
padding, dilation, output padding, per axis); merges of branches by
:class:`Merge`. Framework front ends (:meth:`~symconv.network.geometry.Network.from_torch`,
:meth:`~symconv.network.geometry.Network.from_onnx`) translate a model into such a graph,
attaching to each node the symconv operator of the layer.

Transposed convolutions and up-sampling have a fractional stride. A transposed
conv with stride s, kernel extent e = d(m − 1) + 1 and padding lo is treated as
its direct form (Dumoulin & Visin 2016): zeros inserted between the input
samples (stride 1/s), then a stride-1 conv with extent e over that grid, so its
output i depends on inputs j with (i + lo − e + 1)/s ≤ j ≤ (i + lo)/s: in
Araujo's recurrences the layer has stride 1/s, kernel (e − 1)/s + 1 and padding
(e − 1 − lo)/s. Nearest up-sampling by k is the transposed conv with kernel 1ₖ
and stride k. r₀, S₀ and P₀ are then rationals: the extent of the window in
input coordinates; :meth:`~symconv.network.geometry.Network.inputs` gives the integer samples.

Examples
--------
>>> vgg_block = [Layer("conv", 3, padding=1), Layer("conv", 3, padding=1),
...              Layer("pool", 2, stride=2, linear=False)]
>>> net = Network(vgg_block * 2)
>>> net.receptive_field(), net.effective_stride(), net.effective_padding()
((16,), (4,), (6,))
>>> net.window((0,))
((-6, 9),)
>>> str(net.size_rule("exact")[0])
'n ≡ 0 (mod 4), n ≥ 4'

The package's modules: :mod:`symconv.network.layers` (one layer's geometry,
merges, graph nodes), :mod:`symconv.network.geometry` (:class:`Network`,
:class:`SizeRule`), :mod:`symconv.network.spec` (the layer-list language of
``symconv network``), :mod:`symconv.network.builders` (the operators of nodes) and
the framework front ends :mod:`symconv.network.torch` and :mod:`symconv.network.onnx`.
"""

from symconv.network.geometry import SIZE_SETS, Network, SizeRule
from symconv.network.layers import INPUT, KINDS, MERGES, SAME_RULES, Layer, Merge, Node
from symconv.network.spec import SpecError, parse_spec

__all__ = [
    "INPUT",
    "KINDS",
    "MERGES",
    "SAME_RULES",
    "SIZE_SETS",
    "Layer",
    "Merge",
    "Network",
    "Node",
    "SizeRule",
    "SpecError",
    "parse_spec",
]
