"""symconv.Network against published receptive fields, U-Net's sizes and a brute-force oracle.

Published numbers: the table of the google-research ``receptive_field`` package README
(also in Araujo, Norris & Sim, "Computing Receptive Fields of Convolutional Neural
Networks", Distill 2019), computed on the TF-Slim models at 224×224; and U-Net
(Ronneberger, Fischer & Brox 2015): a 572×572 tile gives a 388×388 map, and "all 2x2
max-pooling operations are applied to a layer with an even x- and y-size".

The oracle (``_apply``) is a few loops over NumPy arrays, sharing no code with symconv:
every layer of a random chain is run on unit impulses, and the samples each output
depends on, the sizes and the window of a conv chain are read off the results.
"""

import itertools
import random

import numpy as np
import pytest
import sympy as sp

from symconv import Network, ParameterError, sizes
from symconv.frameworks import onnx as onnx_adapters
from symconv.network import Layer, Merge, Node, SizeRule, parse_spec


def conv(k, s=1, p=0, d=1):
    return Layer("conv", k, stride=s, padding=p, dilation=d)


def maxpool(k, s, p=0):
    return Layer("pool", k, stride=s, padding=p, linear=False)


# -- the published networks, from their TF-Slim layer lists --------------------------------


def alexnet_v2():
    # conv1 11x11/4 VALID, pool 3x3/2 VALID, conv2 5x5 SAME, pool, conv3-5 3x3 SAME, pool5.
    return (
        [conv(11, 4), maxpool(3, 2), conv(5, p=2), maxpool(3, 2)]
        + [conv(3, p=1)] * 3
        + [maxpool(3, 2)]
    )


def vgg_16():
    layers = []
    for convs in (2, 2, 3, 3, 3):
        layers += [conv(3, p=1)] * convs + [maxpool(2, 2)]
    return layers


def mobilenet_v1():
    # conv 3x3/2 then 13 depthwise-separable blocks; TF SAME padding throughout.
    layers = [conv(3, 2, "same")]
    for s in (1, 2, 1, 2, 1, 2, 1, 1, 1, 1, 1, 2, 1):
        layers += [conv(3, s, "same"), conv(1)]
    return layers


def resnet_v1(units):
    """TF-Slim resnet_v1: conv2d_same 7x7/2, max_pool 3x3/2 SAME, bottleneck units.

    conv2d_same pads k − 1 split (k−1)//2 first; the stride of a block sits in the 3x3
    conv of its last unit; the shortcut is a strided 1x1 conv (or sub-sampling: the
    same geometry).
    """
    nodes = [
        Node("conv1", conv(7, 2, 3), ("input",)),
        Node("pool1", Layer("pool", 3, stride=2, padding="same", linear=False), ("conv1",)),
    ]
    previous = "pool1"
    for block, (count, stride) in enumerate(zip(units, (2, 2, 2, 1))):
        for unit in range(count):
            s = stride if unit == count - 1 else 1
            u = f"block{block + 1}/unit{unit + 1}"
            nodes += [
                Node(u + "/conv1", conv(1), (previous,)),
                Node(u + "/conv2", conv(3, s, 1), (u + "/conv1",)),
                Node(u + "/conv3", conv(1), (u + "/conv2",)),
                Node(u + "/shortcut", conv(1, s), (previous,)),
                Node(u, Merge("add"), (u + "/conv3", u + "/shortcut")),
            ]
            previous = u
    return nodes


class Graph:
    """Builds Inception-style graphs: chains, and mixed blocks whose branches are concatenated.

    All convs pad SAME (stride 1: symmetric) unless given ``p=0`` (VALID), as in TF-Slim.
    """

    def __init__(self):
        self.nodes, self.last = [], "input"

    def _add(self, op, inputs):
        name = f"{len(self.nodes) + 1}:{getattr(op, 'kind', '')}"
        self.nodes.append(Node(name, op, tuple(inputs)))
        return name

    def chain(self, layers, start=None):
        last = start or self.last
        for layer in layers:
            last = self._add(layer, (last,))
        return last

    def mixed(self, branches, residual=False):
        """Branches from the current output, concatenated; a branch may itself split in two
        (``(head, [left, right])``). With ``residual``, a 1x1 conv and a sum with the input."""
        start, ends = self.last, []
        for branch in branches:
            if isinstance(branch, tuple):
                head, parts = branch
                top = self.chain(head, start)
                ends.append(self._add(Merge("cat"), [self.chain(part, top) for part in parts]))
            else:
                ends.append(self.chain(branch, start))
        self.last = self._add(Merge("cat"), ends)
        if residual:
            self.last = self._add(Merge("add"), (self.chain([conv(1)]), start))


