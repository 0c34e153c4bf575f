"""The derivation gallery: one page per script in ``derivations/``, generated at build time.

For every ``derivations/<name>.py`` the extension imports the script, calls its
``build()`` and requires a :class:`symconv.derivation.Derivation` with at least
one passed tier and no failed one (a tier that was not run, "n/a", is shown as
such); anything else (an exception, a failed or missing tier, a catalogue
identity without a script) stops the build with an error naming the script.
It then writes ``gallery/<name>.rst``: the statement (as math when the catalogue
entry has ``statement_latex``), the verdict (proven, verified, …), a figure
(drawn by :mod:`symconv.figures`: the entry's own figure, or both sides as
matrices coloured by kernel tap), what each tier established in plain words
("proven for all n, k, with m = 3 held fixed"), the script's docstring as
prose, the chain of steps as aligned math with the rule of each step, the
explicit matrices of both sides when they are small, every tier with its
result, its scope and what it checked in readable form (SymPy's raw record
folded away below), and the script itself. ``gallery/`` is generated: not
committed.

Steps, rules and matrices are printed by :mod:`symconv.printing.latex` in the site's
notation (config value ``derivation_gallery_notation``), the same printer and
macros as symconv's LaTeX output.
"""

from __future__ import annotations

import html
import importlib.util
import inspect
import os
import re
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import sympy as sp
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging
from sympy.core.relational import Relational

import symconv.figures
from symconv.derivation import Derivation, Tier, TierResult, Verdict
from symconv.matrices import explicit
from symconv.printing.latex import Notation, derivation_latex, latex
from symconv.printing.latex.derivation import translate_fragment
from symconv.printing.text import LEGEND, tier_mark

logger = logging.getLogger(__name__)

#: Largest explicit matrix shown on a page (rows and columns).
MATRIX_LIMIT = 12

#: Largest matrix drawn as a figure (a picture stays readable larger than LaTeX does).
FIGURE_LIMIT = 24

#: Directory of the pages' figures, inside the gallery directory.
FIGURES = "_figures"

#: Entries with a figure of their own in :mod:`symconv.figures`: (function, keyword
#: arguments, caption). Every other page shows both sides as matrices (:func:`_sides_figure`).
ENTRY_FIGURES = {
    "up-down-transpose": (
        "sampling_matrices",
        {"n": 3, "k": 2},
        "↓₂ on ℝ⁶ and ↑₂ from ℝ³ to length 6 are each other's transpose (cell (i, j) of one is "
        "cell (j, i) of the other); ↑₂ to length 5 is the transpose of ↓₂ on ℝ⁵: the length "
        "of ↑ₖ is part of the operator.",
    ),
    "checkerboard-overlap": (
        "checkerboard_overlap",
        {},
        "How many kernel taps reach each output of a transposed convolution with an all-ones "
        "kernel: uneven (1, 2, 1, 2, …) when the stride does not divide the kernel length, "
        "even in the interior when it does.",
    ),
    "subpixel-conv": (
        "subpixel_decomposition",
        {"m": 4, "s": 2, "n": 3},
        "The rows of a stride-2 transposed convolution of phase v are the stride-1 full "
        "convolution with the polyphase kernel q[v::2]; interleaving the phases is the "
        "pixel shuffle.",
    ),
    "transposed-conv-as-direct-conv-2d": (
        "transposed_as_direct",
        {"stride": 2},
        "A stride-2 transposed convolution of a 2×2 input with a 3×3 kernel: one zero inserted "
        "between the samples (hatched) and a border of 2 (grey) give 7×7; the stride-1 "
        "correlation with the kernel rotated by 180° gives the 5×5 output.",
    ),
    "conv-arithmetic": (
        "convolution_matrix",
        {"n": 4, "m": 3},
        "Relationship 1 at i = 4, k = 3: a valid 3×3 convolution of a 4×4 image has "
        "4 − 3 + 1 = 2 outputs per axis, so its matrix C is 4×16; Cᵀ maps 2×2 back to 4×4 "
        "(relationship 8).",
    ),
}


