"""The LaTeX printer in the seeds' notations, on expressions the model really derives."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import sympy as sp

from symntk import SymntkError
from symntk.initialization import proposition1_step
from symntk.network import Entry, Network, generic_activation, shallow_ntk
from symntk.printing import fold_sums, latex, unfold_sums

K, KP, I = sp.Symbol("k"), sp.Symbol("k'"), sp.Symbol("i")


@pytest.fixture(scope="module")
def net() -> Network:
    return Network((3, 2, 2))


@pytest.mark.parametrize(
    ("entry", "jacot", "velikanov"),
    [
        (Entry("W", 1, (2, 3)), "W^{(1)}_{32}", "w^{2}_{32}"),  # seeds: input-side index first
        (Entry("W", 0, (K, I)), "W^{(0)}_{ik}", "w^{1}_{ik}"),
        (Entry("W", 0, (12, 3)), "W^{(0)}_{3,12}", "w^{1}_{3,12}"),
        (Entry("b", 0, (KP,)), "b^{(0)}_{k'}", "b^{1}_{k'}"),
        (Entry("alpha_tilde", 2, (I,), "x'"), r"\tilde{\alpha}^{(2)}_{i}(x')", "z^{2}_{i}(x')"),
        (Entry("x", None, (I,), "x"), "x_{i}", "x_{i}"),
        (Entry("x", None, (2,), "x_3"), "x_{3,2}", "x_{3,2}"),
        (Entry("Theta", 3, (K, KP), "x, x'"), r"\Theta^{(3)}_{kk'}(x, x')", r"\Theta^{3}_{kk'}(x, x')"),
    ],
)
def test_entries_follow_each_seed(entry: Entry, jacot: str, velikanov: str) -> None:
    assert latex(entry) == jacot
    assert latex(entry, notation="velikanov") == velikanov


def test_products_put_scalars_first_and_x_before_x_prime() -> None:
    net = Network((2, 2, 1))
    assert latex(net.output("x")[0]).startswith(r"\beta b^{(1)}_{1}")
    w1, w10 = Entry("W", 0, (1, 2)), Entry("W", 0, (1, 10))
    assert latex(w10 * w1) == "W^{(0)}_{21} W^{(0)}_{10,1}"


def test_sigma_derivatives_and_deltas() -> None:
    z = sp.Symbol("z")
    assert latex(generic_activation("sigma", 0)(z)) == r"\sigma\left(z\right)"
    assert latex(generic_activation("sigma", 1)(z)) == r"\dot{\sigma}\left(z\right)"
    assert latex(generic_activation("sigma", 2)(z)) == r"\ddot{\sigma}\left(z\right)"
    assert latex(generic_activation("sigma", 3)(z)) == r"\sigma^{(3)}\left(z\right)"
    assert latex(generic_activation("sigma", 1)(z), notation="velikanov") == r"\dot{\phi}\left(z\right)"
    assert latex(generic_activation("sigma", 1)(z) ** 2) == r"\dot{\sigma}\left(z\right)^{2}"
    assert latex(sp.KroneckerDelta(K, KP)) == r"\delta_{kk'}"
    with pytest.raises(SymntkError, match="unknown notation"):
        latex(z, notation="bourbaki")  # type: ignore[arg-type]


def test_base_case_folds_into_the_seed_formula(net: Network) -> None:
    """Θ^(1)_11 derived from the definition prints as β² + Σ_{i=1}^{n_0} x_i x'_i / n_0 (seed 002 §4.1),
    with β before b and x before x' as the seeds write them."""
    theta = sp.expand(net.ntk("x", "x'", layer=1)[0, 0])
    folded = fold_sums(theta, net)
    assert latex(folded) == r"\beta^{2} + \frac{\sum_{i=1}^{n_{0}} x_{i} x'_{i}}{n_{0}}"
    assert sp.expand(unfold_sums(folded, net) - net.concrete(theta)) == 0


def test_recursion_term_folds_into_a_sum_over_the_hidden_layer(net: Network) -> None:
    theta = net.ntk("x", "x'")
    folded = fold_sums(theta, net)
    text = latex(folded[0, 1])
    assert r"\sum_{i=1}^{n_{1}}" in text or r"\sum_{j=1}^{n_{1}}" in text
    assert r"\dot{\sigma}\left(\tilde{\alpha}^{(1)}_{" in text
    assert "W^{(1)}_{i1} W^{(1)}_{i2}" in text  # W_{ik} W_{ik'} as the seeds write it
    assert (unfold_sums(folded, net) - net.concrete(theta)).applyfunc(sp.expand) == sp.zeros(2, 2)


def test_shallow_network_ntk_reads_like_slide_20() -> None:
    result = shallow_ntk(width=3)
    text = latex(fold_sums(result.ntk, result.network))
    pair = r"\phi\left(\tilde{\alpha}^{(1)}_{i}(x)\right) \phi\left(\tilde{\alpha}^{(1)}_{i}(x')\right)"
    assert r"\sum_{i=1}^{n_{1}} " + pair in text
    assert r"\dot{\phi}" in text and r"\left(W^{(1)}_{i1}\right)^{2}" in text
    folded = fold_sums(sp.expand(result.delta_ntk), result.network)
    assert r"\Delta W^{(0)}_{1i}" in latex(folded) and r"\ddot{\phi}" in latex(folded)
    assert sp.expand(unfold_sums(folded, result.network) - result.network.concrete(result.delta_ntk)) == 0


def _document(body: list[str]) -> str:
    lines = [r"\documentclass{article}", r"\usepackage{amsmath,amssymb}", r"\begin{document}"]
    lines += [f"\\[{b}\\]" for b in body]
    return "\n".join([*lines, r"\end{document}", ""])


def test_derived_expressions_compile_with_latex(tmp_path: Path) -> None:
    """Real output, both notations, through a TeX engine: no double superscripts, no unknown commands."""
    if shutil.which("pdflatex") is None:
        if os.environ.get("SYMNTK_REQUIRE_TEX"):
            pytest.fail("pdflatex is required (SYMNTK_REQUIRE_TEX is set)")
        pytest.skip("no pdflatex")
    net = Network((2, 2, 2))
    shallow = shallow_ntk(width=2)
    step = proposition1_step(Network((2, 3, 1)))
    expressions = [
        fold_sums(net.ntk("x", "x'"), net),
        fold_sums(net.backprop_directions("x")[0], net),
        fold_sums(sp.expand(shallow.delta_ntk), shallow.network),
        shallow.steps[shallow.network.weights[0][0, 0]],
        step.kernel,
        net.output("x'"),
    ]
    body = [latex(e, notation=n) for e in expressions for n in ("jacot", "velikanov")]
    (tmp_path / "doc.tex").write_text(_document(body), encoding="utf-8")
    result = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:]