def same(k, s=1):
    return conv(k, s, "same")


def avgpool3():
    return Layer("pool", 3, padding="same")


def inception_v2():
    g = Graph()
    g.last = g.chain([same(7, 2), Layer("pool", 3, 2, "same", linear=False), same(1), same(3),
                      Layer("pool", 3, 2, "same", linear=False)])  # fmt: skip
    plain = [[same(1)], [same(1), same(3)], [same(1), same(3), same(3)], [avgpool3(), same(1)]]
    reduce = [[same(1), same(3, 2)], [same(1), same(3), same(3, 2)],
              [Layer("pool", 3, 2, "same", linear=False)]]  # fmt: skip
    for block in [plain] * 2 + [reduce] + [plain] * 4 + [reduce] + [plain] * 2:
        g.mixed(block)
    return g.nodes


def _factorised(*sides):
    return [same(1)] + [same(side) for side in sides]


def inception_v3():
    g = Graph()
    g.last = g.chain([conv(3, 2), conv(3), same(3), maxpool(3, 2), conv(1), conv(3), maxpool(3, 2)])
    a = [[same(1)], [same(1), same(5)], [same(1), same(3), same(3)], [avgpool3(), same(1)]]
    reduce_a = [[conv(3, 2)], [same(1), same(3), conv(3, 2)], [maxpool(3, 2)]]
    b = [[same(1)], _factorised((1, 7), (7, 1)),
         _factorised((7, 1), (1, 7), (7, 1), (1, 7)), [avgpool3(), same(1)]]  # fmt: skip
    reduce_b = [[same(1), conv(3, 2)], [*_factorised((1, 7), (7, 1)), conv(3, 2)], [maxpool(3, 2)]]
    split = [[same((1, 3))], [same((3, 1))]]
    c = [[same(1)], ([same(1)], split), ([same(1), same(3)], split), [avgpool3(), same(1)]]
    for block in [a] * 3 + [reduce_a] + [b] * 4 + [reduce_b] + [c] * 2:
        g.mixed(block)
    return g.nodes


def inception_v4():
    g = Graph()
    g.last = g.chain([conv(3, 2), conv(3), same(3)])
    g.mixed([[maxpool(3, 2)], [conv(3, 2)]])
    g.mixed([[same(1), conv(3)], [*_factorised((1, 7), (7, 1)), conv(3)]])
    g.mixed([[conv(3, 2)], [maxpool(3, 2)]])
    a = [[avgpool3(), same(1)], [same(1)], [same(1), same(3)], [same(1), same(3), same(3)]]
    reduce_a = [[conv(3, 2)], [same(1), same(3), conv(3, 2)], [maxpool(3, 2)]]
    b = [[same(1)], _factorised((1, 7), (7, 1)),
         _factorised((7, 1), (1, 7), (7, 1), (1, 7)), [avgpool3(), same(1)]]  # fmt: skip
    reduce_b = [[same(1), conv(3, 2)], [*_factorised((1, 7), (7, 1)), conv(3, 2)], [maxpool(3, 2)]]
    split = [[same((1, 3))], [same((3, 1))]]
    c = [[same(1)], ([same(1)], split), (_factorised((3, 1), (1, 3)), split),
         [avgpool3(), same(1)]]  # fmt: skip
    for block in [a] * 4 + [reduce_a] + [b] * 7 + [reduce_b] + [c] * 3:
        g.mixed(block)
    return g.nodes


def inception_resnet_v2():
    g = Graph()
    g.last = g.chain([conv(3, 2), conv(3), same(3), maxpool(3, 2), conv(1), conv(3), maxpool(3, 2)])
    g.mixed([[same(1)], [same(1), same(5)], [same(1), same(3), same(3)], [avgpool3(), same(1)]])
    for _ in range(10):  # block35
        g.mixed([[same(1)], [same(1), same(3)], [same(1), same(3), same(3)]], residual=True)
    g.mixed([[conv(3, 2)], [same(1), same(3), conv(3, 2)], [maxpool(3, 2)]])
    for _ in range(20):  # block17
        g.mixed([[same(1)], _factorised((1, 7), (7, 1))], residual=True)
    g.mixed([[same(1), conv(3, 2)], [same(1), conv(3, 2)], [same(1), same(3), conv(3, 2)],
             [maxpool(3, 2)]])  # fmt: skip
    for _ in range(10):  # block8
        g.mixed([[same(1)], _factorised((1, 3), (3, 1))], residual=True)
    g.last = g.chain([conv(1)])
    return g.nodes


