"""``symconv network``: a layer-list spec in, the per-layer table and summary out."""

from __future__ import annotations

import json
import sys

import pytest
from networks import UNET

from symconv.cli import main
from symconv.cli.network import SpecError, parse_spec

VGG_16 = "\n".join(
    ["conv k=3 p=1"] * 2 + ["maxpool k=2"]
    + ["conv k=3 p=1"] * 2 + ["maxpool k=2"]
    + (["conv k=3 p=1"] * 3 + ["maxpool k=2"]) * 3
)  # fmt: skip


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(["network", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_vgg_16_table_and_summary(capsys):
    status, out, _ = _run(capsys, VGG_16, "--input", "224")
    assert status == 0
    assert "receptive field 212, effective stride 32, effective padding 90" in out
    assert "output size: 7" in out
    rows = [line.split() for line in out.splitlines() if line.strip()[:2].strip().isdigit()]
    assert rows[0][1:3] == ["input", "input"]
    # the last row: maxpool, size 7, r 212, S 32, P 90
    assert rows[-1][-4:] == ["7", "212", "32", "90"]
    assert "not linear: " in out


def test_unet_from_a_file(capsys, tmp_path):
    spec = tmp_path / "unet.net"
    spec.write_text(UNET, encoding="utf-8")
    status, out, _ = _run(capsys, str(spec), "--input", "572,572")
    assert status == 0
    assert "output size: 388" in out
    assert "crop 28:cat <- d0: 88:88 x 88:88" in out  # 568 cropped to 392
    assert "exact (no rows dropped): n ≡ 12 (mod 16), n ≥ 188" in out
    assert "aligned (no crops): no size" in out
    assert "centre 92" in out


def test_json_report(capsys):
    status, out, _ = _run(capsys, UNET, "--input", "572", "--json", "--index", "10")
    assert status == 0
    report = json.loads(out)
    assert report["output_size"] == [388]
    assert report["effective_stride"] == [1]
    assert report["centre"] == [102]
    # not a shift of output 0's 0..187: the coarsest level (stride 16) sees the same cells
    assert report["inputs"] == [list(range(0, 204))]
    assert report["window"] == [[-5, 209]]
    assert report["input_sizes"]["exact"] == ["n ≡ 12 (mod 16), n ≥ 188"]
    assert report["crops"]["16:cat <- d3"] == [[4, 4]]
    assert [row["name"] for row in report["layers"]][:3] == ["input", "1:conv", "d0"]


def test_fractional_stride_prints_as_a_fraction(capsys):
    status, out, _ = _run(capsys, "conv_transpose k=4 s=2 p=1; upsample s=3", "--json")
    report = json.loads(out)
    assert status == 0 and report["effective_stride"] == ["1/6"]
    assert report["input_size"] == [1]  # no --input: the smallest accepted size


def test_skip_connection_with_from(capsys):
    spec = "x: conv k=3 p=1; main: conv k=3 s=2 p=1; conv k=1 s=2 from=x; add main"
    status, out, _ = _run(capsys, spec, "--input", "16x16")
    assert status == 0
    assert "output size: 8" in out
    assert "receptive field 5, effective stride 2, effective padding 2" in out
    assert "not aligned" not in out


@pytest.mark.parametrize(
    "spec, where",
    [
        ("conv k=3\nconv k=x", "spec line 2, column 6: k='x'"),
        ("conv k=3; dense k=3", "spec line 1, column 11: unknown layer 'dense'"),
        ("conv s=2", "spec line 1, column 1: conv needs a kernel size k="),
        ("conv k=3 q=1", "spec line 1, column 10: unknown option 'q'"),
        ("conv k=3\nadd nowhere", "spec line 2, column 5: 'nowhere' is not an earlier layer"),
        ("a: conv k=3\na: conv k=3", "spec line 2, column 1: label 'a': already used"),
        ("conv k=3 from=b", "spec line 1, column 10: from='b'"),
        ("conv_transpose k=3 s=2 a=2", "spec line 1, column 1: output_padding"),
        ("# nothing", "spec line 1, column 1: no layers"),
    ],
)
def test_bad_specs_exit_2_with_line_and_column(capsys, spec, where):
    status, out, err = _run(capsys, spec, "--input", "9")
    assert status == 2 and out == ""
    assert where in err and "Traceback" not in err


def test_bad_sizes_exit_2(capsys):
    status, _, err = _run(capsys, "conv k=5", "--input", "3")
    assert status == 2 and "input_size=3" in err
    status, _, err = _run(capsys, "conv k=5", "--input", "three")
    assert status == 2 and "--input='three'" in err
    status, _, err = _run(capsys, "missing.net")
    assert status == 2 and "SPEC='missing.net'" in err


def test_parse_spec_builds_the_graph():
    nodes = parse_spec("a: conv k=3x5 p=1:0x2; b: maxpool k=2 from=input; cat a crop")
    assert [n.name for n in nodes] == ["a", "b", "3:cat"]
    assert nodes[0].op.kernel == (3, 5) and nodes[0].op.padding == ((1, 0), (2, 2))
    assert nodes[1].inputs == ("input",) and nodes[1].op.stride == (2,) and not nodes[1].op.linear
    assert nodes[2].inputs == ("b", "a") and nodes[2].op.crop
    with pytest.raises(SpecError) as error:
        parse_spec("conv k=3;; relu p=1")
    assert (error.value.line, error.value.column) == (1, 17)


@pytest.mark.parametrize(
    "line",
    [
        "conv k=3x5 s=2x1 p=1:0x2 d=2",
        "conv_transpose k=4 s=3 p=1 a=2",
        "maxpool k=3 s=2 p=1",
        "pool k=2 s=2 p=0",
        "upsample s=3",
        "pad p=2:-1",
        "nonlinear",
        "pointwise",
    ],
)
def test_a_layer_s_description_reads_back_as_the_same_layer(line):
    (node,) = parse_spec(line)
    (again,) = parse_spec(node.op.describe())
    assert again.op == node.op


def test_sizes_in_a_range_and_linear_parts(capsys):
    status, out, _ = _run(capsys, "conv k=3; relu; conv k=3 s=2; maxpool k=2", "--sizes", "1:20")
    assert status == 0
    assert "not linear: 2:relu, 4:maxpool" in out
    assert "linear parts: 1:conv | 3:conv" in out
    assert "exact (no rows dropped): n ≡ 3 (mod 4), n ≥ 7\n  in range: 7, 11, 15, 19\n" in out
    status, out, _ = _run(capsys, "conv k=3", "--sizes", "1:5", "--json", "--input", "4x6")
    report = json.loads(out)
    assert report["input_sizes_in_range"]["accepted"] == [[3, 4, 5], [3, 4, 5]]
    assert report["linear_parts"] == [["1:conv"]]
    for bad in ("5:1", "0:3", "a:b", "1:200000"):
        status, _, err = _run(capsys, "conv k=3", "--sizes", bad)
        assert status == 2 and "--sizes" in err


def test_the_help_example_is_a_network(capsys):
    import symconv.cli.network as module

    example = module.__doc__.split("::\n\n", 1)[1].split("\n\n", 1)[0]
    assert len(parse_spec(example)) == 9
    status, out, _ = _run(capsys, example, "--input", "16")
    assert status == 0 and "output size: 8" in out


def test_an_onnx_model_needs_an_existing_file_and_the_onnx_package(capsys, tmp_path, monkeypatch):
    status, out, err = _run(capsys, str(tmp_path / "missing.onnx"), "--input", "8")
    assert status == 2 and not out and "an existing ONNX file" in err
    path = tmp_path / "model.onnx"
    path.write_bytes(b"not read")
    monkeypatch.setitem(sys.modules, "onnx", None)  # as if not installed: import fails
    status, out, err = _run(capsys, str(path), "--input", "8")
    assert status == 2 and not out and "pip install onnx" in err


def test_output_is_for_onnx_models_only(capsys):
    status, out, err = _run(capsys, "conv k=3", "--output", "conv")
    assert status == 2 and not out and "--output" in err and "layer-list spec" in err
