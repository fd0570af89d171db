"""Derivations: chains of steps checked against each other, errata, custom strategies, bad input."""

from __future__ import annotations

import pytest
import sympy as sp
import sympy.stats as st

from symntk import SymntkError
from symntk.check import (
    Claim,
    Derivation,
    Erratum,
    Outcome,
    Source,
    Status,
    Step,
    Verdict,
    limit,
    order,
    seed_for,
)

x, y = sp.symbols("x y", real=True)
n = sp.Symbol("n", integer=True, positive=True)
SQUARE = sp.Eq((x + 1) ** 2, x**2 + 2 * x + 1)


def _toy(*steps: Step, statement: object = SQUARE, **kwargs: object) -> Derivation:
    return Derivation(id="toy", title="a toy", statement=statement, steps=list(steps), **kwargs)  # type: ignore[arg-type]


def test_a_correct_chain_is_proved_step_by_step_and_concludes_its_statement() -> None:
    result = _toy(Step(x**2 + x + x + 1, "=", "expand"), Step(x**2 + 2 * x + 1, "=", "collect")).check()
    assert [r.status for r in result.steps] == [Status.PROVED, Status.PROVED]
    assert result.conclusion is not None and result.conclusion.status is Status.PROVED
    assert result.status is Status.PROVED and not result.failed


def test_a_declared_erratum_counts_as_one_and_the_chain_continues_from_the_correction() -> None:
    result = _toy(
        Step(x**2 + x + x + 1, "=", "expand"),
        Step(x**2 + x + 1, "=", "collect", erratum=Erratum(x**2 + 2 * x + 1, "the text loses an x")),
        Step((x + 1) ** 2 - 0 + x**2 + 2 * x + 1 - (x + 1) ** 2, "=", "tidy"),
    ).check()
    second = result.steps[1]
    assert second.outcome is Outcome.ERRATUM and second.status is Status.REFUTED
    assert second.corrected is not None and second.corrected.status is Status.PROVED
    assert result.steps[2].status is Status.PROVED  # checked against the corrected step
    assert not result.failed and result.errata == 1
    assert result.to_json()["steps"][1]["erratum"]["note"] == "the text loses an x"


def test_an_erratum_that_is_not_refuted_is_an_unexpected_result() -> None:
    result = _toy(
        Step(x**2 + 2 * x + 1, "=", "expand", erratum=Erratum(x**2 + 2 * x + 1, "claimed wrong, but is not")),
    ).check()
    assert result.steps[0].outcome is Outcome.UNEXPECTED
    assert result.failed and result.status is Status.REFUTED


def test_a_wrong_step_fails_the_derivation_and_the_conclusion_is_checked() -> None:
    result = _toy(Step(x**2 + 2 * x - 1, "=", "a sign slip")).check()
    assert result.steps[0].outcome is Outcome.FAILED
    assert result.conclusion is not None and result.conclusion.status is Status.REFUTED
    assert result.failed


def test_relations_compose_into_the_statement() -> None:
    chain = Derivation(
        id="bound",
        title="a bound",
        statement=sp.Le(2 * x * y, x**2 + y**2 + 1),
        steps=[Step(x**2 + y**2, "<=", "AM-GM"), Step(x**2 + y**2 + 1, "<=", "add 1")],
    ).check()
    assert chain.conclusion is not None and chain.conclusion.status is Status.PROVED
    assert not chain.failed
    mixed = Derivation(
        id="mixed",
        title="mixed",
        statement=sp.Eq(2 * x * y, x**2 + y**2),
        steps=[Step(x**2 + y**2, "<=", "AM-GM")],
    ).check()
    assert mixed.conclusion is not None and mixed.conclusion.status is Status.UNDECIDED


def test_limit_order_and_expectation_steps() -> None:
    u = st.Normal("u", 0, 1)
    result = Derivation(
        id="asymptotic",
        title="asymptotic steps",
        kind="lemma",
        statement="(1 + x/n)^n → e^x, and E[u²] = 1",
        start=(1 + x / n) ** n,
        steps=[
            Step(sp.exp(x), limit(n), "definition of e^x"),
        ],
    ).check()
    assert result.steps[0].status is Status.PROVED
    rate = Derivation(
        id="rate",
        title="rate",
        statement="1/√n + 1/n ∼ 1/√n",
        start=1 / sp.sqrt(n) + 1 / n,
        steps=[
            Step(1 / sp.sqrt(n), order(n), "leading term"),
        ],
    ).check()
    assert rate.steps[0].status is Status.PROVED
    moment = Derivation(
        id="moment",
        title="moment",
        statement="E[u²] = 1",
        start=u**2,
        steps=[Step(sp.Integer(1), "E", "variance")],
    ).check()
    assert moment.steps[0].status is Status.PROVED


