"""Inequalities: a SymPy proof where it can give one, else a falsification search that finds violations."""

from __future__ import annotations

import pytest
import sympy as sp

from symntk import SymntkError
from symntk.check import Status, less_equal

a, b, x = sp.symbols("a b x", real=True)
i = sp.Symbol("i", integer=True, positive=True)
d = sp.Symbol("d", integer=True, positive=True)
u, v = sp.IndexedBase("u"), sp.IndexedBase("v")


def _sum(term: sp.Expr) -> sp.Expr:
    return sp.Sum(term, (i, 1, d))


def test_am_gm_is_proved_by_sympy() -> None:
    verdict = less_equal(2 * a * b, a**2 + b**2)
    assert verdict.status is Status.PROVED


def test_cauchy_schwarz_survives_the_search_and_is_never_stronger_than_consistent() -> None:
    verdict = less_equal(_sum(u[i] * v[i]) ** 2, _sum(u[i] ** 2) * _sum(v[i] ** 2), symbolic=False)
    assert verdict.status is Status.CONSISTENT
    assert "not a proof" in verdict.evidence
    assert verdict.data["points"] > 0


def test_cauchy_schwarz_with_a_lost_factor_is_refuted_with_a_true_counterexample() -> None:
    lhs, rhs = _sum(u[i] * v[i]) ** 2, _sum(u[i] ** 2) * _sum(v[i] ** 2) / 2
    verdict = less_equal(lhs, rhs)
    assert verdict.status is Status.REFUTED
    point = verdict.data["counterexample"]["point"]
    sized = [e.xreplace({d: int(point["d"])}).doit() for e in (lhs, rhs)]
    entries = {str(e): e for side in sized for e in side.atoms(sp.Indexed)}
    assert set(entries) == set(point) - {"d"}
    left, right = (side.xreplace({entries[k]: sp.Rational(point[k]) for k in entries}) for side in sized)
    assert left > right  # checked exactly, independently of the checker's evaluation


def test_operator_norm_bound_holds_and_its_near_miss_fails() -> None:
    # ‖A y‖² ≤ ‖A‖_F² ‖y‖² for a 2×2 matrix (the kind of bound seed 002 Lemma 1 uses)
    entries = sp.symbols("a11 a12 a21 a22", real=True)
    y1, y2 = sp.symbols("y1 y2", real=True)
    m = sp.Matrix(2, 2, entries)
    y = sp.Matrix([y1, y2])
    left = (m * y).dot(m * y)
    frobenius = sum(e**2 for e in entries)
    assert less_equal(left, frobenius * (y1**2 + y2**2)).status in (Status.PROVED, Status.CONSISTENT)
    assert less_equal(left, frobenius * (y1**2 + y2**2) / 3).status is Status.REFUTED


def test_the_optimized_search_finds_a_violation_random_points_miss() -> None:
    # violated only within 10^-2 of (7/3, -1/5): the local search must get there
    bump = (a - sp.Rational(7, 3)) ** 2 + (b + sp.Rational(1, 5)) ** 2
    verdict = less_equal(sp.Rational(1, 10**4), bump, symbolic=False, seed=3)
    assert verdict.status is Status.REFUTED
    point = {
        sp.Symbol(k, real=True): sp.Rational(val)
        for k, val in verdict.data["counterexample"]["point"].items()
    }
    assert bump.xreplace(point) < sp.Rational(1, 10**4)


def test_sin_bounded_by_its_argument_needs_positivity() -> None:
    assert less_equal(sp.sin(x), x, positive=[x]).status in (Status.PROVED, Status.CONSISTENT)
    assert less_equal(sp.sin(x), x).status is Status.REFUTED


def test_reproducible_for_a_seed() -> None:
    one = less_equal(a * b, a**2 + b**2 / 8, seed=4)
    two = less_equal(a * b, a**2 + b**2 / 8, seed=4)
    assert one == two
    assert one.status is Status.REFUTED


def test_matrices_are_rejected() -> None:
    with pytest.raises(SymntkError, match="scalars"):
        less_equal(sp.Matrix([a]), a)


def _matrix(name: str, rows: int, cols: int) -> sp.Matrix:
    return sp.Matrix(rows, cols, lambda i, j: sp.Symbol(f"{name}{i}{j}", real=True))


def test_operator_norm_bounds_of_seed_002_lemma_1_kind() -> None:
    from symntk.check.norms import frobenius_norm, operator_norm

    a, b = _matrix("a", 2, 3), _matrix("b", 3, 2)
    y = _matrix("y", 3, 1)
    # submultiplicativity and ‖A‖_op ≤ ‖A‖_F hold: the search finds no violation
    assert less_equal(operator_norm(a * b), operator_norm(a) * operator_norm(b)).status is Status.CONSISTENT
    assert less_equal(operator_norm(a), frobenius_norm(a)).status is Status.CONSISTENT
    assert less_equal(operator_norm(a * y), operator_norm(a) * operator_norm(y)).status is Status.CONSISTENT
    # the reverse bound and a lost factor are refuted
    assert less_equal(frobenius_norm(a), operator_norm(a)).status is Status.REFUTED
    assert less_equal(operator_norm(a * b), operator_norm(a) * operator_norm(b) / 2).status is Status.REFUTED


def test_operator_norm_agrees_with_numpy() -> None:
    import numpy as np

    from symntk.check.norms import operator_norm

    rng = np.random.default_rng(0)
    values = rng.normal(size=(3, 4))
    exact = sp.Matrix(3, 4, lambda i, j: sp.Rational(values[i, j]))
    assert float(operator_norm(exact).evalf(30)) == pytest.approx(np.linalg.norm(values, 2), rel=1e-14)


def test_search_descends_where_one_side_is_zero() -> None:
    """0 ≤ z₁² + z₂² − 1/100 fails only near the origin, where no random point of magnitude ≥ 1/8 lands: the
    local search must still reach it (its objective must not be the sign of the margin alone)."""
    z1, z2 = sp.symbols("z1 z2", real=True)
    for seed in range(3):
        verdict = less_equal(0, z1**2 + z2**2 - sp.Rational(1, 100), seed=seed)
        assert verdict.status is Status.REFUTED, verdict.evidence
