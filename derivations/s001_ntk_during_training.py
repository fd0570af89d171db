"""The NTK during training: the shallow network and the 1/√n rates (seed 001, slides 20 and 21).

Slide 20 states the theorem of Lee et al. (2019): for a learning rate η_0 < 1/λ_max(Θ), with probability
1 − δ, sup_t |Θ̂_t(x, x') − Θ̂_0(x, x')| ≤ C/√n for every width n > N. It then illustrates it on the univariate
shallow network f(x) = n^{−1/2} Σ_i v_i φ(u_i x), whose NTK
Θ(x, x') = (1/n) Σ_i [φ(u_i x) φ(u_i x') + v_i² x x' φ̇(u_i x) φ̇(u_i x')] is derived here from the network
(:func:`symntk.network.shallow_ntk`, a generic φ, width 3). Slide 21 computes one gradient step: Δv_i and
Δu_i, both ∼ 1/√n, and the first-order change of the NTK, which it also calls ∼ 1/√n.

What is found:

- slide 21 writes Δv_i with ∂f(x_a)/∂u_i; the derivative that the result φ(u_i x_a)/√n is is ∂f(x_a)/∂v_i
  (an erratum);
- the first-order ΔΘ of slide 21 is exactly the variation of slide 20's NTK (proved);
- read as a sharp rate (as the seed reads "∼" everywhere), "ΔΘ ∼ 1/√n" is refuted by seeded Monte Carlo over
  the shallow tanh network at widths up to 8192: ΔΘ after one step decays as n^{−1}. Every term of ΔΘ is odd
  in the output weights v_i (Δu_i carries one factor v_i, Δv_i's term carries 2v_i), so the n terms of size
  n^{−1/2} in (1/n) Σ_i have random signs and add up to O(n^{−1}) (Dyer and Gur-Ari 2019 find 1/n as well).
  The slide's ∼ 1/√n is the bound of slide 20, which the measured change satisfies;
- the theorem's bound itself is checked on gradient descent over many steps
  (:func:`symntk.convergence.training_convergence`): consistent with C/√n as an upper bound, the fitted rate
  being close to n^{−1}.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import sympy as sp

from symntk import SymntkError
from symntk.check import Claim, Derivation, Erratum, Source, Step, Verdict, order
from symntk.convergence import RateFit, check_strategy, fit_power_law, training_convergence
from symntk.network import Entry, shallow_ntk

SOURCE = "001_9a6c6fe078691bcf.txt"
DYER_GUR_ARI = (
    "@inproceedings{dyer2020asymptotics, author = {Ethan Dyer and Guy Gur-Ari}, "
    "title = {Asymptotics of Wide Networks from Feynman Diagrams}, booktitle = {ICLR}, year = 2020, "
    "note = {arXiv:1909.11304}}"
)

SHALLOW = shallow_ntk(width=3, inputs=2)
NET = SHALLOW.network
_x, _xp = NET.input("x").entries[0], NET.input("x'").entries[0]
_u = [NET.weights[0][i, 0] for i in range(3)]
_v = [NET.weights[1][0, i] for i in range(3)]
n = NET.n(1)
eta = sp.Symbol("eta", positive=True)
_TRAIN = [NET.input(f"x_{a + 1}") for a in range(2)]
_xa = [t.entries[0] for t in _TRAIN]
_slopes = [Entry("L'", None, (a + 1,)) for a in range(2)]
phi = NET.sigma


def _explicit(expr: sp.Expr) -> sp.Expr:
    """``expr`` with the pre-activations written out (u_i x for α̃^(1)_i(x)) and n_0 = 1 (a scalar input)."""
    return NET.inline(expr).xreplace({NET.n(0): 1})


shallow_network_ntk = Derivation(
    id="s001-shallow-network-ntk",
    title="The NTK of the shallow network f(x) = n^{−1/2} Σ_i v_i φ(u_i x)",
    kind="example",
    statement="Θ(x, x') = (1/n) Σ_i [φ(u_i x) φ(u_i x') + v_i² x x' φ̇(u_i x) φ̇(u_i x')]",
    start=lambda: _explicit(SHALLOW.ntk),
    steps=[
        Step(
            sp.Add(
                *(
                    phi(_u[i] * _x) * phi(_u[i] * _xp)
                    + _v[i] ** 2 * _x * _xp * phi(_u[i] * _x, 1) * phi(_u[i] * _xp, 1)
                    for i in range(3)
                )
            )
            / n,
            "=",
            "∂f/∂v_i = n^{−1/2} φ(u_i x) and ∂f/∂u_i = n^{−1/2} v_i x φ̇(u_i x) in Θ = Σ_p ∂f(x)/∂θ_p "
            "∂f(x')/∂θ_p "
            "(here n = 3, φ generic)",
            written=r"\Theta(x, x') = \frac{1}{n} \sum_{i} \left[ \phi(u_i x) \phi(u_i x') + v_i^2 x x' "
            r"\dot{\phi}(u_i x) \dot{\phi}(u_i x') \right]",
        ),
    ],
    source=Source(SOURCE, "slide 20 (NTK during training: the shallow network)"),
    references=("lee2019wide",),
)


def _gradient_sum(parameter: sp.Symbol) -> sp.Expr:
    """−η Σ_a ∂f(x_a)/∂θ ∙ L'_a, the derivatives taken through the network."""
    return -eta * sp.Add(
        *(NET.derivative(NET.nodes(t)[-1][0], parameter) * _slopes[a] for a, t in enumerate(_TRAIN))
    )


