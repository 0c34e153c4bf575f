"""The site's math uses one macro table: symconv.printing.latex's, and only macros it defines.

The docs' MathJax macros must be exactly :func:`symconv.printing.latex.preamble.mathjax_macros`
of the site's notation (the definitions behind the ``.sty`` and the printer), and
every control word in the hand-written math of the pages (``:math:`` roles and
``.. math::`` blocks, figure captions included) and of the derivation scripts'
docstrings (the gallery's prose) must be one of those macros or a standard
LaTeX/amsmath command. A page using a retired name such as ``\\up`` fails here
instead of rendering as a red MathJax error.
"""

from __future__ import annotations

import ast
import re
import runpy
from pathlib import Path

import pytest

from symconv.printing.latex import Notation, mathjax_macros

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"

#: Standard LaTeX, amsmath and amssymb math commands the pages may use besides the macros.
_STANDARD_NAMES = """
    alpha beta gamma delta epsilon lambda mu nu pi sigma tau theta omega Delta Sigma
    sum prod int nabla partial infty langle rangle lfloor rfloor lceil rceil
    left right big Big bigl bigr middle
    frac dfrac tfrac sqrt binom bmod pmod mod
    le ge leq geq ne neq approx equiv sim mid nmid in notin subset subseteq to mapsto
    cdot cdots ldots dots vdots ddots times ast star circ otimes oplus pm mp
    quad qquad , ; ! :
    text mathrm mathbf mathsf mathit mathcal mathbb boldsymbol operatorname
    mathord mathrel mathbin mathop underbrace overbrace underset overset
    uparrow downarrow Uparrow Downarrow leftarrow rightarrow Rightarrow Leftrightarrow
    top intercal min max lim sup inf exp log
    begin end cases aligned bmatrix pmatrix matrix array
    hat bar tilde vec widehat overline underline
"""
STANDARD = frozenset(_STANDARD_NAMES.split())


def _site_conf() -> dict[str, object]:
    return runpy.run_path(str(DOCS / "conf.py"))


def test_site_macros_are_the_latex_packages() -> None:
    conf = _site_conf()
    notation = conf["symconv_notation"]
    # The site's notation is the package's default one, printed as macro calls.
    assert notation == Notation(macros=True)
    assert conf["mathjax3_config"] == {"tex": {"macros": mathjax_macros(notation)}}
    assert conf["derivation_gallery_notation"] == notation
    macros = conf["mathjax3_config"]["tex"]["macros"]
    # The same names as the .sty that \usepackage{symconv} loads.
    from symconv.printing.latex import sty

    defined = set(re.findall(r"\\newcommand\{\\([A-Za-z]+)\}", sty(notation)))
    assert defined == set(macros)


_ROLE = re.compile(r":math:`([^`]+)`")
_DIRECTIVE = re.compile(r"^(?P<indent>[ \t]*)\.\. math::(?P<rest>.*)$")


def math_fragments(text: str) -> list[str]:
    """The math of reStructuredText: ``:math:`…``` roles and ``.. math::`` blocks."""
    fragments = _ROLE.findall(text)
    lines = text.splitlines()
    for number, line in enumerate(lines):
        match = _DIRECTIVE.match(line)
        if not match:
            continue
        indent, body = len(match["indent"]), [match["rest"]]
        for following in lines[number + 1 :]:
            if following.strip() and len(following) - len(following.lstrip()) <= indent:
                break
            body.append(following)
        fragments.append("\n".join(body))
    return fragments


def _sources() -> dict[str, str]:
    sources = {p.name: p.read_text(encoding="utf-8") for p in sorted(DOCS.glob("*.rst"))}
    for script in sorted((ROOT / "derivations").glob("*.py")):
        docstring = ast.get_docstring(ast.parse(script.read_text(encoding="utf-8")))
        sources[f"derivations/{script.name}"] = docstring or ""
    return sources


def test_the_pages_have_math_with_the_macros() -> None:
    # The scan below must see something: macros of the package on several pages.
    pages = [name for name, text in _sources().items() if "\\upsample{" in text]
    assert len(pages) >= 3, pages


@pytest.mark.parametrize("name", sorted(_sources()))
def test_math_uses_only_defined_macros(name: str) -> None:
    macros = set(mathjax_macros(Notation(macros=True)))
    used = set()
    for fragment in math_fragments(_sources()[name]):
        used |= set(re.findall(r"\\([A-Za-z]+|[,;!:])", fragment))
    unknown = sorted(used - macros - STANDARD)
    assert not unknown, f"{name}: math uses undefined macros {unknown}"


def test_math_fragments_finds_roles_and_blocks() -> None:
    text = "a :math:`x^2` b\n\n  .. math::\n\n     y = 1\n     z\n\n  after\n.. math:: w\n"
    assert math_fragments(text) == ["x^2", "\n\n     y = 1\n     z\n", " w"]


def test_the_check_catches_a_retired_macro() -> None:
    fragments = math_fragments(r"old :math:`\up{2} x^\T` notation")
    used = {m for f in fragments for m in re.findall(r"\\([A-Za-z]+)", f)}
    assert used - set(mathjax_macros(Notation(macros=True))) - STANDARD == {"up", "T"}
