"""Theorem 1, base case L = 1: Θ^{(1)}_{kk′}(x, x′) = (xᵀx′/n₀ + β²) δ_{kk′} = Σ^{(1)}(x, x′) δ_{kk′}.

Seed 000 ("NTK deduce"), section "Proof of Theorem 1", step ①, in the seed's three parts:

1. the output of the one-layer network, which the seed writes with the factor 1/n₀ where the network of
   section "The network" has 1/√n₀ (the kernel computed just after uses 1/√n₀ · 1/√n₀, so this is a slip of
   the pen; kept as an erratum and corrected);
2. the sketch "which is not that solid": K^{(1)} split into the weights and the bias of layer 0, each
   factor of the derivatives evaluated, giving xᵀx′/n₀ + β² = Σ^{(1)}; as a scalar this is one entry of the
   n₁ × n₁ kernel, and it is checked on the diagonal entry k = k′ = 1;
3. "However, the δ_{kk′} is necessary": the derivatives of f_k by the rows w_j^{(0)} of the weights (x′/√n₀
   in block k, 0 elsewhere), then the whole n₁ × n₁ kernel, whose weight part is (1/n₀) xᵀx′ Id_{n₁} and bias
   part β² Id_{n₁}.

The kernels are the empirical NTK of :class:`symntk.network.Network` with widths (n₀, n₁) = (3, 2), derived
from the definition Σ_p ∂f_k(x)/∂θ_p ∂f_{k′}(x′)/∂θ_p; every step is an exact identity (*proved*). The seed
writes the products of derivatives with x′ in the first factor, (∂f(x′)/∂w)ᵀ(∂f(x)/∂w); the base-case kernel
is symmetric in x and x′, so the order is immaterial here and the steps keep it.
"""

from __future__ import annotations

import sympy as sp

from symntk.check import Derivation, Erratum, Source, Step
from symntk.network import Network

NETWORK = Network((3, 2))
beta = NETWORK.beta
x, x_prime = NETWORK.input("x"), NETWORK.input("x'")
u, v = x.vector(), x_prime.vector()
W, b = NETWORK.weights[0], sp.Matrix(NETWORK.biases[0])
n0 = NETWORK.n(0)
n1 = NETWORK.widths[1]
SIGMA1 = (u.T * v)[0, 0] / n0 + beta**2  # Σ^{(1)}(x, x′) of Proposition 1

weights = [p for p in NETWORK.parameters if p.base == "W"]
biases = [p for p in NETWORK.parameters if p.base == "b"]


def grad(inputs: object, block: list[sp.Symbol]) -> sp.Matrix:
    """∂f(x)/∂θ for θ in ``block``: a |block| × n₁ matrix (column k is the gradient of f_k)."""
    f = NETWORK.output(inputs)
    return sp.Matrix(len(block), n1, lambda p, k: NETWORK.derivative(f[k], block[p]))


def part(block: list[sp.Symbol]) -> sp.Matrix:
    """(∂f(x′)/∂θ)ᵀ (∂f(x)/∂θ) over the parameters of ``block``, as the seed writes it."""
    return grad(x_prime, block).T * grad(x, block)


base_case_output = Derivation(
    id="s000-theorem1-base-case-output",
    title="Theorem 1, base case: the output of the one-layer network",
    kind="remark",
    statement=sp.Eq(sp.Symbol(r"f(x; \theta)"), W * u / sp.sqrt(n0) + beta * b, evaluate=False),
    start=NETWORK.output(x, inline=True),
    steps=[
        Step(
            W * u / n0 + beta * b,
            "=",
            "the network of section 'The network' with L = 1",
            written=r"f(x; \theta) = \tilde{\alpha}^{(1)}(x) = \frac{1}{n_0} w^{(0)T} x + \beta b^{(0)}",
            erratum=Erratum(
                W * u / sp.sqrt(n0) + beta * b,
                "the weights are scaled by 1/√n₀, not 1/n₀ (refuted at n₀ ≠ 1); the seed's own kernel "
                "computation below uses 1/√n₀ · 1/√n₀",
            ),
        )
    ],
    source=Source("000_08eb6ccc4f7c932b.txt", "Proof of Theorem 1, step 1 ①, the case L = 1"),
    references=("jacot2018ntk",),
)

base_case_sketch = Derivation(
    id="s000-theorem1-base-case-sketch",
    title="Theorem 1, base case: the sketch (one diagonal entry)",
    kind="proposition",
    statement=sp.Eq(sp.Symbol(r"K^{(1)}_{kk}(x, x'; \theta)"), SIGMA1, evaluate=False),
    start=NETWORK.ntk(x, x_prime)[0, 0],
    steps=[
        Step(
            part(weights)[0, 0] + part(biases)[0, 0],
            "=",
            "split the parameters θ into W and b",
            written=r"\left(\frac{\partial f(x'; \theta)}{\partial w^{(0)}}\right)^T "
            r"\left(\frac{\partial f(x; \theta)}{\partial w^{(0)}}\right) + "
            r"\left(\frac{\partial f(x'; \theta)}{\partial b^{(0)}}\right)^T "
            r"\left(\frac{\partial f(x; \theta)}{\partial b^{(0)}}\right)",
        ),
        Step(
            1 / sp.sqrt(n0) * 1 / sp.sqrt(n0) * (u.T * v)[0, 0] + beta * beta,
            "=",
            "∂f_k/∂w_{ki} = x_i/√n₀ and ∂f_k/∂b_k = β",
            written=r"\frac{1}{\sqrt{n_0}} \frac{1}{\sqrt{n_0}} x^T x' + \beta \cdot \beta",
        ),
        Step(
            SIGMA1,
            "=",
            "collect the factors",
            written=r"\frac{1}{n_0} x^T x' + \beta^2 = \Sigma^{(1)}(x, x')",
        ),
    ],
    source=Source("000_08eb6ccc4f7c932b.txt", "Proof of Theorem 1, step 1 ①, the case L = 1 (the sketch)"),
    references=("jacot2018ntk",),
    notes="Widths (3, 2); the sketch's scalar is the diagonal entry k = k' = 1 of the 2 × 2 kernel.",
)

