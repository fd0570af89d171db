"""Seed 001's derivations (derivations/s001_*.py): every step at the verdict expected, every erratum refuted
with its correction passing, and the models behind them checked against independent computations."""

from __future__ import annotations

import dataclasses
import importlib.util
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
import sympy as sp

from symntk.check import Derivation, DerivationResult, Outcome, Status
from symntk.check.discovery import load
from symntk.check.mutation import mutants

ROOT = Path(__file__).resolve().parent.parent
MODULES = sorted((ROOT / "derivations").glob("s001_*.py"))

P, V, C, U = Status.PROVED, Status.VERIFIED, Status.CONSISTENT, Status.UNDECIDED
E = "erratum"  # refuted as written, the correction passing

#: the verdict of every step of every derivation of seed 001, in order
EXPECTED: dict[str, list[Status | str]] = {
    "s001-sin-model-tangent-kernel": [P, P],
    "s001-output-dynamics-tangent-kernel": [P, P, P, P],
    "s001-vector-valued-tangent-kernel": [P],
    "s001-tangent-kernel-outer-products": [P],
    "s001-tangent-kernel-positive-semidefinite": [P, P],
    "s001-stationary-outputs-null-space": [P, P],
    "s001-spurious-minimum-example": [P],
    "s001-spurious-minimum-is-a-minimum": [P],
    "s001-loss-rate": [P, P],
    "s001-square-loss-linear-convergence": [P, P, P, P],
    "s001-square-loss-output-gradient": [V],
    "s001-functional-gradient-descent-ode": [P],
    "s001-functional-gradient-descent-solution": [E],
    "s001-parametrizations-forward-equivalence": [P],
    "s001-parametrizations-mean-field-scale": [P],
    "s001-parametrizations-backward-gradient": [P],
    "s001-parametrizations-backward-learning-rate": [P, E],
    "s001-parametrizations-weight-movement-ntk": [C],
    "s001-parametrizations-weight-movement-mean-field": [C],
    "s001-backward-pass-layers-ntk": [C],
    "s001-backward-pass-layers-standard": [P],
    "s001-kernel-model": [P],
    "s001-square-loss-linear-dynamics": [P],
    "s001-gp-base-case": [P, P],
    "s001-gp-induction-step": [P, P, P],
    "s001-gp-clt-limit": [C],
    "s001-sigma-norms-and-angle": [P, P],
    "s001-sigma-rotation-invariance": [V, V],
    "s001-ntk-current-layer": [P, E],
    "s001-ntk-previous-layers": [P, P],
    "s001-ntk-limit-current-layer": [C],
    "s001-ntk-limit": [C],
    "s001-ntk-limit-neuron-diagonal": [C],
    "s001-ntk-recursion": [E, P],
    "s001-shallow-network-ntk": [P],
    "s001-shallow-step-output-weights": [E, P],
    "s001-shallow-step-input-weights": [P],
    "s001-shallow-step-dv-rate": [C],
    "s001-shallow-step-du-rate": [C],
    "s001-shallow-ntk-change": [P, E],
    "s001-ntk-during-training": [C],
}


def _module(name: str) -> ModuleType:
    path = ROOT / "derivations" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"{name}_under_test", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is created
    spec.loader.exec_module(module)
    return module


def _derivations() -> list[Derivation]:
    return [d for path in MODULES for d in load(path)]


DERIVATIONS = _derivations()


@cache
def _result(ident: str) -> DerivationResult:
    return next(d for d in DERIVATIONS if d.id == ident).check(seed=0)


def test_every_seed_001_derivation_is_listed_with_its_source() -> None:
    assert sorted(d.id for d in DERIVATIONS) == sorted(EXPECTED)
    for d in DERIVATIONS:
        assert d.source is not None and d.source.file == "001_9a6c6fe078691bcf.txt"
        assert "slide" in d.source.location
        assert all(s.justification for s in d.steps)


@pytest.mark.parametrize("ident", sorted(EXPECTED))
def test_each_step_comes_out_at_the_expected_verdict(ident: str) -> None:
    result = _result(ident)
    assert result.errors == []
    assert not result.failed
    got: list[Status | str] = []
    for step in result.steps:
        if step.outcome is Outcome.ERRATUM:
            assert step.corrected is not None and step.corrected.status in (P, V, C), step.corrected.evidence
            got.append(E)
        else:
            got.append(step.status)
    assert got == EXPECTED[ident], [(s.index, s.verdict.evidence) for s in result.steps]
    if result.conclusion is not None:
        assert result.conclusion.status in (P, V, C)


