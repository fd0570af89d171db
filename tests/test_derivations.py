"""The derivations in derivations/: each checks without a failure, and the first one is derived honestly."""

from __future__ import annotations

import dataclasses
import importlib.util
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

from symntk.check import Derivation, Outcome, Status, discover
from symntk.check.mutation import mutants

ROOT = Path(__file__).resolve().parent.parent
DERIVATIONS, LOAD_ERRORS = discover([ROOT / "derivations"])


def test_every_derivation_module_loads() -> None:
    assert LOAD_ERRORS == []
    assert DERIVATIONS


def _cases() -> list[object]:
    """Every derivation; those of the seeds run in the default suite through their own test modules
    (tests/test_derivations_s00*.py), so here they are slow cases, to keep the default run short."""
    return [
        pytest.param(d, id=d.id, marks=[pytest.mark.slow] if d.id.startswith("s00") else [])
        for d in DERIVATIONS
    ]


@pytest.mark.parametrize("derivation", _cases())
def test_every_derivation_checks_without_failure(derivation: Derivation) -> None:
    result = derivation.check(seed=0)
    assert result.errors == []
    assert not result.failed, [(r.index, r.outcome.value, r.verdict.evidence) for r in result.steps]
    assert derivation.source is not None and derivation.source.file.endswith(".txt")


def _linear_regression():  # the module, loaded as the checker loads it
    path = ROOT / "derivations" / "linear_regression_tangent_kernel.py"
    spec = importlib.util.spec_from_file_location("linear_regression_tangent_kernel_under_test", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_linear_regression_kernel_is_proved_step_by_step() -> None:
    derivation = _linear_regression().linear_regression_tangent_kernel
    result = derivation.check(seed=0)
    assert [r.status for r in result.steps] == [Status.PROVED] * 3
    assert result.conclusion is not None and result.conclusion.status is Status.PROVED


def test_the_derived_kernel_matches_finite_differences_of_the_model() -> None:
    # independent of SymPy: Θ(x, x′) = ∇_θ f(x) · ∇_θ f(x′) with the gradient taken by central differences
    module = _linear_regression()
    rng = np.random.default_rng(0)
    dim = 3
    w, b, x, xp = rng.normal(size=dim), rng.normal(), rng.normal(size=dim), rng.normal(size=dim)

    def gradient(inputs: np.ndarray) -> np.ndarray:
        theta = np.append(w, b)
        out = np.empty_like(theta)
        for p in range(theta.size):
            step = np.zeros_like(theta)
            step[p] = 1e-6
            plus, minus = theta + step, theta - step
            out[p] = ((plus[:dim] @ inputs + plus[dim]) - (minus[:dim] @ inputs + minus[dim])) / 2e-6
        return out

    numeric = gradient(x) @ gradient(xp)
    derived = module.DERIVED.xreplace({module.d: dim}).doit()
    left, right = (m.xreplace({module.d: dim}) for m in (module.x, module.x_prime))
    values = {left[k, 0]: x[k] for k in range(dim)} | {right[k, 0]: xp[k] for k in range(dim)}
    assert float(derived.xreplace(values)) == pytest.approx(numeric, rel=1e-8)
    assert float(derived.xreplace(values)) == pytest.approx(x @ xp + 1, rel=1e-12)


def test_the_kernel_is_derived_from_the_model_not_typed_in() -> None:
    module = _linear_regression()
    # changing the model changes the derived kernel: for f = wᵀx + 2b the bias contributes 4, not 1
    scaled = module.tangent_kernel(
        lambda z: module.model(z) + module.b, [module.w, module.b], module.x, module.x_prime
    )
    assert sp.simplify((scaled - module.DERIVED).doit()) == 3


def test_every_near_miss_of_a_step_fails_the_derivation() -> None:
    derivation = _linear_regression().linear_regression_tangent_kernel
    tried = 0
    for index in (1, 2):  # the evaluated sum and the matrix form
        step = derivation.steps[index]
        for mutant in mutants(step.expression)[:3]:
            steps = list(derivation.steps)
            steps[index] = dataclasses.replace(step, expression=mutant.expression)
            result = dataclasses.replace(derivation, steps=steps).check(seed=0)
            assert result.failed, mutant.description
            assert result.steps[index].outcome is Outcome.FAILED, mutant.description
            tried += 1
    assert tried == 6
