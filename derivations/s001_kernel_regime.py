"""The NTK regime: the kernel model and linear dynamics for the square loss (seed 001, slides 14 and 31).

In the infinite-width limit the NTK is deterministic and constant during training (slide 14), so the output
obeys the closed equation df(x)/dt = −(1/M) Σ_a Θ(x, x_a) ∇_ŷ l(f(x_a), y_a). Slide 14 concludes that
f(x, t) − f(x, 0) = Σ_a c_a(t) Θ(x, x_a) for some coefficients c_a(t) (the "kernel model"): here with
c_a(t) = −(1/M) ∫_0^t ∇_ŷ l(f(x_a, s), y_a) ds, whose time derivative SymPy takes and compares with the closed
equation. Slide 31 then shows that for the square loss the dynamics on the training set is linear,
df(𝒳)/dt = −(1/M) Θ (f(𝒳) − 𝒴), with the gradient ∇_{f(𝒳)} L taken by SymPy. Both are checked for M = 3
training points with a generic kernel Θ (a symmetric matrix of symbols, or an undefined function).
"""

from __future__ import annotations

import sympy as sp

from symntk.check import Derivation, Source, Step

SOURCE = "001_9a6c6fe078691bcf.txt"

M = 3
t, s, x = sp.symbols("t s x", real=True)
xs = sp.symbols("x_1:4", real=True)
Theta = sp.Function("Theta")
#: g_a(t) = ∇_ŷ l(f(x_a, t), y_a) along the trajectory: generic functions of time
g = [sp.Function(f"g_{a + 1}") for a in range(M)]


def _kernel_model() -> sp.Expr:
    """Σ_a c_a(t) Θ(x, x_a) with c_a(t) = −(1/M) ∫_0^t g_a(s) ds."""
    return sp.Add(*(-sp.Integral(g[a](s), (s, 0, t)) / M * Theta(x, xs[a]) for a in range(M)))


kernel_model = Derivation(
    id="s001-kernel-model",
    title="The kernel model: f(x, t) − f(x, 0) = Σ_a c_a(t) Θ(x, x_a)",
    kind="proposition",
    statement=sp.Eq(
        sp.Derivative(sp.Symbol(r"\sum_a c_a(t) \Theta(x, x_a)"), t),
        -sp.Add(*(Theta(x, xs[a]) * g[a](t) for a in range(M))) / M,
    ),
    start=lambda: sp.diff(_kernel_model(), t),
    steps=[
        Step(
            -sp.Add(*(Theta(x, xs[a]) * g[a](t) for a in range(M))) / M,
            "=",
            "with Θ constant, c_a(t) = −(1/M) ∫_0^t ∇_ŷ l(f(x_a, s), y_a) ds has "
            "ċ_a = −(1/M) ∇_ŷ l(f(x_a, t), y_a): Σ_a c_a(t) Θ(x, x_a) has the velocity of the closed "
            "equation df(x)/dt of slide 14 and is 0 at t = 0, so it is f(x, t) − f(x, 0)",
            written=r"\frac{df(x)}{dt} = -\frac{1}{M} \sum_{a=1}^{M} \Theta(x, x_a) "
            r"\nabla_{\hat{y}} l(f(x_a), y_a)",
        ),
    ],
    source=Source(SOURCE, "slide 14 (NTK regime: consequence and kernel model)"),
)

_f = sp.Matrix(sp.symbols("f_1:4", real=True))
_y = sp.Matrix(sp.symbols("y_1:4", real=True))
_theta = sp.Matrix(M, M, lambda a, b: sp.Symbol(f"Theta_{min(a, b) + 1}{max(a, b) + 1}", real=True))
_LOSS = sp.Add(*((_f[a] - _y[a]) ** 2 / 2 for a in range(M))) / M

square_loss_linear_dynamics = Derivation(
    id="s001-square-loss-linear-dynamics",
    title="For the square loss the dynamics is linear in output space",
    kind="exercise",
    statement=sp.Eq(sp.Symbol(r"\frac{df(\mathcal{X})}{dt}"), -_theta * (_f - _y) / M),
    start=-_theta * sp.Matrix([sp.diff(_LOSS, fa) for fa in _f]),
    steps=[
        Step(
            -_theta * (_f - _y) / M,
            "=",
            "df(𝒳)/dt = −Θ ∇_{f(𝒳)} L (slides 8, 30) with ∇_{f(𝒳)} L = (1/M)(f(𝒳) − 𝒴) for the quadratic "
            "loss; Θ is constant and fixed, so this is a multidimensional linear ODE",
            written=r"\frac{df(\mathcal{X})}{dt} = "
            r"-\frac{1}{M}\Theta\left(f(\mathcal{X}) - \mathcal{Y}\right)",
        ),
    ],
    source=Source(SOURCE, "slide 31 (solution of the exercise of slide 14)"),
)
