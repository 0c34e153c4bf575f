"""Results never depend on import order: each public entry point, alone in a fresh interpreter.

Operators once registered their matrices, numerics, oracle and symbolic rows into other
modules when the catalogue was imported, so ``prove(CorrNd(w, (4, 5)).T.T, CorrNd(w, (4, 5)))``
failed unless ``symconv.catalogue.twod`` happened to be loaded first. Here every entry
module is the first and only import of a new interpreter, which then uses the operators
that depended on that registration; the catalogue must never be loaded.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: The public entry modules (the framework adapters import their framework lazily).
ENTRY_POINTS = [
    "symconv",
    "symconv.operators",
    "symconv.proof",
    "symconv.matrices",
    "symconv.numeric",
    "symconv.printing.latex",
    "symconv.parse",
    "symconv.cli",
    "symconv.frameworks.torch",
]

CHECKS = """
import sys

import numpy as np
import sympy as sp

from symconv.kernels import family
from symconv.printing.latex import latex
from symconv.matrices import explicit
from symconv.numeric import lambdify
from symconv.operators import BlockSum, NearestUpsample, PhaseSum
from symconv.proof import prove

nearest, block = NearestUpsample(2, 2), BlockSum(2, 2)
assert explicit(nearest).tolist() == [[1, 0], [1, 0], [0, 1], [0, 1]]
assert explicit(block).tolist() == [[1, 1, 0, 0], [0, 0, 1, 1]]
q = family("q", 3)
q0, q1, q2 = q.taps()
expected = [[q0, 0], [q1, 0], [q2, q0], [0, q1], [0, q2]]  # column j: q at rows 2j, 2j+1, 2j+2
assert explicit(PhaseSum(q, 2, 2)).tolist() == expected
assert lambdify(nearest)(np.array([3.0, 5.0])).tolist() == [3, 3, 5, 5]
assert lambdify(block)(np.array([1.0, 2.0, 4.0, 8.0])).tolist() == [3, 12]
assert lambdify(PhaseSum(q, 2, 2), q.taps())(np.array([1.0, 10.0]), [1, 2, 3]).tolist() == [
    1, 2, 13, 20, 30
]
for op in (nearest, block, PhaseSum(q, 2, 2)):  # their own notation, not \\operatorname{…}
    assert "operatorname" not in latex(op), latex(op)
twice = sp.MatMul(BlockSum(3, 2), NearestUpsample(3, 2))
assert prove(twice, sp.MatMul(2, sp.Identity(3))).verdict.value in {"proven", "verified"}
assert prove(twice, sp.Identity(3)).verdict.value == "refuted"
loaded = sorted(m for m in sys.modules if m.startswith("symconv.catalogue"))
assert not loaded, loaded
print("ok")
"""


def _run(script: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_each_entry_point_alone_is_enough(entry: str) -> None:
    _run(f"import {entry}\n" + CHECKS)


def test_nd_identity_is_proven_without_importing_the_catalogue() -> None:
    """The issue's example: CorrNdᵀᵀ = CorrNd, proven, in an interpreter that never loads it."""
    script = textwrap.dedent(
        """
        import sys

        import symconv.proof
        from sympy import Transpose
        from symconv.operators import CorrNd
        from symconv.operators.channels import weight_tensor

        w = weight_tensor("w", (2, 1, 2, 3))
        for lhs in (CorrNd(w, (4, 5)).T.T, Transpose(Transpose(CorrNd(w, (4, 5))))):
            proof = symconv.proof.prove(lhs, CorrNd(w, (4, 5)))
            assert proof.verdict.value == "proven", [t.as_dict() for t in proof.tiers]
            for tier in proof.tiers:
                if tier.tier.value in ("exhaustive", "numeric"):
                    assert tier.passed, tier.detail
        loaded = sorted(m for m in sys.modules if m.startswith("symconv.catalogue"))
        assert not loaded, loaded
        print("ok")
        """
    )
    _run(script)