# --- LaTeX ------------------------------------------------------------------------------------
def _notation(app: Sphinx) -> Notation:
    """The site's notation (``derivation_gallery_notation``), expanded output by default.

    A site that sets a notation with ``macros=True`` must give MathJax the same
    notation's :func:`~symconv.printing.latex.preamble.mathjax_macros` (symconv's own conf.py does).
    """
    notation = app.config.derivation_gallery_notation
    if notation is None:
        return Notation()
    if not isinstance(notation, Notation):
        raise ExtensionError(
            "derivation_gallery_notation must be a symconv.printing.latex.Notation, "
            f"got {notation!r}"
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


def _small_explicit(expr: sp.Basic, limit: int = MATRIX_LIMIT) -> sp.MatrixBase | None:
    if not getattr(expr, "is_Matrix", False):  # e.g. the size equations of conv-arithmetic
        return None
    rows, cols = (sp.sympify(v) for v in expr.shape)
    if not (rows.is_Integer and cols.is_Integer) or max(rows, cols) > limit:
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
            _unicode_math(step.rule.statement if step.rule else "") or "—",
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
            lines.append(f"- **{rule.name}**: {_unicode_math(rule.statement)}{formula}")
        lines.append("")
    notes = [s for s in derivation.steps if s.note]
    if notes:
        lines.append("Notes on the steps:\n")
        lines += [
            f"- *{'after ' + step.rule.name if step.rule else 'the left side'}*: "
            f"{_unicode_math(step.note)}"
            for step in notes
        ]
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


def _save(figure: object, target: Path) -> None:
    """Write a PNG, replacing the file only when its bytes change (Sphinx re-copies less)."""
    import io

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, metadata={"Software": None})
    data = buffer.getvalue()
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.is_file() or target.read_bytes() != data:
        temporary = target.with_suffix(".png.tmp")
        temporary.write_bytes(data)
        os.replace(temporary, target)


def _sides_figure(lhs: sp.Basic, rhs: sp.Basic, where: str) -> tuple[object, str] | None:
    """Both sides as matrices coloured by kernel tap, when they are small enough to read."""
    sides = [_small_explicit(side, FIGURE_LIMIT) for side in (lhs, rhs)]
    if any(side is None for side in sides):
        return None
    if sides[0] != sides[1]:  # the caption says they are equal: never draw it otherwise
        raise ExtensionError(f"the two sides differ {where}: no figure can show them equal")
    figure = symconv.figures.matrix_pair(*sides, ("left side", "right side"))
    rows, cols = sides[0].shape
    caption = (
        f"Both sides {where}, as exact {rows}×{cols} matrices (2-D images flattened row by "
        "row): each cell is coloured by the kernel tap it holds (grey: a sum of taps, white: "
        "a structural zero). The two pictures are equal cell for cell."
    )
    return figure, caption


def _figure(stem: str, derivation: Derivation, page_dir: Path) -> str:
    """The page's figure as reST (written to ``_figures/<stem>.png``), or "" when none fits."""
    if derivation.name in ENTRY_FIGURES:
        function, kwargs, caption = ENTRY_FIGURES[derivation.name]
        figure = getattr(symconv.figures, function)(**kwargs)
    else:
        drawn = _sides_figure(
            derivation.lhs, derivation.rhs, "at the sizes of the derivation below"
        )
        if drawn is None:
            return ""
        figure, caption = drawn
    _save(figure, page_dir / FIGURES / f"{stem}.png")
    alt = caption.split(":")[0].split(";")[0]
    return (
        f".. figure:: {FIGURES}/{stem}.png\n   :alt: {alt}\n   :class: symconv-figure\n\n"
        f"   {caption}\n"
    )


def _unicode_math(text: str) -> str:
    """Plain Unicode text for a page: ASCII comparisons as their symbols (statements are
    written with ``>=``), and ``|`` escaped (an absolute value, never a reST substitution)."""
    text = text.replace(">=", "≥").replace("<=", "≤").replace("!=", "≠")
    return text.replace("|", "\\|")