def test_errata_name_what_is_wrong() -> None:
    errata = [(d.id, s) for d in DERIVATIONS for s in d.steps if s.erratum is not None]
    assert len(errata) == sum(v.count(E) for v in EXPECTED.values()) == 6
    for _, step in errata:
        assert step.written, "an erratum shows the formula as the seed writes it"
        assert len(step.erratum.note) > 60  # type: ignore[union-attr]


# ---------------------------------------------------------------------------------------------------------
# independent computations


def test_sin_model_velocity_matches_a_numerical_gradient_flow_step() -> None:
    # df/dt of the derivation against (f(W + h Ẇ) − f(W))/h, Ẇ = −∇L by finite differences, l = ½(ŷ − y)²
    m = _module("s001_tangent_kernel")
    a0, k0, x0 = 0.7, 1.3, 0.4
    data = [(1.0, 1.0), (2.0, 0.0)]

    def loss(a: float, k: float) -> float:
        return sum(0.5 * (a * np.sin(k * xa) - ya) ** 2 for xa, ya in data) / 2

    eps = 1e-6
    grad = np.array(
        [
            (loss(a0 + eps, k0) - loss(a0 - eps, k0)) / (2 * eps),
            (loss(a0, k0 + eps) - loss(a0, k0 - eps)) / (2 * eps),
        ]
    )
    h = 1e-6
    a1, k1 = np.array([a0, k0]) - h * grad
    numeric = (a1 * np.sin(k1 * x0) - a0 * np.sin(k0 * x0)) / h
    yh = sp.Symbol("yhat")
    velocity = m.velocity([m.sin_model], [m.A, m.k])[0]
    square = velocity.replace(m.l, sp.Lambda((yh, sp.Symbol("y")), (yh - sp.Symbol("y")) ** 2 / 2)).doit()
    value = float(square.subs({m.A: a0, m.k: k0, m.x: x0}))
    assert value == pytest.approx(numeric, rel=1e-4)


def test_functional_gradient_descent_solution_matches_numerical_integration() -> None:
    from scipy.integrate import solve_ivp

    m = _module("s001_functional_gradient_descent")
    big_m, f_start, target = 4, 2.0, -1.0
    sol = solve_ivp(lambda t, f: -(f - target) / big_m, (0, 3), [f_start], rtol=1e-11, atol=1e-12)
    stated = float(m.STATED.subs({m.M: big_m, m.f0: f_start, m.y_a: target, m.t: 3}))
    slide25 = target + np.exp(-3) * (f_start - target)
    assert stated == pytest.approx(sol.y[0, -1], rel=1e-8)
    assert abs(slide25 - sol.y[0, -1]) > 0.5


def test_two_layer_relu_recursion_matches_the_kernel_module_not_the_slide() -> None:
    from symntk.limits import kernels

    m = _module("s001_ntk_at_initialization")
    x, xp = [0.3, -1.1], [0.8, 0.5]
    ntk = float(kernels([x], [xp], activation="relu", depth=2, beta=0.0).ntk[0, 0])
    values = dict(zip(sp.symbols("x_1 x_2 x'_1 x'_2", real=True), [*x, *xp], strict=True))
    corrected = m.SIGMA1 * m.SIGMA_DOT2 + m.SIGMA2
    seed = m.SIGMA1 * m.SIGMA_DOT2 + m.SIGMA1
    assert float(corrected.subs(values)) == pytest.approx(ntk, rel=1e-12)
    assert abs(float(seed.subs(values)) - ntk) > 0.05


def test_one_step_kernel_change_is_first_order_in_the_step() -> None:
    # slide 21's formula (derived from the network) against the exact change for a small step, φ = tanh
    m = _module("s001_ntk_during_training")
    rng = np.random.default_rng(3)
    u, v = rng.normal(size=3), rng.normal(size=3)
    du, dv = 1e-6 * rng.normal(size=3), 1e-6 * rng.normal(size=3)
    x, xp = m.PAIR
    exact = m._shallow_theta(u + du, v + dv, x, xp) - m._shallow_theta(u, v, x, xp)
    z = sp.Symbol("z")
    orders = {m.phi(z, o).func: o for o in range(3)}  # the generic φ, φ̇, φ̈ of the network
    values: dict[sp.Basic, float] = {m._x: x, m._xp: xp, m.n: 3}
    values |= {p: float(val) for p, val in zip(m._u + m._v, [*u, *v], strict=True)}
    values |= {p: float(val) for p, val in zip(m._du + m._dv, [*du, *dv], strict=True)}
    # φ is replaced before any number goes in: a generic function named phi applied to a Float would be
    # evaluated as mpmath's constant phi (the golden ratio) by SymPy
    expr = m._slide21_delta()
    tanh = {
        call: sp.diff(sp.tanh(z), z, orders[call.func]).subs(z, call.args[0])
        for call in expr.atoms(sp.Function)
        if call.func in orders
    }
    first_order = float(expr.xreplace(tanh).xreplace(values))
    assert first_order == pytest.approx(float(exact), rel=1e-4)


