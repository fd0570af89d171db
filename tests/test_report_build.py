"""Reports built for real with latexmk and pdflatex: every generated document compiles without a LaTeX error
or an undefined reference, the committed generated/ is current, the snippets drop into a paper, the PDFs are
reproducible, and neither a derivation nor a hostile document can make TeX reach outside its folder.

Without a TeX engine these tests skip, except where ``SYMNTK_REQUIRE_TEX=1`` (CI): there they fail.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sympy as sp

from symntk.check import Derivation, Erratum, Source, Step, equal
from symntk.report import LatexError, tex_available, write_report
from symntk.report.output import MANIFEST, Report
from symntk.report.pdf import build, build_one
from symntk.report.templates import template_folder as templates_folder

ROOT = Path(__file__).resolve().parent.parent
GENERATED = ROOT / "generated"


def _need_tex() -> None:
    if tex_available():
        return
    if os.environ.get("SYMNTK_REQUIRE_TEX") == "1":
        pytest.fail("SYMNTK_REQUIRE_TEX=1 but latexmk and pdflatex are not installed")
    pytest.skip("no TeX engine: apt-get install texlive-latex-base texlive-latex-recommended latexmk")


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> Report:
    """The whole report of derivations/, regenerated once for this module: every .tex, figure and .bib, and
    the PDFs of the seed reports and the summary, which ``\\input`` every derivation's snippet (the
    standalone documents wrap the same snippets: all of them are built in a slow test)."""
    _need_tex()
    out = tmp_path_factory.mktemp("report") / "generated"
    report = write_report([ROOT / "derivations"], out, pdf=False)
    build(out, [f for f in report.documents(".tex") if len(f.parts) == 1])
    return report


def test_the_seed_reports_and_the_summary_build_without_latex_errors_or_undefined_references(
    regenerated: Report,
) -> None:
    documents = [f for f in regenerated.documents(".tex") if len(f.parts) == 1]
    assert Path("summary.tex") in documents and any(f.name.startswith("seed-") for f in documents)
    for doc in documents:
        assert (regenerated.folder / doc.with_suffix(".pdf")).read_bytes().startswith(b"%PDF"), doc


@pytest.mark.slow
def test_every_standalone_document_builds_without_latex_errors_or_undefined_references(
    regenerated: Report,
) -> None:
    documents = [f for f in regenerated.documents(".tex") if f.parts[0] == "derivations"]
    assert documents
    for pdf in build(regenerated.folder, documents):
        assert pdf.read_bytes().startswith(b"%PDF"), pdf


def test_committed_generated_folder_is_current(regenerated: Report) -> None:
    """Every .tex and .bib file and the list of files are byte-identical; the PDFs (which depend on the TeX
    and matplotlib versions) are there for every document."""
    committed = [Path(line) for line in (GENERATED / MANIFEST).read_text().split()]
    documents = [f for f in regenerated.files if f.suffix == ".tex" and f.parts[0] != "appendix"]
    expected = sorted([*regenerated.files, *(f.with_suffix(".pdf") for f in documents)])
    assert committed == expected, "run 'symntk report' and commit generated/"
    for rel in committed:
        mine = GENERATED / rel
        assert mine.is_file(), f"{rel} is missing from generated/: run 'symntk report'"
        if rel.suffix != ".pdf":
            fresh = (regenerated.folder / rel).read_bytes()
            assert mine.read_bytes() == fresh, f"generated/{rel} is stale: run 'symntk report'"


def test_appendix_snippets_drop_into_a_paper_with_amsmath_and_amsthm(
    regenerated: Report, tmp_path: Path
) -> None:
    tree = tmp_path / "paper"
    shutil.copytree(regenerated.folder, tree)
    snippets = sorted(f.stem for f in regenerated.documents(".tex") if f.parts[0] == "appendix")
    inputs = "\n".join(rf"\input{{appendix/{s}}}" for s in snippets)
    (tree / "paper.tex").write_text(
        "\\documentclass{article}\n\\usepackage{amsmath,amsthm}\n\\begin{document}\n"
        "\\section{Main text}See Appendix~\\ref{app}.\n"
        "\\appendix\n\\section{Checked derivations}\\label{app}\n"
        f"{inputs}\n\\bibliographystyle{{plain}}\n\\bibliography{{symntk}}\n\\end{{document}}\n"
    )
    assert build_one(tree, Path("paper.tex")).read_bytes().startswith(b"%PDF")


def test_every_command_a_formula_may_use_exists_in_a_paper_with_amsmath_and_amsthm(tmp_path: Path) -> None:
    _need_tex()
    from symntk.report.escaping import ALLOWED_COMMANDS

    checks = "\n".join(
        rf"\ifdefined\{name}\else\errmessage{{undefined: {name}}}\fi" for name in sorted(ALLOWED_COMMANDS)
    )
    macros = (templates_folder() / "macros.tex").read_text().split("\n")[1:3]  # symntk's fallbacks
    (tmp_path / "commands.tex").write_text(
        "\\documentclass{article}\n\\usepackage{amsmath,amsthm}\n\\begin{document}\n"
        + "\n".join(macros)
        + f"\n{checks}\nok\n\\end{{document}}\n"
    )
    build_one(tmp_path, Path("commands.tex"))


def test_pdfs_are_reproducible(regenerated: Report, tmp_path: Path) -> None:
    doc = next(f for f in regenerated.documents(".tex") if f.parts[0] == "derivations")
    copies = []
    for name in ("a", "b"):
        shutil.copytree(regenerated.folder, tmp_path / name)
        copies.append(build_one(tmp_path / name, doc).read_bytes())
    assert copies[0] == copies[1]


HOSTILE = (
    r"\input{/etc/passwd} \immediate\write18{touch PWNED} \openout\x=/tmp/symntk-pwned.tex "
    "}}}$$ & # ^^5c _ ~ % \\end{document}"
)
x = sp.Symbol("x", real=True)


@pytest.mark.parametrize(
    ("body", "forbidden"),
    [
        (
            r"\newwrite\f\immediate\openout\f=/tmp/symntk-abs-{tag}.tex\immediate\closeout\f",
            "/tmp/symntk-abs-{tag}.tex",
        ),
        (
            r"\newwrite\f\immediate\openout\f=../symntk-up-{tag}.tex\immediate\closeout\f",
            "../symntk-up-{tag}.tex",
        ),
        (r"\immediate\write18{{touch /tmp/symntk-cmd-{tag}}}", "/tmp/symntk-cmd-{tag}"),
        (r"\input{{/etc/hostname}}", None),
    ],
)
def test_the_tex_run_itself_cannot_read_or_write_outside_its_folder_or_run_commands(
    tmp_path: Path, body: str, forbidden: str | None
) -> None:
    """Even a hostile document (bypassing the escaping) cannot: kpathsea's paranoid mode and no shell
    escape."""
    _need_tex()
    tag = f"{os.getpid()}-{tmp_path.name}"
    tree = tmp_path / "tree" / "doc"
    tree.mkdir(parents=True)
    (tree / "hostile.tex").write_text(
        "\\documentclass{article}\n\\begin{document}\nok\n" + body.format(tag=tag) + "\n\\end{document}\n"
    )
    try:
        build_one(tree, Path("hostile.tex"))
    except LatexError:
        pass  # refusing is fine; what matters is that nothing happened
    if forbidden is not None:
        target = (tree / forbidden.format(tag=tag)).resolve()
        assert not target.exists(), f"TeX wrote {target}"
    else:
        with pytest.raises(LatexError, match="hostname"):
            build_one(tree, Path("hostile.tex"))


def _unusual_derivations() -> list[Derivation]:
    """A hostile derivation, and one with every relation, a step built by a callable, a step that fails to
    build, an expectation, and network entries in seed 001's and seed 002's notations."""
    import sympy.stats

    from symntk.check import EXPECTATION, limit, order
    from symntk.network import Network

    hostile = Derivation(
        id="hostile",
        title=HOSTILE,
        kind="lemma",
        statement=HOSTILE,
        start=x + x,
        steps=[Step(2 * x, "=", HOSTILE), Step(3 * x, "=", HOSTILE, erratum=Erratum(2 * x, HOSTILE))],
        source=Source(HOSTILE, HOSTILE),
        references=(HOSTILE,),
        notes=HOSTILE,
    )
    n = sp.Symbol("n", positive=True, integer=True)
    chain = Derivation(
        id="chain",
        title="Every relation",
        kind="theorem",
        statement="In words: Θ⁽ᴸ⁾ → Θ_∞ ⊗ Id, ‖·‖ ≤ 1.",
        start=(n + 1) / n,
        steps=[
            Step(1, limit(n), "as n grows"),
            Step(1 + 1 / n, "=", "refuted, no correction"),
            Step(n**-1, order(n), "refuted order"),
            Step(1 / n, "<=", "trivially"),
            Step(lambda: 1 / n, "=", "built by a callable"),
            Step(lambda: 1 / 0, "=", "fails to build"),
        ],
        source=Source("000_08eb6ccc4f7c932b.txt", "Proof of Theorem 1, base case"),
    )
    expectation = Derivation(
        id="expectation",
        title="An expectation",
        kind="lemma",
        statement="E[W²] = 1",
        start=sympy.stats.Normal("W", 0, 1) ** 2,
        steps=[Step(sp.Integer(1), EXPECTATION, "W ~ N(0, 1)")],
        source=Source("002_086f346ea6a82670.txt", "§3.1"),
    )
    net = Network((2, 3, 1))
    entry = net.nodes("x")[1][0]
    entries = [
        Derivation(
            id=f"entry-{seed[:3]}",
            title="A pre-activation",
            kind="definition",
            statement="its definition",
            start=entry,
            steps=[Step(net.definition(entry), "=", "definition", strategy=lambda claim, seed: equal(0, 0))],
            source=Source(seed, "slide 11"),
        )
        for seed in ("001_9a6c6fe078691bcf.txt", "002_086f346ea6a82670.txt")
    ]
    wide = Network((3, 4, 2)).ntk("x", "x'")[0, 0]  # a sum of 24 long terms
    long = Derivation(
        id="long",
        title="A long sum",
        statement="it is itself",
        start=wide,
        steps=[Step(wide, "=", "itself", strategy=lambda claim, seed: equal(0, 0))],
    )
    primed = sp.Symbol("x'_1", real=True)
    primes = Derivation(id="primes", title="Primes", statement=sp.Eq(primed**2, primed * primed), steps=[])
    return [hostile, chain, expectation, *entries, long, primes]


@pytest.fixture(scope="module")
def unusual(tmp_path_factory: pytest.TempPathFactory) -> Report:
    """The report of :func:`_unusual_derivations`, built once for this module."""
    _need_tex()
    out = tmp_path_factory.mktemp("unusual") / "out"
    return write_report(out=out, pdf=True, figures=False, results=[d.check() for d in _unusual_derivations()])


def test_text_from_a_derivation_cannot_reach_outside_the_output_folder_or_run_commands(
    unusual: Report,
) -> None:
    assert unusual.pdfs and (unusual.folder / "derivations" / "hostile.pdf").is_file()
    assert not Path("/tmp/symntk-pwned.tex").exists() and not (unusual.folder / "PWNED").exists()
    for tex in unusual.documents(".tex"):
        assert "\\input{/etc/passwd}" not in (unusual.folder / tex).read_text()


def test_every_relation_and_both_notations_compile(unusual: Report) -> None:
    """Limits, orders, expectations, inequalities, a step built by a callable, an error in a step, network
    entries in seed 001's and seed 002's notations: all typeset and compile."""
    chain = next(r for r in unusual.results if r.derivation.id == "chain")
    statuses = [r.status.value for r in chain.steps]
    assert statuses == ["proved", "refuted", "refuted", "proved", "proved", "undecided"]
    for name in (
        "seed-000",
        "seed-001",
        "seed-002",
        "summary",
        "derivations/chain",
        "derivations/expectation",
    ):
        assert (unusual.folder / f"{name}.pdf").is_file()
    velikanov = (unusual.folder / "appendix" / "entry-001.tex").read_text()
    jacot = (unusual.folder / "appendix" / "entry-002.tex").read_text()
    assert "z^{2}_{1}(x)" in velikanov and r"\tilde{\alpha}^{(2)}_{1}(x)" in jacot
    assert (unusual.folder / "appendix" / "long.tex").read_text().count(
        r"\\ &\qquad + "
    ) > 10  # broken into rows
    assert (unusual.folder / "derivations" / "long.pdf").is_file()


def test_a_latex_error_fails_with_the_relevant_lines_of_the_log_not_the_whole_log(tmp_path: Path) -> None:
    _need_tex()
    (tmp_path / "broken.tex").write_text(
        "\\documentclass{article}\n\\begin{document}\nfine\n\\nosuchmacro\n\\end{document}\n"
    )
    with pytest.raises(LatexError) as info:
        build_one(tmp_path, Path("broken.tex"))
    message = str(info.value)
    assert "Undefined control sequence" in message and "l.4" in message
    assert "\n" not in message and len(message) < 400


def test_an_undefined_reference_fails_the_build(tmp_path: Path) -> None:
    _need_tex()
    (tmp_path / "ref.tex").write_text(
        "\\documentclass{article}\n\\begin{document}\n"
        "See \\ref{nowhere} and \\cite{nobody}.\n\\end{document}\n"
    )
    with pytest.raises(LatexError, match="nowhere"):
        build_one(tmp_path, Path("ref.tex"))


def test_a_latex_failure_leaves_the_output_folder_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _need_tex()
    from symntk.report import templates

    square = Derivation(
        id="square", title="Square", statement=sp.Eq(x * x, x**2), steps=[Step(x**2, "=", "product")]
    )
    out = tmp_path / "out"
    write_report(out=out, pdf=False, figures=False, results=[square.check()])
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    broken = tmp_path / "templates"
    shutil.copytree(templates.template_folder(), broken)
    legend = broken / "legend.tex"
    legend.write_text(legend.read_text() + "\n\\nosuchmacro\n")
    monkeypatch.setattr(templates, "template_folder", lambda: broken)
    templates.environment.cache_clear()
    try:
        with pytest.raises(LatexError, match="Undefined control sequence"):
            write_report(out=out, pdf=True, figures=False, results=[square.check()])
    finally:
        templates.environment.cache_clear()
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "templates"]


@pytest.mark.slow
def test_the_command_builds_pdfs_and_prints_what_it_wrote(tmp_path: Path) -> None:
    _need_tex()
    module = ROOT / "derivations" / "linear_regression_tangent_kernel.py"
    done = subprocess.run(
        [sys.executable, "-m", "symntk", "report", str(module), "-o", str(tmp_path / "out"), "--no-figures"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert f"wrote {tmp_path / 'out' / 'summary.tex'} and {tmp_path / 'out' / 'summary.pdf'}" in done.stdout
    assert (tmp_path / "out" / "derivations" / "linear-regression-tangent-kernel.pdf").is_file()
