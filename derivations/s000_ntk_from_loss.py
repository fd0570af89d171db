"""The NTK from the loss function: the chain rule gives ∇_θ𝓛 and, under gradient flow, df(x)/dt.

Seed 000 ("NTK deduce"), section "NTK from the loss function". With the loss
𝓛(θ) = (1/N) Σ_i l(f(x^{(i)}; θ), y^{(i)}) and gradient flow dθ/dt = −∇_θ𝓛 (learning rate neglected),

    ∇_θ𝓛 = (1/N) Σ_i ∇_θ f(x^{(i)}) ∇_f l(f(x^{(i)}), y^{(i)}),
    df(x)/dt = (df(x)/dθ) dθ/dt = −(1/N) Σ_i ∇_θ f(x)ᵀ ∇_θ f(x^{(i)}) ∇_f l(f(x^{(i)}), y^{(i)}),

and the boxed product is the NTK K(x, x^{(i)}). Everything is derived from the network of section
"The network" with small concrete widths (n₀ = 2, n₁ = 2, n₂ = 2), a generic σ, N = 2 training points and a
generic loss l(f, y) (an undefined function of the n₂ outputs and the n₂ targets): ∇_θ f(x) is the P × n_L
matrix of derivatives (here P = 12) computed through the forward graph, and the loss gradients by SymPy.

As written, the seed's boxed kernel is ∇_θ f(x)ᵀ ∇_θ f(x), with x in both factors, and the last factor is
∇_θ l: the chain rule puts the training input x^{(i)} in the second factor (K(x, x^{(i)}), the NTK of the next
section) and the gradient of l with respect to the output f, ∇_f l (∇_θ l is not even an n_L-vector). The step
is kept as an erratum (read with ∇_f l, so that the refutation is about the kernel's argument) and corrected.
"""

from __future__ import annotations

import sympy as sp

from symntk.check import Derivation, Erratum, Source, Step
from symntk.network import Network

NETWORK = Network((2, 2, 2))
x = NETWORK.input("x")
TRAIN = [NETWORK.input(f"x^({a + 1})") for a in range(2)]
N = len(TRAIN)
l = sp.Function("l")  # the per-example loss l(f, y)
TARGETS = [[sp.Symbol(f"y^({a + 1})_{k + 1}", real=True) for k in range(2)] for a in range(N)]
OUTPUTS = [NETWORK.nodes(t)[-1] for t in TRAIN]
LOSSES = [l(*OUTPUTS[a], *TARGETS[a]) for a in range(N)]
#: 𝓛(θ) = (1/N) Σ_i l(f(x^{(i)}; θ), y^{(i)})
LOSS = sp.Add(*LOSSES) / N
#: ∇_θ𝓛, the derivative of the loss by every parameter, through the forward graph
GRADIENT = sp.Matrix([NETWORK.derivative(LOSS, p) for p in NETWORK.parameters])


def grad_f(a: int) -> sp.Matrix:
    """∇_f l(f(x^{(a)}), y^{(a)}): the derivatives of l by the n_L outputs."""
    return sp.Matrix([sp.diff(LOSSES[a], node) for node in OUTPUTS[a]])


#: the hidden pre-activations α̃^{(1)}_i written out in the parameters and inputs, so that a counterexample is
#: a state of the network (parameters, inputs, outputs f(x^{(i)}) and targets), not free node values
HIDDEN = {node: NETWORK.definition(node) for t in (x, *TRAIN) for node in NETWORK.nodes(t)[0]}


def explicit(value: sp.Matrix) -> sp.Matrix:
    """``value`` with the hidden pre-activations replaced by their definitions."""
    return value.xreplace(HIDDEN)


def grad_theta(inputs: object) -> sp.Matrix:
    """∇_θ f(x): the P × n_L matrix ∂f_k(x)/∂θ_p (the transpose of the Jacobian)."""
    return NETWORK.jacobian(inputs).T


