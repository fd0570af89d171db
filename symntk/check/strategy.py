"""Check strategies: how one claim (one step against the previous one) is checked.

A strategy is any callable ``strategy(claim, *, seed) -> Verdict`` (the :class:`Strategy` protocol). The
default, :func:`default_strategy`, dispatches on the relation: :func:`~symntk.check.equality.equal` for ``=``,
a falsification search plus a SymPy proof attempt for ``≤``/``≥``, an exact or numerical limit for ``→``,
sympy.stats or Monte Carlo for ``= E[·]``, an exact or fitted exponent for ``= O(·)``.

A step can carry its own strategy, for example a Monte Carlo over finite-width networks or a rate fitted over
widths (``symntk.empirical``/``symntk.dynamics``). Such a strategy must

- use only ``seed`` for its randomness, so that results are reproducible for a given ``symntk check --seed``;
- return a :class:`~symntk.check.verdict.Verdict` that is never stronger than its evidence: *consistent* with
  an estimate and a confidence interval for Monte Carlo or a rate (:func:`symntk.check.fit_rate` turns values
  over widths into such a verdict), *refuted* with the counterexample, *undecided* when it cannot tell;
- raise :class:`symntk.SymntkError` for bad input; any other exception is reported as *undecided*.

Example::

    def ntk_converges(claim: Claim, *, seed: int) -> Verdict:
        widths, gaps = measure_gaps(seed=seed)          # |Θ_n − Θ_∞| at each width
        return fit_rate(widths, gaps, exponent=-0.5)     # consistent / refuted with the fitted slope

    Step(theta_limit, limit(n), "law of large numbers", strategy=ntk_converges)
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import sympy as sp

from .assumptions import Assumptions
from .relation import Kind, Relation
from .verdict import Verdict


@dataclass(frozen=True)
class Claim:
    """``lhs relation rhs`` under ``assumptions``; ``label`` names it (derivation and step) in messages."""

    lhs: sp.Basic
    rhs: sp.Basic
    relation: Relation
    assumptions: Assumptions = field(default_factory=Assumptions)
    label: str = ""
    options: Mapping[str, Any] = field(default_factory=dict)


class Strategy(Protocol):
    """A way to check a claim: deterministic given ``seed``; see the module docstring for the contract."""

    def __call__(self, claim: Claim, *, seed: int) -> Verdict: ...


def seed_for(seed: int, *parts: object) -> int:
    """An independent, reproducible seed for one part of a run (a derivation, a step)."""
    text = ":".join(str(p) for p in (seed, *parts))
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def default_strategy(claim: Claim, *, seed: int) -> Verdict:
    """Check ``claim`` by the method its relation calls for (see the module docstring)."""
    from .asymptotics import of_order, tends_to
    from .equality import equal
    from .expectation import expectation_equal
    from .inequality import less_equal

    options = dict(claim.options)
    given = claim.assumptions
    kind = claim.relation.kind
    if kind is Kind.EQ:
        return equal(claim.lhs, claim.rhs, seed=seed, **options, **_kwargs(given))
    if kind is Kind.LE:
        return less_equal(claim.lhs, claim.rhs, seed=seed, **options, **_kwargs(given))
    if kind is Kind.GE:
        return less_equal(claim.rhs, claim.lhs, seed=seed, **options, **_kwargs(given))
    if kind is Kind.EXPECTATION:
        return expectation_equal(claim.lhs, claim.rhs, seed=seed, **options, **_kwargs(given))
    variable = claim.relation.variable
    assert variable is not None
    if kind is Kind.LIMIT:
        return tends_to(claim.lhs, claim.rhs, variable, seed=seed, **options, **_kwargs(given))
    return of_order(claim.lhs, claim.rhs, variable, seed=seed, **options, **_kwargs(given))


def _kwargs(given: Assumptions) -> dict[str, Any]:
    return {
        "positive": sorted(given.positive),
        "nonnegative": sorted(given.nonnegative),
        "nonzero": sorted(given.nonzero),
        "integer": sorted(given.integer),
        "where": list(given.where),
    }
