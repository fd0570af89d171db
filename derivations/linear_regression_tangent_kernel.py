"""The tangent kernel of linear regression, f(w, b, x) = wᵀx + b: Θ(x, x′) = xᵀx′ + 1.

Seed 001 (M. Velikanov, "Infinitely wide networks. Neural Tangent Kernel"), slide 26, the solution of the
exercise posed on slide 10. The kernel is *derived* here, not typed in: the model is written as a SymPy
expression in its parameters θ = (w₁, …, w_d, b) for a symbolic input dimension d, the derivatives ∂f/∂θ_p are
computed by SymPy, and the tangent kernel is formed from its definition (slide 8)

    Θ(x, x′) = Σ_p ∂f(θ, x)/∂θ_p · ∂f(θ, x′)/∂θ_p.

Each line of the slide's solution is then a step checked against that derived kernel: the split of the sum
over parameters into the weights and the bias (with the derivatives left as the slide writes them), the
evaluated derivatives Σ_i x_i x′_i + 1, and the matrix form xᵀx′ + 1.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import sympy as sp

from symntk.check import Derivation, Source, Step

d = sp.Symbol("d", integer=True, positive=True)  # input dimension
i = sp.Symbol("i", integer=True, positive=True)  # index of the weight w_i
w = sp.MatrixSymbol("w", d, 1)
b = sp.Symbol("b", real=True)
x = sp.MatrixSymbol("x", d, 1)
x_prime = sp.MatrixSymbol("x'", d, 1)


def model(inputs: sp.MatrixSymbol) -> sp.Expr:
    """Linear regression, f(w, b, x) = wᵀx + b (slide 10)."""
    return (w.T * inputs)[0, 0] + b


def tangent_kernel(
    f: Callable[[sp.MatrixSymbol], sp.Expr],
    parameters: Sequence[sp.Basic],
    left: sp.MatrixSymbol,
    right: sp.MatrixSymbol,
    *,
    evaluate: bool = True,
) -> sp.Expr:
    """Θ(x, x′) = Σ_p ∂f(x)/∂θ_p ∂f(x′)/∂θ_p (seed 001, slide 8), p running over every entry of every block.

    A block is a scalar parameter or a column vector of symbolic length (a sum over its entries). With
    ``evaluate=False`` the derivatives are left unevaluated, as the slide writes them.
    """
    fx, fy = f(left), f(right)
    total = sp.Integer(0)
    for theta in parameters:
        if isinstance(theta, sp.MatrixSymbol):
            entry = theta[i - 1, 0]
            term = sp.Derivative(fx, entry) * sp.Derivative(fy, entry)
            total += sp.Sum(term.doit() if evaluate else term, (i, 1, theta.shape[0]))
        else:
            term = sp.Derivative(fx, theta) * sp.Derivative(fy, theta)
            total += term.doit() if evaluate else term
    return total


#: The kernel derived from the model by differentiation.
DERIVED = tangent_kernel(model, [w, b], x, x_prime)

linear_regression_tangent_kernel = Derivation(
    id="linear-regression-tangent-kernel",
    title="Tangent kernel of linear regression",
    kind="exercise",
    statement=sp.Eq(sp.Function("Theta")(x, x_prime), (x.T * x_prime)[0, 0] + 1),
    start=DERIVED,
    steps=[
        Step(
            tangent_kernel(model, [w, b], x, x_prime, evaluate=False),
            "=",
            "definition of the tangent kernel with θ = (w₁, …, w_d, b): the sum over parameters splits into "
            "the weights and the bias",
            written=r"\sum_{i=1}^{d} \frac{\partial f(w, b, x)}{\partial w_{i}} \frac{\partial f(w, b, x')}"
            r"{\partial w_{i}} + \frac{\partial f(w, b, x)}{\partial b} "
            r"\frac{\partial f(w, b, x')}{\partial b}",
        ),
        Step(
            sp.Sum(x[i - 1, 0] * x_prime[i - 1, 0], (i, 1, d)) + 1,
            "=",
            "∂f/∂w_i = x_i and ∂f/∂b = 1",
            written=r"\sum_{i=1}^{d} x_{i} x'_{i} + 1",
        ),
        Step(
            (x.T * x_prime)[0, 0] + 1,
            "=",
            "the sum is the inner product xᵀx′",
            written=r"x^{T} x' + 1",
        ),
    ],
    source=Source("001_9a6c6fe078691bcf.txt", "slide 26 (exercise of slide 10)"),
    references=("jacot2018ntk",),
)
