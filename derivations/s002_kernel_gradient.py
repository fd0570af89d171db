"""The kernel gradient (seed 002 §2.1): ∂_t f = −Θ ∂_f C, from the parameter gradient flow ∂_t θ = −∂_θ C.

Seed 002 (G. Valle Pérez, notes on Jacot et al. 2018), §2.1 "Kernel gradient". The handwritten derivation is
garbled by the PDF conversion ("∂_+O_i = −∂_k C ∂_0 J_k", "∂_+J_i = ∂_0J_i ∂_+O_i = ∂_0J_i ∂_0J_k C"); read in
context (θ for O and 0, f for J, t for +, Einstein's convention, f the N n_L-vector of outputs on the training
set) it is

    ∂_t θ_i = −∂_{f_k} C ∂_{θ_i} f_k,      ∂_t f_j = ∂_{θ_i} f_j ∂_t θ_i = −∂_{θ_i} f_j ∂_{θ_i} f_k ∂_{f_k} C
            = −Θ_{jk} ∂_{f_k} C,

which is what is checked. Everything is derived from :class:`symntk.network.Network` with widths (1, 2, 2), a
generic σ and a training set of two inputs x, x′ (so f has N n_L = 4 entries); the cost is the square loss
C = ½ Σ_{a,k} (f_k(x_a) − y_{ka})², differentiated by SymPy, so ∂_{f_k} C is the residual. Every step is an
exact identity (*proved*).
"""

from __future__ import annotations

import sympy as sp

from symntk.check import Derivation, Source, Step
from symntk.network import Network

NETWORK = Network((1, 2, 2))
INPUTS = (NETWORK.input("x"), NETWORK.input("x'"))
THETA = sp.Matrix(NETWORK.parameters)
#: f: the outputs on the training set stacked input by input, f = (f_1(x), f_2(x), f_1(x′), f_2(x′))
F = sp.Matrix.vstack(*(NETWORK.output(x) for x in INPUTS))
Y = sp.Matrix(len(F), 1, lambda a, _: sp.Symbol(f"y_{a + 1}", real=True))
PHI = sp.symbols(f"phi_1:{len(F) + 1}", real=True)  # the outputs as variables of the cost
COST_OF = sum(((PHI[a] - Y[a]) ** 2 for a in range(len(F))), sp.Integer(0)) / 2
COST = COST_OF.subs(dict(zip(PHI, F, strict=True)), simultaneous=True)
#: ∂_f C, the gradient of the cost with respect to the outputs (the seed's d), by differentiation of C
DC = sp.Matrix([sp.diff(COST_OF, phi) for phi in PHI]).subs(dict(zip(PHI, F, strict=True)), simultaneous=True)
#: ∂_θ f: rows the N n_L outputs, columns the parameters
J = sp.Matrix.vstack(*(NETWORK.jacobian(x) for x in INPUTS))
#: the parameter flow ∂_t θ = −∂_θ C, the cost differentiated with respect to each parameter
THETA_DOT = sp.Matrix([-NETWORK.derivative(COST, p) for p in NETWORK.parameters])
#: the NTK on the training set, Θ_{jk} = Σ_p ∂_{θ_p} f_j ∂_{θ_p} f_k, blocks Θ(x_a, x_b) from the network
NTK = sp.Matrix(sp.BlockMatrix([[NETWORK.ntk(a, b) for b in INPUTS] for a in INPUTS]).as_explicit())

parameter_flow = Derivation(
    id="s002-parameter-flow",
    title="Gradient flow of the parameters: ∂_t θ_i = −∂_{f_k} C ∂_{θ_i} f_k",
    kind="remark",
    statement="under gradient flow on the cost C, ∂_t θ_i = −∂_{f_k} C ∂_{θ_i} f_k (summed over the outputs "
    "k "
    "on the training set)",
    start=THETA_DOT,
    steps=[
        Step(
            -J.T * DC,
            "=",
            "chain rule: C depends on θ through the outputs f_k (the seed's garbled '∂_+O_i = −∂_kC ∂_0J_k', "
            "reconstructed)",
            written=r"\partial_t \theta_i = -\partial_{f_k} C \, \partial_{\theta_i} f_k",
        ),
    ],
    source=Source("002_086f346ea6a82670.txt", "§2.1 Kernel gradient (first line)"),
    references=("jacot2018ntk",),
    notes="Widths (1, 2, 2), generic σ, two training inputs, square loss.",
)

kernel_gradient = Derivation(
    id="s002-kernel-gradient",
    title="The kernel gradient: ∂_t f_j = −Θ_jk ∂_{f_k} C",
    kind="proposition",
    statement="∂_t f_j = −Θ_{jk} ∂_{f_k} C with Θ_{jk} = ∂_{θ_i} f_j ∂_{θ_i} f_k, the NTK on the training "
    "set",
    start=J * THETA_DOT,
    steps=[
        Step(
            -J * (J.T * DC),
            "=",
            "∂_t f_j = ∂_{θ_i} f_j ∂_t θ_i (chain rule in time), then the parameter flow",
            written=r"\partial_t f_j = \partial_{\theta_i} f_j \, \partial_t \theta_i "
            r"= -\partial_{\theta_i} f_j \, \partial_{\theta_i} f_k \, \partial_{f_k} C",
        ),
        Step(
            -NTK * DC,
            "=",
            "∂_{θ_i} f_j ∂_{θ_i} f_k is the NTK Θ_{jk} (definition, §2)",
            written=r"\partial_t f_j = -\Theta_{jk} \, \partial_{f_k} C",
        ),
    ],
    source=Source("002_086f346ea6a82670.txt", "§2.1 Kernel gradient (second and third lines)"),
    references=("jacot2018ntk",),
    notes="Widths (1, 2, 2), generic σ, two training inputs, square loss: f and Θ are 4 × 1 and 4 × 4.",
)