#: Characters that start inline markup in reST text.
_RST_SPECIAL = re.compile(r"([*`|\\]|_(?=\W|$))")


#: LaTeX's text-mode escapes (as :func:`symconv.printing.latex.unicode.escape_text` writes them).
_LATEX_TEXT = re.compile(r"\\(textbackslash|textasciicircum|textasciitilde)\{\}|\\([$&#%_{}])")
_TEXT_COMMANDS = {"textbackslash": "\\", "textasciicircum": "^", "textasciitilde": "~"}


def _untext(match: re.Match) -> str:
    return _TEXT_COMMANDS[match.group(1)] if match.group(1) else match.group(2)


def paragraph_rst(latex: str) -> str:
    r"""A LaTeX paragraph of text with ``$…$`` math as reST: each ``$…$`` a ``:math:`` role.

    Text between the formulas is escaped for reST; a role glued to a word is
    separated by an escaped space, which renders as nothing.

    >>> print(paragraph_rst(r"$q\ast x$ for all $n \geq 1$: the $k$th"))
    :math:`q\ast x` for all :math:`n \geq 1`: the :math:`k`\ th
    >>> print(paragraph_rst(r"Dumoulin \& Visin's 100\% *"))
    Dumoulin & Visin's 100% \*
    """
    parts = re.split(r"(?<!\\)\$", latex)
    if len(parts) % 2 == 0:  # unbalanced dollars: not a paragraph of this form
        raise ValueError(f"unbalanced $ in {latex!r}")
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            out.append(f":math:`{part.replace('`', '')}`")
            continue
        text = _RST_SPECIAL.sub(r"\\\1", _LATEX_TEXT.sub(_untext, part))
        if i and text[:1].isalnum():
            text = "\\ " + text
        if i + 1 < len(parts) and text[-1:].isalnum():
            text += "\\ "
        out.append(text)
    return "".join(out)


def _statement_math(statement: str) -> str | None:
    """The Unicode statement as reST with inline math, when symconv.printing.latex can set it."""
    try:
        from symconv.printing.latex.unicode import text_paragraph  # type: ignore[attr-defined]
    except ImportError:
        return None
    try:
        return paragraph_rst(text_paragraph(statement))
    except ValueError:
        return None


def _statement(derivation: Derivation, statement_latex: str) -> list[str]:
    """The statement as display math when the catalogue gives it in LaTeX, else as text.

    Text with inline math when :mod:`symconv.printing.latex.unicode` can set a Unicode statement
    as a paragraph; plain Unicode otherwise.
    """
    if statement_latex:
        return ["**Statement:**\n", _math(statement_latex)]
    if derivation.statement:
        inline = _statement_math(derivation.statement)
        return [f"**Statement:** {inline or _unicode_math(derivation.statement)}\n"]
    return []


def _param_math(name: str) -> str:
    return name if len(name) == 1 else rf"\mathrm{{{name}}}"


def _value_math(value: object) -> str:
    return rf"\text{{{value}}}" if isinstance(value, str) else str(value)


def _words(names: list[str], rst: bool) -> str:
    """Parameter names (``n, k``) or ``name = value`` pairs, as text or as one math role."""
    text = ", ".join(names)
    return f":math:`{text}`" if rst and text else text


def _free_and_fixed(result: TierResult, rst: bool) -> tuple[str, str]:
    if rst:
        free = [_param_math(name) for name in result.free]
        fixed = [f"{_param_math(k)} = {_value_math(v)}" for k, v in result.fixed.items()]
    else:
        free = list(result.free)
        fixed = [f"{name} = {value}" for name, value in result.fixed.items()]
    return _words(free, rst), _words(fixed, rst)


