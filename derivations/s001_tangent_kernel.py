"""The tangent kernel: gradient flow in parameter space seen in output space (seed 001, slides 5, 6, 8, 9).

Seed 001 (M. Velikanov, "Infinitely wide networks. Neural Tangent Kernel") introduces the tangent kernel on
the toy model of slide 5, f(W, x) = A sin(kx) with W = {A, k}, trained on {(x_a, y_a)} = {(1, 1), (2, 0)}.
Everything here is derived from that model by SymPy: the parameters follow the gradient flow of slide 6,
∂_t W = −∇_W L(W) with L(W) = (1/M) Σ_a l(f(W, x_a), y_a) and a generic loss l (an undefined function, so that
what is proved holds for every l), and the output velocity df(W(t), x)/dt is obtained by differentiating
f(W(t), x) in t (the chain rule) and substituting the flow. Each line of slide 8 is then a checked step, and
slide 9's vector-valued version is checked on a two-output model sharing its parameters.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import sympy as sp

from symntk.check import Derivation, Source, Step

SOURCE = "001_9a6c6fe078691bcf.txt"

t = sp.Symbol("t", real=True)
x, x_prime, y_hat = sp.symbols("x x' yhat", real=True)
A, k, B = sp.symbols("A k B", real=True)
l = sp.Function("l")  # the loss of a single prediction, l(ŷ, y): generic
Theta = sp.Function("Theta")

#: the data set of slide 5
DATA = ((1, 1), (2, 0))
M = len(DATA)


def sin_model(inputs: sp.Expr) -> sp.Expr:
    """The toy model of slide 5, f(W, x) = A sin(kx)."""
    return A * sp.sin(k * inputs)


def tangent_kernel(
    model: Callable[[sp.Expr], sp.Expr], parameters: Sequence[sp.Symbol], left: sp.Expr, right: sp.Expr
) -> sp.Expr:
    """Θ(x, x′) = Σ_p ∂f(W, x)/∂W_p ∂f(W, x′)/∂W_p (slide 8), the derivatives taken by SymPy."""
    return sp.Add(*(sp.diff(model(left), p) * sp.diff(model(right), p) for p in parameters))


def loss_gradient(value: sp.Expr, target: sp.Expr) -> sp.Expr:
    """∇_ŷ l(ŷ, y) at ŷ = ``value`` (a generic l: an unevaluated derivative)."""
    return sp.Subs(sp.Derivative(l(y_hat, target), y_hat), y_hat, value)


def velocity(
    outputs: Sequence[Callable[[sp.Expr], sp.Expr]], parameters: Sequence[sp.Symbol]
) -> list[sp.Expr]:
    """df_i(W(t), x)/dt under the gradient flow ∂_t W = −∇_W L of L = (1/M) Σ_a Σ_j l(f_j(W, x_a), y_{aj}).

    Derived, not typed in: each parameter is made a function of t, f_i(W(t), x) is differentiated in t by
    SymPy (the chain rule), and every dW_p/dt is replaced by −∂L/∂W_p (slide 6, continuous GD).
    """
    moving = {p: sp.Function(str(p))(t) for p in parameters}
    still = {v: p for p, v in moving.items()}
    loss = (
        sp.Add(
            *(
                l(f(sp.Integer(xa)).xreplace(moving), _target(ya, j))
                for xa, ya in DATA
                for j, f in enumerate(outputs)
            )
        )
        / M
    )
    flow = {sp.Derivative(v, t): -sp.diff(loss, v) for v in moving.values()}
    return [sp.diff(f(x).xreplace(moving), t).subs(flow).xreplace(still) for f in outputs]


def _target(y: int, j: int) -> sp.Expr:
    """The target of output j at a data point: slide 5's y_a for output 0, 1 − y_a for a second output."""
    return sp.Integer(y if j == 0 else 1 - y)


# ---------------------------------------------------------------------------------------------------------
# slides 5 and 8: the tangent kernel of the sin model

