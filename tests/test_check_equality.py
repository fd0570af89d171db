"""Soundness of `symntk.check.equal`: correct identities pass, near misses and branch errors are refuted."""

from __future__ import annotations

import mpmath
import pytest
import sympy as sp

from symntk import SymntkError
from symntk.check import Status, equal
from symntk.check.identities import IDENTITIES

a, b, c, r, x, y, t, beta = sp.symbols("a b c r x y t beta", real=True)
n = sp.Symbol("n", integer=True, positive=True)
f, g = sp.Function("f"), sp.Function("g")
PASS = (Status.PROVED, Status.VERIFIED)


@pytest.mark.parametrize("name", sorted(IDENTITIES))
def test_every_registered_identity_is_proved_or_verified(name: str) -> None:
    identity = IDENTITIES[name]
    verdict = equal(identity.lhs, identity.rhs, **identity.assumptions)
    assert verdict.status in PASS, verdict


def test_exp_pi_sqrt_163_is_not_mistaken_for_an_integer() -> None:
    verdict = equal(sp.exp(sp.pi * sp.sqrt(163)), 262537412640768744)
    assert verdict.status is Status.REFUTED
    with mpmath.workdps(40):
        reference = mpmath.exp(mpmath.pi * mpmath.sqrt(163))
        shown = mpmath.mpf(verdict.data["counterexample"]["lhs"])
        assert abs(shown - reference) < mpmath.mpf(10) ** -12  # the value shown is the true one
    assert verdict.data["counterexample"]["rhs"].startswith("262537412640768744")


@pytest.mark.parametrize("digits", [25, 35])
def test_agreement_to_many_digits_is_not_equality(digits: int) -> None:
    near = sp.Rational(1, 10**digits)
    assert equal(sp.pi + near, sp.pi).status is Status.REFUTED
    assert equal(x * (1 + near), x).status is Status.REFUTED
    assert equal(sp.exp(x) * (1 + near * sp.sin(x) ** 2), sp.exp(x)).status is Status.REFUTED


def test_a_difference_below_working_precision_is_never_a_pass() -> None:
    # 1e-70 is below the 50-digit working precision: the checker may not decide, but must not pass it
    verdict = equal(x * (1 + sp.Rational(1, 10**70)), x)
    assert verdict.status in (Status.UNDECIDED, Status.REFUTED), verdict


@pytest.mark.parametrize(
    ("lhs", "rhs", "assumptions"),
    [
        (sp.sqrt(a * b), sp.sqrt(a) * sp.sqrt(b), {"positive": [a, b]}),
        (sp.acos(c / r), sp.atan(sp.sqrt(r**2 - c**2) / c), {"positive": [c, r], "where": [c < r]}),
        (sp.log(a * b), sp.log(a) + sp.log(b), {"positive": [a, b]}),
        (sp.sqrt(x**2), x, {"nonnegative": [x]}),
        ((a**b) ** c, a ** (b * c), {"positive": [a]}),
    ],
    ids=["sqrt-product", "arccos-arctan", "log-product", "sqrt-square", "power-of-power"],
)
def test_branch_identities_hold_only_under_their_assumptions(lhs, rhs, assumptions) -> None:
    assert equal(lhs, rhs).status is Status.REFUTED
    assert equal(lhs, rhs, **assumptions).status in PASS


def test_near_misses_are_refuted() -> None:
    i, k = sp.symbols("i k", integer=True, positive=True)
    weights = sp.IndexedBase("W")
    u, v = sp.MatrixSymbol("u", 3, 1), sp.MatrixSymbol("v", 3, 1)
    square = sp.MatrixSymbol("A", 3, 3)
    misses = {
        "a factor √n": (x / sp.sqrt(n), x),
        "1/n for 1/√n": (1 / n, 1 / sp.sqrt(n)),
        "a swapped index": (weights[i, k], weights[k, i]),
        "a sign": (a - b, b - a),
        "a missing transpose": ((u.T * square * v)[0, 0], (v.T * square * u)[0, 0]),
    }
    for name, (lhs, rhs) in misses.items():
        assert equal(lhs, rhs).status is Status.REFUTED, name


