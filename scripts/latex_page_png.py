"""Render one catalogue document as the PNG shown on the docs' LaTeX page.

Runs ``symconv latex NAME --standalone``, compiles it with pdflatex, renders the
page with pdftoppm (Debian: poppler-utils) and trims the white margins with
Pillow. The docs build does not run this: the PNG is committed. Regenerate it
after a change to the printer, from the repository root::

    python scripts/latex_page_png.py                      # subpixel-conv at rank 2
    python scripts/latex_page_png.py NAME docs/_static/latex-NAME.png [--param KEY=VALUE ...]
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageChops

# This checkout's symconv, not an installed one (the PNG shows this tree's printer).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from symconv.cli import main as symconv

#: Pixels per inch of the PNG, and the white border kept around the text.
RESOLUTION, BORDER = 150, 12


def render(name: str, target: Path, options: list[str] = ()) -> Path:
    """Write the trimmed first page of ``name``'s standalone document to ``target``.

    ``options`` are passed on to ``symconv latex`` (e.g. ``--param rank=2``).
    """
    for tool in ("pdflatex", "pdftoppm"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is not installed (Debian: texlive-latex-base, poppler-utils)")
    with tempfile.TemporaryDirectory() as directory:
        work = Path(directory)
        command = ["latex", name, *options, "--standalone", "--out", str(work / "page.tex")]
        if symconv(command) != 0:
            raise SystemExit(f"symconv latex {name} failed")
        subprocess.run(
            ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "page.tex"],
            cwd=work,
            check=True,
            capture_output=True,
        )
        subprocess.run(
            ["pdftoppm", "-png", "-r", str(RESOLUTION), "-f", "1", "-l", "1", "-singlefile",
             "page.pdf", "page"],
            cwd=work,
            check=True,
        )  # fmt: skip
        page = Image.open(work / "page.png").convert("RGB")
        box = ImageChops.difference(page, Image.new("RGB", page.size, "white")).getbbox()
        left, top, right, bottom = box
        page = page.crop((left - BORDER, top - BORDER, right + BORDER, bottom + BORDER))
        target.parent.mkdir(parents=True, exist_ok=True)
        page.save(target, optimize=True)
    return target


if __name__ == "__main__":
    if len(sys.argv) > 1:
        name, options = sys.argv[1], sys.argv[3:]
        target = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(f"docs/_static/latex-{name}.png")
    else:  # the picture on the docs' LaTeX page: the 2-D sub-pixel convolution
        name, options = "subpixel-conv", ["--param", "rank=2"]
        target = Path("docs/_static/latex-subpixel-conv-2d.png")
    print(render(name, target, options))
