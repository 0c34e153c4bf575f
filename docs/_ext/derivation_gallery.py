"""The derivation gallery: one page per script in ``derivations/``, generated at build time.

For every ``derivations/<name>.py`` the extension imports the script, calls its
``build()`` and requires a :class:`symconv.derivation.Derivation` with at least
one passed tier and no failed one (a tier that was not run, "n/a", is shown as
such); anything else (an exception, a failed or missing tier, a catalogue
identity without a script) stops the build with an error naming the script.
It then writes ``gallery/<name>.rst``: the script's docstring as prose, the
statement, the verdict (proven, verified, …), the chain of steps as aligned math
with the rule of each step, the explicit matrices of both sides when they are
small, every tier with its result, its scope ("for all n, at m = 3") and what it
checked, and the script itself. ``gallery/`` is generated: not committed.

Steps, rules and matrices are printed by :mod:`symconv.latex` in the site's
notation (config value ``derivation_gallery_notation``), the same printer and
macros as symconv's LaTeX output.
"""

from __future__ import annotations

import importlib.util
import inspect
import os
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import sympy as sp
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging
from sympy.core.relational import Relational

from symconv.cli.prove import LEGEND, tier_mark
from symconv.derivation import Derivation, Tier, Verdict
from symconv.latex import Notation, derivation_latex, latex
from symconv.latex.derivation import translate_fragment
from symconv.matrices import explicit

logger = logging.getLogger(__name__)

#: Largest explicit matrix shown on a page (rows and columns).
MATRIX_LIMIT = 12


# --- LaTeX ------------------------------------------------------------------------------------
def _notation(app: Sphinx) -> Notation:
    """The site's notation (``derivation_gallery_notation``), expanded output by default.

    A site that sets a notation with ``macros=True`` must give MathJax the same
    notation's :func:`~symconv.latex.preamble.mathjax_macros` (symconv's own conf.py does).
    """
    notation = app.config.derivation_gallery_notation
    if notation is None:
        return Notation()
    if not isinstance(notation, Notation):
        raise ExtensionError(
            f"derivation_gallery_notation must be a symconv.latex.Notation, got {notation!r}"
        )
    return notation


# --- loading ----------------------------------------------------------------------------------
def load_script(path: Path) -> ModuleType:
    """Import a derivation script by path (it has no side effects on import)."""
    name = f"_symconv_derivation_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses and pickling look modules up by name
    try:
        spec.loader.exec_module(module)
    except Exception as error:
        raise ExtensionError(f"derivation {path.name} failed to import: {error!r}") from error
    return module


def checked_derivation(path: Path) -> tuple[ModuleType, Derivation]:
    """Run ``build()`` of one script and insist on a fully passed derivation."""
    module = load_script(path)
    if not (module.__doc__ or "").strip():
        raise ExtensionError(f"derivation {path.name} has no docstring (the gallery's prose)")
    build = getattr(module, "build", None)
    if not callable(build):
        raise ExtensionError(f"derivation {path.name} has no build() function")
    try:
        derivation = build()
    except Exception as error:
        raise ExtensionError(f"derivation {path.name}: build() raised {error!r}") from error
    if not isinstance(derivation, Derivation):
        raise ExtensionError(
            f"derivation {path.name}: build() returned {type(derivation).__name__}, "
            "expected symconv.derivation.Derivation"
        )
    if not derivation.steps:
        raise ExtensionError(f"derivation {path.name} has no steps")
    for result in derivation.tiers:
        if result.applicable and not result.passed:
            raise ExtensionError(
                f"derivation {path.name} failed tier {result.tier.value}: {result.detail}"
            )
    if not any(result.passed for result in derivation.tiers):
        raise ExtensionError(f"derivation {path.name} was checked at no tier")
    return module, derivation


def catalogue_names() -> list[str] | None:
    """The catalogue's identity names, or None while ``symconv.catalogue`` does not exist."""
    if importlib.util.find_spec("symconv.catalogue") is None:
        return None
    from symconv import catalogue

    return list(catalogue.names())


# --- rendering --------------------------------------------------------------------------------
def _heading(text: str, char: str) -> str:
    return f"{text}\n{char * len(text)}\n"


def _math(body: str) -> str:
    return ".. math::\n\n" + textwrap.indent(body, "   ") + "\n"


def _small_explicit(expr: sp.Basic) -> sp.MatrixBase | None:
    if not getattr(expr, "is_Matrix", False):  # e.g. the size equations of conv-arithmetic
        return None
    rows, cols = (sp.sympify(v) for v in expr.shape)
    if not (rows.is_Integer and cols.is_Integer) or max(rows, cols) > MATRIX_LIMIT:
        return None
    return explicit(expr)