def _relu_kernels(s11: sp.Expr, s22: sp.Expr, s12: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    """E[σσ] and E[σ̇σ̇] for ReLU (NOTATION closed forms, Cho & Saul)."""
    theta = sp.acos(s12 / sp.sqrt(s11 * s22))
    nngp = sp.sqrt(s11 * s22) * (sp.sin(theta) + (sp.pi - theta) * sp.cos(theta)) / (2 * sp.pi)
    return nngp, (sp.pi - theta) / (2 * sp.pi)


def test_sigma_of_the_wrong_layer_is_refuted() -> None:
    # Θ^(2) = Θ^(1) Σ̇^(2) + Σ^(2) for ReLU without bias (NOTATION) against the closed form of the two-layer
    # ReLU NTK, √(Σ₁₁Σ₂₂)(sin θ + 2(π − θ) cos θ)/(2π) (Arora et al. 2019; Bietti & Mairal 2019); the near
    # miss writes Σ^(1) for Σ^(2)
    x1, x2, xp1, xp2 = sp.symbols("x1 x2 xp1 xp2", real=True)
    s11, s22, s12 = (x1**2 + x2**2) / 2, (xp1**2 + xp2**2) / 2, (x1 * xp1 + x2 * xp2) / 2  # Σ^(1), n₀ = 2
    sigma2, sigma2_dot = _relu_kernels(s11, s22, s12)
    theta = sp.acos(s12 / sp.sqrt(s11 * s22))
    closed = sp.sqrt(s11 * s22) * (sp.sin(theta) + 2 * (sp.pi - theta) * sp.cos(theta)) / (2 * sp.pi)
    assert equal(s12 * sigma2_dot + sigma2, closed).status in PASS
    assert equal(s12 * sigma2_dot + s12, closed).status is Status.REFUTED


def test_generic_functions_are_replaced_by_random_test_functions() -> None:
    # holds for every f: proved symbolically
    assert equal(sp.diff(f(x) ** 2, x), 2 * f(x) * sp.diff(f(x), x)).status is Status.PROVED
    # holds for linear f only: a random test function refutes it
    assert equal(f(2 * x), 2 * f(x)).status is Status.REFUTED
    # holds for symmetric g only: the test functions are not symmetric
    assert equal(g(x, y), g(y, x)).status is Status.REFUTED
    # the chain rule with the inner derivative missing
    assert equal(sp.diff(f(g(x)), x), sp.Subs(sp.Derivative(f(t), t), t, g(x))).status is Status.REFUTED


def _family(order: int) -> type:
    """σ^(order) of a generic σ as symntk.network writes it: classes with ``symbol`` and ``order``."""

    def fdiff(self: sp.Function, argindex: int = 1) -> sp.Expr:
        return _family(order + 1)(self.args[0])

    return _FAMILY.setdefault(
        order,
        type(
            f"sigma_d{order}", (sp.Function,), {"symbol": "sigma", "order": order, "nargs": 1, "fdiff": fdiff}
        ),
    )


_FAMILY: dict[int, type] = {}


def test_a_derivative_family_gets_one_test_function_and_its_derivatives() -> None:
    sigma, sigma_dot, sigma_ddot = _family(0), _family(1), _family(2)
    chain = sp.Derivative(sigma(x**2), x)
    assert equal(chain, 2 * x * sigma_dot(x**2), symbolic=False).status is Status.VERIFIED
    assert equal(sp.Derivative(sigma_dot(x), x), sigma_ddot(x), symbolic=False).status is Status.VERIFIED
    assert equal(chain, 2 * x * sigma_ddot(x**2), symbolic=False).status is Status.REFUTED  # σ̈ for σ̇
    assert equal(sigma(x), sigma_dot(x), symbolic=False).status is Status.REFUTED


def test_a_name_is_one_variable_whatever_the_symbols_declare() -> None:
    # x on one side and x declared positive on the other are the same x (positive): no false refutation
    assert equal(sp.sqrt(sp.Symbol("x", positive=True) ** 2), sp.Symbol("x")).status is Status.PROVED
    with pytest.raises(SymntkError, match="conflicting assumptions"):
        equal(sp.Symbol("x", positive=True), sp.Symbol("x", negative=True))


def test_random_symbols_are_checked_pointwise() -> None:
    import sympy.stats as st

    u = st.Normal("u", 0, 1)
    assert equal(sp.sin(u) ** 2 + sp.cos(u) ** 2 + x, 1 + x, symbolic=False).status is Status.VERIFIED
    assert equal(u**2 + u, u * (u + 2)).status is Status.REFUTED


def test_a_verified_verdict_says_how_many_points_and_what_they_buy() -> None:
    verdict = equal(sp.sin(2 * t), 2 * sp.sin(t) * sp.cos(t), points=7, symbolic=False)
    assert verdict.status is Status.VERIFIED
    assert verdict.data["points"] == 7
    assert "7 independent random points" in verdict.evidence
    assert "zero set" in verdict.evidence


def test_branch_cuts_get_more_points_and_say_what_they_buy() -> None:
    verdict = equal(
        sp.acos(c / r), sp.atan(sp.sqrt(r**2 - c**2) / c), positive=[c, r], where=[c < r], points=7
    )
    assert verdict.status is Status.VERIFIED
    assert verdict.data["points"] >= 28
    assert "quarter of the domain" in verdict.evidence


@pytest.mark.parametrize("seed", range(12))
def test_a_branch_failure_on_part_of_the_domain_is_found_for_every_seed(seed: int) -> None:
    # (a^b)^c = a^(bc) fails only where a < 0 and the phase b·π wraps: about a quarter of the domain
    assert equal((a**b) ** c, a ** (b * c), seed=seed).status is Status.REFUTED


def test_a_refutation_shows_the_point_and_both_values() -> None:
    verdict = equal(sp.sqrt(a * b), sp.sqrt(a) * sp.sqrt(b), seed=5)
    example = verdict.data["counterexample"]
    point = {sp.Symbol(k, real=True): sp.Rational(v) for k, v in example["point"].items()}
    assert set(example["point"]) == {"a", "b"}
    lhs_value = complex(sp.sqrt(a * b).xreplace(point).evalf(30))
    rhs_value = complex((sp.sqrt(a) * sp.sqrt(b)).xreplace(point).evalf(30))
    assert lhs_value != pytest.approx(rhs_value)
    assert float(example["lhs"].split()[0].strip("()")) == pytest.approx(lhs_value.real)


def test_out_of_time_is_undecided_never_a_pass() -> None:
    hard = sp.expand((sp.sin(x) + sp.cos(y) + x * y) ** 14)
    verdict = equal(hard, sp.expand(hard) + 0 * x, timeout=0.001)
    assert verdict.status is Status.UNDECIDED
    assert verdict.method == "timeout"


def test_results_are_reproducible_for_a_seed() -> None:
    first = equal(sp.sqrt(a * b), sp.sqrt(a) * sp.sqrt(b), seed=11)
    again = equal(sp.sqrt(a * b), sp.sqrt(a) * sp.sqrt(b), seed=11)
    other = equal(sp.sqrt(a * b), sp.sqrt(a) * sp.sqrt(b), seed=12)
    assert first == again
    assert first.data["counterexample"] != other.data["counterexample"]


def test_matrices_are_compared_entry_by_entry() -> None:
    m = sp.Matrix([[a + b, a * b], [a**2 - b**2, 0]])
    assert equal(m, sp.Matrix([[b + a, b * a], [(a - b) * (a + b), 0]])).status is Status.PROVED
    wrong = equal(m, sp.Matrix([[b + a, b * a], [(a - b) * (a - b), 0]]), symbolic=False)
    assert wrong.status is Status.REFUTED
    assert wrong.data["counterexample"]["entry"] == "2,1"


@pytest.mark.parametrize(
    ("lhs", "rhs", "assumptions", "message"),
    [
        ("x + 1", x + 1, {}, "text"),
        (sp.Matrix([a, b]), a, {}, "2×1 matrix and a scalar"),
        (sp.Matrix([a, b]), sp.Matrix([[a, b]]), {}, "2×1 matrix and a 1×2 matrix"),
        (a + 1, a + 1, {"positive": [b]}, "unknown symbol 'b'"),
        (a + 1, a + 1, {"bounded": [a]}, "unknown assumption"),
        (a + 1, a + 1, {"where": ["a > 0"]}, "SymPy inequality"),
    ],
)
def test_bad_input_is_one_clear_error(lhs, rhs, assumptions, message: str) -> None:
    with pytest.raises(SymntkError, match=message) as info:
        equal(lhs, rhs, **assumptions)
    assert "\n" not in str(info.value)
