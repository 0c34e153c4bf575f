"""notebooks/tutorial.ipynb runs top to bottom in a fresh kernel and shows what its text says.

The notebook is committed with its outputs cleared (so diffs stay readable and
nothing stale is shown); this test executes it with nbclient, fails on any cell
error, and checks the key outputs against the published values: TensorFlow's
``conv2d_transpose`` example from the Data Science Stack Exchange question
"What are deconvolutional layers?", and the verdicts of ``symconv.prove``.
"""

from __future__ import annotations

import importlib
import os
import re
from pathlib import Path

import pytest


def _require(name: str):
    """Import a notebook tool (the test extra); skip without it, or fail under
    SYMCONV_REQUIRE_TOOLS=1 (scripts/test.sh installs the test extra)."""
    try:
        return importlib.import_module(name)
    except ImportError:
        if os.environ.get("SYMCONV_REQUIRE_TOOLS") == "1":
            pytest.fail(f"{name} is required (SYMCONV_REQUIRE_TOOLS=1) but not installed")
        pytest.skip(f"{name} is not installed (pip install '.[test]')", allow_module_level=True)


nbformat = _require("nbformat")
nbclient = _require("nbclient")
_require("ipykernel")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "tutorial.ipynb"
TF_RESULT = [1, 1, 3, 2, 1, 1, 3, 2, 4, 4, 10, 6, 3, 3, 7, 4]


def _text(cell) -> str:
    """Everything a code cell printed or displayed, as plain text."""
    parts = []
    for output in cell.outputs:
        if output.output_type == "stream":
            parts.append(output.text)
        elif "data" in output:
            parts.append(output.data.get("text/plain", ""))
    return "\n".join(parts)


def _numbers(text: str) -> list[float]:
    return [float(v) for v in re.findall(r"-?\d+(?:\.\d*)?", text)]


@pytest.fixture(scope="module")
def executed():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        # Run from the repository root, so the kernel imports this checkout of symconv.
        resources={"metadata": {"path": str(ROOT)}},
    )
    client.execute()  # raises CellExecutionError on the first cell that fails
    return {tag: cell for cell in notebook.cells for tag in cell.metadata.get("tags", [])}


def test_the_committed_notebook_is_valid_and_has_no_outputs() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert len(code) >= 8
    assert all(not cell.outputs and cell.execution_count is None for cell in code)


def test_the_tensorflow_example_gives_the_published_values(executed) -> None:
    assert _numbers(_text(executed["tf-example"])) == TF_RESULT
    # The exact operator of tf.nn.conv2d_transpose(..., "SAME"): printed shape, then the 4×4.
    assert _numbers(_text(executed["tf-operator"])) == [25, 4, *TF_RESULT]


def test_the_layer_is_the_transpose_of_the_convolution(executed) -> None:
    assert _text(executed["transpose"]).split() == ["(4,", "25)", "True"]
    direct = _text(executed["direct"])
    assert direct.split()[-1] == "True"
    assert "y₀₀  0  y₀₁" in direct  # one zero inserted between the samples
    assert direct.count("\n") >= 7 + 3  # the 7×7 spread input and the flipped 3×3 kernel


def test_the_proof_cells_give_their_verdicts(executed) -> None:
    proof = _text(executed["proof"])
    assert proof.splitlines()[0].endswith(": proven")
    assert "[pass] symbolic (scope all): for all n, s" in proof
    refuted = _text(executed["refuted"]).splitlines()
    assert refuted == ["refuted", "at n=1, s=1: entry (0, 0): left q_0, right q_2"]