def test_kernel_change_rate_is_about_one_over_n_not_one_over_root_n() -> None:
    m = _module("s001_ntk_during_training")
    fit = m.one_step(11).rates["dtheta"]
    assert fit.verdict(-0.5).status is Status.REFUTED
    assert fit.ci[0] < -0.75


def test_standard_parametrization_with_scaled_rates_trains_like_ntk() -> None:
    # slides 12 and 29, numerically: one GD step of a (2, 3, 1) tanh network, standard parametrization with
    # η/n_{l−1} per layer, maps onto the NTK step under W̃ = W/√n_{l−1}
    rng = np.random.default_rng(5)
    x, y, eta = rng.normal(size=2), 0.3, 0.1
    w1, w2 = rng.normal(size=(3, 2)), rng.normal(size=(1, 3))

    def grads(a1: np.ndarray, a2: np.ndarray, s1: float, s2: float) -> tuple[np.ndarray, np.ndarray]:
        h = np.tanh(s1 * a1 @ x)
        f = s2 * a2 @ h
        r = f - y  # l = ½(f − y)²
        g2 = s2 * np.outer(r, h)
        g1 = s1 * np.outer((s2 * a2.T @ r) * (1 - h**2), x)
        return g1, g2

    g1, g2 = grads(w1, w2, 2**-0.5, 3**-0.5)
    ntk1, ntk2 = w1 - eta * g1, w2 - eta * g2
    s1, s2 = w1 / np.sqrt(2), w2 / np.sqrt(3)
    h1, h2 = grads(s1, s2, 1.0, 1.0)
    std1, std2 = s1 - eta / 2 * h1, s2 - eta / 3 * h2
    assert np.allclose(std1, ntk1 / np.sqrt(2)) and np.allclose(std2, ntk2 / np.sqrt(3))
    wrong1 = s1 - eta * h1  # one learning rate for all layers: not equivalent
    assert not np.allclose(wrong1, ntk1 / np.sqrt(2))


def test_near_misses_of_exact_steps_are_refuted() -> None:
    tried = 0
    for ident, index in (
        ("s001-functional-gradient-descent-ode", 0),
        ("s001-sin-model-tangent-kernel", 1),
        ("s001-kernel-model", 0),
    ):
        derivation = next(d for d in DERIVATIONS if d.id == ident)
        step = derivation.steps[index]
        expression = step.expression() if callable(step.expression) else step.expression
        for mutant in mutants(expression)[:2]:
            steps = list(derivation.steps)
            steps[index] = dataclasses.replace(step, expression=mutant.expression)
            result = dataclasses.replace(derivation, steps=steps).check(seed=0)
            assert result.steps[index].outcome is Outcome.FAILED, (ident, mutant.description)
            tried += 1
    assert tried == 6


def test_kernel_change_under_training_satisfies_the_bound_at_about_one_over_n() -> None:
    # slide 20 on gradient descent (another seed than the derivation's): within C/√n, and faster than it
    m = _module("s001_ntk_during_training")
    result = m._training(7)
    assert result.verdict("kernel_change", -0.5, upper_bound=True).status is Status.CONSISTENT
    fit = result.rates["kernel_change"]
    assert fit.ci[1] < -0.5 and fit.estimate < -0.75


def test_rotation_invariance_check_refutes_a_shear() -> None:
    m = _module("s001_gp_property")

    class Shear(m.RotationInvariance):  # type: ignore[name-defined,misc]
        def rotation(self, rng: np.random.Generator) -> object:
            import mpmath

            return mpmath.matrix([[1, 0.5, 0], [0, 1, 0], [0, 0, 1]])

    for activation in ("relu", "erf"):
        assert Shear(activation, 3)(None, seed=1).status is Status.REFUTED
        assert m.RotationInvariance(activation, 3)(None, seed=1).status is Status.VERIFIED
