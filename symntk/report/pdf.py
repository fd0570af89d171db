"""Building PDFs with latexmk and pdflatex, safely and reproducibly.

Each document is built in a private temporary copy of the report's folder with

    latexmk -pdf -norc -no-shell-escape -interaction=nonstopmode -halt-on-error -file-line-error

so that no latexmkrc is read and no command can run, and with the environment ``openout_any=p`` and
``openin_any=p`` (kpathsea's paranoid mode: TeX may not write, nor read, a file by an absolute path, a path
through ``..`` or a hidden file: only the temporary copy and the TeX installation are within reach) and
``shell_escape=f``. ``SOURCE_DATE_EPOCH`` and ``FORCE_SOURCE_DATE=1`` fix every date TeX writes, so the same
sources and the same TeX give the same PDF. Only the finished PDF comes back.

A LaTeX error, an undefined reference or citation, or a run that does not finish fails the build with the
relevant lines of the log (the ``!`` error and its context line, or the undefined names), not the whole log.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .._errors import SymntkError

#: The one line said when no TeX engine is installed.
INSTALL_HINT = (
    "no TeX engine found (latexmk and pdflatex), so the PDFs were not built: install one, e.g. on Debian "
    "'apt-get install texlive-latex-base texlive-latex-recommended texlive-fonts-recommended latexmk'"
)
#: The date every PDF carries (2024-01-01 00:00:00 UTC): reproducible, not the time of the build.
SOURCE_DATE_EPOCH = "1704067200"
#: Seconds one document may take before the build is abandoned.
TIMEOUT = 300.0

_ERROR = re.compile(r"^(!.*|.*:\d+: .*)$")
_UNDEFINED = re.compile(
    r"(LaTeX Warning: (?:Reference|Citation) .*? undefined.*"
    r"|LaTeX Warning: There were undefined references.*)"
)


class LatexError(SymntkError):
    """LaTeX failed on a document; the message holds the relevant lines of the log."""


def tex_available() -> bool:
    """True if latexmk and pdflatex are on the PATH."""
    return shutil.which("latexmk") is not None and shutil.which("pdflatex") is not None


def environment() -> dict[str, str]:
    """The environment of the TeX run (see the module docstring)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEXMF", "TEXINPUTS", "BIBINPUTS"))}
    env.update(
        openout_any="p",
        openin_any="p",
        shell_escape="f",
        SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH,
        FORCE_SOURCE_DATE="1",
        TZ="UTC",
    )
    return env


def command(document: str) -> list[str]:
    return [
        "latexmk",
        "-pdf",
        "-norc",
        "-no-shell-escape",
        "-interaction=nonstopmode",
        "-halt-on-error",
        "-file-line-error",
        "-silent",
        document,
    ]


def excerpt(log: str, limit: int = 12) -> list[str]:
    """The relevant lines of a LaTeX log: each error with the line TeX stopped at, or the undefined names."""
    lines = log.splitlines()
    out: list[str] = []
    for i, line in enumerate(lines):
        if _ERROR.match(line) and not line.startswith("!  ==>"):
            out.append(line.strip())
            out.extend(
                following.strip()
                for following in lines[i + 1 : i + 4]
                if following.startswith("l.") or following.startswith("<")
            )
        elif _UNDEFINED.search(line):
            out.append(_UNDEFINED.search(line).group(1).strip())  # type: ignore[union-attr]
    unique = list(dict.fromkeys(x for x in out if x))
    return unique[:limit]


def build_one(tree: Path, document: Path) -> Path:
    """Build ``tree/document`` (a .tex) into ``tree/document`` with the suffix .pdf; returns that path."""
    if shutil.which("latexmk") is None:
        raise SymntkError(INSTALL_HINT)
    with tempfile.TemporaryDirectory(prefix="symntk-tex-") as tmp:
        work = Path(tmp) / "report"
        shutil.copytree(tree, work, ignore=_ignore_other_pdfs(tree))
        folder = (work / document).parent
        try:
            done = subprocess.run(
                command(document.name),
                cwd=folder,
                env=environment(),
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=TIMEOUT,
            )
        except subprocess.TimeoutExpired as exc:
            raise LatexError(f"LaTeX did not finish {document} within {TIMEOUT:.0f} s") from exc
        log_path = folder / document.with_suffix(".log").name
        log = log_path.read_text(errors="replace") if log_path.is_file() else done.stdout + done.stderr
        relevant = excerpt(log)
        pdf = folder / document.with_suffix(".pdf").name
        undefined = any(_UNDEFINED.search(line) for line in log.splitlines())
        if done.returncode != 0 or not pdf.is_file() or undefined:
            lines = (
                relevant or [line for line in (done.stderr or done.stdout).splitlines() if line.strip()][-4:]
            )
            raise LatexError(f"LaTeX failed on {document}: " + " | ".join(lines))
        target = tree / document.with_suffix(".pdf")
        shutil.copyfile(pdf, target)
        return target


def _ignore_other_pdfs(tree: Path) -> Callable[[str, list[str]], list[str]]:
    figures = (tree / "figures").resolve()

    def ignore(folder: str, names: list[str]) -> list[str]:
        if Path(folder).resolve() == figures:
            return []
        return [n for n in names if n.endswith(".pdf")]

    return ignore


def build(tree: Path, documents: Sequence[Path], jobs: int | None = None) -> list[Path]:
    """Build every document (paths relative to ``tree``), ``jobs`` at a time; the PDFs land beside them.

    Raises :class:`LatexError` for the first document (in the given order) that fails.
    """
    workers = max(1, jobs if jobs is not None else min(4, os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(build_one, tree, doc) for doc in documents]
        try:
            return [f.result() for f in futures]
        except BaseException:
            for f in futures:
                f.cancel()  # the documents not started yet; the running ones finish in their own folders
            raise