PUBLISHED = {  # name: (layers, r, S, P) from the receptive_field README table
    "alexnet_v2": (alexnet_v2(), 195, 32, 64),
    "vgg_16": (vgg_16(), 212, 32, 90),
    "inception_v2": (inception_v2(), 699, 32, 318),
    "inception_v3": (inception_v3(), 1311, 32, 618),
    "inception_v4": (inception_v4(), 2071, 32, 998),
    "inception_resnet_v2": (inception_resnet_v2(), 3039, 32, 1482),
    "mobilenet_v1": (mobilenet_v1(), 315, 32, 126),
    "resnet_v1_50": (resnet_v1((3, 4, 6, 3)), 483, 32, 239),
    "resnet_v1_101": (resnet_v1((3, 4, 23, 3)), 1027, 32, 511),
    "resnet_v1_152": (resnet_v1((3, 8, 36, 3)), 1507, 32, 751),
    "resnet_v1_200": (resnet_v1((3, 24, 36, 3)), 1763, 32, 879),
}


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_published_receptive_fields(name):
    layers, r, stride, padding = PUBLISHED[name]
    net = Network(layers, input_size=(224, 224))
    assert net.receptive_field() == (r, r)
    assert net.effective_stride() == (stride, stride)
    assert net.effective_padding() == (padding, padding)
    assert net.unaligned_merges() == {}
    # the package's centre formula: -P + i*S + (r - 1)/2
    first = -padding + sp.Rational(r - 1, 2)
    assert net.centre((0, 2)) == (first, first + 2 * stride)


def test_the_readme_s_inception_resnet_v2_centre():
    # "the feature at position [0, 2] ... is centered in the original image in the
    # position [37, 101]" (receptive_field README, at the 299x299 input of the model)
    net = Network(inception_resnet_v2(), input_size=(299, 299))
    assert net.centre((0, 2)) == (37, 101)
    assert net.layer_sizes()[-1][1] == (8, 8)


def test_same_padding_makes_the_effective_padding_depend_on_the_size():
    # TF SAME with stride 2 pads (0, 1) on even sizes and (1, 1) on odd ones.
    net = Network(mobilenet_v1())
    assert net.effective_padding(224) == (126,)
    assert net.effective_padding(225) == (157,)  # every stride-2 layer pads (1, 1) there
    with pytest.raises(ParameterError, match="depends on it"):
        Network(mobilenet_v1()).effective_padding()


def test_vgg_16_table_grows_as_the_recurrence_says():
    # r_l = r_{l-1} + (k_l - 1) * S_{l-1}, S_l = S_{l-1} * s_l: written out for VGG-16.
    rows = Network(vgg_16(), input_size=224).table()
    r, s = 1, 1
    for row, layer in zip(rows[1:], vgg_16()):
        r, s = r + (layer.kernel[0] - 1) * s, s * layer.stride[0]
        assert (row["r"], row["S"]) == ((r,), (s,))
    assert rows[-1]["size"] == (7,)


# -- U-Net ------------------------------------------------------------------------------------


def unet(padding=0):
    """Ronneberger et al.'s U-Net: two 3x3 convs per level, 2x2 max-pool, 2x2 up-conv,
    copy-and-crop skip connections, a final 1x1 conv."""
    nodes, previous, skips = [], "input", []

    def add(name, op, inputs=None):
        nonlocal previous
        nodes.append(Node(name, op, inputs or (previous,)))
        previous = name

    for level in range(4):
        add(f"down{level}/a", conv(3, p=padding))
        add(f"down{level}/b", conv(3, p=padding))
        skips.append(previous)
        add(f"pool{level}", maxpool(2, 2))
    add("bottom/a", conv(3, p=padding))
    add("bottom/b", conv(3, p=padding))
    for level in reversed(range(4)):
        add(f"up{level}", Layer("conv_transpose", 2, stride=2))
        add(f"cat{level}", Merge("cat", crop=True), (previous, skips[level]))
        add(f"up{level}/a", conv(3, p=padding))
        add(f"up{level}/b", conv(3, p=padding))
    add("output", conv(1))
    return Network(nodes, input_size=(572, 572))


