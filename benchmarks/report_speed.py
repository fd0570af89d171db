"""What ``symntk report`` spends its time on, measured in one run.

Prints the seconds of each stage for the derivations of ``derivations/``: checking them, typesetting the
.tex (views, templates), drawing each figure, and building the PDFs with latexmk one at a time and two at a
time (the ratio is the speed-up of the parallel build on this machine), with the seconds per document.

Run: ``.venv/bin/python benchmarks/report_speed.py``.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from symntk.report.figures import kernel_angle, ntk_convergence
from symntk.report.output import check_all, render_tree
from symntk.report.pdf import build, tex_available

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    began = time.perf_counter()
    results = check_all([ROOT / "derivations"])
    t_check = time.perf_counter() - began
    steps = sum(len(r.steps) for r in results)
    print(f"check: {len(results)} derivations, {steps} steps: {t_check:.2f} s")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        began = time.perf_counter()
        files = render_tree(results, folder / "a", figures=False)
        t_tex = time.perf_counter() - began
        per = t_tex / len(results) * 1e3
        print(f"typeset: {len(files)} files (.tex, .bib): {t_tex:.3f} s, {per:.1f} ms per derivation")
        for draw in (kernel_angle, ntk_convergence):
            began = time.perf_counter()
            draw(folder)
            print(f"figure {draw.__name__}: {time.perf_counter() - began:.2f} s")
        if not tex_available():
            print("no TeX engine: PDF builds not measured")
            return
        render_tree(results, folder / "b", figures=False)
        documents = [f for f in files if f.suffix == ".tex" and f.parts[0] != "appendix"]
        timings = {}
        for jobs, tree in ((1, folder / "a"), (2, folder / "b")):
            began = time.perf_counter()
            build(tree, documents, jobs=jobs)
            timings[jobs] = time.perf_counter() - began
            print(
                f"PDFs, {jobs} at a time: {len(documents)} documents in {timings[jobs]:.2f} s "
                f"({timings[jobs] / len(documents):.2f} s per document)"
            )
        print(f"parallel speed-up (1 job / 2 jobs) on {os.cpu_count()} cores: {timings[1] / timings[2]:.2f}x")


if __name__ == "__main__":
    main()