loss_gradient = Derivation(
    id="s000-loss-gradient",
    title="The gradient of the loss by the chain rule",
    kind="lemma",
    statement="∇_θ𝓛(θ) = (1/N) Σ_i ∇_θ f(x^{(i)}; θ) ∇_f l(f(x^{(i)}; θ), y^{(i)}) (chain rule)",
    start=GRADIENT,
    steps=[
        Step(
            sp.Add(*(grad_theta(TRAIN[a]) * grad_f(a) for a in range(N))) / N,
            "=",
            "chain rule: ∂l(f(x^{(i)}), y^{(i)})/∂θ_p = Σ_k ∂f_k(x^{(i)})/∂θ_p ∂l/∂f_k",
            written=r"\frac{1}{N} \sum_{i=1}^N \nabla_\theta f(x^{(i)}; \theta) \nabla_f l(f, y^{(i)})",
        )
    ],
    source=Source("000_08eb6ccc4f7c932b.txt", "NTK from the loss function"),
    references=("jacot2018ntk",),
    notes="Widths (2, 2, 2), generic σ and l, N = 2 training points; P = 12 parameters.",
)

FLOW = explicit(grad_theta(x).T * (-GRADIENT))  # df(x)/dt = df(x)/dθ · dθ/dt with dθ/dt = −∇_θ𝓛

ntk_from_loss = Derivation(
    id="s000-ntk-from-loss",
    title="The output under gradient flow: the NTK appears",
    kind="proposition",
    statement="under gradient flow dθ/dt = −∇_θ𝓛, df(x; θ)/dt = −(1/N) Σ_i K(x, x^{(i)}; θ) "
    "∇_f l(f(x^{(i)}; θ), y^{(i)}), with the NTK K(x, x′; θ) = ∇_θ f(x; θ)ᵀ ∇_θ f(x′; θ)",
    start=FLOW,
    steps=[
        Step(
            explicit(-sp.Add(*(grad_theta(x).T * grad_theta(x) * grad_f(a) for a in range(N))) / N),
            "=",
            "chain rule, with dθ/dt = −∇_θ𝓛 and ∇_θ𝓛 = (1/N) Σ_i ∇_θ f(x^{(i)}) ∇_f l",
            hint="random points only: a symbolic attempt on the wrong version takes ~9 s",
            options={"symbolic": False},
            written=r"-\frac{1}{N} \sum_{i=1}^N \boxed{\nabla_{\theta} f(x; \theta)^T "
            r"\nabla_{\theta} f(x; \theta)} \nabla_{\theta} l(f, y^{(i)})",
            erratum=Erratum(
                explicit(
                    -sp.Add(*(grad_theta(x).T * grad_theta(TRAIN[a]) * grad_f(a) for a in range(N))) / N
                ),
                "the second factor of the boxed kernel is ∇_θ f(x^{(i)}; θ), at the training input, not "
                "∇_θ f(x; θ) (refuted at inputs x ≠ x^{(i)}); and the last factor is ∇_f l(f(x^{(i)}), "
                "y^{(i)}), the gradient of l by the output (∇_θ l, as written, is not an n_L-vector)",
            ),
        ),
        Step(
            explicit(-sp.Add(*(NETWORK.ntk(x, TRAIN[a]) * grad_f(a) for a in range(N))) / N),
            "=",
            "the boxed product is the NTK K(x, x^{(i)}; θ) = ∇_θ f(x; θ)ᵀ ∇_θ f(x^{(i)}; θ)",
            written=r"-\frac{1}{N} \sum_{i=1}^N K(x, x^{(i)}; \theta) \nabla_f l(f(x^{(i)}), y^{(i)})",
        ),
    ],
    source=Source("000_08eb6ccc4f7c932b.txt", "NTK from the loss function"),
    references=("jacot2018ntk",),
    notes="Widths (2, 2, 2), generic σ and l, N = 2 training points.",
)
