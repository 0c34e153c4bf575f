"""The derivation gallery extension: a failing derivation fails the docs build."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("sphinx")

ROOT = Path(__file__).resolve().parents[1]

GOOD = '''
"""A derivation that holds."""
from sympy.matrices.expressions import Transpose
from symconv import Downsample, Upsample
from symconv.derivation import Derivation, Rule, Step, Tier, TierResult

def build():
    rule = Rule("down-transpose", "(↓ₖ)ᵀ = ↑ₖ", r"\\downarrow_k^T = \\uparrow_k")
    steps = (Step(Transpose(Downsample(4, 2))), Step(Upsample(2, 2), rule))
    return Derivation("good", "(↓₂)ᵀ = ↑₂", steps, (TierResult(Tier.EXHAUSTIVE, True, "N = 4"),))
'''

SCRIPTS = {
    "failed_tier": GOOD.replace('True, "N = 4"', 'False, "differs at (1, 1)"'),
    "no_tier": GOOD.replace('(TierResult(Tier.EXHAUSTIVE, True, "N = 4"),)', "()"),
    "raises": GOOD.replace("    rule =", "    raise ArithmeticError('boom')\n    rule ="),
    "not_a_derivation": GOOD.replace(
        "    return Derivation(", "    return [] if True else Derivation("
    ),
    "no_docstring": GOOD.replace('"""A derivation that holds."""', ""),
}
MESSAGES = {
    "failed_tier": "failed tier exhaustive: differs at (1, 1)",
    "no_tier": "was checked at no tier",
    "raises": "build() raised ArithmeticError('boom')",
    "not_a_derivation": "returned list, expected symconv.derivation.Derivation",
    "no_docstring": "has no docstring",
}


def _build(tmp_path: Path, scripts: dict[str, str], conf: str = "") -> subprocess.CompletedProcess:
    source, derivations = tmp_path / "src", tmp_path / "derivations"
    source.mkdir(parents=True)
    derivations.mkdir()
    for name, text in scripts.items():
        (derivations / f"{name}.py").write_text(textwrap.dedent(text), encoding="utf-8")
    (source / "conf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT / 'docs' / '_ext')!r})\n"
        "extensions = ['sphinx.ext.mathjax', 'derivation_gallery']\n"
        f"derivation_gallery_scripts = {str(derivations)!r}\n" + conf,
        encoding="utf-8",
    )
    (source / "index.rst").write_text("Test\n====\n\n.. toctree::\n\n   gallery/index\n")
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "-q",
            "-b",
            "html",
            str(source),
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def test_a_passing_derivation_gets_a_page(tmp_path: Path) -> None:
    result = _build(tmp_path, {"good": GOOD})
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "out" / "gallery" / "good.html").read_text(encoding="utf-8")
    assert "A derivation that holds." in page
    assert "down-transpose" in page and "exhaustive" in page and "N = 4" in page
    assert '<span class="nf">build</span>' in page  # the script itself, highlighted


SCOPED = GOOD.replace(
    '(TierResult(Tier.EXHAUSTIVE, True, "N = 4"),)',
    """(
        TierResult(Tier.REWRITE, False, "n/a: no chain", applicable=False),
        TierResult(Tier.SYMBOLIC, True, "for all n, at m = 3: rows agree", "all", {"m": 3},
                   free=("n",)),
        TierResult(Tier.EXHAUSTIVE, True, "exact at all 9 instances (grid n ∈ 1..3)"),
        TierResult(Tier.NUMERIC, True, "oracle agrees at 9 instances"),
    )""",
)


def test_the_page_shows_the_verdict_and_each_tiers_scope(tmp_path: Path) -> None:
    result = _build(tmp_path, {"scoped": SCOPED})
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "out" / "gallery" / "scoped.html").read_text(encoding="utf-8")
    # A symbolic tier with m fixed is not an argument for all sizes: verified, lowercase s.
    assert "Verdict:</strong> verified" in page and "-sEN" in page
    assert "for all n, at m = 3" in page and "rows agree" in page
    assert "n/a" in page and "no chain" in page
    index = (tmp_path / "out" / "gallery" / "index.html").read_text(encoding="utf-8")
    assert "<p>verified</p>" in index and "-sEN" in index


DUMPED = GOOD.replace(
    '(TierResult(Tier.EXHAUSTIVE, True, "N = 4"),)',
    """(
        TierResult(Tier.SYMBOLIC, True, "for all N, k: row i of both sides: "
                   "[(1, i/k, [Mod(i, k) = 0])]", "all", free=("N", "k")),
        TierResult(Tier.EXHAUSTIVE, True, "exact at all 48 instances (N <= 12)"),
    )""",
)


def test_the_page_explains_each_tier_in_words_with_a_figure(tmp_path: Path) -> None:
    result = _build(tmp_path, {"dumped": DUMPED})
    assert result.returncode == 0, result.stderr
    out = tmp_path / "out" / "gallery"
    page = (out / "dumped.html").read_text(encoding="utf-8")
    # The figure: both sides drawn from the operators, next to the page.
    assert 'src="../_images/dumped.png"' in page
    assert (tmp_path / "src" / "gallery" / "_figures" / "dumped.png").stat().st_size > 1000
    # Each tier in words, the parameters as math; the bounded tier says it is no proof.
    assert "What each tier established" in page
    assert "proven for all <span" in page and "an argument with every size and index" in page
    assert "evidence, not a proof for larger sizes" in page and "N ≤ 12" in page
    # "What was checked" in words; SymPy's record only inside the folded <details>.
    head, _, folded = page.partition("<details>")
    assert "Mod(" not in head and "same sum of terms" in head
    assert "Mod(i, k) = 0" in folded and "symbolic: the raw record" in folded


def test_the_page_is_printed_in_the_configured_notation(tmp_path: Path) -> None:
    # Default: expanded LaTeX, no macros needed. With the site's notation: its macro calls.
    result = _build(tmp_path / "expanded", {"good": GOOD})
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "expanded" / "out" / "gallery" / "good.html").read_text(encoding="utf-8")
    assert r"\mathord{\downarrow}_{2}^{\mathsf{T}} &amp;= \mathord{\uparrow}_{2}" in page
    conf = "from symconv.printing.latex import Notation\n"
    conf += "derivation_gallery_notation = Notation(macros=True)\n"
    result = _build(tmp_path / "macros", {"good": GOOD}, conf)
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "macros" / "out" / "gallery" / "good.html").read_text(encoding="utf-8")
    assert r"\downsample{2}^{\transp} &amp;= \upsample{2}" in page


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_a_failing_derivation_fails_the_build(tmp_path: Path, name: str) -> None:
    result = _build(tmp_path, {"good": GOOD, name: SCRIPTS[name]})
    assert result.returncode != 0
    assert f"{name}.py" in result.stderr and MESSAGES[name] in result.stderr, result.stderr


def test_a_project_script_page_shows_its_prose_and_its_plain_code(tmp_path: Path) -> None:
    # The gallery renders the real scripts: the docstring as prose, the code that builds
    # both sides and asserts the verdicts in full (here the quickest one).
    script = ROOT / "derivations" / "up_down_transpose.py"
    result = _build(tmp_path, {script.stem: script.read_text(encoding="utf-8")})
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "out" / "gallery" / f"{script.stem}.html").read_text(encoding="utf-8")
    assert "Source: Data Science Stack Exchange" in page and "Verdict:</strong> proven" in page
    code = page.partition("<h2>The script")[2]
    assert code, "no section with the script"
    for name in ("sides", "build", "main"):  # every function of the script, highlighted
        assert f'<span class="nf">{name}</span>' in code, name
    assert '<span class="n">prove</span>' in code and "Verdict</span>" in code