def _phi_terms(first: int) -> sp.Expr:
    return sp.Add(*(phi(_u[first] * _xa[a]) * _slopes[a] for a in range(2)))


shallow_step_output_weights = Derivation(
    id="s001-shallow-step-output-weights",
    title="One gradient step of the shallow network: the output weights, Δv_i ∼ 1/√n",
    kind="example",
    statement=sp.Eq(sp.Symbol(r"\Delta v_1"), -eta / sp.sqrt(n) * _phi_terms(0)),
    start=lambda: _explicit(SHALLOW.steps[_v[0]]),
    steps=[
        Step(
            lambda: _explicit(_gradient_sum(_u[0])),
            "=",
            "Δv_i = −η (1/M) Σ_a ∂f(x_a)/∂θ ∂l(f(x_a), y_a)/∂f(x_a), with L'_a ≡ (1/M) ∂l(f(x_a), "
            "y_a)/∂f(x_a) "
            "(the slide's ∂f(x, a) is read as ∂f(x_a))",
            written=r"\Delta v_i = -\eta \frac{1}{M} \sum_{a=1}^M \frac{\partial f(x_a)}{\partial u_i} "
            r"\frac{\partial l(f(x_a), y_a)}{\partial f(x_a)}",
            erratum=Erratum(
                lambda: _explicit(_gradient_sum(_v[0])),
                "the slide differentiates f(x_a) by u_i in the step of v_i: gradient descent moves v_i along "
                "∂f(x_a)/∂v_i = n^{−1/2} φ(u_i x_a), which is what the slide's next expression is",
            ),
        ),
        Step(
            -eta / sp.sqrt(n) * _phi_terms(0),
            "=",
            "∂f(x_a)/∂v_i = n^{−1/2} φ(u_i x_a)",
            written=r"-\eta \frac{1}{\sqrt{n}} \sum_a \phi(u_i x_a) L_a'",
        ),
    ],
    source=Source(SOURCE, "slide 21 (NTK during training: illustration)"),
    references=("lee2019wide",),
)

