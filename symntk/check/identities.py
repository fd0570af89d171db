"""A registry of correct identities: the ones the checker's tests rely on, and the mutation test's seeds.

Each :class:`Identity` is an exact equality with the assumptions it needs and where it comes from. The test
suite checks every one with :func:`~symntk.check.equal` (none may be refuted: the false-refutation rate is
0), and the mutation test (:mod:`symntk.check.mutation`) derives near misses from each (a factor, an exponent,
a sign, an index, a swapped argument, a dropped term) and requires every one of them to be refuted.
Others add theirs with :func:`register`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import sympy as sp

from .._errors import SymntkError


@dataclass(frozen=True)
class Identity:
    """``lhs = rhs`` under ``assumptions`` (keyword arguments of :func:`~symntk.check.equal`)."""

    name: str
    lhs: sp.Basic
    rhs: sp.Basic
    assumptions: Mapping[str, Any] = field(default_factory=dict)
    source: str = ""


IDENTITIES: dict[str, Identity] = {}


def register(identity: Identity) -> Identity:
    """Add ``identity`` to :data:`IDENTITIES` (names are unique)."""
    if identity.name in IDENTITIES and IDENTITIES[identity.name] != identity:
        raise SymntkError(f"identity {identity.name!r} is already registered")
    IDENTITIES[identity.name] = identity
    return identity


def _define(name: str, source: str = "", **assumptions: Any) -> Callable[[Callable[[], tuple]], None]:
    def wrap(build: Callable[[], tuple]) -> None:
        lhs, rhs = build()
        register(Identity(name, lhs, rhs, assumptions, source))

    return wrap


a, b, c, r, t, x, y, beta = sp.symbols("a b c r t x y beta", real=True)
n = sp.Symbol("n", integer=True, positive=True)
f, g, sigma = sp.Function("f"), sp.Function("g"), sp.Function("sigma")
s11, s22, s12 = sp.symbols("Sigma11 Sigma22 Sigma12", real=True)
KERNEL_DOMAIN = {"positive": [s11, s22], "where": [s12**2 < s11 * s22]}


@_define("binomial square")
def _() -> tuple:
    return (a + b) ** 2, a**2 + 2 * a * b + b**2


@_define("square root of a product", "holds for a, b ≥ 0 only", positive=[a, b])
def _() -> tuple:
    return sp.sqrt(a * b), sp.sqrt(a) * sp.sqrt(b)


@_define("arccos as arctan", "polar angle of a kernel; holds for 0 < c < r", positive=[c, r], where=[c < r])
def _() -> tuple:
    return sp.acos(c / r), sp.atan(sp.sqrt(r**2 - c**2) / c)


@_define("chain rule", "seed 000, the NTK from the loss")
def _() -> tuple:
    return sp.diff(f(g(x)), x), sp.Subs(sp.Derivative(f(t), t), t, g(x)) * sp.diff(g(x), x)


@_define("product rule")
def _() -> tuple:
    return sp.diff(f(x) * g(x, y), x), sp.Derivative(f(x), x) * g(x, y) + f(x) * sp.Derivative(g(x, y), x)


@_define("NTK-parametrized layer derivative", "∂(n^{-1/2} w x)/∂w = n^{-1/2} x, seed 002 §2.2")
def _() -> tuple:
    return sp.diff(a * x / sp.sqrt(n) + beta * b, a), x / sp.sqrt(n)


@_define("gradient-flow solution", "seed 001 slides 7 and 25: f = y + e^{-t/M}(f₀ − y)", positive=[r])
def _() -> tuple:
    solution = y + sp.exp(-t / r) * (a - y)
    return sp.diff(solution, t), -(solution - y) / r


@_define("telescoping sum")
def _() -> tuple:
    k = sp.Symbol("k", integer=True, positive=True)
    return sp.Sum(1 / (k * (k + 1)), (k, 1, n)), 1 - 1 / (n + 1)


@_define("Kronecker delta sum", "seed 000, Theorem 1: Σ_k δ_kk′ a_k = a_k′", where=[])
def _() -> tuple:
    k = sp.Symbol("k", integer=True, positive=True)
    kp = sp.Symbol("kp", integer=True, positive=True)
    base = sp.IndexedBase("a")
    return sp.Sum(sp.KroneckerDelta(k, kp) * base[k], (k, 1, n + kp - 1)), base[kp]


@_define("transpose of a product")
def _() -> tuple:
    p, q = sp.MatrixSymbol("A", 3, 2), sp.MatrixSymbol("B", 2, 3)
    return (p * q).T, q.T * p.T


@_define("tangent kernel of linear regression", "seed 001, slide 26")
def _() -> tuple:
    d = sp.Symbol("d", integer=True, positive=True)
    i = sp.Symbol("i", integer=True, positive=True)
    u, v = sp.MatrixSymbol("x", d, 1), sp.MatrixSymbol("xp", d, 1)
    return sp.Sum(u[i - 1, 0] * v[i - 1, 0], (i, 1, d)) + 1, (u.T * v)[0, 0] + 1


@_define("NTK of a one-hidden-layer network", "seed 001, slides 20–21 (width 2, generic σ)")
def _() -> tuple:
    width = 2
    us = sp.symbols(f"u1:{width + 1}", real=True)
    vs = sp.symbols(f"v1:{width + 1}", real=True)

    def net(z: sp.Symbol) -> sp.Expr:
        return sum(v * sigma(u * z) for u, v in zip(us, vs, strict=True)) / sp.sqrt(width)

    ntk = sum(sp.diff(net(x), p) * sp.diff(net(y), p) for p in (*us, *vs))

    def dsigma(z: sp.Expr) -> sp.Expr:
        return sp.Subs(sp.Derivative(sigma(t), t), t, z)

    closed = (
        sum(
            v**2 * x * y * dsigma(u * x) * dsigma(u * y) + sigma(u * x) * sigma(u * y)
            for u, v in zip(us, vs, strict=True)
        )
        / width
    )
    return ntk, closed


@_define(
    "ReLU dual kernel: ∂κ/∂Σ₁₂ = (π − θ)/(2π)", "Cho & Saul 2009; NOTATION closed forms", **KERNEL_DOMAIN
)
def _() -> tuple:
    theta = sp.acos(s12 / sp.sqrt(s11 * s22))
    kappa = sp.sqrt(s11 * s22) * (sp.sin(theta) + (sp.pi - theta) * sp.cos(theta)) / (2 * sp.pi)
    return sp.diff(kappa, s12), (sp.pi - theta) / (2 * sp.pi)


@_define(
    "erf dual kernel: ∂/∂Σ₁₂ of the arcsine form", "Williams 1997; NOTATION closed forms", **KERNEL_DOMAIN
)
def _() -> tuple:
    q = (1 + 2 * s11) * (1 + 2 * s22)
    return sp.diff(2 / sp.pi * sp.asin(2 * s12 / sp.sqrt(q)), s12), 4 / sp.pi / sp.sqrt(q - 4 * s12**2)


@_define(
    "arcsine as arctangent on the kernel domain", "numerically stable form of the erf kernel", **KERNEL_DOMAIN
)
def _() -> tuple:
    q = (1 + 2 * s11) * (1 + 2 * s22)
    return sp.asin(2 * s12 / sp.sqrt(q)), sp.atan(2 * s12 / sp.sqrt(q - 4 * s12**2))


@_define("geometric sum", "", nonzero=[r])
def _() -> tuple:
    k = sp.Symbol("k", integer=True, nonnegative=True)
    return sp.Sum(r**k, (k, 0, n - 1)) * (1 - r), 1 - r**n


@_define("double angle")
def _() -> tuple:
    return sp.sin(2 * t), 2 * sp.sin(t) * sp.cos(t)


@_define("tanh derivative")
def _() -> tuple:
    return sp.diff(sp.tanh(x), x), 1 - sp.tanh(x) ** 2


@_define("exponential of a logarithm", "", positive=[b])
def _() -> tuple:
    return sp.exp(a * sp.log(b)), b**a


@_define("bilinear form under transposition", "a missing transpose must be caught")
def _() -> tuple:
    weights, u, v = sp.MatrixSymbol("W", 3, 3), sp.MatrixSymbol("u", 3, 1), sp.MatrixSymbol("v", 3, 1)
    return u.T * weights * v, v.T * weights.T * u


@_define(
    "gradient of an NTK-parametrized pre-activation",
    "∂α̃_i/∂W_ik = n^{-1/2} x_k, seed 000 (the network) and seed 002 §2.2",
    where=[sp.Symbol("k", integer=True, positive=True) <= sp.Symbol("m", integer=True, positive=True)],
)
def _() -> tuple:
    i, j, k = sp.symbols("i j k", integer=True, positive=True)
    m = sp.Symbol("m", integer=True, positive=True)
    weights, inputs = sp.IndexedBase("W"), sp.IndexedBase("x")
    pre = sp.Sum(weights[i, j] * inputs[j], (j, 1, m)) / sp.sqrt(m)
    return sp.diff(pre, weights[i, k]), inputs[k] / sp.sqrt(m)


@_define("logarithm of a product", "holds for a, b > 0 only", positive=[a, b])
def _() -> tuple:
    return sp.log(a * b), sp.log(a) + sp.log(b)


@_define("square root of a square", "holds for x ≥ 0 only", nonnegative=[x])
def _() -> tuple:
    return sp.sqrt(x**2), x


@_define("power of a power", "holds for a > 0 (else the phase wraps)", positive=[a])
def _() -> tuple:
    return (a**b) ** c, a ** (b * c)


@_define(
    "two-layer ReLU NTK in closed form",
    "Θ^(2) = Θ^(1) Σ̇^(2) + Σ^(2) (NOTATION, β = 0, n₀ = 2) equals √(Σ₁₁Σ₂₂)(sin θ + 2(π − θ) cos θ)/(2π) "
    "(Arora et al. 2019; Bietti & Mairal 2019)",
)
def _() -> tuple:
    x1, x2, xp1, xp2 = sp.symbols("x1 x2 xp1 xp2", real=True)
    u11, u22, u12 = (x1**2 + x2**2) / 2, (xp1**2 + xp2**2) / 2, (x1 * xp1 + x2 * xp2) / 2
    theta = sp.acos(u12 / sp.sqrt(u11 * u22))
    nngp = sp.sqrt(u11 * u22) * (sp.sin(theta) + (sp.pi - theta) * sp.cos(theta)) / (2 * sp.pi)
    recursion = u12 * (sp.pi - theta) / (2 * sp.pi) + nngp
    closed = sp.sqrt(u11 * u22) * (sp.sin(theta) + 2 * (sp.pi - theta) * sp.cos(theta)) / (2 * sp.pi)
    return recursion, closed


@_define("Frobenius norm as a trace", "‖A‖_F² = tr(AᵀA), with the norm bounds of seed 002 Lemma 1")
def _() -> tuple:
    from .norms import frobenius_norm

    m = sp.Matrix(2, 3, lambda i, j: sp.Symbol(f"A{i}{j}", real=True))
    return frobenius_norm(m) ** 2, (m.T * m).trace()