def test_unet_572_gives_388_with_the_paper_s_crops():
    net = unet()
    sizes = dict(net.layer_sizes())
    assert sizes["output"] == (388, 388)
    # the copied maps 568, 280, 136, 64 are cropped to 392, 200, 104, 56 (figure 1)
    assert [sizes[f"down{level}/b"][0] for level in range(4)] == [568, 280, 136, 64]
    assert [sizes[f"up{level}"][0] for level in range(4)] == [392, 200, 104, 56]
    crops = net.crops()
    assert crops["cat0 <- down0/b"] == ((88, 88), (88, 88))
    assert crops["cat3 <- down3/b"] == ((4, 4), (4, 4))
    # output pixel (0, 0) is centred on input pixel (92, 92): (572 - 388) / 2
    assert net.centre((0, 0)) == (92, 92)
    assert net.effective_stride() == (1, 1)
    # output 0 reads input samples 0..187 exactly (the tile overlap of the paper's figure 2)
    assert net.inputs((0, 0)) == (tuple(range(188)),) * 2
    assert not net.linear


def test_unet_valid_sizes():
    net = unet()
    exact, accepted, aligned = (
        net.size_rule(which)[0] for which in ("exact", "accepted", "aligned")
    )
    assert exact == SizeRule(188, 16, (12,))
    assert str(exact) == "n ≡ 12 (mod 16), n ≥ 188"
    assert 572 in exact and 556 in exact and 573 not in exact and 172 not in exact
    assert net.input_sizes(1, 600, "exact") == list(range(188, 601, 16))
    assert str(accepted) == "n ≥ 188"  # floor pooling runs on every size from 188 on
    assert aligned.start is None  # valid convolutions: the skips always need a crop
    # with padding 1 the skips line up exactly when 16 divides n
    padded = unet(padding=1)
    assert padded.size_rule("aligned")[0] == SizeRule(16, 16, (0,))
    assert padded.input_sizes(1, 100, "aligned") == [16, 32, 48, 64, 80, 96]
    assert padded.crops(32) == {}
    # at 24 the floors of the pools leave every skip longer than the up-sampled map
    assert padded.crops(24)["cat3 <- down3/b"] == ((0, 1), (0, 1))
    assert padded.crops(24)["cat0 <- down0/b"] == ((4, 4), (4, 4))


# -- the brute-force oracle -------------------------------------------------------------------


def _apply(layer, x):
    """One layer on a 1-D signal, by loops (positive taps: no cancellation)."""
    kind = layer.kind
    if kind in ("conv", "pool"):
        k, s, d = layer.kernel[0], layer.stride[0], layer.dilation[0]
        lo, hi = layer.padding[0]
        xp = np.concatenate([np.zeros(lo), x, np.zeros(hi)])
        length = (len(xp) - d * (k - 1) - 1) // s + 1
        return np.array([sum(xp[i * s + t * d] * (t + 1) for t in range(k)) for i in range(length)])
    if kind == "conv_transpose":
        k, s, d, a = layer.kernel[0], layer.stride[0], layer.dilation[0], layer.output_padding[0]
        lo, hi = layer.padding[0]
        full = np.zeros((len(x) - 1) * s + d * (k - 1) + 1)
        for j in range(len(x)):
            for t in range(k):
                full[j * s + t * d] += x[j] * (t + 1)
        full = np.concatenate([full, np.zeros(max(a - hi, 0))])
        return full[lo : len(full) - max(hi - a, 0)]
    if kind == "upsample":
        return np.repeat(x, layer.stride[0])
    if kind == "pad":  # a negative amount crops
        lo, hi = layer.padding[0]
        kept = x[max(-lo, 0) : len(x) - max(-hi, 0)]
        return np.concatenate([np.zeros(max(lo, 0)), kept, np.zeros(max(hi, 0))])
    return x


