"""A glimpse of NTK: the kernel as the inner product of feature maps φ(x) = ∇_θ f(x; θ), and its dimensions.

Seed 000 ("NTK deduce"), section "A glimpse of NTK":

    K(x, x′; θ) = ∇_θ f(x; θ)ᵀ ∇_θ f(x′; θ),
    K_{m,n}(x, x′; θ) = Σ_{p=1}^P ∂f_m(x; θ)/∂θ_p · ∂f_n(x′; θ)/∂θ_p,

with P the number of parameters, ∇_θ f(x; θ)ᵀ of size n_L × P, K(x, x′) of size n_L × n_L, and, writing
φ(x) = ∇_θ f(x; θ), NTK(x, x′) = ⟨φ(x), φ(x′)⟩. The network is the one of section "The network" with
widths (n₀, n₁, n₂) = (3, 4, 2) and a generic σ; ∇_θ f is computed through its forward graph, and the entry
formula Σ_p is the definition of :meth:`symntk.network.Network.ntk`. The dimensions are checked by the shapes
of the matrices each step compares (a step between matrices of different shapes is an error, never a pass),
and P by counting the network's parameters against Σ_ℓ n_{ℓ+1}(n_ℓ + 1).
"""

from __future__ import annotations

import sympy as sp

from symntk.check import Derivation, Source, Step
from symntk.network import Network

NETWORK = Network((3, 4, 2))
x, x_prime = NETWORK.input("x"), NETWORK.input("x'")
P = len(NETWORK.parameters)
n_L = NETWORK.widths[-1]

#: φ(x) = ∇_θ f(x; θ), a P × n_L matrix: column m is the gradient of f_m.
PHI, PHI_PRIME = NETWORK.jacobian(x).T, NETWORK.jacobian(x_prime).T


def _entrywise(m: int, n: int) -> sp.Expr:
    """K_{m,n} = Σ_p ∂f_m(x)/∂θ_p ∂f_n(x′)/∂θ_p, written out over the P parameters."""
    return sp.Add(*(PHI[p, m] * PHI_PRIME[p, n] for p in range(P)))


ntk_feature_map = Derivation(
    id="s000-ntk-feature-map",
    title="The NTK as an inner product of feature maps",
    kind="definition",
    statement="K(x, x′; θ) = ∇_θ f(x; θ)ᵀ ∇_θ f(x′; θ), an n_L × n_L matrix (∇_θ f(x; θ)ᵀ is n_L × P), "
    "with K_{m,n}(x, x′; θ) = Σ_p ∂f_m(x; θ)/∂θ_p ∂f_n(x′; θ)/∂θ_p; with φ(x) = ∇_θ f(x; θ), "
    "NTK(x, x′) = ⟨φ(x), φ(x′)⟩",
    start=PHI.T * PHI_PRIME,
    steps=[
        Step(
            sp.Matrix(n_L, n_L, _entrywise),
            "=",
            "entry (m, n) of the n_L × n_L product of ∇_θ f(x)ᵀ (n_L × P) and ∇_θ f(x′) (P × n_L)",
            written=r"K_{m,n}(x, x'; \theta) = \sum_{p=1}^P \frac{\partial f_m(x; \theta)}{\partial \theta_p}"
            r" \cdot \frac{\partial f_n(x'; \theta)}{\partial \theta_p}",
        ),
        Step(
            NETWORK.ntk(x, x_prime),
            "=",
            "the empirical NTK of the network, by its definition Σ_p ∂f_m(x)/∂θ_p ∂f_n(x′)/∂θ_p",
            written=r"K(x, x'; \theta)",
        ),
        Step(
            sp.Matrix(n_L, n_L, lambda m, n: (PHI[:, m].T * PHI_PRIME[:, n])[0, 0]),
            "=",
            "with φ(x) = ∇_θ f(x; θ): NTK(x, x′) = ⟨φ(x), φ(x′)⟩, entry (m, n) the inner product of the "
            "gradients of f_m at x and f_n at x′",
            written=r"NTK(x, x') = \langle \varphi(x), \varphi(x') \rangle",
        ),
    ],
    source=Source("000_08eb6ccc4f7c932b.txt", "A glimpse of NTK"),
    references=("jacot2018ntk",),
    notes="Widths (3, 4, 2), generic σ: P = 26 parameters, K(x, x') is 2 × 2. The seed writes "
    "K : ℝ^{n_0} × ℝ^{n_0} ↦ ℝ^{n_L} × ℝ^{n_L} and then 'an n_L × n_L matrix': the codomain is "
    "ℝ^{n_L × n_L}, the matrices, as the shapes checked here say.",
)

_n = NETWORK.widths
parameter_count = Derivation(
    id="s000-parameter-count",
    title="The number P of parameters",
    kind="remark",
    statement=sp.Eq(sp.Symbol("P"), sum(_n[k + 1] * (_n[k] + 1) for k in range(NETWORK.depth))),
    start=sp.Integer(P),
    steps=[
        Step(
            sp.Add(*(_n[k + 1] * _n[k] + _n[k + 1] for k in range(NETWORK.depth)), evaluate=False),
            "=",
            "P counts the network's parameters: W^{(ℓ)} has n_{ℓ+1} n_ℓ entries and b^{(ℓ)} has n_{ℓ+1}",
            written=r"P = \sum_{\ell=0}^{L-1} (n_{\ell+1} n_\ell + n_{\ell+1})",
        )
    ],
    source=Source("000_08eb6ccc4f7c932b.txt", 'A glimpse of NTK ("P … is easy to compute")'),
    references=("jacot2018ntk",),
)