def test_a_custom_strategy_gets_the_claim_and_a_reproducible_seed() -> None:
    seen: list[tuple[Claim, int]] = []

    def strategy(claim: Claim, *, seed: int) -> Verdict:
        seen.append((claim, seed))
        return Verdict(Status.CONSISTENT, "Monte Carlo says so", {"method": "test", "estimate": 1.0})

    derivation = _toy(Step(x**2 + 2 * x + 1, "=", "by simulation", strategy=strategy))
    result = derivation.check(seed=7)
    derivation.check(seed=7)
    derivation.check(seed=8)
    assert result.steps[0].status is Status.CONSISTENT
    claim, seed = seen[0]
    assert claim.lhs == (x + 1) ** 2 and claim.rhs == x**2 + 2 * x + 1
    assert claim.label == "derivation toy, step 1"
    assert seed == seen[1][1] == seed_for(7, "toy", 1) and seen[2][1] != seed


def test_a_strategy_that_fails_is_undecided_never_a_pass() -> None:
    def broken(claim: Claim, *, seed: int) -> Verdict:
        raise RuntimeError("simulation diverged")

    def sloppy(claim: Claim, *, seed: int) -> Verdict:
        return True  # type: ignore[return-value]

    for strategy, words in ((broken, "simulation diverged"), (sloppy, "not a Verdict")):
        result = _toy(Step(x**2 + 2 * x + 1, "=", "by simulation", strategy=strategy)).check()
        assert result.steps[0].status is Status.UNDECIDED
        assert words in result.steps[0].verdict.evidence
        assert result.status is Status.UNDECIDED


def test_steps_can_be_written_in_latex_or_built_at_check_time() -> None:
    result = _toy(
        Step(r"x^{2} + 2 x + 1", "=", "in LaTeX"), Step(lambda: x**2 + 2 * x + 1, "=", "lazy")
    ).check()
    assert [r.status for r in result.steps] == [Status.PROVED, Status.PROVED]


@pytest.mark.parametrize(
    ("step", "message"),
    [
        (Step("x^{2} +", "=", "unparsable"), "derivation toy, step 2:"),
        (
            Step(sp.Matrix([x, 1]), "=", "matrix vs scalar"),
            "derivation toy, step 2: relation between a 2×1 matrix",
        ),
        (
            Step(x**2 + 2 * x + 1, "=", "bad", assumptions={"positive": ["z"]}),
            "step 2: assumption names unknown",
        ),
        (Step(x**2 + 2 * x + 1, "~", "bad relation"), "step 2: unknown relation"),
        (
            Step(lambda: 1 / 0, "=", "raises"),
            "step 2: building the step's expression raised ZeroDivisionError",
        ),
    ],
)
def test_bad_input_names_the_derivation_and_step_and_the_rest_still_runs(step: Step, message: str) -> None:
    result = _toy(Step(x**2 + x + x + 1, "=", "first"), step, Step(x**2 + 2 * x + 1, "=", "third")).check()
    assert result.steps[1].outcome is Outcome.ERROR
    assert result.steps[1].error is not None and message in result.steps[1].error
    assert "\n" not in result.steps[1].error
    assert result.steps[2].status is Status.PROVED
    assert result.failed


def test_unknown_symbol_in_a_derivation_assumption_names_the_derivation() -> None:
    result = _toy(Step(x**2 + 2 * x + 1), assumptions={"positive": ["z"]}).check()
    assert result.error is not None and result.error.startswith("derivation toy: assumption names unknown")
    assert result.failed


def test_everything_a_report_needs_is_a_plain_attribute() -> None:
    derivation = _toy(
        Step(x**2 + 2 * x + 1, "=", "expand", hint="symbolic", written="x^2 + 2x + 1"),
        source=Source("001_9a6c6fe078691bcf.txt", "slide 26"),
        references=("jacot2018ntk",),
        kind="lemma",
    )
    assert str(derivation.source) == "001_9a6c6fe078691bcf.txt, slide 26"
    step = derivation.steps[0]
    assert (step.justification, step.hint, step.written, str(step.rel)) == (
        "expand",
        "symbolic",
        "x^2 + 2x + 1",
        "=",
    )
    payload = derivation.check().to_json()
    assert set(payload) == {"id", "title", "source", "steps", "status"}
    assert set(payload["steps"][0]) == {"index", "relation", "status", "evidence", "justification", "erratum"}
    with pytest.raises(SymntkError, match="kind"):
        _toy(Step(x), kind="conjecture")