shallow_step_input_weights = Derivation(
    id="s001-shallow-step-input-weights",
    title="One gradient step of the shallow network: the input weights, Δu_i ∼ 1/√n",
    kind="example",
    statement="Δu_i = −η n^{−1/2} v_i Σ_a φ̇(u_i x_a) x_a L'_a",
    start=lambda: _explicit(SHALLOW.steps[_u[0]]),
    steps=[
        Step(
            -eta
            / sp.sqrt(n)
            * _v[0]
            * sp.Add(*(phi(_u[0] * _xa[a], 1) * _xa[a] * _slopes[a] for a in range(2))),
            "=",
            "∂f(x_a)/∂u_i = n^{−1/2} v_i x_a φ̇(u_i x_a)",
            written=r"\Delta u_i = -\eta \frac{1}{\sqrt{n}} v_i \sum_a \dot{\phi}(u_i x_a) x_a L_a'",
        ),
    ],
    source=Source(SOURCE, "slide 21 (NTK during training: illustration)"),
    references=("lee2019wide",),
)

# ---------------------------------------------------------------------------------------------------------
# the rates, measured: one gradient step of the shallow tanh network at increasing widths

WIDTHS = (128, 512, 2048, 8192)
SAMPLES = 30
#: the data set of the experiment (M = 3), the learning rate, and the pair (x, x') where ΔΘ is measured
DATA_X, DATA_Y = np.array([-1.0, 0.5, 1.5]), np.array([0.5, -0.3, 0.8])
LEARNING_RATE = 0.5
PAIR = (0.7, -1.2)
_EXPERIMENT = (
    f"one full-batch GD step (η = {LEARNING_RATE}, square loss, M = 3) of {SAMPLES} shallow tanh networks "
    f"f(x) = n^(-1/2) Σ_i v_i tanh(u_i x), u_i, v_i ~ N(0, 1), per width n = {', '.join(map(str, WIDTHS))}"
)


def _shallow_theta(u: np.ndarray, v: np.ndarray, x: float, xp: float) -> np.ndarray:
    """Slide 20's Θ(x, x′) for φ = tanh, per network (rows of u, v)."""
    a, ap = np.tanh(u * x), np.tanh(u * xp)
    return np.asarray((a * ap + v**2 * x * xp * (1 - a**2) * (1 - ap**2)).mean(axis=-1))


@dataclass(frozen=True)
class OneStep:
    """Fitted rates of the RMS |Δu_i|, RMS |Δv_i| and |Θ(θ + Δθ) − Θ(θ)| (exact, not first order)."""

    rates: dict[str, RateFit]

    def verdict(self, quantity: str, exponent: float, upper_bound: bool = False):  # type: ignore[no-untyped-def]
        return self.rates[quantity].verdict(exponent, upper_bound=upper_bound)


@cache
def one_step(seed: int) -> OneStep:
    """Slide 21's single gradient step, measured at increasing widths (seeded; one generator per width)."""
    out: dict[str, list[np.ndarray]] = {"du": [], "dv": [], "dtheta": []}
    for n_, ss in zip(WIDTHS, np.random.SeedSequence(seed).spawn(len(WIDTHS)), strict=True):
        rng = np.random.default_rng(ss)
        u, v = rng.standard_normal((SAMPLES, n_)), rng.standard_normal((SAMPLES, n_))
        h = np.tanh(u[:, None, :] * DATA_X[:, None])  # (S, M, n)
        f = (v[:, None, :] * h).sum(-1) / np.sqrt(n_)
        slopes = (f - DATA_Y) / DATA_X.size  # L'_a for l = ½(f − y)²
        dv = -LEARNING_RATE / np.sqrt(n_) * (h * slopes[:, :, None]).sum(1)
        du = -LEARNING_RATE / np.sqrt(n_) * v * ((1 - h**2) * DATA_X[:, None] * slopes[:, :, None]).sum(1)
        out["du"].append(np.sqrt((du**2).mean(axis=1)))
        out["dv"].append(np.sqrt((dv**2).mean(axis=1)))
        out["dtheta"].append(np.abs(_shallow_theta(u + du, v + dv, *PAIR) - _shallow_theta(u, v, *PAIR)))
    labels = {"du": "RMS |Δu_i|", "dv": "RMS |Δv_i|", "dtheta": "|ΔΘ(x, x')|"}
    return OneStep({k: fit_power_law(WIDTHS, out[k], label=labels[k]) for k in out})


