"""Proposition 1 (seed 002 §3): at initialization the outputs tend to i.i.d. centred Gaussian processes of
covariance Σ^(L), with Σ^(1)(x, x′) = xᵀx′/n₀ + β² and Σ^(L+1)(x, x′) = E_{f∼N(0,Σ^(L))}[σ(f(x))σ(f(x′))] +
β².

Seed 002, §3.1 (base case) and §3.2 (inductive step), in the seed's lines:

- base case: α̃^(1)_k(x_i) = X_il w_kl + β b_k (the seed drops the factor n₀^{-1/2} that the covariance on the
  next line uses: an erratum, corrected), then the covariance E[α̃_k(x_i) α̃_{k′}(x_{i′})] =
  (1/n₀) X_il E[w_kl w_{k′l′}] X_{i′l′} + β² E[b_k b_{k′}] = (1/n₀) X_il X_{i′l} δ_{kk′} + β² δ_{kk′} =
  δ_{kk′} Σ^(1)(x_i, x_{i′}); the network is :class:`symntk.network.Network` with widths (3, 2) and the
  expectations are exact (Isserlis' theorem, :func:`symntk.initialization.expectation_strategy`): *proved*.
  The seed drops the two cross terms between weights and bias (their expectation is 0), so its first line is
  an identity of expectations, checked as one;
- inductive step: equation (1), α̃^(L+1)_k(x_i) = Σ_l α^(L)_l(x_i) w_kl + β b_k, again without the factor
  n_L^{-1/2} (erratum, corrected), and the vector display after it (also without β: an erratum); the
  covariance over the last layer's parameters given the lower layers is exactly
  δ_{kk′} ((1/n_L) Σ_l α_l(x) α_l(x′) + β²) (Isserlis, widths (2, 3, 2), generic σ: *proved*); as n_L → ∞
  this tends to Σ^(L+1)(x, x′) δ_{kk′} (law of large numbers) and the outputs become Gaussian (the
  multidimensional CLT): both by seeded Monte Carlo over finite-width networks (σ = erf, β = 1/2, points of
  the unit sphere in ℝ³), the first with the error's rate fitted over widths 32, 128, 512 (8 networks
  each, claimed n^{-1/2}), the second by a test of the outputs of 400 networks of width 256 against
  N(0, Σ^(2)) (:func:`symntk.convergence.output_gaussianity`): *consistent*.
"""

from __future__ import annotations

import sympy as sp

from symntk.check import Derivation, Erratum, Source, Step, limit
from symntk.convergence import check_strategy, kernel_convergence, output_gaussianity
from symntk.initialization import InitializationExpectation as E
from symntk.initialization import expectation_strategy
from symntk.network import Network

BASE = Network((3, 2))
beta = BASE.beta
x, x_prime = BASE.input("x"), BASE.input("x'")
u, v = x.vector(), x_prime.vector()
W, b = BASE.weights[0], sp.Matrix(BASE.biases[0])
n0, n1 = BASE.n(0), BASE.widths[1]
ALPHA, ALPHA_PRIME = BASE.output(x, inline=True), BASE.output(x_prime, inline=True)
SIGMA1 = (u.T * v)[0, 0] / n0 + beta**2
BY_WICK = expectation_strategy(BASE)


def _entries(f: object) -> sp.Matrix:
    return sp.Matrix(n1, n1, f)


base_case_preactivation = Derivation(
    id="s002-proposition1-base-case-preactivation",
    title="Proposition 1, base case: the pre-activations of the first layer",
    kind="remark",
    statement="α̃^{(1)}_k(x) = n_0^{-1/2} Σ_l w_{kl} x_l + β b_k, a linear function of the Gaussian "
    "parameters",
    start=ALPHA,
    steps=[
        Step(
            W * u + beta * b,
            "=",
            "α̃^{(1)} is a linear transformation of the Gaussian vector (w, b)",
            written=r"\tilde{\alpha}_k^{(1)}(x_i) = X_{il} w_{kl} + \beta b_k",
            erratum=Erratum(
                W * u / sp.sqrt(n0) + beta * b,
                "the factor n₀^{-1/2} of the NTK parametrization is missing (refuted at n₀ ≠ 1); the "
                "covariance on the next line has the 1/n₀ it produces",
            ),
        ),
    ],
    source=Source("002_086f346ea6a82670.txt", "§3.1 Base case"),
    references=("jacot2018ntk",),
    notes="Widths (3, 2); x_i is the input x.",
)

