"""Reports: checked derivations as LaTeX appendices, standalone documents and PDFs (issue 6).

The public surface:

- :func:`write_report`: check the derivations and write the whole report (``symntk report``), returning a
  :class:`Report`;
- :func:`view`, :func:`appendix`, :func:`standalone`: one checked derivation as an appendix snippet or a
  standalone document (LaTeX text);
- :func:`escape_tex`, :func:`vet_formula`: text and formulas made safe for LaTeX;
- :func:`tex_available`, :func:`build`, :class:`LatexError`: PDFs with latexmk;
- :func:`markdown`: a derivation, its check or a verdict as Markdown with LaTeX math, for notebooks.
"""

from __future__ import annotations

from .documents import appendix as appendix
from .documents import standalone as standalone
from .documents import view as view
from .escaping import escape_tex as escape_tex
from .escaping import vet_formula as vet_formula
from .markdown import markdown as markdown
from .output import Report as Report
from .output import write_report as write_report
from .pdf import LatexError as LatexError
from .pdf import build as build
from .pdf import tex_available as tex_available

__all__ = [
    "LatexError",
    "Report",
    "appendix",
    "build",
    "escape_tex",
    "markdown",
    "standalone",
    "tex_available",
    "vet_formula",
    "view",
    "write_report",
]
