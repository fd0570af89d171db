"""``symntk report``: check the derivations, write the LaTeX and the figures, build the PDFs, atomically.

Everything is written to a staging folder beside the output folder first; only when every file is written
(and every PDF built) are the files moved into the output folder, each with an atomic rename, so a failure
leaves the output folder as it was and never a half-written file. The files a report wrote are listed in
``report-manifest.txt``; the next report removes those of its list that it no longer writes (a derivation
that is gone), and nothing else: the output folder may hold other files (``symntk golden``'s).

Layout of the output folder::

    summary.tex, summary.pdf              table of verdicts, errata, figures
    seed-000.tex, seed-000.pdf, …         one report per seed text, in the seed's order
    appendix/<id>.tex                     appendix snippets, for \\input into a paper
    derivations/<id>.tex, <id>.pdf        one standalone document per derivation
    figures/*.pdf                         the figures
    symntk.bib                            the BibTeX entries the documents cite
    report-manifest.txt                   the files above
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .._errors import SymntkError
from ..check.derivation import DerivationResult

MANIFEST = "report-manifest.txt"


@dataclass(frozen=True)
class Report:
    """What :func:`write_report` did: the output folder, the files written (relative paths, sorted), whether
    the PDFs were built, and the checked derivations."""

    folder: Path
    files: tuple[Path, ...]
    pdfs: bool
    results: tuple[DerivationResult, ...]

    def documents(self, suffix: str = ".tex") -> list[Path]:
        return [f for f in self.files if f.suffix == suffix]


def check_all(paths: Iterable[str | Path] = (), seed: int = 0) -> list[DerivationResult]:
    """Discover and check the derivations under ``paths`` (default ``derivations/``); a module that cannot be
    loaded is an error, since the report would silently miss it."""
    from ..check.discovery import discover

    derivations, errors = discover(paths)
    if errors:
        raise SymntkError(errors[0].message + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""))
    if not derivations:
        raise SymntkError("no derivations found: nothing to report")
    return [d.check(seed=seed) for d in derivations]


def render_tree(
    results: Sequence[DerivationResult], folder: Path, *, figures: bool = True, seed: int = 0
) -> list[Path]:
    """Write every .tex (and .bib) file and the figures of the report of ``results`` into ``folder``;
    returns the paths written, relative to it."""
    from . import bibliography
    from .documents import appendix, order, seed_document, standalone, summary, view
    from .figures import draw_all

    views = order([view(r) for r in results])
    drawn = draw_all(folder / "figures", seed=seed) if figures else []
    figs = [d.figure for d in drawn]
    files: dict[Path, str] = {}
    for v in views:
        files[Path("appendix") / f"{v.id}.tex"] = appendix(v)
        files[Path("derivations") / f"{v.id}.tex"] = standalone(v)
    seeds = list(dict.fromkeys(v.seed for v in views))
    for s in seeds:
        files[Path(f"{s.name}.tex")] = seed_document(s, [v for v in views if v.seed == s], figs)
    files[Path("summary.tex")] = summary(views, figs, seeds)
    cited = bibliography.merge([*(v.references for v in views), *(f.cited for f in figs)])
    files[Path("symntk.bib")] = bibliography.bibtex(cited)
    for rel, content in files.items():
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
    return sorted([*files, *(d.path.relative_to(folder) for d in drawn)])


def write_report(
    paths: Iterable[str | Path] = (),
    out: str | Path = "generated",
    *,
    pdf: bool | None = None,
    figures: bool = True,
    seed: int = 0,
    jobs: int | None = None,
    results: Sequence[DerivationResult] | None = None,
    progress: Callable[[str], None] | None = None,
) -> Report:
    """Check the derivations under ``paths`` and write their report into ``out`` (see the module docstring).

    ``pdf``: build the PDFs (True: required, an error without TeX; None: when a TeX engine is installed;
    False: never). ``results`` reuses derivations already checked. ``progress`` receives one line per stage.
    """
    from .pdf import INSTALL_HINT, build, tex_available

    say = progress or (lambda _line: None)
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise SymntkError(f"the output folder {out} is a file")
    if pdf and not tex_available():
        raise SymntkError(INSTALL_HINT)
    if results is None:
        say("checking the derivations")
        results = check_all(paths, seed=seed)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-report-", dir=out.parent))
    try:
        say("writing the LaTeX and drawing the figures")
        files = render_tree(results, staging, figures=figures, seed=seed)
        built = bool(pdf if pdf is not None else tex_available())
        if built:
            documents = [f for f in files if f.suffix == ".tex" and f.parts[0] != "appendix"]
            say(f"building {len(documents)} PDFs with latexmk")
            files += [p.relative_to(staging) for p in build(staging, documents, jobs=jobs)]
        files = sorted(files)
        (staging / MANIFEST).write_text("".join(f"{f.as_posix()}\n" for f in files), encoding="utf-8")
        _commit(staging, out, [*files, Path(MANIFEST)])
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return Report(out, tuple(files), built, tuple(results))


def _commit(staging: Path, out: Path, files: Sequence[Path]) -> None:
    """Move ``files`` from ``staging`` into ``out`` (atomic renames), then remove what the previous report
    wrote and this one did not."""
    previous = _manifest(out)
    for rel in files:
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging / rel, target)
    for rel in sorted(previous - set(files)):
        stale = out / rel
        if stale.is_file():
            stale.unlink()
            if stale.parent != out and not any(stale.parent.iterdir()):
                stale.parent.rmdir()


def _manifest(out: Path) -> set[Path]:
    path = out / MANIFEST
    if not path.is_file():
        return set()
    listed = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        rel = Path(line.strip())
        if line.strip() and not rel.is_absolute() and ".." not in rel.parts:
            listed.add(rel)
    return listed