@dataclass(frozen=True)
class MeasuredRate:
    """A check strategy for ``previous = O(n^e)``: e is read from the claim (so that an erratum's correction
    is checked against its own exponent) and compared with the rate fitted by :func:`one_step`."""

    quantity: str

    def __call__(self, claim: Claim, *, seed: int) -> Verdict:
        base, exponent = claim.rhs.as_base_exp()
        if base != n or not exponent.is_Rational:
            raise SymntkError(f"{claim.label}: a measured rate needs a power of n, got {claim.rhs}")
        verdict: Verdict = one_step(seed).verdict(self.quantity, float(exponent))
        return verdict


def _rate(quantity: str) -> MeasuredRate:
    return MeasuredRate(quantity)


def _weight_rate(name: str, quantity: str, formula: str) -> Derivation:
    return Derivation(
        id=f"s001-shallow-step-{quantity}-rate",
        title=f"One gradient step moves each {name} by ∼ 1/√n",
        kind="example",
        statement=f"{formula} ∼ 1/√n",
        start=sp.Symbol(formula),
        steps=[
            Step(
                n ** sp.Rational(-1, 2),
                order(n),
                f"the factor n^(−1/2) of ∂f/∂θ with everything else O(1); measured: {_EXPERIMENT}",
                strategy=_rate(quantity),
                written=formula + r" \sim \frac{1}{\sqrt{n}}",
            ),
        ],
        source=Source(SOURCE, "slide 21 (NTK during training: illustration)"),
        references=("lee2019wide",),
    )


output_weight_rate = _weight_rate("output weight", "dv", r"\Delta v_i")
input_weight_rate = _weight_rate("input weight", "du", r"\Delta u_i")

_du = [Entry("Delta", None, (p,)) for p in _u]
_dv = [Entry("Delta", None, (p,)) for p in _v]


def _slide21_delta() -> sp.Expr:
    """Slide 21's first-order change of the NTK, as the slide writes it."""
    x, xp = _x, _xp
    return (
        sp.Add(
            *(
                _du[i]
                * (
                    x * phi(_u[i] * x, 1) * phi(_u[i] * xp)
                    + phi(_u[i] * x) * xp * phi(_u[i] * xp, 1)
                    + _v[i] ** 2
                    * x
                    * xp
                    * (
                        x * phi(_u[i] * x, 2) * phi(_u[i] * xp, 1)
                        + phi(_u[i] * x, 1) * xp * phi(_u[i] * xp, 2)
                    )
                )
                for i in range(3)
            )
        )
        / n
        + sp.Add(*(_dv[i] * 2 * _v[i] * x * xp * phi(_u[i] * x, 1) * phi(_u[i] * xp, 1) for i in range(3)))
        / n
    )


