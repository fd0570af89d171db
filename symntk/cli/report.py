"""Render checked derivations as LaTeX appendices, standalone documents and PDFs.

Checks every derivation in the given modules or folders (default: derivations/), then writes into the output
folder (default: generated/): an appendix snippet per derivation (appendix/<id>.tex, for \\input into a paper
loading amsmath and amsthm), a standalone document per derivation (derivations/<id>.tex), one report per seed
text following its structure (seed-000.tex, ...), the summary with the table of verdicts and the errata
(summary.tex), the figures (figures/*.pdf) and the BibTeX entries cited (symntk.bib). When a TeX engine is
installed it builds every document with latexmk (pdflatex, shell escape off); without one it writes the .tex
and says how to install one.

Files are written to a staging folder and moved into place only when everything succeeded: a failure leaves
the output folder as it was. The same sources give byte-identical .tex. A LaTeX error fails the command with
the relevant lines of the log.

Exit status: 0 when the report is written; 2 for bad input or a LaTeX error.
"""

from __future__ import annotations

import argparse
import sys

HELP = "write the LaTeX reports of the derivations (appendices, per-seed reports, summary) and build the PDFs"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths", nargs="*", metavar="PATH", help="derivation modules or folders (default: derivations/)"
    )
    parser.add_argument(
        "-o", "--output", default="generated", metavar="DIR", help="output folder (default: generated/)"
    )
    parser.add_argument("--no-pdf", action="store_true", help="write the .tex and figures only")
    parser.add_argument(
        "--no-figures", action="store_true", help="leave out the figures (their experiments take a while)"
    )
    parser.add_argument(
        "--seed", type=int, default=0, metavar="N", help="seed of the checks and figures (default 0)"
    )
    parser.add_argument(
        "--jobs", type=int, default=None, metavar="N", help="PDFs built at a time (default: cores)"
    )


def run(args: argparse.Namespace) -> int:
    from ..report.output import write_report
    from ..report.pdf import INSTALL_HINT, tex_available

    if args.jobs is not None and args.jobs < 1:
        from .._errors import SymntkError

        raise SymntkError(f"--jobs must be at least 1, got {args.jobs}")
    pdf = False if args.no_pdf else None
    progress = (
        (lambda line: print(f"symntk report: {line}", file=sys.stderr)) if sys.stderr.isatty() else None
    )
    report = write_report(
        args.paths,
        args.output,
        pdf=pdf,
        figures=not args.no_figures,
        seed=args.seed,
        jobs=args.jobs,
        progress=progress,
    )
    folder = report.folder
    tex = report.documents(".tex")
    top = [f for f in tex if len(f.parts) == 1]
    for f in top:
        pdf_path = f.with_suffix(".pdf")
        also = f" and {folder / pdf_path}" if pdf_path in report.files else ""
        print(f"wrote {folder / f}{also}")
    derivations = [f for f in tex if f.parts[0] == "derivations"]
    snippets = [f for f in tex if f.parts[0] == "appendix"]
    figures = [f for f in report.files if f.parts[0] == "figures"]
    built = "with their PDFs" if report.pdfs else "(no PDFs)"
    print(f"wrote {len(derivations)} standalone documents in {folder / 'derivations'} {built}")
    print(f"wrote {len(snippets)} appendix snippets in {folder / 'appendix'}")
    print(f"wrote {len(figures)} figures in {folder / 'figures'} and {folder / 'symntk.bib'}")
    if not report.pdfs and not args.no_pdf and not tex_available():
        print(f"symntk report: {INSTALL_HINT}", file=sys.stderr)
    return 0
