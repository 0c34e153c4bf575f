"""``symconv shapes``: each layer-arithmetic question answered on the command line."""

from __future__ import annotations

import shlex

import pytest

from symconv.cli import main


def _run(capsys, command: str) -> tuple[int, str, str]:
    """``symconv shapes <command>``: its exit status, standard output and standard error."""
    status = main(["shapes", *shlex.split(command)])
    out, err = capsys.readouterr()
    return status, out, err


def test_q1_possible_sizes_of_a_transposed_conv(capsys):
    status, out, _ = _run(capsys, "--op conv_transpose --input 2 --kernel 3 --stride 2")
    assert status == 0 and "output size: 5" in out
    assert "possible output sizes for input 2: 5 (output_padding=0), 6 (output_padding=1)" in out
    status, out, _ = _run(capsys, "--input 6 --kernel 3 --stride 2")
    assert "output size: 2" in out and "input sizes giving output 2: 5, 6" in out


@pytest.mark.parametrize("size", ["4", "7"])
def test_q1_impossible_output_sizes_exit_2(capsys, size):
    command = f"--op conv_transpose --input 2 --kernel 3 --stride 2 --output-size {size}"
    status, out, err = _run(capsys, command)
    assert status == 2 and out == "" and "a size from 5 to 6" in err


def test_q2_and_q3_crop_bounds_and_structural_zeros(capsys):
    common = "--op conv_transpose --input 1x1 --kernel 3x3 --stride 2 --output-padding 1"
    status, out, _ = _run(capsys, f"{common} --padding 1")
    assert status == 0 and "output size: 2x2" in out
    assert "crop of the full q ∗ ↑ₛy (length 3): 1 at the start, 0 at the end" in out
    assert "structurally zero outputs: []" in out
    status, out, _ = _run(capsys, f"{common} --padding 0")
    assert "output size: 4x4" in out and out.count("structurally zero outputs: [3]") == 2
    assert "-1 at the end (1 zero appended)" in out


def test_q4_same_port_and_compare(capsys):
    tf = "--framework tf --op conv_transpose --input 6 --kernel 3 --stride 2 --padding same"
    tf += " --output-size 12"
    status, out, _ = _run(capsys, f"{tf} --port")
    assert (
        status == 0 and "crop of the full q ∗ ↑ₛy (length 13): 0 at the start, 1 at the end" in out
    )
    assert (
        "PyTorch: conv_transpose1d(stride=2, padding=0, output_padding=0, dilation=1), then "
        "crop (0, 1) (no single PyTorch call does it) [checked exactly]"
    ) in out
    status, out, _ = _run(capsys, f"{tf} --compare framework=torch,padding=1,output_padding=1")
    assert status == 1
    assert "first differing entry (0, 0): q_0 against q_1" in out
    assert "verdict: NOT the same linear map" in out
    status, out, _ = _run(capsys, f"{tf} --compare framework=tf,padding=0:1")
    assert status == 0 and "verdict: the same linear map" in out
    status, out, _ = _run(
        capsys, "--framework tf --input 12 --kernel 3 --stride 2 --padding same --port"
    )
    assert "padding (lo, hi): (0, 1)" in out
    assert "F.pad(x, (0, 1)), then conv1d(stride=2, padding=0, dilation=1)" in out


def test_q5_output_padding_limits(capsys):
    common = "--op conv_transpose --input 4 --kernel 3 --stride 1 --dilation 2"
    status, out, _ = _run(capsys, f"{common} --output-padding 1")
    assert status == 0 and "transpose of: no conv" in out
    assert "maps the lengths {8} to 4" in out and "structurally zero outputs: [8]" in out
    status, _, err = _run(capsys, f"{common} --output-padding 2")
    assert status == 2 and "smaller than either stride or dilation" in err
    status, _, err = _run(capsys, "--op conv_transpose --input 4 --kernel 3 --output-padding 1")
    assert status == 2 and "max(stride, dilation) = 1" in err


def test_q6_q7_forms(capsys):
    status, out, _ = _run(capsys, "--input 8 --kernel 3 --stride 2")
    assert status == 0
    assert "form: Downsample(6, 2) · Corr((q_0, q_1, q_2), 8, (0, 0), 1, 1)" in out
    status, out, _ = _run(capsys, "--op conv_transpose --input 4 --kernel 3 --stride 2")
    assert status == 0
    # a true convolution of the zero-inserted input with the same, unflipped kernel
    assert "form: Conv((q_0, q_1, q_2), 7, 'full') · Upsample(4, 2, 7)" in out


def test_jax_conv_transpose_flip_is_reported(capsys):
    status, out, _ = _run(
        capsys,
        "--framework jax --op conv_transpose --input 4 --kernel 3 --stride 2 --padding same --port",
    )
    assert status == 0 and "kernel flipped" in out and "without transpose_kernel" in out


@pytest.mark.parametrize(
    ("command", "message"),
    [
        ("--input 4 --kernel 3 --stride 2 --padding same", "strided"),
        ("--input 4x4 --kernel 3x3x3", "1 or 2 values"),
        ("--input four --kernel 3", "integers per axis"),
        ("--input 4 --kernel 3 --padding a:b", "lo:hi"),
        ("--input 2 --kernel 3", "shorter than the kernel"),
        ("--input 4 --kernel 3 --compare colour=red", "key=value"),
    ],
)
def test_bad_arguments_exit_2(capsys, command, message):
    status, _out, err = _run(capsys, command)
    assert status == 2 and message in err and "Traceback" not in err


def test_tf_stride_with_dilation_is_accepted_like_tf_nn(capsys):
    """tf.nn.conv1d(ones(9), ones(3), stride=2, dilations=2, 'VALID') = [3, 3, 3]: 3 outputs."""
    common = "--framework tf --kernel 3 --stride 2 --dilation 2"
    status, out, err = _run(capsys, f"{common} --input 9 --padding valid")
    assert status == 0, err
    assert "output size: 3" in out and "input sizes giving output 3: 9, 10" in out
    # Its transpose: output_shape 9 maps back to 3 under the forward conv.
    command = f"{common} --op conv_transpose --input 3 --padding valid --output-size 9"
    status, out, err = _run(capsys, command)
    assert status == 0, err
    assert "output size: 9" in out
