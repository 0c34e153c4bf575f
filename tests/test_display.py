"""Rich (Jupyter) display of operator products and of ``Proof`` objects."""

from __future__ import annotations

import html
import re

import sympy as sp

from symconv import Conv, ConvTranspose, Downsample, Upsample, kernel, prove
from symconv.printing.latex import latex

q = kernel("q", 3)
n = sp.Symbol("n", integer=True, positive=True)


def test_a_product_of_operators_displays_in_paper_notation() -> None:
    conv, up = Conv(q, 4, "same"), Upsample(2, 2, 4)
    product = conv @ up
    assert isinstance(product, sp.MatMul)  # SymPy's own class: its printer calls our hook
    shown = product._repr_latex_()
    assert shown == rf"$\displaystyle {latex(conv)} {latex(up)}$"
    assert r"\uparrow" in shown and r"\ast" in shown
    assert "operatorname{Conv}" not in shown and "Upsample" not in shown


def test_sums_transposes_and_sympy_latex_use_the_same_notation() -> None:
    conv = Conv(q, 4, "same")
    shown = (conv.T @ conv + conv)._repr_latex_()
    assert latex(conv) in shown and latex(conv.T) in shown and "operatorname" not in shown
    transposed = ConvTranspose(q, 2, stride=2)
    assert sp.latex(transposed) == latex(transposed)
    down = Downsample(transposed.rows, 2)
    assert sp.latex(sp.MatMul(down, transposed)) == f"{latex(down)} {latex(transposed)}"


def test_a_proof_displays_its_identity_verdict_and_every_tier() -> None:
    proof = prove(Downsample(2 * n, 2).T, Upsample(n, 2, 2 * n))
    assert proof.verdict.value == "proven"
    shown = proof._repr_latex_()
    side = latex(Upsample(n, 2, 2 * n))
    assert shown == rf"$\displaystyle {side} = {side}\qquad \text{{proven}}$"
    page = proof._repr_html_()
    assert "<b>proven</b>" in page and html.escape(side) in page
    rows = re.findall(r"<tr><td>(\w+)</td><td>([\w/]+)</td>", page)
    assert rows == [(t.tier.value, t.result) for t in proof.tiers]
    assert repr(proof).startswith("<Proof 'Upsample(n, 2, 2*n) = Upsample(n, 2, 2*n)': proven (")


def test_a_refuted_proof_shows_its_counterexample_and_the_tiers_not_run_as_na() -> None:
    proof = prove(sp.MatMul(Upsample(n, 2), Downsample(2 * n, 2)), sp.Identity(2 * n))
    assert proof.verdict.value == "refuted"
    assert {t.tier.value for t in proof.tiers} == {"exhaustive"}  # the others never ran
    text = str(proof)
    for tier in ("rewrite", "symbolic", "numeric"):
        assert f"[n/a ] {tier}: not run" in text
    assert "[fail] exhaustive: fails at n=1" in text
    page = proof._repr_html_()
    assert page.count("<td>n/a</td>") == 3 and "<td>failed</td>" in page
    assert "counterexample: at n=1: entry (1, 1): left 0, right 1" in page
    assert r"\text{refuted}" in proof._repr_latex_()
    assert "rewrite n/a" in repr(proof) and "exhaustive failed" in repr(proof)