def _random_layer(rng):
    kind = rng.choice(["conv", "conv", "pool", "conv_transpose", "upsample", "pad", "pointwise"])
    k, s, d = rng.randint(1, 4), rng.randint(1, 3), rng.randint(1, 2)
    p = (rng.randint(0, 2), rng.randint(0, 2))
    if kind == "conv":
        return Layer("conv", k, stride=s, padding=(p,), dilation=d)
    if kind == "pool":
        return Layer("pool", k, stride=s, padding=(p,), linear=False)
    if kind == "conv_transpose":
        return Layer("conv_transpose", k, s, (p,), d, output_padding=rng.randint(0, s - 1))
    if kind == "upsample":
        return Layer("upsample", stride=s)
    if kind == "pad":
        return Layer("pad", padding=(p,))
    return Layer("pointwise")


def _name(chain):
    return " | ".join(layer.describe() for layer in chain)


def _chains(count, seed):
    rng = random.Random(seed)
    return [[_random_layer(rng) for _ in range(rng.randint(1, 5))] for _ in range(count)]


def _run(layers, n):
    """Output sizes of every layer and the dependence matrix (outputs x inputs), or None."""
    x = np.eye(n)
    lengths = []
    outputs = []
    for j in range(n):
        y = x[j]
        lens = []
        for layer in layers:
            if len(y) < 1:
                return None
            y = _apply(layer, y)
            lens.append(len(y))
        if len(y) < 1:
            return None
        lengths = lens
        outputs.append(y)
    return lengths, np.array(outputs).T


@pytest.mark.parametrize("chain", _chains(60, 1), ids=_name)
def test_sizes_and_dependence_match_the_loops(chain):
    net = Network(chain)
    for n in (5, 9, 16):
        ran = _run(chain, n)
        accepted = n in net.input_sizes(n, n)
        if ran is None:
            assert not accepted
            continue
        assert accepted
        lengths, dependence = ran
        assert [size for _, (size,) in net.layer_sizes(n)[1:]] == lengths
        for i in range(dependence.shape[0]):
            assert net.inputs((i,), n) == (tuple(np.flatnonzero(dependence[i])),)


@pytest.mark.parametrize("seed", range(20))
def test_window_of_a_conv_chain_is_the_hull_of_its_impulse_response(seed):
    # Without padding or dropped rows, the samples output i depends on fill Araujo's
    # window [S*i - P, S*i - P + r - 1] exactly (all taps positive, dilation 1).
    rng = random.Random(seed)
    chain = [
        Layer(rng.choice(["conv", "pool"]), rng.randint(1, 4), stride=rng.randint(1, 3))
        for _ in range(rng.randint(1, 4))
    ]
    net = Network(chain)
    n = net.input_sizes(1, 200, "exact")[2]
    _, dependence = _run(chain, n)
    (r,), (s,), (p,) = net.receptive_field(n), net.effective_stride(n), net.effective_padding(n)
    for i in range(dependence.shape[0]):
        deps = np.flatnonzero(dependence[i])
        assert (deps[0], deps[-1]) == (s * i - p, s * i - p + r - 1)
        assert net.window((i,), n) == ((s * i - p, s * i - p + r - 1),)
        assert net.centre((i,), n) == (s * i - p + sp.Rational(r - 1, 2),)


@pytest.mark.parametrize("chain", _chains(40, 2), ids=_name)
def test_every_window_contains_the_samples_it_depends_on(chain):
    # Transposed convs and up-sampling have fractional strides: the window is an affine
    # envelope, so it must contain every sample the output really depends on.
    net = Network(chain)
    sizes = net.input_sizes(1, 40)
    assert sizes  # every random chain accepts some size below 40
    n = sizes[0] + 3 if sizes[0] + 3 in sizes else sizes[0]
    _, dependence = _run(chain, n)
    for i in range(dependence.shape[0]):
        ((start, end),) = net.window((i,), n)
        deps = np.flatnonzero(dependence[i])
        assert all(start <= j <= end for j in deps)


@pytest.mark.parametrize("chain", _chains(40, 3), ids=_name)
def test_size_rule_matches_every_size_up_to_300(chain):
    net = Network(chain)
    for which in ("accepted", "exact"):
        (rule,) = net.size_rule(which)
        assert net.input_sizes(1, 300, which) == [n for n in range(1, 301) if n in rule]


def test_exact_sizes_are_those_the_loops_use_completely():
    # "exact": no strided layer cuts rows off the end; with every kernel at least as long
    # as its stride that means every input sample reaches some output (checked by impulses).
    chain = [conv(3, 2), maxpool(2, 2), conv(4, 3)]
    net = Network(chain)
    exact = net.input_sizes(1, 60, "exact")
    for n in range(1, 61):
        ran = _run(chain, n)
        if ran is None:
            assert n not in exact
            continue
        _, dependence = ran
        used = dependence.any(axis=0).all()
        assert used == (n in exact)