base_case_covariance = Derivation(
    id="s002-proposition1-base-case-covariance",
    title="Proposition 1, base case: E[α̃_k(x) α̃_k'(x')] = δ_kk' Σ^(1)(x, x')",
    kind="proposition",
    statement=sp.Eq(sp.Symbol("E[alpha_k(x) alpha_k'(x')]"), SIGMA1 * sp.eye(n1), evaluate=False),
    start=_entries(lambda k, kp: E(ALPHA[k] * ALPHA_PRIME[kp])),
    steps=[
        Step(
            _entries(
                lambda k, kp: (
                    sum(
                        (u[l] * E(W[k, l] * W[kp, lp]) * v[lp] for l in range(3) for lp in range(3)),
                        sp.Integer(0),
                    )
                    / n0
                    + beta**2 * E(b[k] * b[kp])
                )
            ),
            "=",
            "bilinearity of the expectation; the cross terms between weights and biases have expectation 0 "
            "(the seed drops them)",
            strategy=BY_WICK,
            written=r"\frac{1}{n_0} X_{il} \mathbf{E}[w_{kl}w_{k'l'}] X_{i'l'} + \beta^2 \mathbf{E}[b_k "
            r"b_{k'}]",
        ),
        Step(
            _entries(lambda k, kp: ((u.T * v)[0, 0] / n0 + beta**2) * (1 if k == kp else 0)),
            "=",
            "different weights are independent: E[w_{kl} w_{k′l′}] = δ_{kk′} δ_{ll′}, E[b_k b_{k′}] = "
            "δ_{kk′}",
            strategy=BY_WICK,
            written=r"\frac{1}{n_0} X_{il} X_{i'l} \delta_{kk'} + \beta^2 \delta_{kk'}",
        ),
        Step(
            SIGMA1 * sp.eye(n1),
            "=",
            "definition of Σ^{(1)}",
            written=r"\delta_{kk'} \Sigma^{(1)}(x_i, x_{i'})",
        ),
    ],
    source=Source("002_086f346ea6a82670.txt", "§3.1 Base case"),
    references=("jacot2018ntk",),
    notes="Widths (3, 2): the covariance is the 2 × 2 matrix over k, k'.",
)

STEP = Network((2, 3, 2))
xs, xs_prime = STEP.input("x"), STEP.input("x'")
n_L = STEP.n(1)
hidden, hidden_prime = STEP.nodes(xs)[0], STEP.nodes(xs_prime)[0]
act = sp.Matrix([STEP.sigma(h) for h in hidden])
act_prime = sp.Matrix([STEP.sigma(h) for h in hidden_prime])
W1, b1 = STEP.weights[1], sp.Matrix(STEP.biases[1])
OUT, OUT_PRIME = STEP.output(xs), STEP.output(xs_prime)
n_out = STEP.widths[-1]
LAST_LAYER = expectation_strategy(STEP, layers=(1,))
SIGMA_NEXT = sp.Symbol(r"\Sigma^{(L+1)}(x, x')")
ACTIVATION, BETA_MC, WIDTHS, SAMPLES = "erf", 0.5, (32, 128, 512), 8
MC_HINT = "Monte Carlo: σ = erf, β = 1/2, depth 2, widths 32, 128, 512, 8 networks each; rate n^(-1/2)"