#: What a passing tier shows, in words.
_TIER_SHOWS = {
    Tier.REWRITE: "both sides reduce to one expression by named rewrite rules",
    Tier.SYMBOLIC: "an argument with every size and index symbolic",
    Tier.EXHAUSTIVE: "exact comparison (symbolic kernel taps, no rounding) at every point of a "
    "bounded grid of sizes",
    Tier.NUMERIC: "comparison with an independent NumPy/SciPy implementation on random inputs",
}


def tier_summary(result: TierResult, rst: bool = False) -> str:
    r"""What one tier established, in plain words, from its result, scope and fixed values.

    With ``rst=True`` the parameters are set as math (``:math:`n, k```).

    >>> tier_summary(TierResult(Tier.SYMBOLIC, True, "", "all", {"m": 3}, free=("n", "k")))
    'proven for all n, k, with m = 3 held fixed: an argument with every size and index symbolic'
    >>> tier_summary(TierResult(Tier.REWRITE, False, "n/a: no rule chain", applicable=False))
    'not run (no rule chain)'
    >>> tier_summary(TierResult(Tier.SYMBOLIC, True, "", "all", {"lo": 0}, free=("n",)), rst=True)
    'proven for all :math:`n`, with :math:`\\mathrm{lo} = 0` held fixed: an argument with every size and index symbolic'
    """  # noqa: E501
    if not result.applicable:
        return f"not run ({_plain(result.detail).removeprefix('n/a: ')})"
    if not result.passed:
        return f"{result.result}: {_plain(result.detail)}"  # "not shown" or "failed"
    free, fixed = _free_and_fixed(result, rst)
    if result.scope == "all":
        if not free:
            head = (
                f"shown only at {fixed}" if fixed else "proven for every value of every parameter"
            )
        else:
            head = f"proven for all {free}" + (f", with {fixed} held fixed" if fixed else "")
    else:
        head = "checked up to the stated bounds (evidence, not a proof for larger sizes)"
        head += f", with {fixed}" if fixed else ""
    return f"{head}: {_TIER_SHOWS[result.tier]}"


#: A SymPy expression printed with ``str``: readable only to SymPy.
_SYMPY_DUMP = re.compile(r"\[\(|Sum\(|floor\(|Min\(|Max\(|Mod\(|KernelFamily|\.T\*")

#: Plain sentences for the kinds of SymPy records the symbolic tier writes.
_SYMBOLIC_RECORDS = (
    (
        "row",
        "row by row, both sides are the same sum of terms under the same index "
        "conditions (bounds and divisibility kept explicit)",
    ),
    (
        "matrix calculus",
        "SymPy's matrix calculus gives ∇ₓ(gᵀCx) = Cᵀg for every matrix C that does not "
        "depend on x; the convolution C, with symbolic sizes, is one, and its transpose is "
        "the transposed convolution",
    ),
    (
        "becomes",
        "entry i of the full convolution, a sum over the taps, becomes the other side's "
        "under the change of index t = i − j; every mode keeps the same rows of it",
    ),
)


def _plain(text: str) -> str:
    return _unicode_math(" ".join(text.split()))


def _without_scope(result: TierResult) -> str:
    return _plain(result.detail).removeprefix(result.scope_text() + ": ").removeprefix("n/a: ")


