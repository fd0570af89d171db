"""Mutation testing: every near miss of every registered correct identity is refuted, none of them is."""

from __future__ import annotations

import pytest
import sympy as sp

from symntk.check import mutation
from symntk.check.identities import IDENTITIES, Identity

x, y = sp.symbols("x y", real=True)
n = sp.Symbol("n", integer=True, positive=True)
i, k = sp.symbols("i k", integer=True, positive=True)


def _expressions(expr: sp.Basic, operator: str) -> set[sp.Basic]:
    return {m.expression for m in mutation.mutants(expr) if m.operator == operator}


def test_mutants_include_the_near_misses_the_issue_names() -> None:
    weights, base = sp.IndexedBase("W"), sp.IndexedBase("a")
    assert x / n in _expressions(x / sp.sqrt(n), "exponent")  # 1/n for 1/√n
    assert x * sp.sqrt(n) / sp.sqrt(n) in _expressions(x / sp.sqrt(n), "factor") | {x}  # a factor √n
    assert weights[k, i] * x in _expressions(weights[i, k] * x, "index")  # a swapped index
    assert base[k + 1] in _expressions(base[k], "index")
    assert x - y in _expressions(x + y, "sign") and x in _expressions(x + y, "drop")
    f = sp.Function("f")
    assert f(y, x) in _expressions(f(x, y), "swap")
    square = sp.MatrixSymbol("A", 3, 3)
    assert square in _expressions(square.T, "transpose")
    s1, s2 = sp.symbols("Sigma1 Sigma2", real=True)
    assert s2 * x + s2 in _expressions(s1 * x + s2, "relabel")  # Σ^(ℓ+1) for Σ^(ℓ)


def test_mutants_are_distinct_and_differ_from_the_original() -> None:
    expr = IDENTITIES["NTK of a one-hidden-layer network"].rhs
    found = mutation.mutants(expr)
    assert len({m.expression for m in found}) == len(found)
    assert all(m.expression != expr for m in found)


def _report(limit: int | None) -> mutation.MutationReport:
    report = mutation.run(IDENTITIES.values(), limit=limit, seed=0)
    print(report.summary())
    return report


def test_every_mutant_of_every_registered_identity_is_refuted() -> None:
    report = _report(limit=4)
    assert report.false_refutations == [], report.false_refutations
    assert report.identities == len(IDENTITIES)
    assert report.survivors == [], [(name, m.description, str(v)) for name, m, v in report.survivors]
    assert report.kill_rate == 1.0 and report.false_refutation_rate == 0.0
    assert report.mutants >= 3 * len(IDENTITIES)
    assert set(report.by_operator) == set(mutation.OPERATORS)  # every kind of mutation was exercised


def _network_identities() -> list[Identity]:
    """The exact identities the seeds' NTK proofs rest on, as symntk.network derives them (seed 000,
    Theorem 1; seed 002, Lemma 1): correct identities the test suite uses, so they join the mutation test."""
    from symntk.network import Network, backprop_gradient_identity, ntk_base_case, ntk_chain_rule

    net = Network((2, 2, 1))
    found = [(f.__name__, f(net)) for f in (ntk_base_case, ntk_chain_rule, backprop_gradient_identity)]
    return [Identity(name, ident.lhs, ident.rhs, {}, ident.statement) for name, ident in found]


@pytest.mark.parametrize(
    "limit", [pytest.param(6, id="sample"), pytest.param(None, marks=pytest.mark.slow, id="all")]
)
def test_every_mutant_of_the_network_identities_is_refuted(limit: int | None) -> None:
    report = mutation.run(_network_identities(), limit=limit, seed=0)
    print(report.summary())
    assert report.false_refutations == []
    assert report.survivors == [], [(name, m.description, str(v)) for name, m, v in report.survivors]
    assert report.mutants >= 3 * report.identities


@pytest.mark.slow
def test_all_mutants_of_every_registered_identity_are_refuted() -> None:
    report = _report(limit=None)
    assert report.false_refutations == []
    assert report.survivors == [], [(name, m.description, str(v)) for name, m, v in report.survivors]