def test_branches_that_are_not_centred_alike_are_reported():
    def net(pad):
        return Network(
            [
                Node("a", conv(3), ("input",)),  # centre i + 1
                Node("c", Layer("pad", padding=(pad,)), ("a",)),
                Node("b", conv(3, p=1), ("input",)),  # centre i
                Node("sum", Merge("add"), ("c", "b")),
            ],
            input_size=10,
        )

    centred = net((1, 1))  # pad 1 on each side: centre i again
    assert centred.layer_sizes()[-1] == ("sum", (10,))
    assert centred.unaligned_merges() == {}
    assert (centred.receptive_field(), centred.effective_padding()) == ((3,), (1,))
    shifted = net((2, 0))  # same sizes, but the first branch is centred on i - 1
    assert shifted.layer_sizes()[-1] == ("sum", (10,))
    assert shifted.unaligned_merges() == {"sum (axis 0)": "centres -1, 0"}
    # the hull of the two windows [i-2, i] and [i-1, i+1]
    assert shifted.window((5,)) == ((3, 6),)
    assert (shifted.receptive_field(), shifted.effective_padding()) == ((4,), (2,))
    assert shifted.inputs((5,)) == ((3, 4, 5, 6),)
    with pytest.raises(ParameterError, match="branches of 'sum' have equal sizes"):
        net((1, 0)).layer_sizes()


def test_two_dimensional_layers_are_per_axis():
    net = Network([Layer("conv", (3, 5), stride=(1, 2), padding=(1, 2)), maxpool(2, 2)], (8, 10))
    assert net.layer_sizes()[-1][1] == (4, 2)
    assert net.receptive_field() == (4, 7)
    assert net.effective_stride() == (2, 4)
    assert net.effective_padding() == (1, 2)


def test_fractional_strides_of_transposed_layers():
    net = Network([Layer("conv_transpose", 4, stride=2, padding=1), Layer("upsample", stride=3)])
    assert net.effective_stride() == (sp.Rational(1, 6),)
    assert net.layer_sizes(5)[-1][1] == (30,)
    # output 7 is a copy of transposed-conv output 2 = w_0·x_1 + w_2·x_0 (k=4, s=2, p=1)
    assert net.inputs((7,), 5) == ((0, 1),)
    assert net.window((7,), 5) == ((sp.Rational(-1, 6), sp.Rational(5, 3)),)


# -- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make, name",
    [
        (lambda: Layer("dense", 3), "kind"),
        (lambda: Layer("conv", 0), "kernel"),
        (lambda: Layer("conv", 3, padding="half"), "padding"),
        (lambda: Layer("conv_transpose", 3, stride=2, output_padding=2), "output_padding"),
        (lambda: Layer("conv", 3, output_padding=1), "output_padding"),
        (lambda: Merge("mul"), "merge"),
        (lambda: Layer("upsample", 3, stride=2), "kernel"),
        (lambda: Layer("pointwise", stride=2), "stride"),
        (lambda: Layer("pad", 1, stride=2, padding=1), "stride"),
        (lambda: Network([]), "layers"),
        (lambda: Network([conv((3, 3)), conv((3, 3, 3))]), "layers"),
        (lambda: Network([Node("a", conv(3), ("b",))]), "inputs of 'a'"),
        (lambda: Network([conv(5)]).layer_sizes(3), "input_size"),
        (lambda: Network([conv(3)]).operator(), "network"),
        (lambda: Network([maxpool(2, 2)], 4).operator(), "network"),
        (lambda: Network([conv(3)]).inputs((9,), 5), "index"),
    ],
)
def test_bad_input_is_a_parameter_error(make, name):
    with pytest.raises(ParameterError) as error:
        make()
    assert error.value.name == name


