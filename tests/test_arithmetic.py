"""Layer arithmetic and porting: the ten questions users bring, each with its concrete case.

Oracles share no code with symconv: NumPy (np.convolve / np.correlate and
explicit loops), brute-force enumeration of sizes, SymPy differentiation, and
PyTorch / JAX where installed (PyTorch is required when SYMCONV_REQUIRE_TOOLS=1).
"""

from __future__ import annotations

import importlib
import itertools
import os

import numpy as np
import pytest
import sympy as sp
from sympy.matrices.expressions import Identity, KroneckerProduct, MatAdd, MatMul

from symconv import ConvTranspose, Corr, Downsample, Upsample, explicit, kernel, signal
from symconv.arithmetic import (
    explain_output_padding,
    index_map,
    input_lengths,
    output_length,
    overlap_counts,
    prove_input_lengths,
    strided_form,
    structural_zeros,
    transposed_crop,
    transposed_form,
    transposed_output_lengths,
    weight_shape,
    window,
)
from symconv.errors import ParameterError
from symconv.kernels import flip, ones
from symconv.matrices import sparse_matrix
from symconv.porting import Layer, compare, compare_layers, port


def _framework(name: str):
    """Import a framework, skipping without it unless SYMCONV_REQUIRE_TOOLS=1 (then fail)."""
    try:
        module = importlib.import_module(name)
    except ImportError:
        if os.environ.get("SYMCONV_REQUIRE_TOOLS") == "1" and name == "torch":
            pytest.fail(f"{name} is required (SYMCONV_REQUIRE_TOOLS=1) but not installed")
        pytest.skip(f"{name} is not installed")
    if name == "torch":
        # Tiny tensors: PyTorch's thread pool costs ~500x the work on a loaded machine.
        module.set_num_threads(1)
    return module


def _dense(expr) -> np.ndarray:
    rows, cols = (int(v) for v in expr.shape)
    return np.array(explicit(expr).tolist(), dtype=float).reshape(rows, cols)


def _forward_length_bruteforce(n: int, m: int, lo: int, hi: int, s: int, d: int) -> int:
    """Count the window positions by walking them (no formula)."""
    count, start = 0, 0
    while start + d * (m - 1) <= n + lo + hi - 1:
        count, start = count + 1, start + s
    return count


def _torch_matrix(torch, n: int, op: str, w, **kw) -> np.ndarray:
    """The framework's operator, column by column: the batch of all unit vectors."""
    f = torch.nn.functional
    weight = torch.tensor(np.asarray(w, dtype=float)).reshape(1, 1, -1)
    eye = torch.eye(n, dtype=torch.float64).reshape(n, 1, n)
    y = f.conv1d(eye, weight, **kw) if op == "conv" else f.conv_transpose1d(eye, weight, **kw)
    return y[:, 0, :].numpy().T


# -- 1. Output size is not unique: the preimage --------------------------------------


def test_q1_lengths_5_and_6_both_map_to_2():
    assert output_length(5, 3, 0, stride=2) == output_length(6, 3, 0, stride=2) == 2
    assert output_length(4, 3, 0, stride=2) == 1 and output_length(7, 3, 0, stride=2) == 3
    assert [tuple(c) for c in transposed_output_lengths(2, 3, 0, stride=2)] == [(5, 0), (6, 1)]


@pytest.mark.parametrize(
    ("m", "lo", "hi", "s", "d"),
    list(itertools.product((1, 2, 3, 4), (0, 1, 2), (0, 1), (1, 2, 3), (1, 2))),
)
def test_preimage_equals_bruteforce_enumeration(m, lo, hi, s, d):
    by_length: dict[int, list[int]] = {}
    for n in range(1, 40):
        by_length.setdefault(_forward_length_bruteforce(n, m, lo, hi, s, d), []).append(n)
    for L in range(1, 8):
        found = [int(c.length) for c in input_lengths(L, m, (lo, hi), s, d)]
        assert found == by_length.get(L, [])
        # and the output_padding reported is the one sizes.output_padding would need
        for c in input_lengths(L, m, (lo, hi), s, d):
            assert ConvTranspose(ones(m), L, (lo, hi), s, d, c.output_padding).rows == c.length