sin_model_tangent_kernel = Derivation(
    id="s001-sin-model-tangent-kernel",
    title="Tangent kernel of the sin model f = A sin(kx)",
    kind="example",
    statement=sp.Eq(
        Theta(x, x_prime),
        sp.sin(k * x) * sp.sin(k * x_prime) + A**2 * x * x_prime * sp.cos(k * x) * sp.cos(k * x_prime),
    ),
    start=tangent_kernel(sin_model, [A, k], x, x_prime),
    steps=[
        Step(
            sp.sin(k * x) * sp.sin(k * x_prime)
            + (A * x * sp.cos(k * x)) * (A * x_prime * sp.cos(k * x_prime)),
            "=",
            "the sum over the two parameters W = {A, k}: ∂f/∂A = sin(kx) and ∂f/∂k = A x cos(kx)",
            written=r"\frac{\partial f}{\partial A}\frac{\partial f'}{\partial A} + "
            r"\frac{\partial f}{\partial k}\frac{\partial f'}{\partial k}",
        ),
        Step(
            sp.sin(k * x) * sp.sin(k * x_prime) + A**2 * x * x_prime * sp.cos(k * x) * sp.cos(k * x_prime),
            "=",
            "collecting A²xx′",
        ),
    ],
    source=Source(SOURCE, "slides 5 and 8 (the toy example and the definition of the tangent kernel)"),
    references=("jacot2018ntk",),
)


# ---------------------------------------------------------------------------------------------------------
# slides 6 and 8: the output velocity under parameter gradient flow


def _theta(left: sp.Expr, right: sp.Expr) -> sp.Expr:
    return tangent_kernel(sin_model, [A, k], left, right)


def _grad(inputs: sp.Expr) -> sp.Matrix:
    return sp.Matrix([sp.diff(sin_model(inputs), p) for p in (A, k)])


#: −∇_W L(W), with L differentiated by SymPy (no chain rule applied by hand)
_LOSS = sp.Add(*(l(sin_model(sp.Integer(xa)), ya) for xa, ya in DATA)) / M
_X1 = sp.Symbol("x'", real=True)  # the integration variable of the last line of slide 8

output_dynamics = Derivation(
    id="s001-output-dynamics-tangent-kernel",
    title="Parameter gradient flow in output space is kernel gradient descent",
    kind="proposition",
    statement=sp.Eq(
        sp.Derivative(sp.Function("f")(x, t), t),
        -sp.Add(
            *(_theta(x, sp.Integer(xa)) * loss_gradient(sin_model(sp.Integer(xa)), ya) for xa, ya in DATA)
        )
        / M,
    ),
    start=velocity([sin_model], [A, k])[0],
    steps=[
        Step(
            -(_grad(x).T * sp.Matrix([sp.diff(_LOSS, p) for p in (A, k)]))[0, 0],
            "=",
            "chain rule df/dt = ∇_W f · dW/dt with the flow ∂_t W = −∇_W L(W) (slides 6 and 8)",
            written=r"-\nabla_{\mathbf{W}} f(\mathbf{W}, x) \cdot \nabla_{\mathbf{W}} L(\mathbf{W})",
        ),
        Step(
            -sp.Add(
                *(
                    (_grad(x).T * _grad(sp.Integer(xa)))[0, 0] * loss_gradient(sin_model(sp.Integer(xa)), ya)
                    for xa, ya in DATA
                )
            )
            / M,
            "=",
            "the loss gradient of slide 6, ∇_W L = (1/M) Σ_a ∇_W f(W, x_a) ∇_ŷ l(f(W, x_a), y_a)",
            written=r"-\frac{1}{M} \sum_{a=1}^{M} \nabla_{\mathbf{W}} f(\mathbf{W}, x) \cdot "
            r"\nabla_{\mathbf{W}} f(\mathbf{W}, x_a) \nabla_{\hat{y}} l(f(\mathbf{W}, x_a), y_a)",
        ),
        Step(
            -sp.Add(
                *(_theta(x, sp.Integer(xa)) * loss_gradient(sin_model(sp.Integer(xa)), ya) for xa, ya in DATA)
            )
            / M,
            "=",
            "the definition of the tangent kernel, Θ(W, x, x′) = Σ_p ∂f(x)/∂W_p ∂f(x′)/∂W_p (the slide's sum "
            "index i is read as a: its summand depends on a only)",
            written=r"-\frac{1}{M} \sum_{a=1}^{M} \Theta(\mathbf{W}, x, x_a) "
            r"\nabla_{\hat{y}} l(f(\mathbf{W}, x_a), y_a)",
        ),
        Step(
            lambda: (
                -sp.Integral(
                    _theta(x, _X1)
                    * sp.Add(
                        *(
                            sp.DiracDelta(_X1 - xa) * loss_gradient(sin_model(sp.Integer(xa)), ya)
                            for xa, ya in DATA
                        )
                    )
                    / M,
                    (_X1, -sp.oo, sp.oo),
                ).doit()
            ),
            "=",
            "functional form of slide 7: for the empirical measure μ, δL[f]/δf(x′) = (1/M) Σ_a δ(x′ − x_a) "
            "∇_ŷ l(f(x_a), y_a); SymPy integrates the delta functions",
            written=r"-\int dx' \, \Theta(\mathbf{W}, x, x') \frac{\delta \mathcal{L}[f]}{\delta f(x')}",
        ),
    ],
    source=Source(SOURCE, "slides 6 and 8 (gradient descent: parameter perspective; tangent kernel)"),
    references=("jacot2018ntk",),
)