def readable_detail(result: TierResult) -> str:
    """What a tier checked, without SymPy's raw expressions and without the scope words.

    The raw record stays available on the page (folded away) when this differs from it.

    >>> r = TierResult(Tier.SYMBOLIC, True, "for all n: row i of both sides: [(q[u], i - u, [])]",
    ...                "all", free=("n",))
    >>> readable_detail(r)
    'row by row, both sides are the same sum of terms under the same index conditions (bounds and divisibility kept explicit)'
    """  # noqa: E501
    detail = _without_scope(result)
    if result.tier is Tier.REWRITE and result.passed:
        rules = sorted(
            {r.strip() for m in re.findall(r"rules: ([^;)]*)", detail) for r in m.split(",")}
        )
        modes = re.findall(r"mode = (\w+):", detail)
        where = f" in every mode ({', '.join(modes)})" if modes else ""
        return (
            f"each application of the rules {', '.join(rules)} checked with symbolic sizes{where}"
            if rules
            else detail
        )
    if "relationship" in detail and result.tier is Tier.SYMBOLIC:
        return (
            "each relationship equals the output length of symconv's operators as a formula in "
            "symbolic sizes, under the relationship's conditions"
        )
    modes = re.findall(r"mode = (\w+): ", detail)
    parts = []
    for segment in re.split(r"; (?=for all |mode = )", detail):
        segment = re.sub(r"^(for all [^:]*: |mode = \w+: )+", "", segment)
        if _SYMPY_DUMP.search(segment):
            segment = next((s for key, s in _SYMBOLIC_RECORDS if key in segment), None)
            if segment is None:
                continue
        if segment not in parts:
            parts.append(segment)
    text = "; ".join(parts) or "see the record below"
    return text + (f" (in each mode: {', '.join(modes)})" if modes else "")


def _raw_records(derivation: Derivation) -> list[str]:
    """SymPy's records of the tiers whose readable form left something out, folded away."""
    folded = [
        f"<details><summary>{r.tier.value}: the raw record</summary>"
        f'<pre class="symconv-record">{html.escape(_plain(r.detail))}</pre></details>'
        for r in derivation.tiers
        if r.applicable and readable_detail(r) != _without_scope(r)
    ]
    if not folded:
        return []
    return [".. raw:: html\n\n" + textwrap.indent("\n".join(folded), "   ") + "\n"]


def render_page(
    name: str,
    script: Path,
    page_dir: Path,
    module: ModuleType,
    derivation: Derivation,
    notation: Notation,
    source: str = "",
    notes: tuple[str, ...] = (),
    statement_latex: str = "",
) -> str:
    doc = inspect.cleandoc(module.__doc__)
    lines = [f".. _gallery-{name}:\n", _heading(derivation.name, "=")]
    lines += _statement(derivation, statement_latex)
    verdict = derivation.verdict
    lines.append(f"**Verdict:** {verdict.value} {_tiers(derivation)} — {_VERDICTS[verdict]}.\n")
    lines += [f"*Note:* {_unicode_math(note)}\n" for note in notes]
    lines.append(_figure(name, derivation, page_dir))
    lines.append("What each tier established:\n")
    lines += [f"- **{r.tier.value}** — {tier_summary(r, rst=True)}." for r in derivation.tiers]
    lines += ["", doc, ""]
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
    rows = [
        (r.tier.value, r.result, _unicode_math(r.scope_text()), readable_detail(r))
        for r in derivation.tiers
    ]
    header = ("tier", "result", "scope", "what exactly was checked")
    lines.append(_list_table("12 8 20 60", header, rows))
    lines += _raw_records(derivation)
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
        source, notes, statement_latex = "", (), ""
        if names is not None and derivation.name in names:
            from symconv import catalogue

            entry = catalogue.get(derivation.name)
            source, notes = entry.source or "", tuple(entry.notes)
            # Added to the catalogue entries alongside the Unicode statement.
            statement_latex = getattr(entry, "statement_latex", "") or ""
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
                statement_latex,
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
            _unicode_math(pages[stem][0].statement),
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
        "was built (a failing derivation stops the build). Each page shows a figure, what each "
        "tier established in words, the named rule behind every step, the explicit matrices, "
        "each tier's result and scope, and the script that produced it. The verdict is "
        "*proven* only when a rewrite or symbolic argument covers every value of every "
        "parameter; *verified* when exact and numeric agreement was checked up to stated "
        "bounds only. "
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
    # A symconv.printing.latex.Notation; None prints expanded LaTeX in the default notation.
    app.add_config_value("derivation_gallery_notation", None, "env")
    # A document that explains the tiers, linked from the gallery's index ("" for none).
    app.add_config_value("derivation_gallery_tiers_doc", "", "env")
    app.connect("builder-inited", generate)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
