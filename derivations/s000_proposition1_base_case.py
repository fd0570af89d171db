"""Proposition 1, base case L = 1: the covariance of the first layer is Σ^{(1)}(x, x′) = xᵀx′/n₀ + β².

Seed 000 ("NTK deduce"), section "Proof of Proposition 1", step ①. The network is the one of section "The
network" with L = 1 and small concrete widths (n₀ = 3 inputs, n₁ = 2 outputs), its parameters i.i.d.
N(0, 1); every expectation is the exact Wick (Isserlis) expectation over the initialization
(:func:`symntk.initialization.expectation_strategy`), so each step is *proved* for those widths.

The seed writes Σ^{(1)}(x, x′) = E[α̃^{(1)}(x)·α̃^{(1)}(x′)] "(inner product)". Summed over the n₁ components,
that inner product has expectation n₁ (xᵀx′/n₀ + β²): the first line is wrong by the factor n₁ and is kept as
an erratum. The seed's own evaluation of the terms ("each component of the term is β² b_i^{(0)2} … the result
is β²"; "E⟨w_i, w_i⟩ x_i x′_i" with the i-th weight) is the computation for one component m of α̃^{(1)}, which
is what Σ^{(1)} is: the covariance E[f_m(x) f_m(x′)] of each output f_m, the start of the chain. The chain
carries on with that reading, component m = 1, and each of the seed's four terms is a step.
"""

from __future__ import annotations

import sympy as sp

from symntk.check import Derivation, Erratum, Source, Step
from symntk.initialization import InitializationExpectation as E
from symntk.initialization import expectation_strategy
from symntk.network import Network

NETWORK = Network((3, 2))  # n_0 = 3, n_1 = 2: L = 1
beta = NETWORK.beta
x, x_prime = NETWORK.input("x"), NETWORK.input("x'")
u, v = x.vector(), x_prime.vector()
W, b = NETWORK.weights[0], sp.Matrix(NETWORK.biases[0])
n0 = NETWORK.n(0)
m = 0  # the component α̃^{(1)}_m, m = 1 (indices from 0 in the code)

#: α̃^{(1)}(x) and α̃^{(1)}(x′) as the network defines them (explicit in the parameters).
ALPHA, ALPHA_PRIME = NETWORK.output(x, inline=True), NETWORK.output(x_prime, inline=True)
#: Σ^{(1)}(x, x′) as Proposition 1 defines it.
SIGMA1 = (u.T * v)[0, 0] / n0 + beta**2


def _weights_part(inputs: sp.Matrix, row: int) -> sp.Expr:
    """(n₀^{-1/2} W^{(0)} x)_m: the seed's n₀^{-1/2} w^{(0)T} x, component m."""
    return (W[row, :] * inputs)[0, 0] / sp.sqrt(n0)


def _dot(a: sp.Matrix, c: sp.Matrix) -> sp.Expr:
    return (a.T * c)[0, 0]


wx, wxp = _weights_part(u, m), _weights_part(v, m)
bias = beta * b[m]
BY_WICK = expectation_strategy(NETWORK)