induction_equation = Derivation(
    id="s002-proposition1-induction-equation",
    title="Proposition 1, inductive step: equation (1)",
    kind="remark",
    statement="α̃^{(L+1)}_k(x) = n_L^{-1/2} Σ_l α^{(L)}_l(x) w_{kl} + β b_k",
    start=OUT,
    steps=[
        Step(
            W1 * act + beta * b1,
            "=",
            "the preactivations of the next layer, w and b being W^{(L)} and b^{(L)}",
            written=r"\tilde{\alpha}_k^{(L+1)}(x_i) = \sum_{l=1}^{n_L} \alpha_l^{(L)}(x_i) w_{kl} + \beta "
            r"b_k",
            erratum=Erratum(
                W1 * act / sp.sqrt(n_L) + beta * b1,
                "the factor n_L^{-1/2} is missing (refuted at n_L ≠ 1); without it the covariance would grow "
                "like n_L and no limit would exist",
            ),
        ),
        Step(
            W1 * act + b1,
            "=",
            "the same as a sum of n_L i.i.d. vectors, 'writing it explicitly as N n_{L+1}-dim vectors'",
            written=r"\sum_{l=1}^{n_L} \begin{pmatrix} \alpha_l^{(L)}(x) w_{1l} \\ \vdots \\ "
            r"\alpha_l^{(L)}(x) w_{n_{L+1} l} \end{pmatrix} + \begin{pmatrix} b_1 \\ \vdots \\ b_{n_{L+1}} "
            r"\end{pmatrix}",
            erratum=Erratum(
                W1 * act / sp.sqrt(n_L) + beta * b1,
                "the vector form repeats the missing n_L^{-1/2} and also drops β before the biases (refuted "
                "at "
                "a random point; with the factor restored, β ≠ 1 alone would still refute it)",
            ),
        ),
    ],
    source=Source("002_086f346ea6a82670.txt", "§3.2 inductive step, equation (1)"),
    references=("jacot2018ntk",),
    notes="Widths (2, 3, 2), generic σ: L = 1, n_L = 3.",
)

induction_covariance = Derivation(
    id="s002-proposition1-induction-covariance",
    title="Proposition 1, inductive step: the covariance tends to δ_kk' Σ^(L+1)",
    kind="proposition",
    statement="E[α̃^{(L+1)}_k(x) α̃^{(L+1)}_{k′}(x′)] → δ_{kk′} Σ^{(L+1)}(x, x′), and the α̃^{(L+1)}_k "
    "become "
    "jointly Gaussian, as n_L → ∞",
    start=sp.Matrix(n_out, n_out, lambda k, kp: E(OUT[k] * OUT_PRIME[kp])),
    steps=[
        Step(
            ((act.T * act_prime)[0, 0] / n_L + beta**2) * sp.eye(n_out),
            "=",
            "'easy to compute using Equation 1, very similarly to … the base case': over w = W^{(L)} and "
            "b = b^{(L)} (given the lower layers), E[w_{kl} w_{k′l′}] = δ_{kk′}δ_{ll′}",
            strategy=LAST_LAYER,
            written=r"\delta_{kk'} \Big(\frac{1}{n_L} \sum_l \alpha_l^{(L)}(x)\alpha_l^{(L)}(x') + "
            r"\beta^2\Big)",
        ),
        Step(
            SIGMA_NEXT * sp.eye(n_out),
            limit(n_L),
            "the α^{(L)}_l are i.i.d. in l by the inductive hypothesis: the law of large numbers as n_L → ∞",
            strategy=check_strategy(
                lambda seed: kernel_convergence(
                    ACTIVATION, 2, BETA_MC, widths=WIDTHS, samples=SAMPLES, seed=seed, output_dim=n_out
                ),
                quantity="nngp",
                exponent=-0.5,
            ),
            hint=MC_HINT,
            written=r"\rightarrow \delta_{kk'} \Sigma^{(L+1)}(x, x')",
        ),
        Step(
            sp.Symbol(r"\mathcal{N}(0, \Sigma^{(L+1)})") * sp.eye(n_out),
            limit(n_L),
            "the multidimensional central limit theorem: a sum of n_L i.i.d. vectors, plus Gaussian biases",
            strategy=check_strategy(
                lambda seed: output_gaussianity(ACTIVATION, 2, 256, BETA_MC, samples=400, seed=seed),
                level=0.01,
            ),
            hint="Monte Carlo: the outputs of 400 erf networks of width 256 at 3 points against N(0, Σ^(2))",
            written=r"\big(\tilde{\alpha}_k^{(L+1)}(x_i)\big)_{k,i} \rightarrow \text{Gaussian}",
        ),
    ],
    source=Source("002_086f346ea6a82670.txt", "§3.2 inductive step, after equation (1)"),
    references=("jacot2018ntk",),
    notes="Finite-width step: widths (2, 3, 2), generic σ.",
)