# ---------------------------------------------------------------------------------------------------------
# slide 9: vector-valued outputs


def _two_outputs() -> list[Callable[[sp.Expr], sp.Expr]]:
    """A two-output model sharing its parameters (so that Θ_12 ≠ 0): f = (A sin(kx), A cos(kx) + Bx)."""
    return [sin_model, lambda z: A * sp.cos(k * z) + B * z]


def _vector_theta(i: int, j: int, left: sp.Expr, right: sp.Expr) -> sp.Expr:
    f = _two_outputs()
    return sp.Add(*(sp.diff(f[i](left), p) * sp.diff(f[j](right), p) for p in (A, k, B)))


def _vector_rhs(i: int) -> sp.Expr:
    f = _two_outputs()
    return (
        -sp.Add(
            *(
                _vector_theta(i, j, x, sp.Integer(xa)) * loss_gradient(f[j](sp.Integer(xa)), _target(ya, j))
                for xa, ya in DATA
                for j in range(2)
            )
        )
        / M
    )


vector_valued_output_dynamics = Derivation(
    id="s001-vector-valued-tangent-kernel",
    title="Vector-valued outputs: the tangent kernel Θ_ij",
    kind="exercise",
    statement=sp.Eq(sp.Derivative(sp.Function("f_1")(x, t), t), _vector_rhs(0)),
    start=lambda: velocity(_two_outputs(), [A, k, B])[0],
    steps=[
        Step(
            lambda: _vector_rhs(0),
            "=",
            "for 𝓛(f) = Σ_i 𝓛(f_i), df_i/dt = −(1/M) Σ_a Σ_j Θ_ij(x, x_a) ∇_ŷ l(f_j(x_a), y_{aj}) with "
            "Θ_ij(x, x′) = Σ_p ∂f_i(x)/∂W_p ∂f_j(x′)/∂W_p; checked for output i = 1 of the two-output model "
            "f = (A sin(kx), A cos(kx) + Bx) on slide 5's inputs with targets y_{a1} = y_a, "
            "y_{a2} = 1 − y_a (the slide writes y_a for the target of every output and leaves the sum over j "
            "implicit)",
            written=r"-\frac{1}{M} \sum_{a=1}^{M} \Theta_{ij}(\mathbf{W}, x, x_a) "
            r"\nabla_{\hat{y}} l(f_j(\mathbf{W}, x_a), y_a)",
        ),
    ],
    source=Source(SOURCE, "slide 9 (generalization to vector-valued functions)"),
    references=("jacot2018ntk",),
)
