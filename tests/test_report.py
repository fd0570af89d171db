"""Reports without a TeX run: escaping, vetted formulas, templates, bibliography, determinism, atomicity,
errata, notebook display and the command line (the PDF builds are in test_report_build.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sympy as sp

from symntk import SymntkError
from symntk.check import Derivation, Erratum, Outcome, Source, Status, Step, equal
from symntk.report import bibliography, escape_tex, markdown, vet_formula, write_report
from symntk.report.documents import errata, order, view
from symntk.report.output import MANIFEST, render_tree
from symntk.report.seeds import heading, position
from symntk.report.templates import environment
from symntk.report.typesetting import Tex, formula

ROOT = Path(__file__).resolve().parent.parent
x = sp.Symbol("x", real=True)
n = sp.Symbol("n", positive=True, integer=True)

#: A lemma with a step wrong as written (the cross term of (x + 1)² halved) and its correction.
SQUARE = Derivation(
    id="square-of-a-sum",
    title="The square of a sum: 100% & {not} $x_1$ #1 ^ ~ \\",
    kind="lemma",
    statement=sp.Eq((x + 1) ** 2, x**2 + 2 * x + 1),
    steps=[
        Step(x**2 + x + 1, "=", "expand, as the notes write it", erratum=Erratum(x**2 + 2 * x + 1, "2x")),
        Step(r"x^{2} + 2 x + 1", "=", "the same, in LaTeX", written=r"x^{2} + 2x + 1"),
    ],
    source=Source("002_086f346ea6a82670.txt", "§3.1"),
    assumptions={"nonzero": ["x"]},
    references=("jacot2018ntk", "@article{doe2020, author = {J. Doe}, title = {A Title}, year = 2020}"),
)
#: A derivation from seed 002 that comes earlier in the notes than SQUARE (§2.1 before §3.1).
EARLIER = Derivation(
    id="earlier",
    title="Earlier",
    kind="remark",
    statement=sp.Eq(x * (x + 1), x**2 + x),
    steps=[Step(x**2 + x, "=", "distribute")],
    source=Source("002_086f346ea6a82670.txt", "§2.1"),
)


@pytest.fixture(scope="module")
def results() -> list:
    return [SQUARE.check(), EARLIER.check()]


# -- escaping -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("char", "printed"),
    [
        ("\\", r"\textbackslash{}"),
        ("{", r"\{"),
        ("}", r"\}"),
        ("$", r"\$"),
        ("&", r"\&"),
        ("#", r"\#"),
        ("^", r"\textasciicircum{}"),
        ("_", r"\_"),
        ("~", r"\textasciitilde{}"),
        ("%", r"\%"),
    ],
)
def test_each_special_character_becomes_its_printing_command(char: str, printed: str) -> None:
    assert escape_tex(f"a{char}b") == f"a{printed}b"


def test_escaped_text_has_no_active_special_character_left() -> None:
    nasty = "\\input{/etc/passwd} $\\write18{rm -rf /}$ & # ^^5c _ ~ % \n\n\\end{document}"
    out = escape_tex(nasty)
    stripped = out
    for command in (r"\textbackslash{}", r"\textasciicircum{}", r"\textasciitilde{}"):
        stripped = stripped.replace(command, "")
    for escaped in (r"\{", r"\}", r"\$", r"\&", r"\#", r"\_", r"\%"):
        stripped = stripped.replace(escaped, "")
    assert not any(c in stripped for c in "\\{}$&#^_~%")
    assert "\n" not in out  # a paragraph break cannot end a table row or an argument


def test_unicode_of_the_derivations_maps_to_latex_and_unknown_characters_show_their_code_point() -> None:
    assert escape_tex("Σ̇ ⊗ Id") == r"\ensuremath{\dot{\Sigma}} \ensuremath{\otimes} Id"
    assert escape_tex("n₁₂ xᵀ") == r"n\ensuremath{_{12}} x\ensuremath{^{T}}"
    assert escape_tex("☃") == "[U+2603]"
    assert escape_tex("a \t\n b") == "a b"


def test_every_character_the_derivations_write_has_a_latex_form() -> None:
    from symntk.check.discovery import discover

    derivations, _ = discover([ROOT / "derivations"])
    texts = []
    for d in derivations:
        texts += [d.title, str(d.source or ""), d.notes, d.statement if isinstance(d.statement, str) else ""]
        for s in d.steps:
            texts += [s.justification, s.erratum.note if s.erratum else ""]
    unknown = {t for t in texts if "[U+" in escape_tex(t)}
    assert not unknown, f"characters without a LaTeX form in: {sorted(unknown)[:3]}"


# -- formulas -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "formula",
    [
        r"\input{/etc/passwd}",
        r"\include{x}",
        r"\write18{ls}",
        r"\immediate\openout1=x",
        r"\def\x{y}",
        r"\catcode`\^=7",
        r"\csname input\endcsname",
        r"x^^5cinput",
        r"x % comment",
        r"a & b",
        r"a \\ b",
        r"$x$",
        r"#1",
        r"\begin{verbatim}x\end{verbatim}",
        r"\begin{cases} x & y \end{pmatrix}",
        r"\frac{1}{2",
        "x}{",
        "x\\",
    ],
)
def test_unsafe_or_broken_formulas_are_refused_with_one_line(formula: str) -> None:
    with pytest.raises(SymntkError) as info:
        vet_formula(formula, "derivation d, step 1")
    assert str(info.value).startswith("derivation d, step 1: ")
    assert "\n" not in str(info.value)


def test_mathematical_formulas_pass_vetting_with_unicode_mapped() -> None:
    text = r"\sum_{i=1}^{n} \tilde{\alpha}^{(\ell)}_{i} \frac{\partial f}{\partial θ_p} \le \|x\|"
    assert vet_formula(text, "w") == text.replace("θ", r"\theta ")
    cases = r"\begin{cases} a & b \\ c & d \end{cases}"
    assert vet_formula(cases, "w") == cases


def test_powers_of_primed_symbols_are_braced_for_tex() -> None:
    primed = sp.Symbol("x'_1", real=True)
    assert formula(primed**2, "w") == "{x'_{1}}^{2}" and formula(x**2, "w") == "x^{2}"


def test_long_sums_break_into_aligned_lines_that_keep_every_term_in_order() -> None:
    from symntk.printing import latex

    terms = sp.symbols("a0:80")
    total = sum(t * (-1) ** i for i, t in enumerate(terms))
    wrapped = formula(total, "w")
    assert wrapped.startswith(r"\begin{aligned}[t] &") and wrapped.endswith(r"\end{aligned}")
    rows = wrapped.removeprefix(r"\begin{aligned}[t] &").removesuffix(r"\end{aligned}").split(r" \\ &\quad ")
    rows = [row.strip() for row in rows]
    assert len(rows) > 2 and all(len(row) <= 200 for row in rows)
    assert "".join("".join(rows).split()) == "".join(latex(total).split())
    assert formula(x**2 - 3 * x + 1, "w") == "x^{2} - 3 x + 1"  # short: as printed


# -- templates ----------------------------------------------------------------------------------------


def test_templates_refuse_to_print_text_that_was_not_escaped() -> None:
    template = environment().from_string(r"\section{\VAR{title}}")
    with pytest.raises(SymntkError, match="tex filter"):
        template.render(title="50% & more")
    escaped = environment().from_string(r"\section{\VAR{title|tex}}").render(title="50% & more")
    assert escaped == r"\section{50\% \& more}"
    assert environment().from_string(r"\VAR{x}").render(x=Tex(r"\alpha")) == r"\alpha"


# -- documents ----------------------------------------------------------------------------------------


def test_a_refuted_step_is_shown_as_written_then_corrected_and_listed_in_the_errata(results: list) -> None:
    v = view(results[0])
    roles = [(line.role, line.status) for line in v.lines]
    assert roles == [
        ("written", Status.REFUTED),
        ("corrected", Status.PROVED),
        ("step", Status.PROVED),
    ]
    (found,) = errata([v])
    assert found.previous == v.start == formula((x + 1) ** 2, "start")  # the step starts from there
    assert found.line.formula == "x^{2} + x + 1"
    assert found.corrected is not None and found.corrected.formula == "x^{2} + 2 x + 1"
    assert found.line.counterexample.startswith("at x = ")
    assert found.line.evidence == results[0].steps[0].verdict.evidence


def test_a_declared_erratum_that_is_not_refuted_is_shown_as_such(tmp_path: Path) -> None:
    right = Derivation(
        id="not-wrong",
        title="Not wrong",
        statement=sp.Eq((x + 1) ** 2, x**2 + 2 * x + 1),
        steps=[Step(x**2 + 2 * x + 1, "=", "expand", erratum=Erratum(x**2 + 2 * x + 1, "no change"))],
    )
    result = right.check()
    assert result.steps[0].outcome is Outcome.UNEXPECTED
    render_tree([result], tmp_path, figures=False)
    snippet = (tmp_path / "appendix" / "not-wrong.tex").read_text()
    assert "declared wrong, but not refuted: the check fails" in snippet
    assert not errata([view(result)])  # nothing was refuted


def test_the_summary_holds_the_table_the_errata_and_the_bibliography(tmp_path: Path, results: list) -> None:
    files = render_tree(results, tmp_path, figures=False)
    assert Path("summary.tex") in files and Path("seed-002.tex") in files
    summary = (tmp_path / "summary.tex").read_text()
    assert r"The square of a sum: 100\% \& \{not\} \$x\_1\$ \#1" in summary
    assert r"\symntkmark{refuted}" in summary
    assert "x^{2} + x + 1" in summary and "x^{2} + 2 x + 1" in summary  # as written, corrected
    assert r"\bibitem{jacot2018ntk}" in summary and r"\bibitem{doe2020}" in summary
    snippet = (tmp_path / "appendix" / "square-of-a-sum.tex").read_text()
    assert r"\ifdefined\lemma\else\newtheorem{lemma}{Lemma}\fi" in snippet
    assert r"\begin{lemma}" in snippet and r"\cite{jacot2018ntk,doe2020}" in snippet
    assert r"\textit{Assumptions:} nonzero x." in snippet
    assert "@article{doe2020" in (tmp_path / "symntk.bib").read_text()


def test_a_seed_report_follows_the_seed_order(tmp_path: Path, results: list) -> None:
    assert position(EARLIER.source) < position(SQUARE.source)
    assert [v.id for v in order([view(r) for r in results])] == ["earlier", "square-of-a-sum"]
    render_tree(results, tmp_path, figures=False)
    seed = (tmp_path / "seed-002.tex").read_text()
    assert seed.index(r"\input{appendix/earlier}") < seed.index(r"\input{appendix/square-of-a-sum}")
    assert r"\section{\S{}2 Neural tangent kernel}" in seed and r"\subsection{Earlier}" in seed
    assert seed.index(r"\S{}2 Neural") < seed.index("appendix/earlier") < seed.index(r"\S{}3 Gaussian")
    proposition = Source("000_08eb6ccc4f7c932b.txt", "Proof of Proposition 1, base case")
    theorem = Source("000_08eb6ccc4f7c932b.txt", "Theorem 1, induction step")
    nowhere = Source("000_08eb6ccc4f7c932b.txt", "an appendix")
    assert position(proposition) < position(theorem) < position(nowhere)
    assert (heading(theorem), heading(nowhere)) == ("Proof of Theorem 1", "Other results")
    slides = [Source("001_9a6c6fe078691bcf.txt", f"slide {k}") for k in (26, 15, 16, 5)]
    assert [heading(s)[:12] for s in sorted(slides, key=position)] == [
        "Tangent kern",
        "GP property ",
        "GP property ",
        "Exercise sol",
    ]


def test_the_same_sources_give_byte_identical_tex(tmp_path: Path, results: list) -> None:
    first = render_tree(results, tmp_path / "a", figures=False)
    again = render_tree([SQUARE.check(), EARLIER.check()], tmp_path / "b", figures=False)
    assert first == again
    for rel in first:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel


def test_a_derivation_that_cannot_be_typeset_is_an_error_naming_it(results: list) -> None:
    bad = Derivation(
        id="bad-formula",
        title="Bad",
        statement="x is x",
        start=x,
        steps=[Step(x, "=", "", written=r"\input{secret}")],
    )
    with pytest.raises(SymntkError, match=r"derivation bad-formula, step 1: .*\\input"):
        view(bad.check())
    with pytest.raises(SymntkError, match="id that names report files"):
        view(Derivation(id="../x", title="", statement="x", start=x, steps=[Step(x)]).check())


# -- bibliography -------------------------------------------------------------------------------------


def test_references_are_keys_bibtex_entries_or_text_with_stable_keys() -> None:
    assert bibliography.parse("jacot2018ntk", "w").field("eprint") == "1806.07572"
    entry = bibliography.parse('@misc{k1, title = {T}, note = "N"}', "w")
    assert (entry.key, entry.kind, entry.field("note")) == ("k1", "misc", "N")
    text = "Y. Cho and L. K. Saul, Kernel methods for deep learning, NeurIPS 2009"
    assert bibliography.parse(text, "w").key == bibliography.parse(text, "v").key
    assert bibliography.parse(text, "w").text == text
    erf = bibliography.collect([("d", ["activation:erf"])])
    from symntk.activations import get_activation

    assert [r.text for r in erf] == list(get_activation("erf").references)
    with pytest.raises(SymntkError, match="derivation x"):
        bibliography.collect([("derivation x", ["activation:nosuch"])])
    with pytest.raises(SymntkError, match="unknown reference key 'nosuchkey'"):
        bibliography.parse("nosuchkey", "w")
    with pytest.raises(SymntkError, match="two different entries"):
        bibliography.collect([("a", ["@misc{k, title={A}}"]), ("b", ["@misc{k, title={B}}"])])


# -- output folder ------------------------------------------------------------------------------------


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_failure_leaves_the_output_folder_as_it_was(tmp_path: Path, results: list) -> None:
    out = tmp_path / "out"
    write_report(out=out, pdf=False, figures=False, results=results)
    (out / "golden.json").write_text("{}")  # another tool's file
    before = _snapshot(out)
    broken = Derivation(id="broken", title="B", statement="x", start=x, steps=[Step(x, written=r"\def")])
    with pytest.raises(SymntkError):
        write_report(out=out, pdf=False, figures=False, results=[*results, broken.check()])
    assert _snapshot(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no staging folder left behind


def test_a_new_report_removes_only_the_files_of_the_previous_one_it_no_longer_writes(
    tmp_path: Path, results: list
) -> None:
    out = tmp_path / "out"
    write_report(out=out, pdf=False, figures=False, results=results)
    (out / "golden.json").write_text("{}")
    assert (out / "appendix" / "earlier.tex").is_file()
    report = write_report(out=out, pdf=False, figures=False, results=results[:1])
    assert not (out / "appendix" / "earlier.tex").exists()
    assert (out / "golden.json").read_text() == "{}"
    listed = (out / MANIFEST).read_text().split()
    assert listed == [f.as_posix() for f in report.files]


# -- notebooks ----------------------------------------------------------------------------------------


def test_derivations_results_and_verdicts_show_themselves_typeset(results: list) -> None:
    unchecked = SQUARE._repr_markdown_()
    assert "**Lemma**" in unchecked and r"\overset{(1)}{=}" in unchecked and "Not checked" in unchecked
    checked = results[0]._repr_markdown_()
    assert r"\textsf{[refuted]}" in checked and r"\textsf{[proved]}" in checked and "$$" in checked
    verdict = equal(x + x, 2 * x)
    assert verdict._repr_markdown_() == markdown(verdict) == f"**proved**: {verdict.evidence}"


def test_kernel_expressions_show_themselves_in_latex() -> None:
    from symntk.limits import symbolic_kernels

    shown = symbolic_kernels("relu", depth=2)._repr_latex_()
    assert shown.startswith("$$") and r"\Sigma^{(L)}" in shown and r"\Theta^{(L)}" in shown
    assert r"\dot{\Sigma}^{(L)}" in shown and r"x \cdot x'" in shown


def test_networks_and_their_identities_show_themselves_in_the_seeds_notation() -> None:
    from symntk.network import Network, ntk_base_case

    shown = Network((2, 3, 1))._repr_latex_()
    assert shown.startswith("$$") and r"\tilde{\alpha}^{(2)}_{1}(x) &=" in shown
    assert r"\sum_{i=1}^{n_{1}} W^{(1)}_{i1} \sigma\left(\tilde{\alpha}^{(1)}_{i}(x)\right)" in shown
    identity = ntk_base_case(Network((2, 1)))
    assert identity._repr_latex_().endswith(rf"\textsf{{[{identity.verdict}]}}$$")


# -- command line -------------------------------------------------------------------------------------


def _run(*args: str, env: dict[str, str] | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "symntk", "report", *args],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env=env,
        cwd=cwd,
    )


def test_report_without_tex_writes_the_tex_and_says_in_one_line_how_to_install_one(tmp_path: Path) -> None:
    module = tmp_path / "square.py"
    module.write_text(
        "import sympy as sp\nfrom symntk.check import Derivation, Step\nx = sp.Symbol('x')\n"
        "d = Derivation(id='sq', title='Square', statement=sp.Eq(x * x, x**2), steps=[Step(x**2)])\n"
    )
    bare = tmp_path / "bin"
    bare.mkdir()
    env = {**os.environ, "PATH": str(bare)}
    done = _run(str(module), "-o", str(tmp_path / "out"), "--no-figures", env=env)
    assert done.returncode == 0, done.stderr
    assert "apt-get install texlive-latex-base" in done.stderr and done.stderr.count("\n") == 1
    assert (tmp_path / "out" / "summary.tex").is_file() and not (tmp_path / "out" / "summary.pdf").exists()
    assert "wrote " + str(tmp_path / "out" / "summary.tex") in done.stdout


def test_report_of_a_missing_path_is_one_line_and_exit_2(tmp_path: Path) -> None:
    done = _run(str(tmp_path / "nothing.py"), "-o", str(tmp_path / "out"))
    assert done.returncode == 2
    assert (
        done.stderr.startswith("symntk report: error: no derivation module") and done.stderr.count("\n") == 1
    )
    assert not (tmp_path / "out").exists()
