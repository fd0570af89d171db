"""Theorem 1, the chain-rule lemma: ∂_{θ̃_p} f_k = n_l^{-1/2} Σ_i ∂_{θ̃_p} α̃^{(l)}_i σ̇(α̃^{(l)}_i) w^{(l)}_{ik}.

Seed 000 ("NTK deduce"), section "Proof of Theorem 1", step ③ ("We can prove that by the chain rule"). The
parameters θ̃ are those of the first l layers, on which f = α̃^{(l+1)} depends only through the
pre-activations α̃^{(l)}_i. The seed's chain

    ∂f_k/∂θ̃_p = ⟨∂f_k/∂α̃^{(l)}, ∂α̃^{(l)}/∂θ̃_p⟩ = Σ_i ∂f_k/∂α̃_i · ∂α̃_i/∂θ̃_p
               = Σ_i (∂f_k/∂α_i · ∂α_i/∂α̃_i) · ∂α̃_i/∂θ̃_p = Σ_i n_l^{-1/2} w_{ik} σ̇ ∂α̃_i/∂θ̃_p

is checked on :class:`symntk.network.Network` with widths (2, 3, 2) (l = 1) and a generic σ. The start is
the derivative of f through the whole forward graph (the total derivative computed by the network); the
factors ∂f_k/∂α̃_i, ∂f_k/∂α_i and ∂α_i/∂α̃_i are SymPy derivatives of the one-step definitions, and
∂α̃_i/∂θ̃_p the Jacobian of the smaller network. Every entry (k, p) is an exact identity (*proved*).
"""

from __future__ import annotations

import sympy as sp

from symntk.check import Derivation, Source, Step
from symntk.network import Network

NETWORK = Network((2, 3, 2))
LAYER = 1  # l
x = NETWORK.input("x")
THETA_TILDE = NETWORK.parameters_below(LAYER)  # the parameters of the first l layers
nodes = NETWORK.nodes(x)[LAYER - 1]  # α̃^{(l)}_i(x)
outputs = NETWORK.nodes(x)[LAYER]  # f_k(x) = α̃^{(l+1)}_k(x)
width, n_out = len(nodes), len(outputs)
n_l = NETWORK.n(LAYER)
w = NETWORK.weights[LAYER].T  # the seed's w^{(l)}_{ik}
INNER = NETWORK.jacobian(x, LAYER)  # ∂α̃^{(l)}_i/∂θ̃_p
P = len(THETA_TILDE)

activations = [sp.Symbol(f"alpha^({LAYER})_{i + 1}", real=True) for i in range(width)]  # α_i = σ(α̃_i)


def d_f_d_preactivation(k: int, i: int) -> sp.Expr:
    """∂f_k/∂α̃^{(l)}_i from the one-step definition of f_k."""
    return sp.diff(NETWORK.definition(outputs[k]), nodes[i])


def d_f_d_activation(k: int, i: int) -> sp.Expr:
    """∂f_k/∂α^{(l)}_i: the definition of f_k as a function of the activations α_i."""
    definition = NETWORK.definition(outputs[k]).xreplace(
        {NETWORK.sigma(nodes[j]): activations[j] for j in range(width)}
    )
    return sp.diff(definition, activations[i])


def d_activation_d_preactivation(i: int) -> sp.Expr:
    """∂α_i/∂α̃_i = σ̇(α̃_i)."""
    return sp.diff(NETWORK.sigma(nodes[i]), nodes[i])


def _sum(term: object) -> sp.Matrix:
    return sp.Matrix(n_out, P, lambda k, p: sp.Add(*(term(k, i, p) for i in range(width))))  # type: ignore[operator]


chain_rule = Derivation(
    id="s000-theorem1-chain-rule",
    title="Theorem 1, the chain-rule lemma",
    kind="lemma",
    statement=sp.Eq(
        sp.Symbol(r"\partial_{\tilde\theta_p} f_{\theta,k}(x)"),
        _sum(lambda k, i, p: INNER[i, p] * NETWORK.sigma(nodes[i], 1) * w[i, k] / sp.sqrt(n_l)),
        evaluate=False,
    ),
    start=NETWORK.jacobian(x)[:, :P],
    steps=[
        Step(
            _sum(lambda k, i, p: d_f_d_preactivation(k, i) * INNER[i, p]),
            "=",
            "chain rule through the pre-activations of layer l: the inner product "
            "⟨∂f_k/∂α̃^{(l)}, ∂α̃^{(l)}/∂θ̃_p⟩ written as a sum over i",
            written=r"\sum_{i=1}^{n_l} "
            r"\frac{\partial f_k(x; \theta)}{\partial \tilde{\alpha}_i^{(l)}(x; \theta)} \cdot "
            r"\frac{\partial \tilde{\alpha}_i^{(l)}(x; \theta)}{\partial \tilde{\theta}_p}",
        ),
        Step(
            _sum(lambda k, i, p: d_f_d_activation(k, i) * d_activation_d_preactivation(i) * INNER[i, p]),
            "=",
            "chain rule through the activation α_i = σ(α̃_i)",
            written=r"\sum_{i=1}^{n_l} "
            r"\frac{\partial f_k(x; \theta)}{\partial \alpha_i^{(l)}(x; \theta)} \cdot "
            r"\frac{\partial \alpha_i^{(l)}(x; \theta)}{\partial \tilde{\alpha}_i^{(l)}(x; \theta)} \cdot "
            r"\frac{\partial \tilde{\alpha}_i^{(l)}(x; \theta)}{\partial \tilde{\theta}_p}",
        ),
        Step(
            _sum(lambda k, i, p: w[i, k] / sp.sqrt(n_l) * NETWORK.sigma(nodes[i], 1) * INNER[i, p]),
            "=",
            "∂f_k/∂α_i = n_l^{-1/2} w_{ik} and ∂α_i/∂α̃_i = σ̇(α̃_i)",
            written=r"\sum_{i=1}^{n_l} \frac{1}{\sqrt{n_l}} w_{ik}^{(l)} \cdot \dot{\sigma} \cdot "
            r"\frac{\partial \tilde{\alpha}_i^{(l)}(x; \theta)}{\partial \tilde{\theta}_p}",
        ),
    ],
    source=Source("000_08eb6ccc4f7c932b.txt", "Proof of Theorem 1, step 3 ③, the chain rule"),
    references=("jacot2018ntk",),
    notes="Widths (2, 3, 2), generic σ, l = 1: a 2 × 9 matrix of derivatives.",
)