ntk_change_one_step = Derivation(
    id="s001-shallow-ntk-change",
    title="The change of the NTK in one gradient step",
    kind="example",
    statement="ΔΘ(x, x') = (1/n) Σ_i Δu_i [x φ̇ φ' + φ x' φ̇' + v_i² x x' (x φ̈ φ̇' + φ̇ x' φ̈')] "
    "+ (1/n) Σ_i Δv_i 2 v_i x x' φ̇ φ̇' ∼ 1/n",
    start=lambda: _explicit(SHALLOW.delta_ntk),
    steps=[
        Step(
            _slide21_delta,
            "=",
            "to first order in the step, ΔΘ = Σ_i (∂Θ/∂u_i Δu_i + ∂Θ/∂v_i Δv_i), with Θ of slide 20 (the "
            "start "
            "is this variation derived from the network, width 3, generic φ)",
            written=r"\frac{1}{n} \sum_{i} \Delta u_{i} \left[ x\dot{\phi}(u_{i}x)\phi(u_{i}x') + "
            r"\phi(u_{i}x)x'\dot{\phi}(u_{i}x') + v_{i}^{2}xx'\left(x\ddot{\phi}(u_{i}x)\dot{\phi}(u_{i}x') "
            r"+ "
            r"\dot{\phi}(u_{i}x)x'\ddot{\phi}(u_{i}x')\right) \right] + \frac{1}{n} \sum_{i} \Delta v_{i} "
            r"\left[ 2v_{i}xx'\dot{\phi}(u_{i}x)\dot{\phi}(u_{i}x') \right]",
        ),
        Step(
            n ** sp.Rational(-1, 2),
            order(n),
            f"n terms of size n^(−1/2) over n; measured: {_EXPERIMENT}, |ΔΘ(x, x')| at (x, x') = {PAIR}, the "
            "exact change Θ(θ + Δθ) − Θ(θ)",
            strategy=_rate("dtheta"),
            written=r"\Delta\Theta(x,x') \sim \frac{1}{\sqrt{n}}",
            erratum=Erratum(
                n**-1,
                "as a rate (the sense of ∼ elsewhere on the slides) ΔΘ ∼ 1/√n is wrong: every term is odd in "
                "the output weights v_i (Δu_i carries a factor v_i, the Δv_i term a factor 2v_i), so the n "
                "terms of size n^(−1/2) have random signs and their mean is O(n^(−1)); 1/√n is only the "
                "upper "
                "bound of slide 20's theorem, which the measured ΔΘ satisfies",
            ),
        ),
    ],
    source=Source(SOURCE, "slide 21 (NTK during training: illustration)"),
    references=("lee2019wide", DYER_GUR_ARI),
)

#: slide 20's theorem, measured on gradient descent: tanh networks of depth 2 (one hidden layer), no bias
_TRAINING = (
    "100 steps of full-batch GD (η = 0.8/λ_max of the infinite-width Θ/M, below slide 20's 1/λ_max) of 4 "
    "tanh "
    "networks of one hidden layer per width n = 64, 256, 1024, no bias, 6 training and 4 test points of the "
    "unit circle (input dimension 2: the univariate net's inputs would all be ±1 on the unit sphere); the "
    "kernel change is sup_t ‖Θ̂_t − Θ̂_0‖_F/‖Θ̂_0‖_F on the training set"
)


def _training(seed: int):  # type: ignore[no-untyped-def]
    return training_convergence(
        "tanh", 2, beta=0.0, widths=(64, 256, 1024), samples=4, seed=seed, fraction=0.4
    )


C = sp.Symbol("C", positive=True)

ntk_during_training = Derivation(
    id="s001-ntk-during-training",
    title="NTK during training: sup_t |Θ̂_t − Θ̂_0| ≤ C/√n",
    kind="theorem",
    statement=sp.Le(sp.Symbol(r"\sup_t |\hat{\Theta}_t(x, x') - \hat{\Theta}_0(x, x')|"), C / sp.sqrt(n)),
    start=sp.Symbol(r"\sup_t |\hat{\Theta}_t(x, x') - \hat{\Theta}_0(x, x')|"),
    steps=[
        Step(
            C / sp.sqrt(n),
            "≤",
            f"Lee et al. (2019), Theorem 2.1 (η_0 < 1/λ_max(Θ)); measured as an upper bound: {_TRAINING}",
            strategy=check_strategy(_training, quantity="kernel_change", exponent=-0.5, upper_bound=True),
            written=r"\sup_{t} |\hat{\Theta}_{t}(x, x') - \hat{\Theta}_{0}(x, x')| \le \frac{C}{\sqrt{n}}",
        ),
    ],
    source=Source(SOURCE, "slide 20 (NTK during training: theorem)"),
    references=("lee2019wide",),
)
