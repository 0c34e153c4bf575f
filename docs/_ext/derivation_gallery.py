"""The derivation gallery: one page per script in ``derivations/``, generated at build time.

For every ``derivations/<name>.py`` the extension imports the script, calls its
``build()`` and requires a :class:`symconv.derivation.Derivation` whose tiers
all passed; anything else (an exception, a failed or missing tier, a catalogue
identity without a script) stops the build with an error naming the script.
It then writes ``gallery/<name>.rst``: the script's docstring as prose, the
statement, the chain of steps as aligned math with the rule of each step,
the explicit matrices of both sides when they are small, the tiers with what
each checked, and the script itself. ``gallery/`` is generated: not committed.

LaTeX of the steps comes from the project's LaTeX printer, :func:`step_latex`.
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
from sympy.printing.latex import LatexPrinter

import symconv
from symconv.derivation import Derivation
from symconv.matrices import explicit

logger = logging.getLogger(__name__)

#: Largest explicit matrix shown on a page (rows and columns).
MATRIX_LIMIT = 12


# --- LaTeX ------------------------------------------------------------------------------------
# Transitional: symconv.latex (the LaTeX helper's printer) replaces this fallback when it lands.
class _FallbackPrinter(LatexPrinter):
    """Operators as the conventions page writes them; only what the gallery needs."""

    def _print_Downsample(self, e):
        return rf"{{\downarrow_{{{self._print(e.k)}}}}}"

    def _print_Upsample(self, e):
        return rf"{{\uparrow_{{{self._print(e.k)}}}}}"

    def _kernel(self, e):
        return r"\left(" + ", ".join(self._print(t) for t in e.kernel) + r"\right)"

    def _print_Conv(self, e):
        return rf"\operatorname{{Conv}}_{{\text{{{e.mode}}}}}{self._kernel(e)}"

    def _print_Corr(self, e):
        return rf"\operatorname{{Corr}}_{{s={self._print(e.stride)}}}{self._kernel(e)}"

    def _print_ConvTranspose(self, e):
        return rf"\operatorname{{ConvT}}_{{s={self._print(e.stride)}}}{self._kernel(e)}"

    def _print_Pad(self, e):
        return r"\operatorname{Pad}_{" + ",".join(map(self._print, e.args[1:])) + "}"

    def _print_Crop(self, e):
        return r"\operatorname{Crop}_{" + ",".join(map(self._print, e.args[1:])) + "}"

    def _print_Flip(self, e):
        return r"\operatorname{Flip}"

    def _print_Transpose(self, e):
        inner = self._print(e.arg)
        if (
            not isinstance(e.arg, (sp.MatrixSymbol, sp.matrices.expressions.MatrixExpr))
            or e.arg.args
        ):
            inner = rf"\left({inner}\right)" if isinstance(e.arg, (sp.MatMul, sp.MatAdd)) else inner
        return rf"{{{inner}}}^{{\mathsf{{T}}}}"


def step_latex(expr: sp.Basic) -> str:
    """LaTeX of one derivation step (the project's printer when there is one)."""
    printer = getattr(symconv, "latex", None)
    if isinstance(printer, ModuleType):
        printer = getattr(printer, "latex", None)
    if callable(printer):
        return printer(expr)
    return _FallbackPrinter().doprint(expr)


def matrix_latex(matrix: sp.MatrixBase) -> str:
    return sp.latex(matrix, mat_str="bmatrix", mat_delim="")


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
    if not derivation.tiers:
        raise ExtensionError(f"derivation {path.name} was checked at no tier")
    for result in derivation.tiers:
        if not result.passed:
            raise ExtensionError(
                f"derivation {path.name} failed tier {result.tier.value}: {result.detail}"
            )
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
    rows, cols = (sp.sympify(v) for v in expr.shape)
    if not (rows.is_Integer and cols.is_Integer) or max(rows, cols) > MATRIX_LIMIT:
        return None
    return explicit(expr)


def render_page(
    name: str,
    script: Path,
    page_dir: Path,
    module: ModuleType,
    derivation: Derivation,
    source: str = "",
) -> str:
    title = derivation.statement or name
    doc = inspect.cleandoc(module.__doc__)
    lines = [f".. _gallery-{name}:\n", _heading(title, "="), doc, ""]
    lines.append(f"*Catalogue name* ``{derivation.name}`` · *script* ``derivations/{script.name}``")
    if source:
        lines.append(f" · *source* {source}")
    lines.append("\n")
    lines.append(_heading("The derivation", "-"))
    chain = [rf"&{step_latex(derivation.steps[0].expr)} \\"]
    for step in derivation.steps[1:]:
        why = rf"&& \text{{{step.rule.name}}}" if step.rule else ""
        chain.append(rf"={{}}&{step_latex(step.expr)} {why} \\")
    lines.append(_math("\\begin{aligned}\n" + "\n".join(chain) + "\n\\end{aligned}"))
    rules = {s.rule.name: s.rule for s in derivation.steps if s.rule}
    if rules:
        lines.append("Rules used:\n")
        for rule in rules.values():
            lines.append(f"- **{rule.name}**: {rule.statement} — :math:`{rule.latex}`")
        lines.append("")
    notes = [s.note for s in derivation.steps if s.note]
    for note in notes:
        lines.append(f"- {note}")
    if notes:
        lines.append("")
    sides = [
        (label, _small_explicit(expr))
        for label, expr in (("left side", derivation.lhs), ("right side", derivation.rhs))
    ]
    if all(m is not None for _, m in sides):
        lines.append(_heading("Explicit matrices", "-"))
        rows, cols = sides[0][1].shape
        lines.append(f"Both sides as exact {rows}×{cols} matrices, any kernel taps symbolic:\n")
        body = r" \quad ".join(
            rf"\underbrace{{{matrix_latex(m)}}}_{{\text{{{label}}}}}" for label, m in sides
        )
        lines.append(_math(body))
    lines.append(_heading("What was checked", "-"))
    lines.append(".. list-table::\n   :header-rows: 1\n   :widths: 15 10 75\n")
    lines.append("   * - tier\n     - result\n     - what exactly was checked")
    for result in derivation.tiers:
        detail = " ".join(result.detail.split()) or "—"
        lines.append(f"   * - {result.tier.value}\n     - passed\n     - {detail}")
    lines.append("")
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
    if names is not None:
        expected = {n.replace("-", "_") for n in names}
        missing = sorted(expected - {p.stem for p in scripts})
        if missing:
            raise ExtensionError(f"catalogue identities without a derivation script: {missing}")
    pages = {}
    for script in scripts:
        module, derivation = checked_derivation(script)
        source = ""
        if names is not None and derivation.name in names:
            from symconv import catalogue

            source = getattr(catalogue.get(derivation.name), "source", "") or ""
        pages[script.stem] = (
            derivation,
            render_page(script.stem, script, page_dir.resolve(), module, derivation, source),
        )
        logger.info(
            f"derivation gallery: {script.name} checked at "
            f"{', '.join(t.tier.value for t in derivation.tiers)}"
        )
    index = [
        ".. _gallery:\n",
        _heading("Derivation gallery", "="),
        "Every identity of the catalogue, derived step by step and checked when this site "
        "was built (a failing derivation stops the build). Each page shows the named rule "
        "behind every step, the explicit matrices, the tiers of checking it passed, and the "
        "script that produced it.\n",
        ".. toctree::\n   :maxdepth: 1\n",
    ]
    index += [f"   {stem}" for stem in pages]
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
    app.connect("builder-inited", generate)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