def _list_table(widths: str, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    lines = [f".. list-table::\n   :header-rows: 1\n   :widths: {widths}\n"]
    for row in (header, *rows):
        cells = (f"   {'*' if i == 0 else ' '} - {cell}" for i, cell in enumerate(row))
        lines.append("\n".join(cells))
    return "\n".join(lines) + "\n"


def _relations(derivation: Derivation, notation: Notation) -> str:
    """Separate formulas (conv-arithmetic) as a table: name, formula, conditions.

    On a web page a table wraps where an ``aligned`` block would scroll sideways.
    """
    rows = [
        (
            f"**{step.rule.name}**" if step.rule else "",
            f":math:`{latex(step.expr, notation)}`",
            (step.rule.statement if step.rule else "") or "—",
        )
        for step in derivation.steps
    ]
    return _list_table("20 35 45", ("relation", "formula", "holds when"), rows)


def _chain(derivation: Derivation, notation: Notation) -> list[str]:
    """A chain of equal expressions as aligned math, then its rules and notes."""
    lines = [_math(derivation_latex(derivation, notation, environment="aligned"))]
    rules = {s.rule.name: s.rule for s in derivation.steps if s.rule}
    if rules:
        lines.append("Rules used:\n")
        for rule in rules.values():
            formula = f" — :math:`{translate_fragment(rule.latex, notation)}`" if rule.latex else ""
            lines.append(f"- **{rule.name}**: {rule.statement}{formula}")
        lines.append("")
    notes = [(i, s) for i, s in enumerate(derivation.steps, 1) if s.note]
    if notes:
        lines.append("Notes on the steps:\n")
        lines += [f"- *line {i}*: {step.note}" for i, step in notes]
        lines.append("")
    return lines


def _tiers(derivation: Derivation) -> str:
    """The tiers as letters in strength order, as ``symconv list`` prints them: ``-sEN``.

    Uppercase R/S only for an argument over every parameter; lowercase when it fixed one.
    """
    by_tier = {r.tier: r for r in derivation.tiers}
    letters = "".join(tier_mark(by_tier[t]) if t in by_tier else "-" for t in Tier)
    # A literal: a cell starting with "- " would otherwise become a bullet list.
    return f"``{letters}``"


#: What each verdict means, in one sentence for the page.
_VERDICTS = {
    Verdict.PROVEN: "a rewrite or symbolic argument holds for every value of every parameter",
    Verdict.VERIFIED: "exact and numeric agreement up to the stated bounds; no argument covers "
    "every parameter",
    Verdict.REFUTED: "a counterexample was found",
    Verdict.UNKNOWN: "neither an argument for all sizes nor agreement at every bounded tier",
}


def _detail(result: object) -> str:
    """A tier's detail without the copy of its scope words at the front (shown beside it)."""
    detail = " ".join(result.detail.split())
    scope = result.scope_text()
    return detail[len(scope) + 2 :] if detail.startswith(scope + ": ") else detail or "—"


def render_page(
    name: str,
    script: Path,
    page_dir: Path,
    module: ModuleType,
    derivation: Derivation,
    notation: Notation,
    source: str = "",
    notes: tuple[str, ...] = (),
) -> str:
    doc = inspect.cleandoc(module.__doc__)
    lines = [f".. _gallery-{name}:\n", _heading(derivation.name, "=")]
    if derivation.statement:
        lines.append(f"**Statement:** {derivation.statement}\n")
    verdict = derivation.verdict
    lines.append(f"**Verdict:** {verdict.value} {_tiers(derivation)} — {_VERDICTS[verdict]}.\n")
    lines += [f"*Note:* {note}\n" for note in notes]
    lines += [doc, ""]
    where = f"*Catalogue name* ``{derivation.name}`` · *script* ``derivations/{script.name}``"
    lines.append(where + (f" · *source* {source}" if source else "") + "\n")
    lines.append(_heading("The derivation", "-"))
    if all(isinstance(step.expr, Relational) for step in derivation.steps):
        lines.append(_relations(derivation, notation))
    else:
        lines += _chain(derivation, notation)
    sides = [
        (label, _small_explicit(expr))
        for label, expr in (("left side", derivation.lhs), ("right side", derivation.rhs))
    ]
    if all(m is not None for _, m in sides):
        lines.append(_heading("Explicit matrices", "-"))
        rows, cols = sides[0][1].shape
        lines.append(f"Both sides as exact {rows}×{cols} matrices, any kernel taps symbolic:\n")
        body = r" \quad ".join(
            rf"\underbrace{{{latex(m, notation)}}}_{{\text{{{label}}}}}" for label, m in sides
        )
        lines.append(_math(body))
    lines.append(_heading("What was checked", "-"))
    rows = [(r.tier.value, r.result, r.scope_text(), _detail(r)) for r in derivation.tiers]
    header = ("tier", "result", "scope", "what exactly was checked")
    lines.append(_list_table("12 8 20 60", header, rows))
    lines.append(_heading("The script", "-"))
    relative = Path(os.path.relpath(script, page_dir)).as_posix()
    lines.append(f".. literalinclude:: {relative}\n   :language: python\n")
    return "\n".join(lines)


def generate(app: Sphinx) -> None:
    scripts_dir = Path(app.srcdir, app.config.derivation_gallery_scripts).resolve()
    page_dir = Path(app.srcdir, app.config.derivation_gallery_dir)
    scripts = sorted(p for p in scripts_dir.glob("*.py") if not p.name.startswith("_"))
    if not scripts:
        raise ExtensionError(f"no derivation scripts in {scripts_dir}")
    names = catalogue_names()
    if names is not None and app.config.derivation_gallery_require_catalogue:
        expected = {n.replace("-", "_") for n in names}
        missing = sorted(expected - {p.stem for p in scripts})
        if missing:
            raise ExtensionError(f"catalogue identities without a derivation script: {missing}")
    notation = _notation(app)
    pages = {}
    for script in scripts:
        module, derivation = checked_derivation(script)
        source, notes = "", ()
        if names is not None and derivation.name in names:
            from symconv import catalogue

            entry = catalogue.get(derivation.name)
            source, notes = entry.source or "", tuple(entry.notes)
        pages[script.stem] = (
            derivation,
            render_page(
                script.stem,
                script,
                page_dir.resolve(),
                module,
                derivation,
                notation,
                source,
                notes,
            ),
        )
        logger.info(
            f"derivation gallery: {script.name} checked at "
            f"{', '.join(t.tier.value for t in derivation.tiers if t.passed)} "
            f"(verdict {derivation.verdict.value})"
        )
    # Catalogue order (it introduces the ideas one after the other), other scripts after it.
    rank = {n.replace("-", "_"): i for i, n in enumerate(names or ())}
    order = sorted(pages, key=lambda stem: (rank.get(stem, len(rank)), stem))
    rows = [
        (
            f":doc:`{pages[stem][0].name} <{stem}>`",
            pages[stem][0].statement,
            pages[stem][0].verdict.value,
            _tiers(pages[stem][0]),
        )
        for stem in order
    ]
    tiers_doc = app.config.derivation_gallery_tiers_doc
    index = [
        ".. _gallery:\n",
        _heading("Derivation gallery", "="),
        "Every identity of the catalogue, derived step by step and checked when this site "
        "was built (a failing derivation stops the build). Each page shows the named rule "
        "behind every step, the explicit matrices, each tier's result and scope, and the "
        "script that produced it. The verdict is *proven* only when a rewrite or symbolic "
        "argument covers every value of every parameter; *verified* when exact and numeric "
        "agreement was checked up to stated bounds only. "
        + LEGEND[0].upper()
        + LEGEND[1:]
        + (f" (see :doc:`/{tiers_doc}`).\n" if tiers_doc else ".\n"),
        _list_table("24 56 10 10", ("identity", "statement", "verdict", "tiers"), rows),
        ".. toctree::\n   :hidden:\n",
        *(f"   {stem}" for stem in order),
    ]
    pages["index"] = (None, "\n".join(index) + "\n")
    # Regenerate the directory whole, rewriting only changed files so Sphinx re-reads only them.
    page_dir.mkdir(parents=True, exist_ok=True)
    for stale in set(p.stem for p in page_dir.glob("*.rst")) - set(pages):
        (page_dir / f"{stale}.rst").unlink()
    for stem, (_, text) in pages.items():
        target = page_dir / f"{stem}.rst"
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            temporary = target.with_suffix(".rst.tmp")
            temporary.write_text(text, encoding="utf-8")
            os.replace(temporary, target)


def setup(app: Sphinx) -> dict[str, object]:
    app.add_config_value("derivation_gallery_scripts", "../derivations", "env")
    app.add_config_value("derivation_gallery_dir", "gallery", "env")
    # Require a script for every catalogue identity (the project's own docs set this).
    app.add_config_value("derivation_gallery_require_catalogue", False, "env")
    # A symconv.latex.Notation; None prints expanded LaTeX in the default notation.
    app.add_config_value("derivation_gallery_notation", None, "env")
    # A document that explains the tiers, linked from the gallery's index ("" for none).
    app.add_config_value("derivation_gallery_tiers_doc", "", "env")
    app.connect("builder-inited", generate)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
