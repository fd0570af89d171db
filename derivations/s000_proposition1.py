"""Proposition 1: as n₁, …, n_{L−1} → ∞, the outputs f_{θ,k} tend to i.i.d. centred Gaussian processes of
covariance Σ^{(L)}.

Seed 000 ("NTK deduce"), section "Proof of Proposition 1", the statement. The covariance recursion is derived
step by step in the base case and the induction step (``s000_proposition1_base_case``,
``s000_proposition1_induction_step``); the proof's "by the central limit theorem" also carries the claim that
the limit is Gaussian, which is checked here numerically: the outputs f(X) of 400 independent networks
(σ = erf, β = 1/2, depth L = 3 with n₁ = n₂ = 256, three points of the unit sphere in ℝ³, two outputs) are
whitened by Σ^{(3)}(X, X) from :mod:`symntk.limits` and tested against N(0, 1) (Kolmogorov–Smirnov on every
entry: the marginals, and on the squared norms against χ²: the covariance and the independence of the outputs
k), by :func:`symntk.convergence.output_gaussianity`. *Consistent* means that no departure from the limit
law is detected at that width (the test detects the departure at width 4: see the tests).
"""

from __future__ import annotations

import sympy as sp

from symntk.check import Derivation, Source, Step, limit
from symntk.convergence import check_strategy, output_gaussianity

n = sp.Symbol("n", positive=True, integer=True)  # n_1 = … = n_{L−1} = n
WIDTH, SAMPLES = 256, 400


def _experiment(seed: int) -> object:
    return output_gaussianity("erf", 3, WIDTH, beta=0.5, samples=SAMPLES, seed=seed % 2**32)


proposition1 = Derivation(
    id="s000-proposition1",
    title="Proposition 1: the outputs tend to i.i.d. centred Gaussian processes",
    kind="proposition",
    statement="as n_1, …, n_{L−1} → ∞ the output functions f_{θ,k}, k = 1 … n_L, tend to i.i.d. centred "
    "Gaussian processes of covariance Σ^{(L)}, with Σ^{(1)}(x, x′) = xᵀx′/n_0 + β² and "
    "Σ^{(l+1)}(x, x′) = E_{f∼N(0, Σ^{(l)})}[σ(f(x)) σ(f(x′))] + β²",
    start=sp.Symbol(r"f_{\theta,k}"),
    steps=[
        Step(
            sp.Symbol(r"\mathcal{GP}(0, \Sigma^{(L)}) \text{ i.i.d. in } k"),
            limit(n),
            "by induction on L (the base case and the induction step below), the limit being Gaussian by the "
            "central limit theorem",
            strategy=check_strategy(_experiment),
            hint="Kolmogorov–Smirnov tests of the whitened outputs of 400 networks, σ = erf, β = 1/2, "
            "depth 3, hidden widths 256: consistent when p ≥ 0.01, refuted when p < 10⁻⁵",
            written=r"f_{\theta,k} \rightarrow \mathcal{GP}(0, \Sigma^{(L)}) \text{ i.i.d.}",
        )
    ],
    source=Source("000_08eb6ccc4f7c932b.txt", "Proof of Proposition 1, the statement"),
    references=("jacot2018ntk",),
)