proposition1_base_case = Derivation(
    id="s000-proposition1-base-case",
    title="Proposition 1, base case: the covariance of the first layer",
    kind="proposition",
    statement=sp.Eq(sp.Symbol(r"\Sigma^{(1)}(x, x')"), SIGMA1),
    start=E(ALPHA[m] * ALPHA_PRIME[m]),
    steps=[
        Step(
            E(_dot(ALPHA, ALPHA_PRIME)),
            "=",
            "Σ^{(1)}(x, x′) is the covariance of each output f_m = α̃^{(1)}_m (all parameters i.i.d. "
            "N(0, 1)); the seed writes it as the expectation of an inner product",
            strategy=BY_WICK,
            written=r"E[\tilde{\alpha}^{(1)}(x) \cdot \tilde{\alpha}^{(1)}(x')] \quad (\text{inner product})",
            erratum=Erratum(
                E(ALPHA[m] * ALPHA_PRIME[m]),
                "the inner product α̃^{(1)}(x)·α̃^{(1)}(x') sums the n₁ components, so its expectation is "
                "n₁ (xᵀx'/n₀ + β²), not Σ^{(1)} (refuted at n₁ = 2); Σ^{(1)} is the covariance "
                "E[α̃^{(1)}_m(x) α̃^{(1)}_m(x')] of one component m, which the seed's term-by-term "
                "evaluation below computes",
            ),
        ),
        Step(
            E(wx * wxp) + E(wx * bias) + E(wxp * bias) + E(bias * bias),
            "=",
            "bilinearity: α̃^{(1)}_m = n₀^{-1/2} (w^{(0)T} x)_m + β b^{(0)}_m gives four terms",
            strategy=BY_WICK,
            written=r"E\langle \frac{1}{\sqrt{n_0}} w^{(0)T} x, \frac{1}{\sqrt{n_0}} w^{(0)T} x' \rangle"
            r" + E\langle \frac{1}{\sqrt{n_0}} w^{(0)T} x, \beta b^{(0)} \rangle"
            r" + E\langle \frac{1}{\sqrt{n_0}} w^{(0)T} x', \beta b^{(0)} \rangle"
            r" + E\langle \beta b^{(0)}, \beta b^{(0)} \rangle",
        ),
        Step(
            E(wx * wxp) + beta**2,
            "=",
            "the fourth term: β² b_m^{(0)2} with b_m^{(0)} ~ N(0, 1) has expectation β²; the second and "
            "third terms hold one factor b^{(0)}, of mean zero and independent of w^{(0)}, so they vanish",
            strategy=BY_WICK,
            written=r"E\langle \frac{1}{\sqrt{n_0}} w^{(0)T} x, \frac{1}{\sqrt{n_0}} w^{(0)T} x' \rangle"
            r" + 0 + 0 + \beta^2",
        ),
        Step(
            E(sp.Add(*(W[m, k] * u[k] for k in range(3))) * sp.Add(*(W[m, k] * v[k] for k in range(3)))) / n0
            + beta**2,
            "=",
            "the first term: the factor 1/√n₀ twice gives 1/n₀, and w^{(0)T} x = Σ_i w_i^{(0)T} x_i",
            strategy=BY_WICK,
            written=r"\frac{1}{n_0} E\langle \sum_{i=1}^{n_0} w_i^{(0)T} x_i, "
            r"\sum_{i=1}^{n_0} w_i^{(0)T} x'_i \rangle + \beta^2",
        ),
        Step(
            sp.Add(*(E(W[m, k] * W[m, k]) * u[k] * v[k] for k in range(3))) / n0 + beta**2,
            "=",
            "by independence: the cross terms i ≠ i' have expectation E[w_i] E[w_{i'}] = 0",
            strategy=BY_WICK,
            written=r"\frac{1}{n_0} \sum_{i=1}^{n_0} E\langle w_i^{(0)T}, w_i^{(0)T} \rangle x_i x'_i "
            r"+ \beta^2",
        ),
        Step(
            sp.Add(*(u[k] * v[k] for k in range(3))) / n0 + beta**2,
            "=",
            "E[w_{i}^{(0)2}] = 1 (the weight of input i into component m)",
            strategy=BY_WICK,
            written=r"\frac{1}{n_0} \sum_{i=1}^{n_0} x_i x'_i + \beta^2",
        ),
        Step(
            SIGMA1,
            "=",
            "the sum is the inner product of the inputs",
            strategy=BY_WICK,
            written=r"\frac{1}{n_0} x^T x' + \beta^2",
        ),
    ],
    source=Source("000_08eb6ccc4f7c932b.txt", "Proof of Proposition 1, step 1 ①, the case L = 1"),
    references=("jacot2018ntk",),
    notes="Widths n₀ = 3, n₁ = 2 (a counterexample to the inner-product reading needs n₁ ≥ 2).",
)
