"""Framework adapters without the frameworks: user questions and cross-framework identities."""

import numpy as np
import pytest
import sympy as sp

from symconv import ConvTransposeNd, ParameterError, explicit
from symconv.frameworks import jax as sj
from symconv.frameworks import tf as stf
from symconv.frameworks import torch as st
from symconv.operators.channels import weight_tensor


def test_output_padding_is_not_zero_padding():
    """ConvTranspose2d(3, s=2, p=1, output_padding=1) on a 1×1 one gives [[5,6],[8,9]]."""
    w = np.arange(1.0, 10.0).reshape(1, 1, 3, 3)
    assert explicit(st.conv_transpose2d(w, (1, 1), 2, 1, 1)) == sp.Matrix([5, 6, 8, 9])
    # With p = 0 the extra row and column are structural zeros.
    M = explicit(st.conv_transpose2d(w, (1, 1), 2, 0, 1)).reshape(4, 4)
    assert M.row(3) == sp.zeros(1, 4) and M.col(3) == sp.zeros(4, 1)


def test_tf_same_port_to_pytorch_padding_1_output_padding_1_is_shifted():
    """Porting SAME: TF SAME (n=12, m=3, s=2) is not PyTorch's padding=1, output_padding=1."""
    w1 = [[[1, 2, 3]]]
    tf_op = stf.conv1d_transpose(np.array(w1).reshape(3, 1, 1), 6, (12,), 2, "SAME")
    torch_op = st.conv_transpose1d(w1, 6, stride=2, padding=1, output_padding=1)
    assert tf_op.shape == torch_op.shape == (12, 6)
    assert explicit(tf_op) != explicit(torch_op)
    # TF's is the full transposed conv (length 13) cropped to its first 12 rows.
    full = explicit(st.conv_transpose1d(w1, 6, stride=2))
    assert explicit(tf_op) == full[:12, :]


def test_weight_layouts():
    """Weight layouts: conv (C_out, C_in/g, k), conv_transpose (C_in, C_out/g, k), one map."""
    assert st.conv2d(np.ones((30, 5, 5, 5)), (9, 9), groups=2).channels == (30, 10)
    assert st.conv_transpose2d(np.ones((10, 15, 5, 5)), (5, 5), groups=2).channels == (30, 10)
    w = weight_tensor("w", (4, 1, 3, 3))
    assert (
        ConvTransposeNd(w, (2, 2), stride=2, output_padding=1, groups=2)
        == st.conv2d(w, (6, 6), 2, groups=2).T
    )


def test_stride_1_dilation_2_output_padding_1_appends_zeros_beyond_the_padding():
    """PyTorch accepts a=1 with s=1, d=2; past the padding it only appends zeros."""
    w = [[[1, 2, 3]]]
    op = st.conv_transpose1d(w, 3, 1, 0, 1, 1, 2)
    assert op.shape == (8, 3)
    assert explicit(op).row(7) == sp.zeros(1, 3)
    uncropped = st.conv_transpose1d(w, 3, 1, 1, 1, 1, 2)  # a <= p: an ordinary transpose
    assert isinstance(uncropped, ConvTransposeNd) and uncropped.padding == ((1, 0),)
    with pytest.raises(ParameterError, match="output_padding"):
        st.conv_transpose1d(w, 3, 1, 0, 2, 1, 2)


@pytest.mark.parametrize("k, s", [(1, 2), (2, 3), (3, 2), (4, 2), (5, 3)])
def test_jax_conv_transpose_with_transpose_kernel_is_tf_conv2d_transpose(k, s):
    w = np.random.default_rng(k * 10 + s).integers(-3, 4, size=(k, k, 2, 3))
    for padding, length in [("SAME", 3 * s), ("VALID", 2 * s + k + max(s - k, 0))]:
        jax_op = sj.conv_transpose(w, (3, 3), (s, s), padding, transpose_kernel=True)
        tf_op = stf.conv2d_transpose(w, (3, 3), (length, length), s, padding)
        assert explicit(jax_op) == explicit(tf_op)


def test_adapters_refuse_what_the_frameworks_refuse():
    with pytest.raises(ParameterError, match="padding"):
        st.conv2d(np.ones((1, 1, 3, 3)), (5, 5), stride=2, padding="same")
    with pytest.raises(ParameterError, match="output_shape"):
        stf.conv2d_transpose(np.ones((3, 3, 1, 1)), (2, 2), (6, 6), 2, "SAME")
    with pytest.raises(ParameterError, match="padding"):
        sj.conv_general_dilated(np.ones((1, 1, 3)), 4, (1,), "SAME", lhs_dilation=(2,))
    with pytest.raises(ParameterError, match="dimension_numbers"):
        sj.conv_general_dilated(
            np.ones((1, 1, 3)), 4, (1,), "SAME", None, None, ("CNH", "OIH", "NCH")
        )
