"""Seed 000 ("NTK deduce") as checked derivations: every step at its expected verdict, each erratum
refuted with its correction passing, and mutants of the steps refuted (so that verdicts mean something)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
import sympy as sp

from symntk.check import Claim, Derivation, Outcome, Relation, Status, discover, equal
from symntk.initialization import InitializationExpectation, initialization_expectation

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted((ROOT / "derivations").glob("s000_*.py"))
DERIVATIONS, LOAD_ERRORS = discover(FILES)
BY_ID = {d.id: d for d in DERIVATIONS}

P, V, C = Status.PROVED, Status.VERIFIED, Status.CONSISTENT
R = Status.REFUTED
#: per derivation, in the seed's order: the status of each step as written, and of its correction if any
EXPECTED: dict[str, list[tuple[Status, Status | None]]] = {
    "s000-network-forward-pass": [(P, None), (P, None)],
    "s000-network-lecun-variance": [(P, None)],
    "s000-loss-gradient": [(P, None)],
    "s000-ntk-from-loss": [(R, V), (P, None)],
    "s000-ntk-feature-map": [(P, None), (P, None), (P, None)],
    "s000-parameter-count": [(P, None)],
    "s000-proposition1": [(C, None)],
    "s000-proposition1-base-case": [(R, P)] + [(P, None)] * 6,
    "s000-proposition1-induction-step": [(P, None), (P, None), (C, None)],
    "s000-theorem1-base-case-output": [(R, P)],
    "s000-theorem1-base-case-sketch": [(P, None)] * 3,
    "s000-theorem1-base-case-jacobian": [(P, None)],
    "s000-theorem1-base-case-delta": [(P, None)] * 4,
    "s000-theorem1-chain-rule": [(P, None)] * 3,
    "s000-theorem1-induction-first-part": [(P, None), (P, None), (C, None)],
    "s000-theorem1-induction-first-part-deep": [(C, None), (C, None)],
    "s000-theorem1-induction-second-part": [(P, None), (C, None)],
    "s000-theorem1": [(P, None), (C, None)],
    "s000-theorem1-kronecker": [(P, None)],
}


def _module(name: str) -> ModuleType:
    path = ROOT / "derivations" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"{name}_under_test", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_s000_module_loads_and_every_derivation_is_expected() -> None:
    assert LOAD_ERRORS == []
    assert sorted(BY_ID) == sorted(EXPECTED)
    for d in DERIVATIONS:
        assert d.source is not None and d.source.file == "000_08eb6ccc4f7c932b.txt" and d.source.location


@pytest.mark.parametrize("derivation", DERIVATIONS, ids=lambda d: d.id)
def test_each_step_comes_out_at_its_expected_verdict(derivation: Derivation) -> None:
    result = derivation.check(seed=0)
    assert result.errors == []
    assert not result.failed
    got = [(r.status, r.corrected.status if r.corrected else None) for r in result.steps]
    assert got == EXPECTED[derivation.id], [r.verdict.evidence for r in result.steps]
    for r in result.steps:
        if r.step.erratum is not None:
            assert r.outcome is Outcome.ERRATUM and r.verdict.counterexample is not None
            assert r.step.erratum.note and r.step.written
    if result.conclusion is not None:
        assert result.conclusion.status is P


def test_the_inner_product_reading_of_sigma1_is_n1_times_sigma1() -> None:
    # the erratum of Proposition 1's first line, independently of the checker: E⟨α̃(x), α̃(x')⟩ = n₁ Σ^(1)
    m = _module("s000_proposition1_base_case")
    inner = initialization_expectation(m.NETWORK, m._dot(m.ALPHA, m.ALPHA_PRIME))
    n1 = m.NETWORK.widths[1]
    assert sp.simplify(m.NETWORK.concrete(inner - n1 * m.SIGMA1)) == 0
    assert n1 >= 2  # so that the inner product and Σ^(1) differ


def test_the_wick_strategy_refutes_a_wrong_fourth_term() -> None:
    m = _module("s000_proposition1_base_case")
    lhs = InitializationExpectation(m.bias * m.bias)
    for rhs, status in ((m.beta**2, P), (2 * m.beta**2, R), (m.beta, R)):
        verdict = m.BY_WICK(Claim(lhs, rhs, Relation.of("=")), seed=0)
        assert verdict.status is status


def test_the_kernel_in_df_dt_needs_the_training_input() -> None:
    # the erratum of "NTK from the loss function" at a numeric point: K(x, x) ≠ K(x, x⁽¹⁾)
    m = _module("s000_ntk_from_loss")
    kxx, kxa = m.NETWORK.ntk(m.x, m.x), m.NETWORK.ntk(m.x, m.TRAIN[0])
    assert equal(kxx, kxa).status is R
    assert equal(kxa, m.grad_theta(m.x).T * m.grad_theta(m.TRAIN[0])).status is P


def test_the_base_case_output_with_one_over_n0_is_refuted_at_n0_3() -> None:
    m = _module("s000_theorem1_base_case")
    rng = np.random.default_rng(0)
    values = {p: sp.Rational(int(rng.integers(-9, 10)), 7) for p in m.NETWORK.parameters}
    values |= {e: sp.Rational(int(rng.integers(1, 10)), 3) for e in (*m.x.entries,)}
    values[m.beta] = sp.Rational(1, 2)
    values[m.n0] = 3
    written = (m.W * m.u / m.n0 + m.beta * m.b).xreplace(values)
    network = m.NETWORK.concrete(m.NETWORK.output(m.x, inline=True)).xreplace(values)
    assert written != network
    assert sp.simplify(network - (m.W * m.u / sp.sqrt(3) + m.beta * m.b).xreplace(values)) == sp.zeros(2, 1)


@pytest.mark.parametrize(("part", "target"), [("first", "second"), ("second", "first"), ("first", "whole")])
def test_the_monte_carlo_refutes_a_part_compared_with_the_wrong_limit(part: str, target: str) -> None:
    m = _module("s000_theorem1_induction_step")
    fit = m.part_convergence(2, part, seed=0, target=target)
    assert fit.verdict(-0.5).status is R


def test_the_parts_add_up_to_the_whole_kernel() -> None:
    m = _module("s000_theorem1_induction_step")
    assert equal(m.PARTS[0] + m.PARTS[1], m.NETWORK.ntk(m.x, m.x_prime)).status is P
    # and the parts are not interchangeable: the first part is not the second
    assert equal(m.PARTS[0], m.PARTS[1]).status is R


def test_the_gaussianity_check_detects_non_gaussian_outputs_at_width_4() -> None:
    m = _module("s000_proposition1")
    assert m.output_gaussianity("erf", 3, 4, beta=0.5, samples=m.SAMPLES, seed=0).verdict().status is R


def test_the_induction_hypothesis_with_the_wrong_kernel_is_refuted() -> None:
    # the seed's first "→" at l = 2 with Θ^(1)_∞ in place of Θ^(2)_∞: the gap does not close
    m = _module("s000_theorem1_induction_step")
    assert m.hypothesis_convergence(0, hypothesis_depth=1).verdict(-0.5).status is R


def test_the_feature_map_and_kernel_have_the_seeds_dimensions() -> None:
    m = _module("s000_ntk_feature_map")
    n_l, widths = m.n_L, m.NETWORK.widths
    assert m.P == sum(widths[k + 1] * (widths[k] + 1) for k in range(len(widths) - 1)) == 26
    assert m.PHI.shape == (m.P, n_l)  # ∇_θ f(x)ᵀ is n_L × P
    assert m.NETWORK.ntk(m.x, m.x_prime).shape == (n_l, n_l)


def test_the_weight_derivatives_are_block_diagonal_not_interleaved() -> None:
    m = _module("s000_theorem1_base_case")
    start = m.grad(m.x_prime, m.weights).T
    assert equal(start, sp.kronecker_product(sp.eye(m.n1), m.v.T) / sp.sqrt(m.n0)).status is P
    assert equal(start, sp.kronecker_product(m.v.T, sp.eye(m.n1)) / sp.sqrt(m.n0)).status is R


def test_the_expectation_strategy_doctests_pass() -> None:
    import doctest

    import symntk.initialization

    result = doctest.testmod(symntk.initialization)
    assert result.attempted >= 2 and result.failed == 0
