"""Proposition 2 (seed 002 §7): for a non-polynomial Lipschitz σ and L ≥ 2, Θ^(L)_∞ restricted to the unit
sphere S^{n_0−1} is positive definite.

Seed 002, §7, in the seed's two steps, then the statement measured:

1. "Θ^(L+1) = Σ̇^(L) Θ^(L) + Σ^(L+1)": the index of Σ̇ is off by one (Theorem 1's recursion has Σ̇^(L+1));
   checked on the closed-form kernels of σ = erf (:func:`symntk.limits.symbolic_kernels`, functions of x·x′,
   |x|², |x′|², n₀ and β) at L = 2: as written it is refuted, corrected it is *verified* (exact evaluation at
   random points);
2. Σ_{ij} c_i c_j Σ^(L+1)(x_i, x_j) = E[(Σ_i c_i σ(f(x_i)))²] + (β Σ_i c_i)²: linearity of the expectation,
   with e_ij = E[σ(f(x_i)) σ(f(x_j))] (d = 3 points; *proved*);
3. the statement on 12 seeded points of S² at 30 digits (:func:`symntk.convergence.smallest_eigenvalue`,
   eigenvalues with a rounding bound): for σ = erf and L = 2, λ_min(Θ^(2)) > 0 beyond rounding; and what
   the hypotheses exclude: for L = 1, Θ^(1) = xᵀx′/n₀ + β² has rank ≤ n₀ + 1 = 4 < 12, and for the
   polynomial σ(z) = z² at L = 2 the features are polynomials of degree ≤ 2 on S², a space of dimension 9
   < 12, so both are singular (λ_min zero to working precision).
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from symntk.check import Derivation, Erratum, Source, Step
from symntk.convergence import check_strategy, smallest_eigenvalue, sphere_points
from symntk.limits import XX, XY, YY, symbolic_kernels

K2, K3 = symbolic_kernels("erf", depth=2), symbolic_kernels("erf", depth=3)
DOMAIN = {"where": [XY**2 < XX * YY], "positive": ["xx", "yy"]}

recursion = Derivation(
    id="s002-proposition2-recursion",
    title="Proposition 2, step 1: Θ^(L+1) = Σ̇^(L+1) Θ^(L) + Σ^(L+1)",
    kind="lemma",
    statement="Θ^{(L+1)} = Σ̇^{(L+1)} Θ^{(L)} + Σ^{(L+1)}, a product of positive semi-definite kernels plus "
    "Σ^{(L+1)}",
    start=K3.ntk,
    steps=[
        Step(
            K2.sigma_dot * K2.ntk + K3.nngp,
            "=",
            "the recursion 'using the notation of Theorem 1'",
            assumptions=DOMAIN,
            options={
                "symbolic": False,
                "points": 8,
            },  # exact evaluation at random points (SymPy's simplify is slow)
            written=r"\Theta^{(L+1)} = \dot{\Sigma}^{(L)} \Theta^{(L)} + \Sigma^{(L+1)}",
            erratum=Erratum(
                K3.sigma_dot * K2.ntk + K3.nngp,
                "Theorem 1's recursion multiplies Θ^{(L)} by Σ̇^{(L+1)} (the derivative kernel of the layer "
                "added), not Σ̇^{(L)}: refuted on the erf kernels at L = 2 (Σ̇^{(2)} ≠ Σ̇^{(3)})",
            ),
        ),
    ],
    source=Source("002_086f346ea6a82670.txt", "§7 Proposition 2, step 1"),
    references=("jacot2018ntk",),
    notes="σ = erf, L = 2, closed-form kernels in x·x′, |x|², |x′|², n₀, β (with (x·x′)² < |x|²|x′|²).",
)

coeffs = sp.symbols("c_1:4", real=True)
beta = sp.Symbol("beta", real=True)
e = sp.Matrix(
    3, 3, lambda i, j: sp.Symbol(f"e_{min(i, j) + 1}{max(i, j) + 1}", real=True)
)  # E[σσ], symmetric
SIGMA_NEXT = e + beta**2 * sp.ones(3, 3)  # Σ^{(L+1)}(x_i, x_j)

quadratic_form = Derivation(
    id="s002-proposition2-quadratic-form",
    title="Proposition 2, step 2: the quadratic form of Σ^(L+1)",
    kind="lemma",
    statement="Σ_{i,j} c_i c_j Σ^{(L+1)}(x_i, x_j) = E[(Σ_i c_i σ(f(x_i)))²] + (β Σ_i c_i)²",
    start=sum((coeffs[i] * coeffs[j] * SIGMA_NEXT[i, j] for i in range(3) for j in range(3)), sp.Integer(0)),
    steps=[
        Step(
            sum((coeffs[i] * coeffs[j] * e[i, j] for i in range(3) for j in range(3)), sp.Integer(0))
            + (beta * sum(coeffs, sp.Integer(0))) ** 2,
            "=",
            "the definition of Σ^{(L+1)} and linearity of the expectation: E[(Σ_i c_i σ(f(x_i)))²] = "
            "Σ_{ij} c_i c_j E[σ(f(x_i))σ(f(x_j))]",
            written=r"\mathbb{E}\left[\left(\sum_i c_i \sigma(f(x_i))\right)^2\right] + \left(\beta \sum_i "
            r"c_i\right)^2",
        ),
    ],
    source=Source("002_086f346ea6a82670.txt", "§7 Proposition 2, step 2"),
    references=("jacot2018ntk",),
    notes="d = 3 points; e_ij = E[σ(f(x_i))σ(f(x_j))].",
)

POINTS, DPS = 12, 30


def _eigenvalue(activation: str, depth: int) -> object:
    def experiment(seed: int) -> object:
        pts = sphere_points(POINTS, 3, np.random.SeedSequence(seed % 2**32))
        return smallest_eigenvalue(pts, activation, depth, beta=0.0, dps=DPS)

    return experiment


positive_definite = Derivation(
    id="s002-proposition2",
    title="Proposition 2: Θ^(L)_∞ is positive definite on the sphere for L ≥ 2 and non-polynomial σ",
    kind="proposition",
    statement="for a non-polynomial Lipschitz σ and L ≥ 2, Θ^{(L)}_∞ restricted to S^{n_0−1} is positive "
    "definite; "
    "for L = 1 or a polynomial σ it need not be",
    start=sp.Symbol(r"\lambda_{\min}\big(\Theta^{(L)}_\infty(x_i, x_j)\big)_{i,j \le 12}"),
    steps=[
        Step(
            sp.Symbol(r"> 0 \; (\sigma = \mathrm{erf}, L = 2)"),
            "=",
            "Proposition 2: σ = erf is non-polynomial and L = 2",
            strategy=check_strategy(_eigenvalue("erf", 2), positive_definite=True),
            hint="12 seeded points of S², 30 digits",
            written=r"\Theta^{(2)}_\infty|_{\mathbb{S}^{2}} \succ 0",
        ),
        Step(
            sp.Symbol(r"= 0 \; (L = 1)"),
            "=",
            "why L ≥ 2: Θ^{(1)} = xᵀx′/n₀ + β² has rank ≤ n₀ + 1 = 4 < 12 points",
            strategy=check_strategy(_eigenvalue("erf", 1), positive_definite=False),
            hint="the same points, L = 1",
            written=r"\Theta^{(1)}_\infty \text{ is singular on more than } n_0 + 1 \text{ points}",
        ),
        Step(
            sp.Symbol(r"= 0 \; (\sigma(z) = z^2, L = 2)"),
            "=",
            "why non-polynomial: for σ(z) = z² the features are polynomials of degree ≤ 2 on S², dimension 9 "
            "< 12",
            strategy=check_strategy(_eigenvalue("monomial", 2), positive_definite=False),
            hint="the same points, σ(z) = z², L = 2",
            written=r"\Theta^{(2)}_\infty \text{ is singular for polynomial } \sigma",
        ),
    ],
    source=Source("002_086f346ea6a82670.txt", "§7 Proposition 2"),
    references=("jacot2018ntk",),
    notes="Each step's expression names the case; the check is the smallest eigenvalue at 30 digits.",
)
