"""``symntk verify`` end to end: LaTeX in, a verdict and an exit status out, bad input as one line."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from symntk.cli import main


def _verify(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["verify", *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _verdict(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, str]]:
    status, out, err = _verify(capsys, *args, "--json")
    assert err == ""
    return status, json.loads(out)


@pytest.mark.parametrize(
    "args",
    [
        ("\\sqrt{a b}", "\\sqrt{a} \\sqrt{b}", "--positive", "a,b"),
        ("\\sum_{i=1}^{n} i", "\\frac{n (n+1)}{2}"),
        ("\\sum_{i=1}^{2} x_{i}", "x_{1} + x_{2}"),
        ("\\sin^{2}{\\left(x \\right)} + \\cos^{2}{\\left(x \\right)}", "1"),
        ("e^{\\ln x}", "x", "--positive", "x"),
        ("\\frac{d}{dx} \\sigma(w x)", "w \\sigma'(w x)", "--function", "sigma"),
        ("\\frac{\\partial}{\\partial w} e^{-w^{2}/2}", "-w e^{-w^{2}/2}"),
        ("\\operatorname{erf}(x)", "1 - \\operatorname{erfc}(x)"),
        ("\\sum_{i=1}^{n} 1", "n"),  # n bounds the sum: a positive integer
        ("\\Sigma^{(\\ell)}(x, y) + 1", "1 + \\Sigma^{(\\ell)}(x, y)", "--function", "\\Sigma^{(\\ell)}"),
        ("\\int_{-\\infty}^{\\infty} \\frac{e^{-u^{2}/2}}{\\sqrt{2\\pi}} u^{2} \\, du", "1"),
    ],
)
def test_true_identities_pass_with_exit_0(capsys: pytest.CaptureFixture[str], args: tuple[str, ...]) -> None:
    status, verdict = _verdict(capsys, *args)
    assert verdict["status"] in ("proved", "verified"), verdict
    assert status == 0


@pytest.mark.parametrize(
    "args",
    [
        ("\\sqrt{a b}", "\\sqrt{a} \\sqrt{b}"),  # false for a, b < 0
        ("\\sum_{i=1}^{n} i", "\\frac{n (n-1)}{2}"),
        ("\\sigma(x+y)", "\\sigma(x) + \\sigma(y)", "--function", "sigma"),
        ("e^{\\pi \\sqrt{163}}", "262537412640768744"),  # within 1e-12 of an integer, and not one
        ("\\frac{d}{dx} \\sigma(w x)", "\\sigma'(w x)", "--function", "sigma"),  # the chain rule's w dropped
    ],
)
def test_false_identities_are_refuted_with_exit_1(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    status, verdict = _verdict(capsys, *args)
    assert verdict["status"] == "refuted", verdict
    assert "counterexample" in verdict["evidence"]
    assert status == 1


ERF_SIGMA = "\\frac{2}{\\pi} \\arcsin\\left(\\frac{2 c}{\\sqrt{(1 + 2 a)(1 + 2 b)}}\\right)"
RELU_SIGMA = (
    "\\frac{\\sqrt{a b}}{2 \\pi} \\left(\\sin\\left(\\arccos\\frac{c}{\\sqrt{a b}}\\right)"
    " + \\left(\\pi - \\arccos\\frac{c}{\\sqrt{a b}}\\right) \\frac{c}{\\sqrt{a b}}\\right)"
)


@pytest.mark.parametrize(
    ("sigma", "sigma_dot", "domain", "expected"),
    [
        # Williams 1997 (NOTATION): Σ̇ = ∂Σ/∂Σ₁₂ for erf, and the same with a factor 2 dropped
        (ERF_SIGMA, "\\frac{4}{\\pi \\sqrt{(1+2a)(1+2b) - 4 c^{2}}}", "4 c^2 < (1+2a)(1+2b)", 0),
        (ERF_SIGMA, "\\frac{2}{\\pi \\sqrt{(1+2a)(1+2b) - 4 c^{2}}}", "4 c^2 < (1+2a)(1+2b)", 1),
        # Cho & Saul (NOTATION): for ReLU, ∂Σ/∂Σ₁₂ = (π − θ)/(2π), and not (π − θ)/π
        (RELU_SIGMA, "\\frac{\\pi - \\arccos\\left(\\frac{c}{\\sqrt{a b}}\\right)}{2 \\pi}", "c^2 < a b", 0),
        (RELU_SIGMA, "\\frac{\\pi - \\arccos\\left(\\frac{c}{\\sqrt{a b}}\\right)}{\\pi}", "c^2 < a b", 1),
    ],
)
def test_dual_kernel_derivatives_from_the_notation(
    capsys: pytest.CaptureFixture[str], sigma: str, sigma_dot: str, domain: str, expected: int
) -> None:
    lhs = "\\frac{\\partial}{\\partial c} " + sigma
    status, verdict = _verdict(capsys, lhs, sigma_dot, "--positive", "a,b", "--where", domain)
    assert status == expected, verdict


def test_positive_turns_a_refuted_branch_identity_into_a_proof(capsys: pytest.CaptureFixture[str]) -> None:
    lhs, rhs = "\\sqrt{a b}", "\\sqrt{a} \\sqrt{b}"
    assert _verdict(capsys, lhs, rhs)[1]["status"] == "refuted"
    assert _verdict(capsys, lhs, rhs, "--positive", "a", "--positive", "b")[1]["status"] == "proved"


def test_where_restricts_the_domain(capsys: pytest.CaptureFixture[str]) -> None:
    status, verdict = _verdict(capsys, "\\sqrt{x^{2}}", "x")
    assert (status, verdict["status"]) == (1, "refuted")
    status, verdict = _verdict(capsys, "\\sqrt{x^{2}}", "x", "--where", "x > 0")
    assert status == 0 and verdict["status"] in ("proved", "verified")
    status, verdict = _verdict(
        capsys, "\\left|x - 1\\right|", "1 - x", "--where", "0 \\le x", "--where", "x < 1"
    )
    assert status == 0 and verdict["status"] in ("proved", "verified")


def test_a_letter_before_parentheses_multiplies_unless_declared(capsys: pytest.CaptureFixture[str]) -> None:
    # σ(x+y) = σx + σy is distributivity when σ is a number, and false when σ is a function
    assert _verdict(capsys, "\\sigma(x+y)", "\\sigma x + \\sigma y")[1]["status"] == "proved"
    assert _verdict(capsys, "n (n+1)", "n^{2} + n")[1]["status"] == "proved"
    status, verdict = _verdict(capsys, "\\sigma(x+y)", "\\sigma(x) + \\sigma(y)", "--function", "sigma")
    assert (status, verdict["status"]) == (1, "refuted")


def test_json_output_is_exactly_status_and_evidence(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _verify(capsys, "x + x", "2 x", "--json")
    assert status == 0
    document = json.loads(out)
    assert set(document) == {"status", "evidence"}
    assert document["status"] == "proved"
    assert out.count("\n") == 1


def test_plain_output_shows_the_parsed_claim_and_the_verdict(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = _verify(capsys, "\\sqrt{x^{2}}", "x", "--where", "x > 0")
    lines = out.splitlines()
    assert lines[0] == "Abs(x) = x  where x > 0"
    assert lines[1].split(":")[0] in ("proved", "verified")
    assert (status, err) == (0, "")


def test_a_side_starting_with_minus_goes_after_the_double_dash(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _verify(capsys, "--json", "--", "-\\sin x", "\\sin(-x)")
    assert (status, json.loads(out)["status"]) == (0, "proved")
    status, out, _ = _verify(capsys, " -x", "-1 \\cdot x", "--json")
    assert (status, json.loads(out)["status"]) == (0, "proved")


def test_plain_output_notes_a_symbol_read_as_a_product(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _verify(capsys, "\\sigma(x+y)", "\\sigma x + \\sigma y")
    assert "note: sigma before parentheses multiplies; --function sigma would apply it instead" in out
    assert status == 0
    _, out, _ = _verify(capsys, "\\sigma(x+y)", "\\sigma(x) + \\sigma(y)", "--function", "sigma")
    assert "note:" not in out


def test_undecided_is_never_a_pass(capsys: pytest.CaptureFixture[str]) -> None:
    status, verdict = _verdict(capsys, "e^{\\pi \\sqrt{163}}", "262537412640768744", "--timeout", "0.001")
    assert verdict["status"] == "undecided"
    assert status == 4


def test_help_states_the_exit_status_of_every_verdict(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["verify", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "0 when the identity is proved or verified" in text
    assert "1 when it is refuted" in text
    assert "4 when it is undecided" in text


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("x -", "x"), "expected a term after '-'"),
        (("__import__('os').system('true')", "0"), "unexpected character"),
        (("\\frac{1}{2", "x"), "unbalanced braces"),
        (("\\foo", "x"), "unknown command"),
        (("x = y", "x"), "found the relation '='"),
        (("x", "x", "--positive", "z"), "do not use"),
        (("x", "x", "--function", "f"), "do not use"),
        (("x", "x", "--where", "x = 1"), "not a domain condition"),
        (("x", "x", "--where", "y > 0"), "unknown symbol"),
        (("x", "x", "--where", "x"), "expected a relation"),
        (("\\frac{1}{0}", "x"), "undefined"),
        (("x", "x", "--timeout", "0"), "--timeout must be positive"),
    ],
)
def test_bad_input_is_one_line_on_stderr_with_exit_2(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], says: str
) -> None:
    status, out, err = _verify(capsys, *args)
    assert status == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert err.startswith("symntk verify: error: ")
    assert says in err
    assert "Traceback" not in err


def test_the_installed_command_runs_in_a_subprocess() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "symntk", "verify", "\\sqrt{a b}", "\\sqrt{a} \\sqrt{b}", "--json"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert json.loads(result.stdout)["status"] == "refuted"
    bad = subprocess.run(
        [sys.executable, "-m", "symntk", "verify", "x +", "x"], capture_output=True, text=True, timeout=300
    )
    assert bad.returncode == 2
    assert bad.stdout == ""
    assert len(bad.stderr.strip().splitlines()) == 1