def test_receptive_field_figure_colours_the_samples_read():
    pytest.importorskip("matplotlib")  # the docs extra, as in tests/test_figures.py
    from symconv import figures

    spec = "conv k=3 p=1; conv k=3 s=2 p=1; conv k=3 p=1; conv k=3 s=2 p=1"
    fig = figures.receptive_field(spec=spec, n=16, index=1)
    title = fig.axes[0].get_title()
    assert title == "output 1: r = 13, S = 4, P = 6; window [-2, 10], reads 11 samples"
    from matplotlib.colors import to_rgba

    orange = [p for p in fig.axes[0].patches if p.get_facecolor() == to_rgba(figures.ONE)]
    net = Network.from_spec(spec, 16)
    assert len(orange) == sum(len(v) for v in net.dependence((1,)).values())
    with pytest.raises(ParameterError, match="the same number of axes"):
        figures.receptive_field(spec="conv k=3x3", n=8)  # a 2-D layer on a 1-D input


def test_size_rule_threshold_is_found_however_far_it_is():
    # crop 503 samples, then a 3-tap stride-2 conv (needs 3) and a 2x2 pool (needs 2):
    # n - 503 >= 3 + 2·(2 - 1), and the loops agree on every size around it
    chain = [Layer("pad", padding=((-500, -3),)), conv(3, 2), maxpool(2, 2)]
    net = Network(chain)
    (rule,) = net.size_rule("accepted")
    assert str(rule) == "n ≥ 508"
    assert [n for n in range(500, 520) if _run(chain, n) is not None] == list(range(508, 520))
    (exact,) = net.size_rule("exact")
    assert str(exact) == "n ≡ 0 (mod 4), n ≥ 508"  # (n - 506)/2 + 1 even again for the pool
    assert net.input_sizes(1, 600, "exact") == [n for n in range(1, 601) if n in exact]


def test_linear_parts_are_split_by_nonlinear_layers():
    relu = Layer("pointwise", linear=False, name="relu")
    chain = Network([conv(3), relu, conv(3), conv(3), maxpool(2, 2), conv(1)])
    assert chain.linear_parts() == [["1:conv"], ["3:conv", "4:conv"], ["6:conv"]]
    # U-Net: the skips join every encoder level to the decoder, so its linear layers form
    # one piece, linear jointly in the four max-pool outputs and the input
    net = unet()
    (part,) = net.linear_parts()
    assert sorted(part + net.nonlinear_layers()) == sorted(n.name for n in net.nodes)


def test_same_padding_is_tensorflow_s_rule():
    for n, k, s, d in itertools.product(range(1, 20), range(1, 6), range(1, 4), range(1, 3)):
        layer = Layer("conv", k, stride=s, padding="same", dilation=d)
        assert layer.pads(0, n) == tuple(sizes.same_padding(n, k, s, d))


def test_same_and_same_lower_are_onnx_s_auto_pads():
    # ONNX's SAME_UPPER is "same", SAME_LOWER puts the odd extra at the start
    for n, k, s, d in itertools.product(range(1, 20), range(1, 6), range(1, 4), range(1, 3)):
        for rule, auto_pad in (("same", "SAME_UPPER"), ("same_lower", "SAME_LOWER")):
            layer = Layer("conv", k, stride=s, padding=rule, dilation=d)
            assert layer.pads(0, n) == onnx_adapters.conv_same_pads(n, k, s, d, auto_pad)
    layer = Layer("pool", 2, stride=2, padding="SAME_LOWER", linear=False)
    assert layer.describe() == "maxpool k=2 s=2 p=same_lower"
    (node,) = parse_spec(layer.describe())
    assert node.op == Layer("pool", 2, stride=2, padding="same_lower", linear=False, name=node.name)
    with pytest.raises(ParameterError, match="explicit amounts for a conv_transpose"):
        Layer("conv_transpose", 3, padding="same_lower")
    # stride 2: the split changes with n, so the effective padding needs a size
    net = Network([Layer("conv", 4, stride=2, padding="same_lower")])
    # n = 8: total 2 → (1, 1); n = 9: total 3 → (2, 1) (SAME_UPPER would give (1, 2))
    assert net.effective_padding(8) == (1,) and net.effective_padding(9) == (2,)
    with pytest.raises(ParameterError, match="depends on it"):
        net.effective_padding()


@pytest.mark.parametrize("which", ["accepted", "exact", "aligned"])
def test_size_rules_of_graphs_match_every_size(which):
    # branches: the period is the lcm over paths (32 here), not the product of all strides
    for net in (Network(resnet_v1((1, 1, 1, 1))), Network(inception_v3()), unet(padding=1)):
        rule = net.size_rule(which)[0]
        assert net.input_sizes(1, 400, which) == [n for n in range(1, 401) if n in rule]
    assert Network(inception_v3()).period() == 32
