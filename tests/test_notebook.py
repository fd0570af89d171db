"""The tour notebook (examples/tour.ipynb) runs end to end, and its objects show themselves typeset."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOUR = ROOT / "examples" / "tour.ipynb"


def _outputs(cell: dict) -> list[dict]:
    return [o for o in cell.get("outputs", []) if o.get("output_type") in ("execute_result", "display_data")]


def test_the_tour_runs_end_to_end_and_shows_kernels_derivations_and_a_report() -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.read(TOUR, as_version=4)
    client = nbclient.NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(TOUR.parent)}}
    )
    client.execute()  # raises CellExecutionError on the first failing cell
    code = [c for c in notebook.cells if c.cell_type == "code"]
    errors = [o for c in code for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    printed = "".join(
        o.get("text", "") for c in code for o in c.get("outputs", []) if o.get("name") == "stdout"
    )
    assert "Σ = [[" in printed and "Θ = [[" in printed
    shown = [o["data"] for c in code for o in _outputs(c)]
    latex = [d["text/latex"] for d in shown if "text/latex" in d]
    markdown = [d["text/markdown"] for d in shown if "text/markdown" in d]
    assert any(r"\Theta^{(L)}" in t and r"\operatorname{asin}" in t for t in latex)
    assert any("Not checked yet" in t for t in markdown)  # the derivation
    assert any(r"\textsf{[proved]}" in t and "Status: **proved**" in t for t in markdown)  # its check
    assert any(t.startswith("**proved**") for t in markdown)  # a verdict
    assert r"\begin{exercise}[Tangent kernel of linear regression]" in printed  # the appendix snippet
    assert "summary.tex" in printed and "appendix/linear-regression-tangent-kernel.tex" in printed