base_case_jacobian = Derivation(
    id="s000-theorem1-base-case-jacobian",
    title="Theorem 1, base case: the derivatives of f_k by the rows of the weights",
    kind="lemma",
    statement=sp.Eq(
        sp.Symbol(r"\frac{\partial f(x'; \theta)}{\partial w^{(0)}}"),
        sp.kronecker_product(sp.eye(n1), v.T) / sp.sqrt(n0),
        evaluate=False,
    ),
    start=grad(x_prime, weights).T,
    steps=[
        Step(
            sp.kronecker_product(sp.eye(n1), v.T) / sp.sqrt(n0),
            "=",
            "f_k depends on the k-th row w_k^{(0)} of the weights only: ∂f_k(x′)/∂w_j^{(0)} is x′/√n₀ for "
            "j = k and 0 otherwise (row k of the matrix: the derivatives of f_k by the n₁ rows, each a block "
            "of n₀ entries)",
            written=r"\frac{\partial f_k(x'; \theta)}{\partial w^{(0)}} = \frac{1}{\sqrt{n_0}} \left["
            r"\begin{bmatrix} x' \\ 0 \\ \dots \\ 0 \end{bmatrix}, \begin{bmatrix} 0 \\ x' \\ \dots \\ 0 "
            r"\end{bmatrix}, \dots, \begin{bmatrix} 0 \\ \dots \\ x' \end{bmatrix} \right]",
            hint="the seed writes f_k(x′; θ) as the whole vector n₀^{-1/2} w^{(0)T} x′ + βb^{(0)} and labels "
            "the second derivative f′_k; both are read as the derivatives of f_k = α̃^{(1)}_k (garbled)",
        )
    ],
    source=Source("000_08eb6ccc4f7c932b.txt", "Proof of Theorem 1, step 1 ①, the case L = 1 (with δ_kk')"),
    references=("jacot2018ntk",),
    notes="Widths (3, 2): the derivatives form a 2 × 6 matrix.",
)

base_case_delta = Derivation(
    id="s000-theorem1-base-case-delta",
    title="Theorem 1, base case with the Kronecker delta",
    kind="theorem",
    statement=sp.Eq(sp.Symbol(r"\Theta^{(1)}(x, x')"), SIGMA1 * sp.eye(n1), evaluate=False),
    start=NETWORK.ntk(x, x_prime),
    steps=[
        Step(
            part(weights) + part(biases),
            "=",
            "split the parameters θ into W and b: the n₁ × n₁ kernel, entry (k, k′)",
            written=r"\left(\frac{\partial f(x'; \theta)}{\partial w^{(0)}}\right)^T "
            r"\left(\frac{\partial f(x; \theta)}{\partial w^{(0)}}\right) + "
            r"\left(\frac{\partial f(x'; \theta)}{\partial b^{(0)}}\right)^T "
            r"\left(\frac{\partial f(x; \theta)}{\partial b^{(0)}}\right)",
        ),
        Step(
            (u.T * v)[0, 0] / n0 * sp.eye(n1) + part(biases),
            "=",
            "f_k depends on the row w_k^{(0)} only, so ∂f_k/∂w^{(0)} is x/√n₀ in the k-th block and 0 "
            "elsewhere: the first part of Θ_{kk′}(x, x′) is (1/n₀) xᵀx′ δ_{kk′}",
            written=r"\frac{1}{n_0} x^T x' \, Id_{n_1} + "
            r"\left(\frac{\partial f(x'; \theta)}{\partial b^{(0)}}\right)^T "
            r"\left(\frac{\partial f(x; \theta)}{\partial b^{(0)}}\right)",
        ),
        Step(
            (u.T * v)[0, 0] / n0 * sp.eye(n1) + beta**2 * sp.eye(n1),
            "=",
            "similarly, the second part is β² δ_{kk′}",
            written=r"\frac{1}{n_0} x^T x' \delta_{kk'} + \beta^2 \delta_{kk'}",
        ),
        Step(
            SIGMA1 * sp.eye(n1), "=", "Σ^{(1)} of Proposition 1", written=r"\Sigma^{(1)}(x, x') \delta_{kk'}"
        ),
    ],
    source=Source("000_08eb6ccc4f7c932b.txt", "Proof of Theorem 1, step 1 ①, the case L = 1 (with δ_kk')"),
    references=("jacot2018ntk",),
    notes="Widths (3, 2): the kernel is 2 × 2.",
)