def test_preimage_same_padding_is_ceil_preimage():
    for L, s in itertools.product(range(1, 6), range(1, 4)):
        found = [int(c.length) for c in input_lengths(L, 3, "same", s)]
        assert found == [n for n in range(1, 30) if -(-n // s) == L]


@pytest.mark.parametrize(
    ("m", "p", "s", "d"), [(3, 0, 2, 1), (4, 1, 3, 2), (1, 0, 1, 1), (5, 2, 4, 3)]
)
def test_preimage_proved_for_symbolic_length(m, p, s, d):
    result = prove_input_lengths(m, p, s, d)
    assert result.passed and "for every L >= 1" in result.detail


def test_preimage_symbolic_length_is_formula():
    L = sp.Symbol("L", integer=True, positive=True)
    lengths = [c.length for c in input_lengths(L, 3, 1, stride=2)]
    assert lengths == [2 * L - 1, 2 * L]


def test_q1_torch_accepts_exactly_the_preimage():
    torch = _framework("torch")
    y = torch.ones(1, 1, 2, dtype=torch.float64)
    w = torch.ones(1, 1, 3, dtype=torch.float64)
    f = torch.nn.functional
    got = {f.conv_transpose1d(y, w, stride=2, output_padding=a).shape[-1] for a in (0, 1)}
    assert got == {5, 6}
    for size in (4, 7):
        with pytest.raises(ValueError):
            torch.nn.ConvTranspose1d(1, 1, 3, stride=2)(y, output_size=[size])
        with pytest.raises(ParameterError, match="from 5 to 6"):
            Layer("torch", "conv_transpose", 2, 3, stride=2, output_size=size)


# -- 2. output_padding is not zero padding --------------------------------------------


def _conv_transpose_2d(K: sp.Matrix, n: int, p: int, s: int, a: int):
    """A general 2-D kernel as Σ K[r,c] e_r ⊗ e_c: a sum of Kronecker products of 1-D ops."""
    m = K.rows
    unit = [tuple(int(t == r) for t in range(m)) for r in range(m)]
    terms = [
        K[r, c]
        * KroneckerProduct(
            ConvTranspose(unit[r], n, p, s, 1, a), ConvTranspose(unit[c], n, p, s, 1, a)
        )
        for r in range(m)
        for c in range(m)
    ]
    return MatAdd(*terms)


def test_q2_output_padding_keeps_values_and_p0_adds_structural_zeros():
    K = sp.Matrix(3, 3, range(1, 10))
    out = sparse_matrix(_conv_transpose_2d(K, 1, 1, 2, 1)).to_Matrix() * sp.ones(1, 1)
    assert out.reshape(2, 2) == sp.Matrix([[5, 6], [8, 9]])
    out0 = (sparse_matrix(_conv_transpose_2d(K, 1, 0, 2, 1)).to_Matrix() * sp.ones(1, 1)).reshape(
        4, 4
    )
    assert out0[:3, :3] == K and out0[3, :] == sp.zeros(1, 4) and out0[:, 3] == sp.zeros(4, 1)
    # structurally zero (zero for every kernel): row/column 3 of each axis, nothing with p=1
    q = kernel("q", 3)
    assert structural_zeros(ConvTranspose(q, 1, 0, 2, 1, 1)) == [3]
    assert structural_zeros(ConvTranspose(q, 1, 1, 2, 1, 1)) == []


def test_q2_against_torch():
    torch = _framework("torch")
    w = torch.arange(1.0, 10.0, dtype=torch.float64).reshape(1, 1, 3, 3)
    x = torch.ones(1, 1, 1, 1, dtype=torch.float64)
    f = torch.nn.functional
    got = f.conv_transpose2d(x, w, stride=2, padding=1, output_padding=1)[0, 0]
    assert got.tolist() == [[5.0, 6.0], [8.0, 9.0]]
    got0 = f.conv_transpose2d(x, w, stride=2, padding=0, output_padding=1)[0, 0].numpy()
    K = sp.Matrix(3, 3, range(1, 10))
    ours = sparse_matrix(_conv_transpose_2d(K, 1, 0, 2, 1)).to_Matrix()
    assert np.array_equal(np.array(ours.tolist(), dtype=float).reshape(4, 4), got0)


# -- 3. padding crops the output of a transposed conv ----------------------------------


@pytest.mark.parametrize(
    ("n", "m", "p", "s", "d", "a"),
    [
        c
        for c in itertools.product((1, 2, 4), (1, 2, 3), (0, 1, 2), (1, 2, 3), (1, 2), (0, 1, 2))
        if c[5] < c[3] and (c[0] - 1) * c[3] - 2 * c[2] + c[4] * (c[1] - 1) + 1 + c[5] >= 1
    ],
)
def test_q3_transposed_conv_is_crop_of_full(n, m, p, s, d, a):
    q = kernel("q", m)
    assert transposed_crop(m, p, s, d, a) == (p, p - a)
    assert compare(transposed_form(q, n, p, s, d, a), ConvTranspose(q, n, p, s, d, a)).equal
    # the full result itself is NumPy's full convolution with the zero-inserted input
    y = np.arange(1.0, n + 1)
    w = np.arange(2.0, m + 2)
    up = np.zeros((n - 1) * s + 1)
    up[::s] = y
    wd = np.zeros(d * (m - 1) + 1)
    wd[::d] = w
    full = np.convolve(up, wd, "full")
    expected = np.concatenate([full, np.zeros(max(a - p, 0))])[p : len(full) - p + a]
    assert np.array_equal(_dense(ConvTranspose(tuple(w.astype(int)), n, p, s, d, a)) @ y, expected)


def test_window_crops_and_pads():
    x = np.arange(1.0, 6.0)
    assert np.array_equal(_dense(window(5, 1, -2)) @ x, [2, 3, 4, 5, 0, 0])
    assert np.array_equal(_dense(window(5, -1, 1)) @ x, [0, 1, 2, 3, 4])
    assert _dense(window(1, 1, -1)).shape == (1, 1) and not _dense(window(1, 1, -1)).any()
    assert window(4, 0, 0) == Identity(4)


def test_strided_form_equals_corr():
    for n, m, p, s, d in itertools.product(
        (3, 5, 8), (1, 2, 3), ("same", 0, 1, (0, 2)), (1, 2, 3), (1, 2)
    ):
        q = kernel("q", m)
        try:
            op = Corr(q, n, p, s, d)
        except ParameterError:
            continue
        assert compare(strided_form(q, n, p, s, d), op).equal


# -- 4. SAME padding and porting between frameworks ------------------------------------


def test_q4_tf_same_transposed_is_full_cropped_to_12():
    q = kernel("q", 3)
    tf = Layer("tf", "conv_transpose", 6, 3, stride=2, padding="SAME", output_size=12)
    assert tf.geometry == (0, 1) and tf.output_length == 12
    full = ConvTranspose(q, 6, 0, 2)
    assert full.rows == 13
    assert compare(tf.operator(), MatMul(window(13, 0, 1), full, evaluate=False)).equal
    # ... which is the adjoint of TF's SAME conv on length 12, padded (0, 1)
    forward = Layer("tf", "conv", 12, 3, stride=2, padding="SAME")
    assert forward.geometry == (0, 1)
    assert compare(tf.operator(), forward.operator().T).equal


def test_q4_obvious_torch_port_is_wrong_by_one():
    tf = Layer("tf", "conv_transpose", 6, 3, stride=2, padding="SAME", output_size=12)
    obvious = Layer("torch", "conv_transpose", 6, 3, stride=2, padding=1, output_padding=1)
    assert obvious.output_length == 12
    result = compare_layers(tf, obvious)
    assert not result.equal and result.first_difference == (0, 0, *kernel("q", 3)[:2])
    # the obvious port is the full result cropped (1, 0): shifted by one
    full = ConvTranspose(kernel("q", 3), 6, 0, 2)
    assert compare(obvious.operator(), MatMul(window(13, 1, 0), full, evaluate=False)).equal
    ported = port(tf)
    assert not ported.single_call and ported.crop_output == (0, 1) and ported.check().equal
    assert ported.call.padding == 0 and ported.call.output_padding == 0


def test_q4_numeric_against_torch():
    torch = _framework("torch")
    f = torch.nn.functional
    rng = np.random.default_rng(4)
    y, w = rng.standard_normal(6), rng.standard_normal(3)
    ours = (
        _dense(
            Layer("tf", "conv_transpose", 6, 3, stride=2, padding="SAME", output_size=12).operator(
                tuple(sp.Float(v, 30) for v in w)
            )
        )
        @ y
    )
    ty, tw = torch.tensor(y).reshape(1, 1, 6), torch.tensor(w).reshape(1, 1, 3)
    port_value = f.conv_transpose1d(ty, tw, stride=2)[0, 0, :12].numpy()
    obvious = f.conv_transpose1d(ty, tw, stride=2, padding=1, output_padding=1)[0, 0].numpy()
    assert np.allclose(ours, port_value) and not np.allclose(ours, obvious)
    assert np.allclose(obvious[:-1], port_value[1:])  # shifted by one


@pytest.mark.parametrize(
    ("n", "m", "s", "d"), list(itertools.product((5, 8, 12), (1, 2, 3, 4, 5), (1, 2, 3), (1, 2)))
)
def test_ports_of_tf_layers_are_exact(n, m, s, d):
    # Strides > 1 with dilations > 1 included: tf.nn.conv1d/conv2d accept them.
    for padding in ("SAME", "VALID"):
        try:
            conv = Layer("tf", "conv", n, m, s, padding, d)
        except ParameterError:
            continue
        ported = port(conv)
        assert ported.check().equal
        lo, hi = conv.geometry
        # SAME's odd extra at the end needs F.pad, except for stride 1 (padding='same')
        assert ported.single_call == (lo == hi or s == 1)
        transposed = Layer(
            "tf", "conv_transpose", conv.output_length, m, s, padding, d, output_size=n
        )
        ported = port(transposed)
        assert ported.check().equal
        # a single call exists iff the SAME total is even or the crop is symmetric
        start, end = transposed.crop
        assert ported.single_call == (start >= 0 and 0 <= start - end < max(s, d))


def test_torch_same_for_stride_1_ports_as_same():
    ported = port(Layer("tf", "conv", 7, 4, 1, "SAME"))
    assert ported.single_call and ported.call.padding == "same" and ported.check().equal


# -- 5. Limits on output_padding --------------------------------------------------------


def test_q5_stride1_dilation2_output_padding_appends_a_zero():
    e = explain_output_padding(4, 3, padding=0, stride=1, dilation=2, output_padding=1)
    assert e.torch_accepts and not e.in_preimage and e.transpose_of is None
    assert e.appended_zeros == 1 and e.length == 9
    assert [int(c.length) for c in input_lengths(4, 3, 0, 1, 2)] == [8]  # the whole preimage
    layer = Layer("torch", "conv_transpose", 4, 3, stride=1, dilation=2, output_padding=1)
    assert layer.transpose_of is None and structural_zeros(layer.operator()) == [8]
    # with padding 1 the same call is the transpose of a conv padded asymmetrically (1, 0)
    e1 = explain_output_padding(4, 3, padding=1, stride=1, dilation=2, output_padding=1)
    assert e1.transpose_of == ((1, 0), 0)
    padded = Layer(
        "torch", "conv_transpose", 4, 3, stride=1, padding=1, dilation=2, output_padding=1
    )
    assert compare(padded.operator(), Corr(kernel("q", 3), 7, (1, 0), 1, 2).T).equal
    with pytest.raises(ParameterError, match="smaller than either stride or dilation"):
        Layer("torch", "conv_transpose", 4, 3, stride=1, dilation=2, output_padding=2)
    with pytest.raises(ParameterError, match="output_padding < stride"):
        ConvTranspose(kernel("q", 3), 4, 0, 1, 2, 1)


def test_q5_against_torch():
    torch = _framework("torch")
    f = torch.nn.functional
    y = torch.arange(1.0, 5.0, dtype=torch.float64).reshape(1, 1, 4)
    w = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64).reshape(1, 1, 3)
    out = f.conv_transpose1d(y, w, stride=1, dilation=2, output_padding=1)[0, 0]
    assert out.shape[-1] == 9 and out[-1] == 0
    with pytest.raises(RuntimeError, match="output padding must be smaller"):
        f.conv_transpose1d(y, w, stride=1, dilation=2, output_padding=2)
    with pytest.raises(RuntimeError, match="output padding must be smaller"):
        f.conv_transpose1d(y, w, stride=2, dilation=1, output_padding=2)


# -- 6. The names: deconvolution is not an inverse -------------------------------------


def test_q6_not_an_inverse_but_up_down_are():
    C = Corr(ones(3), 8, 1, stride=2)
    CtC = explicit(MatMul(C.T, C, evaluate=False))
    assert CtC != sp.eye(8)
    assert explicit(MatMul(Downsample(8, 2), Upsample(4, 2), evaluate=False)) == sp.eye(4)
    projector = explicit(MatMul(Upsample(4, 2), Downsample(8, 2), evaluate=False))
    assert projector == sp.diag(*([1, 0] * 4))


@pytest.mark.parametrize(
    ("n", "m", "s", "p", "a"),
    [(4, 3, 2, 0, 0), (4, 3, 2, 1, 1), (5, 4, 2, 1, 0), (3, 5, 3, 2, 2), (6, 2, 2, 0, 1)],
)
def test_q6_transposed_fractionally_strided_and_subpixel_agree(n, m, s, p, a):
    rng = np.random.default_rng(n * 10 + m)
    y, w = rng.standard_normal(n), rng.integers(1, 9, m)
    transposed = _dense(ConvTranspose(tuple(int(v) for v in w), n, p, s, 1, a)) @ y
    # fractionally strided: stride-1 correlation with flip(w) over the zero-inserted input
    # padded by (m - 1 - p) at the start and (m - 1 - p + a) at the end (NumPy, no symconv)
    up = np.zeros((n - 1) * s + 1)
    up[::s] = y
    padded = np.concatenate([np.zeros(m - 1 - p), up, np.zeros(m - 1 - p + a)])
    fractional = np.correlate(padded, w[::-1], "valid")
    assert np.allclose(transposed, fractional)
    # sub-pixel: phase v of the full result is y convolved with the polyphase kernel w[v::s]
    full = np.convolve(up, w, "full")
    for v in range(s):
        phase = np.convolve(y, w[v::s], "full")[: len(full[v::s])]
        assert np.allclose(full[v::s], phase)


# -- 7. Correlation vs convolution -------------------------------------------------------


def test_q7_conv_is_correlate_transpose_is_convolve():
    rng = np.random.default_rng(7)
    x, w, y = rng.standard_normal(9), rng.integers(-3, 4, 3), rng.standard_normal(4)
    taps = tuple(int(v) for v in w)
    assert np.allclose(_dense(Corr(taps, 9)) @ x, np.correlate(x, w, "valid"))
    for s in (1, 2, 3):
        up = np.zeros((4 - 1) * s + 1)
        up[::s] = y
        assert np.allclose(_dense(ConvTranspose(taps, 4, 0, s)) @ y, np.convolve(up, w, "full"))


def test_q7_against_torch():
    torch = _framework("torch")
    f = torch.nn.functional
    rng = np.random.default_rng(8)
    x, w, y = rng.standard_normal(9), rng.standard_normal(3), rng.standard_normal(4)
    tw = torch.tensor(w).reshape(1, 1, 3)
    conv = f.conv1d(torch.tensor(x).reshape(1, 1, 9), tw)[0, 0].numpy()
    assert np.allclose(conv, np.correlate(x, w, "valid"))
    up = np.zeros(7)
    up[::2] = y
    tconv = f.conv_transpose1d(torch.tensor(y).reshape(1, 1, 4), tw, stride=2)[0, 0].numpy()
    assert np.allclose(tconv, np.convolve(up, w, "full"))


# -- 8. Weight layouts -------------------------------------------------------------------


def test_q8_weight_shapes():
    assert weight_shape("torch", "conv", 10, 30, (5, 5), groups=2) == (30, 5, 5, 5)
    assert weight_shape("torch", "conv_transpose", 10, 30, (5, 5), groups=2) == (10, 15, 5, 5)
    assert weight_shape("tf", "conv_transpose", 10, 30, (5, 5)) == (5, 5, 30, 10)
    assert weight_shape("tf", "conv", 10, 30, (5, 5)) == (5, 5, 10, 30)
    assert weight_shape("jax", "conv", 10, 30, 3) == (30, 10, 3)
    assert weight_shape("jax", "conv_transpose", 10, 30, (3, 3)) == (3, 3, 10, 30)
    with pytest.raises(ParameterError, match="multiple of groups"):
        weight_shape("torch", "conv", 10, 31, 3, groups=2)
    with pytest.raises(ParameterError, match="no groups"):
        weight_shape("tf", "conv_transpose", 10, 30, 3, groups=2)


def test_q8_against_torch_modules():
    torch = _framework("torch")
    nn = torch.nn
    for cls, op in ((nn.Conv2d, "conv"), (nn.ConvTranspose2d, "conv_transpose")):
        for c_in, c_out, k, g in ((10, 30, 5, 2), (4, 6, 3, 1), (6, 6, (2, 3), 3)):
            module = cls(c_in, c_out, k, groups=g)
            size = (k, k) if isinstance(k, int) else k
            assert tuple(module.weight.shape) == weight_shape("torch", op, c_in, c_out, size, g)


def test_q8_jax_flips_unless_transpose_kernel():
    flipped = Layer("jax", "conv_transpose", 4, 3, stride=2, padding="VALID")
    straight = Layer(
        "jax", "conv_transpose", 4, 3, stride=2, padding="VALID", transpose_kernel=True
    )
    q = kernel("q", 3)
    assert compare(flipped.operator(), straight.operator(flip(q))).equal
    assert not compare_layers(flipped, straight).equal
    assert port(flipped).flip_kernel and port(flipped).check().equal


# -- 9. Transposed of what? The VJP of conv1d ------------------------------------------


def test_q9_vjp_by_sympy_differentiation():
    q, x, g = kernel("q", 3), signal("x", 6), signal("g", 2)
    y = explicit(Corr(q, 6, 0, stride=2)) * x
    loss = (g.T * y)[0, 0]
    gradient = sp.Matrix([sp.diff(loss, xi) for xi in x])
    transposed = explicit(ConvTranspose(q, 2, 0, stride=2, output_padding=1)) * g
    assert (gradient - transposed).expand() == sp.zeros(6, 1)
    assert ConvTranspose(q, 2, 0, stride=2, output_padding=0).rows == 5  # a = 0 misses x_5


def test_q9_against_torch_autograd():
    torch = _framework("torch")
    f = torch.nn.functional
    rng = np.random.default_rng(9)
    x = torch.tensor(rng.standard_normal(6)).reshape(1, 1, 6).requires_grad_()
    w = torch.tensor(rng.standard_normal(3)).reshape(1, 1, 3)
    g = torch.tensor(rng.standard_normal(2)).reshape(1, 1, 2)
    (vjp,) = torch.autograd.grad(f.conv1d(x, w, stride=2), x, g)
    assert torch.equal(vjp, f.conv_transpose1d(g, w, stride=2, output_padding=1))


# -- 10. Checkerboard artifacts ----------------------------------------------------------


def _overlap_oracle(n: int, m: int, s: int) -> np.ndarray:
    up = np.zeros((n - 1) * s + 1)
    up[::s] = 1
    return np.convolve(up, np.ones(m), "full")


def test_q10_overlap_counts():
    assert overlap_counts(5, 3, stride=2) == [1, 1, 2, 1, 2, 1, 2, 1, 2, 1, 1]
    assert overlap_counts(5, 2, stride=2) == [1] * 10
    counts = overlap_counts(5, 4, stride=2)
    assert counts[:2] == [1, 1] and counts[-2:] == [1, 1] and set(counts[2:-2]) == {2}
    for n, m, s in itertools.product((3, 6), (1, 2, 3, 4, 6), (1, 2, 3)):
        counts = overlap_counts(n, m, stride=s)
        assert counts == _overlap_oracle(n, m, s).astype(int).tolist()
        interior = counts[m:-m] if len(counts) > 2 * m else []
        if len(interior) >= s:  # a full period of the pattern
            assert (len(set(interior)) == 1) == (m % s == 0)


def test_q10_2d_counts_multiply():
    T = ConvTranspose(ones(3), 4, 0, 2)
    dod = sparse_matrix(KroneckerProduct(T, T)).rep.to_dod()
    counts = np.array([sum(dod.get(i, {}).values()) for i in range(81)]).reshape(9, 9)
    one_d = np.array(overlap_counts(4, 3, stride=2))
    assert np.array_equal(counts, np.outer(one_d, one_d))
    assert set(counts.ravel().tolist()) == {1, 2, 4}


# -- crop offsets: the affine index map ----------------------------------------------------


def _centroids(matrix: np.ndarray, axis: int) -> list[float]:
    weights = matrix if axis == 1 else matrix.T
    idx = np.arange(weights.shape[1])
    return [float(row @ idx / row.sum()) if row.any() else np.nan for row in weights]


@pytest.mark.parametrize(
    ("m", "p", "s", "d"), list(itertools.product((1, 2, 3, 4), (0, 1, 2), (1, 2, 3), (1, 2)))
)
def test_index_map_single_layers(m, p, s, d):
    n = 12
    span = d * (m - 1) + 1
    conv = Corr(ones(m), n, p, s, d)
    f = index_map(conv)
    rows = _dense(conv)
    for i, c in enumerate(_centroids(rows, 1)):
        # rows whose footprint is entirely inside the input are centred on f(i)
        first = i * s - p
        if first >= 0 and first + span <= n:
            assert sp.Rational(c).limit_denominator(100) == f(i)
    transposed = ConvTranspose(ones(m), 5, min(p, span - 1), s, d, 0)
    g = index_map(transposed)
    cols = _dense(transposed)
    lo = transposed.padding[0]
    for j, c in enumerate(_centroids(cols, 0)):
        if j * s - lo >= 0 and j * s - lo + span <= cols.shape[0]:
            # input j is scattered around output c; the map sends c back to j
            assert g(sp.Rational(c).limit_denominator(100)) == j


def test_index_map_chains():
    down = Corr(ones(3), 16, 1, stride=2)
    up = ConvTranspose(ones(4), 8, 1, stride=2)
    assert index_map([down, up]) == index_map(MatMul(up, down, evaluate=False))
    f = index_map([down, up])
    assert (f.scale, f.offset) == (1, sp.Rational(-1, 2))
    # two valid convs: the composite row centroid is the composed map (interior rows)
    a, b = Corr(ones(3), 20, 0, 2), Corr(ones(5), 9, 0, 3, 1)
    composite = _dense(MatMul(b, a, evaluate=False))
    h = index_map([a, b])
    assert [sp.Rational(c).limit_denominator(100) for c in _centroids(composite, 1)] == [
        h(i) for i in range(composite.shape[0])
    ]
    assert (h.scale, h.offset) == (6, 5)


# -- framework conformance on grids ------------------------------------------------------


def test_layers_match_torch_on_a_grid():
    torch = _framework("torch")
    rng = np.random.default_rng(0)
    checked = rejected = 0
    grid = itertools.product(
        ("conv", "conv_transpose"),
        range(1, 6),
        range(1, 5),
        range(1, 4),
        range(0, 3),
        range(1, 3),
        range(0, 3),
    )
    for op, n, m, s, p, d, a in grid:
        if op == "conv" and a:
            continue
        w = rng.integers(1, 9, m)
        kw = {"stride": s, "padding": p, "dilation": d}
        if op == "conv_transpose":
            kw["output_padding"] = a
        try:
            layer = Layer("torch", op, n, m, s, p, d, a)
        except ParameterError:
            rejected += 1
            if rejected % 4 == 0:  # PyTorch's C++ errors are slow to raise: a quarter of them
                with pytest.raises(RuntimeError):
                    _torch_matrix(torch, n, op, w, **kw)
            continue
        expected = _torch_matrix(torch, n, op, w, **kw)
        taps = tuple(int(v) for v in w)
        assert np.array_equal(_dense(layer.operator(taps)), expected), (op, n, m, s, p, d, a)
        assert np.array_equal(_dense(layer.form(taps)), expected)
        checked += 1
    assert checked == 994 and rejected == 446


def test_layers_match_jax_on_a_grid():
    jax = _framework("jax")
    jax.config.update("jax_enable_x64", True)
    lax = jax.lax
    rng = np.random.default_rng(1)
    pads = ("SAME", "VALID", "SAME_LOWER", (0, 0), (1, 0), (0, 2), (-1, 1), (3, 3))
    checked = 0
    # JAX compiles every new shape (~0.2 s each): a small grid, the wide one runs on PyTorch
    for op, n, m, s, d, p, tk in itertools.product(
        ("conv", "conv_transpose"), (5,), (3,), (1, 2), (1, 2), pads, (False, True)
    ):
        if op == "conv" and tk:
            continue
        try:
            layer = Layer("jax", op, n, m, s, p, d, transpose_kernel=tk)
        except ParameterError:
            continue
        w = rng.integers(1, 9, m).astype(float)
        padding = [p] if isinstance(p, tuple) else p
        eye = np.eye(n).reshape(n, 1, n)
        if op == "conv":
            out = lax.conv_general_dilated(
                eye, w.reshape(1, 1, m), (s,), padding, rhs_dilation=(d,)
            )
        else:
            out = lax.conv_transpose(
                eye,
                w.reshape(1, 1, m),
                (s,),
                padding,
                rhs_dilation=(d,),
                dimension_numbers=("NCH", "OIH", "NCH"),
                transpose_kernel=tk,
            )
        expected = np.asarray(out)[:, 0, :].T
        taps = tuple(int(v) for v in w)
        assert np.array_equal(_dense(layer.operator(taps)), expected), (op, n, m, s, d, p, tk)
        assert port(layer).check().equal
        checked += 1
    assert checked > 80


# -- bad input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"framework": "torch", "op": "conv", "n": 4, "m": 3, "stride": 2, "padding": "same"},
            "PyTorch rejects padding='same' for strided",
        ),
        ({"framework": "torch", "op": "conv", "n": 2, "m": 3}, "shorter than the kernel"),
        ({"framework": "torch", "op": "conv", "n": 4, "m": 3, "padding": (0, 1)}, "pads both ends"),
        (
            {
                "framework": "tf",
                "op": "conv_transpose",
                "n": 6,
                "m": 3,
                "stride": 2,
                "padding": "SAME",
                "output_size": 13,
            },
            "maps back to n=6",
        ),
        (
            {"framework": "jax", "op": "conv_transpose", "n": 6, "m": 3, "padding": "SAME_LOWER"},
            "one of 'SAME', 'VALID'",
        ),
        ({"framework": "keras", "op": "conv", "n": 6, "m": 3}, "framework='keras'"),
        (
            {"framework": "torch", "op": "conv", "n": 6, "m": 3, "output_padding": 1},
            "only a PyTorch",
        ),
    ],
)
def test_rejections_name_the_reason(kwargs, message):
    with pytest.raises(ParameterError, match=message):
        Layer(**kwargs)


def test_torch_output_size_selects_output_padding():
    layer = Layer("torch", "conv_transpose", 6, 3, stride=2, padding=1, output_size=12)
    assert layer.output_padding == 1 and layer.output_length == 12
    assert [tuple(c) for c in layer.possible_output_lengths()] == [(11, 0), (12, 1)]
