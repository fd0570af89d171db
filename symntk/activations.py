"""Activation functions σ as data: one SymPy definition, NumPy and mpmath backends derived from it.

An :class:`Activation` holds σ and its derivative σ̇ as SymPy expressions of one real symbol, its kinks (the
points where σ is not smooth), the references its formulas come from and, where one exists, its *dual
kernels* in closed form: the Gaussian expectations

    E[σ(u) σ(v)]  and  E[σ̇(u) σ̇(v)],   (u, v) ~ N(0, [[Σ₁₁, Σ₁₂], [Σ₁₂, Σ₂₂]]),

that drive the infinite-width recursions of Proposition 1 and Theorem 1 (seed 000, sections "Proposition 1"
and "Theorem 1"; seed 001, slides 15 to 19). The NumPy and mpmath forms are obtained from the SymPy
expressions with :func:`sympy.lambdify`, never written by hand, so the backends cannot drift apart.

Two families of closed forms:

* :class:`ArcCosineDual`, the positively homogeneous activations σ(z) = p·z₊ᵏ + m·z₋ᵏ (z₊ = max(z, 0),
  z₋ = max(−z, 0)): ReLU, leaky ReLU, ABReLU, abs, step (k = 0), sign, rectified monomials. With
  a = √Σ₁₁, b = √Σ₂₂ and θ the angle with cos θ = Σ₁₂/(ab),

      E[σ(u)σ(v)] = (ab)ᵏ/(2π) · [(p² + m²)·J_k(θ) + 2pm·J_k(π − θ)],

  where J_k is the angular part of the arc-cosine kernel of order k (Cho and Saul 2009, eq. (2)-(3)):
  J_k(θ) = (−1)ᵏ (sin θ)^{2k+1} ((1/sin θ) ∂/∂θ)ᵏ ((π − θ)/sin θ). The derivative σ̇ is again of this form,
  with (k − 1, kp, −km); for k = 0 the almost-everywhere derivative is 0 (see :attr:`ArcCosineDual.jump`
  for the Dirac part that Price's theorem sees).

* :class:`SmoothDual`, activations whose dual kernels are analytic in Σ₁₂ (identity, erf, monomials, sin,
  cos, exp, the Gaussian exp(−z²/2), GELU): SymPy expressions of Σ₁₁, Σ₂₂, Σ₁₂ (the textbook form) and,
  where the textbook form loses digits near Σ₁₂² = Σ₁₁Σ₂₂, a *stable* form in which the Gram determinant
  Δ = Σ₁₁Σ₂₂ − Σ₁₂² appears as its own symbol (the recursion carries Δ without cancellation).

Activations without a closed form (tanh, softplus, swish, a user's expression or callable) have
``dual = None`` and go through the bivariate Gaussian quadrature of :mod:`symntk.gaussian`.

>>> relu = get_activation("relu")
>>> relu.expr()
Max(0, z)
>>> float(relu.numpy(-2.0)), float(relu.numpy_derivative(3.0))
(0.0, 1.0)
>>> get_activation("leaky_relu", slope="0.1").expr()
-Max(0, -z)/10 + Max(0, z)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache, cached_property
from typing import Any

import mpmath
import numpy as np
import sympy as sp

from ._errors import SymntkError

__all__ = [
    "ACTIVATIONS",
    "DELTA",
    "Q1",
    "Q2",
    "THETA",
    "Activation",
    "ArcCosineDual",
    "C",
    "SmoothDual",
    "Z",
    "activation_from_callable",
    "activation_from_expr",
    "arccos_j",
    "get_activation",
]

#: The argument of σ in every stored expression.
Z = sp.Symbol("z", real=True)
#: Σ₁₁, Σ₂₂, Σ₁₂ and Δ = Σ₁₁Σ₂₂ − Σ₁₂², the symbols of the dual kernels.
Q1 = sp.Symbol("Sigma_11", nonnegative=True)
Q2 = sp.Symbol("Sigma_22", nonnegative=True)
C = sp.Symbol("Sigma_12", real=True)
DELTA = sp.Symbol("Delta", nonnegative=True)
#: The angle θ ∈ [0, π] between the two pre-activations (cos θ = Σ₁₂/√(Σ₁₁Σ₂₂)).
THETA = sp.Symbol("theta", nonnegative=True)

_REF_CHO_SAUL = "Y. Cho and L. K. Saul, Kernel methods for deep learning, NeurIPS 2009 (arc-cosine kernels)"
_REF_WILLIAMS = "C. K. I. Williams, Computing with infinite networks, NeurIPS 1997 (erf kernel)"
_REF_JACOT = "A. Jacot, F. Gabriel, C. Hongler, Neural Tangent Kernel, NeurIPS 2018, arXiv:1806.07572"
_REF_NT = "R. Novak et al., Neural Tangents, ICLR 2020, arXiv:1912.02803 (stax nonlinearities)"
_REF_PEARCE = "T. Pearce et al., Expressive priors in Bayesian neural networks, UAI 2019 (sin, cos, exp)"
_REF_ISSERLIS = "L. Isserlis, On a formula for the product-moment coefficient, Biometrika 1918"
_REF_TSUCHIDA = (
    "R. Tsuchida et al., Avoiding kernel fixed points: computing with ELU and GELU infinite networks, "
    "AAAI 2021, arXiv:2002.08517"
)
_REF_HENDRYCKS = "D. Hendrycks and K. Gimpel, Gaussian Error Linear Units, arXiv:1606.08415"

_MODULES_NUMPY: list[Any] = ["scipy", "numpy"]
_MODULES_MPMATH: list[Any] = ["mpmath"]


@cache
def arccos_j(k: int) -> sp.Expr:
    """J_k(θ) of Cho and Saul (2009, eq. (3)): the angular part of the arc-cosine kernel of order k.

    E[u₊ᵏ v₊ᵏ] = (Σ₁₁Σ₂₂)^{k/2} J_k(θ) / (2π) for centred Gaussian (u, v) at angle θ.

    >>> arccos_j(1)
    -theta*cos(theta) + sin(theta) + pi*cos(theta)
    """
    f: sp.Expr = (sp.pi - THETA) / sp.sin(THETA)
    for _ in range(k):
        f = sp.diff(f, THETA) / sp.sin(THETA)
    return sp.expand(sp.simplify((-1) ** k * sp.sin(THETA) ** (2 * k + 1) * f))


def _textbook_angle() -> sp.Expr:
    return sp.acos(C / sp.sqrt(Q1 * Q2))


def _stable_angle() -> sp.Expr:
    return sp.atan2(sp.sqrt(DELTA), C)


@dataclass(frozen=True)
class ArcCosineDual:
    """Closed-form dual kernels of σ(z) = p·z₊ᵏ + m·z₋ᵏ (positively homogeneous of degree k).

    E[σ(u)σ(v)] = (Σ₁₁Σ₂₂)^{k/2} F(θ)/(2π), F(θ) = (p² + m²) J_k(θ) + 2pm J_k(π − θ) (Cho and Saul 2009;
    the cross terms use E[u₊ᵏ v₋ᵏ] = E[u₊ᵏ (−v)₊ᵏ], the angle of (u, −v) being π − θ).
    """

    k: int
    p: sp.Expr
    m: sp.Expr

    def sigma(self, z: sp.Expr = Z) -> sp.Expr:
        """σ(z); for k = 0 the Heaviside functions take the value ½ at 0, so σ(0) = (p + m)/2."""
        if self.k == 0:
            return self.p * sp.Heaviside(z) + self.m * sp.Heaviside(-z)
        return self.p * sp.Max(z, 0) ** self.k + self.m * sp.Max(-z, 0) ** self.k

    @property
    def derivative(self) -> ArcCosineDual | None:
        """σ̇ as a member of the family, (k − 1, kp, −km); None when k = 0 (σ̇ = 0 almost everywhere)."""
        if self.k == 0:
            return None
        return ArcCosineDual(self.k - 1, self.k * self.p, -self.k * self.m)

    @property
    def jump(self) -> sp.Expr:
        """σ(0⁺) − σ(0⁻): p − m for k = 0 (its distributional derivative carries (p − m)·δ), else 0."""
        return self.p - self.m if self.k == 0 else sp.Integer(0)

    def angular(self, theta: sp.Expr = THETA) -> sp.Expr:
        """F(θ) = (p² + m²) J_k(θ) + 2pm J_k(π − θ)."""
        j = arccos_j(self.k)
        pm = self.p * self.m
        same, cross = j.subs(THETA, theta), j.subs(THETA, sp.pi - theta)
        return sp.expand((self.p**2 + self.m**2) * same + 2 * pm * cross)

    def gap(self, theta: sp.Expr = THETA) -> sp.Expr:
        """F(0) − F(θ), the quantity the float64 recursion evaluates without cancellation."""
        return sp.expand(self.angular(sp.Integer(0)) - self.angular(theta))

    def nngp(self, stable: bool = False) -> sp.Expr:
        """E[σ(u)σ(v)] in Σ₁₁, Σ₂₂, Σ₁₂ (textbook, θ = arccos ρ) or with θ = atan2(√Δ, Σ₁₂) (stable)."""
        theta = _stable_angle() if stable else _textbook_angle()
        return sp.sqrt(Q1 * Q2) ** self.k * self.angular(theta) / (2 * sp.pi)

    def ntk(self, stable: bool = False) -> sp.Expr:
        """E[σ̇(u)σ̇(v)] with the almost-everywhere derivative σ̇ (0 for k = 0)."""
        d = self.derivative
        return sp.Integer(0) if d is None else d.nngp(stable)


@dataclass(frozen=True)
class SmoothDual:
    """Closed-form dual kernels analytic in Σ₁₂, as SymPy expressions of Q1, Q2, C (and DELTA if stable).

    ``nngp`` and ``ntk`` are the textbook forms; ``nngp_stable`` and ``ntk_stable`` (default: the same) are
    forms in which Δ = Σ₁₁Σ₂₂ − Σ₁₂² appears as the symbol DELTA, for use where Δ is known without
    cancellation. The test suite proves each stable form equal to its textbook form on the domain.
    """

    nngp_textbook: sp.Expr
    ntk_textbook: sp.Expr
    nngp_stable_form: sp.Expr | None = None
    ntk_stable_form: sp.Expr | None = None

    def nngp(self, stable: bool = False) -> sp.Expr:
        """E[σ(u)σ(v)]."""
        return self.nngp_stable_form if stable and self.nngp_stable_form is not None else self.nngp_textbook

    def ntk(self, stable: bool = False) -> sp.Expr:
        """E[σ̇(u)σ̇(v)]."""
        return self.ntk_stable_form if stable and self.ntk_stable_form is not None else self.ntk_textbook


Dual = ArcCosineDual | SmoothDual


@dataclass(frozen=True, eq=False)
class Activation:
    """One activation function σ: its SymPy definition and everything derived from it.

    Attributes:
        name: the registry name (with parameters, e.g. ``leaky_relu(slope=1/10)``).
        sigma: σ(z) as a SymPy expression of :data:`Z` (an undefined function for a Python callable).
        sigma_dot: the almost-everywhere derivative σ̇(z) (what backpropagation computes).
        params: the parameters it was built with, as exact SymPy numbers.
        kinks: the points where σ or σ̇ is not smooth (quadrature splits there).
        references: where its formulas come from.
        dual: its closed-form dual kernels, or None (then Gaussian quadrature is used).
    """

    name: str
    sigma: sp.Expr
    sigma_dot: sp.Expr
    params: tuple[tuple[str, sp.Expr], ...] = ()
    kinks: tuple[sp.Expr, ...] = ()
    references: tuple[str, ...] = ()
    dual: Dual | None = None
    callables: tuple[Callable[..., Any], ...] | None = field(default=None, repr=False)

    # -- SymPy ---------------------------------------------------------------------------------------
    def expr(self, z: sp.Expr | None = None) -> sp.Expr:
        """σ as a SymPy expression of ``z`` (default :data:`Z`)."""
        return self.sigma if z is None else self.sigma.subs(Z, z)

    def derivative_expr(self, z: sp.Expr | None = None) -> sp.Expr:
        """σ̇ as a SymPy expression of ``z`` (default :data:`Z`)."""
        return self.sigma_dot if z is None else self.sigma_dot.subs(Z, z)

    @property
    def has_closed_form(self) -> bool:
        """Whether E[σσ] and E[σ̇σ̇] are known in closed form (else they come from quadrature)."""
        return self.dual is not None

    @property
    def is_homogeneous(self) -> bool:
        """Whether σ is of arc-cosine type (positively homogeneous: its kernels depend on an angle)."""
        return isinstance(self.dual, ArcCosineDual)

    # -- backends ------------------------------------------------------------------------------------
    @cached_property
    def _numpy_pair(self) -> tuple[Callable[..., Any], Callable[..., Any]]:
        if self.callables is not None:
            f, df = self.callables[0], self.callables[1]
            return np.vectorize(lambda x: float(f(x))), np.vectorize(lambda x: float(df(x)))
        return (
            sp.lambdify(Z, self.sigma, modules=_MODULES_NUMPY),
            sp.lambdify(Z, self.sigma_dot, modules=_MODULES_NUMPY),
        )

    @cached_property
    def _mpmath_pair(self) -> tuple[Callable[..., Any], Callable[..., Any]]:
        if self.callables is not None:
            return self.callables[2], self.callables[3]
        return (
            sp.lambdify(Z, self.sigma, modules=_MODULES_MPMATH),
            sp.lambdify(Z, self.sigma_dot, modules=_MODULES_MPMATH),
        )

    def numpy(self, z: Any) -> np.ndarray:
        """σ(z) in float64, elementwise over an array."""
        return _as_float_array(self._numpy_pair[0], z)

    def numpy_derivative(self, z: Any) -> np.ndarray:
        """σ̇(z) in float64, elementwise over an array."""
        return _as_float_array(self._numpy_pair[1], z)

    def mpmath(self, z: Any) -> Any:
        """σ(z) at the current mpmath precision."""
        return self._mpmath_pair[0](mpmath.mpf(z))

    def mpmath_derivative(self, z: Any) -> Any:
        """σ̇(z) at the current mpmath precision."""
        return self._mpmath_pair[1](mpmath.mpf(z))

    def __repr__(self) -> str:
        return f"Activation({self.name!r})"


def _as_float_array(f: Callable[..., Any], z: Any) -> np.ndarray:
    x = np.asarray(z, dtype=float)
    return np.asarray(np.broadcast_to(f(x), x.shape), dtype=float)


# ---------------------------------------------------------------------------------------------------
# constructors


def _exact(name: str, value: Any) -> sp.Expr:
    """An exact SymPy number from an int, Fraction, float (read as its shortest decimal) or decimal text."""
    if isinstance(value, sp.Basic):
        if not value.is_number or not value.is_real:
            raise SymntkError(f"activation parameter {name} must be a real number, got {value}")
        return sp.nsimplify(value) if isinstance(value, sp.Float) else value
    if isinstance(value, bool):
        raise SymntkError(f"activation parameter {name} must be a number, got {value!r}")
    try:
        if isinstance(value, float):
            if not math.isfinite(value):
                raise ValueError
            fr = Fraction(repr(value))
        else:
            fr = Fraction(value)
    except (ValueError, TypeError, ZeroDivisionError):
        raise SymntkError(f"activation parameter {name} must be a finite number, got {value!r}") from None
    return sp.Rational(fr.numerator, fr.denominator)


def _integer(name: str, value: Any, low: int) -> int:
    v = _exact(name, value)
    if not v.is_integer or int(v) < low:
        raise SymntkError(f"activation parameter {name} must be an integer ≥ {low}, got {value}")
    if int(v) > 20:
        raise SymntkError(f"activation parameter {name} = {int(v)} is too large (at most 20)")
    return int(v)


def _label(base: str, params: tuple[tuple[str, sp.Expr], ...]) -> str:
    return base if not params else f"{base}({', '.join(f'{k}={v}' for k, v in params)})"


def _homogeneous(
    base: str,
    k: int,
    p: sp.Expr,
    m: sp.Expr,
    params: tuple[tuple[str, sp.Expr], ...],
    references: tuple[str, ...] = (_REF_CHO_SAUL,),
) -> Activation:
    dual = ArcCosineDual(k, sp.sympify(p), sp.sympify(m))
    deriv = dual.derivative
    return Activation(
        name=_label(base, params),
        sigma=dual.sigma(),
        sigma_dot=sp.Integer(0) if deriv is None else deriv.sigma(),
        params=params,
        kinks=(sp.Integer(0),),
        references=references,
        dual=dual,
    )


def _smooth(
    name: str,
    sigma: sp.Expr,
    dual: SmoothDual | None,
    references: tuple[str, ...],
    params: tuple[tuple[str, sp.Expr], ...] = (),
    kinks: tuple[sp.Expr, ...] = (),
) -> Activation:
    return Activation(
        name=_label(name, params),
        sigma=sigma,
        sigma_dot=sp.diff(sigma, Z),
        params=params,
        kinks=kinks,
        references=references,
        dual=dual,
    )


def relu() -> Activation:
    """ReLU, max(0, z): arc-cosine kernel of order 1."""
    return _homogeneous("relu", 1, 1, 0, ())


def leaky_relu(slope: Any = Fraction(1, 100)) -> Activation:
    """Leaky ReLU, max(0, z) + slope·min(0, z)."""
    s = _exact("slope", slope)
    return _homogeneous("leaky_relu", 1, 1, -s, (("slope", s),), (_REF_CHO_SAUL, _REF_NT))


def abrelu(a: Any = 0, b: Any = 1) -> Activation:
    """ABReLU, a·min(z, 0) + b·max(z, 0) (neural-tangents ``stax.ABRelu``)."""
    aa, bb = _exact("a", a), _exact("b", b)
    return _homogeneous("abrelu", 1, bb, -aa, (("a", aa), ("b", bb)), (_REF_CHO_SAUL, _REF_NT))


def abs_() -> Activation:
    """|z| = max(z, 0) + max(−z, 0)."""
    return _homogeneous("abs", 1, 1, 1, ())


def step() -> Activation:
    """Heaviside step (½ at 0): arc-cosine kernel of order 0."""
    return _homogeneous("step", 0, 1, 0, ())


def sign() -> Activation:
    """sign(z) (0 at 0): E[σσ] = (2/π) arcsin ρ."""
    return _homogeneous("sign", 0, 1, -1, (), (_REF_CHO_SAUL, _REF_NT))


def rectified_monomial(k: Any = 2) -> Activation:
    """max(0, z)ᵏ: arc-cosine kernel of order k (k = 0 is the step, k = 1 ReLU)."""
    kk = _integer("k", k, 0)
    return _homogeneous("rectified_monomial", kk, 1, 0, (("k", sp.Integer(kk)),))


def _isserlis(k: int) -> sp.Expr:
    """E[uᵏvᵏ] by Isserlis' theorem: j cross pairings, (k−j)/2 pairings within each side."""
    total = sp.Integer(0)
    for j in range(k % 2, k + 1, 2):
        h = (k - j) // 2
        within = sp.factorial(k - j) / (2**h * sp.factorial(h))
        total += sp.binomial(k, j) ** 2 * sp.factorial(j) * within**2 * C**j * (Q1 * Q2) ** h
    return sp.expand(total)


def identity() -> Activation:
    """σ(z) = z: E[uv] = Σ₁₂, E[1·1] = 1."""
    return _smooth("identity", Z, SmoothDual(C, sp.Integer(1)), (_REF_JACOT,))


def monomial(k: Any = 2) -> Activation:
    """σ(z) = zᵏ (k ≥ 1): E[uᵏvᵏ] by Isserlis' theorem, E[σ̇σ̇] = k² E[u^{k−1}v^{k−1}]."""
    kk = _integer("k", k, 1)
    return _smooth(
        "monomial",
        Z**kk,
        SmoothDual(_isserlis(kk), kk**2 * _isserlis(kk - 1)),
        (_REF_ISSERLIS,),
        (("k", sp.Integer(kk)),),
    )


def erf() -> Activation:
    """erf(z): Williams (1997): E = (2/π) arcsin(2Σ₁₂/√((1+2Σ₁₁)(1+2Σ₂₂))), E[σ̇σ̇] = (4/π)/√(…)."""
    a = (1 + 2 * Q1) * (1 + 2 * Q2)
    s = 1 + 2 * Q1 + 2 * Q2 + 4 * DELTA  # = a − 4Σ₁₂², a sum of nonnegative terms
    dual = SmoothDual(
        nngp_textbook=2 / sp.pi * sp.asin(2 * C / sp.sqrt(a)),
        ntk_textbook=4 / sp.pi / sp.sqrt(a - 4 * C**2),
        nngp_stable_form=2 / sp.pi * sp.atan2(2 * C, sp.sqrt(s)),
        ntk_stable_form=4 / sp.pi / sp.sqrt(s),
    )
    return _smooth("erf", sp.erf(Z), dual, (_REF_WILLIAMS,))


def sin() -> Activation:
    """sin(z): E[sin u sin v] = e^{−(Σ₁₁+Σ₂₂)/2} sinh Σ₁₂, E[cos u cos v] = e^{−(Σ₁₁+Σ₂₂)/2} cosh Σ₁₂."""
    e = sp.exp(-(Q1 + Q2) / 2)
    return _smooth("sin", sp.sin(Z), SmoothDual(e * sp.sinh(C), e * sp.cosh(C)), (_REF_PEARCE,))


def cos() -> Activation:
    """cos(z): E[cos u cos v] = e^{−(Σ₁₁+Σ₂₂)/2} cosh Σ₁₂, E[sin u sin v] = e^{−(Σ₁₁+Σ₂₂)/2} sinh Σ₁₂."""
    e = sp.exp(-(Q1 + Q2) / 2)
    return _smooth("cos", sp.cos(Z), SmoothDual(e * sp.cosh(C), e * sp.sinh(C)), (_REF_PEARCE,))


def exp() -> Activation:
    """exp(z): E[e^u e^v] = e^{(Σ₁₁+Σ₂₂)/2 + Σ₁₂} (the log-normal moment); σ̇ = σ."""
    e = sp.exp((Q1 + Q2) / 2 + C)
    return _smooth("exp", sp.exp(Z), SmoothDual(e, e), (_REF_PEARCE,))


def gaussian() -> Activation:
    """exp(−z²/2): E = ((1+Σ₁₁)(1+Σ₂₂) − Σ₁₂²)^{−1/2}, E[σ̇σ̇] = Σ₁₂·(…)^{−3/2}."""
    a = (1 + Q1) * (1 + Q2) - C**2
    s = 1 + Q1 + Q2 + DELTA
    dual = SmoothDual(1 / sp.sqrt(a), C / a ** sp.Rational(3, 2), 1 / sp.sqrt(s), C / s ** sp.Rational(3, 2))
    return _smooth("gaussian", sp.exp(-(Z**2) / 2), dual, (_REF_NT,))


def gelu() -> Activation:
    """GELU, z·Φ(z) with Φ the standard normal CDF (Hendrycks and Gimpel 2016), with closed-form kernels.

    With A = (1 + Σ₁₁)(1 + Σ₂₂) and δ² = A − Σ₁₂² = 1 + Σ₁₁ + Σ₂₂ + Δ (Tsuchida et al. 2021; the form
    neural-tangents' ``stax.Gelu`` uses):

        E[σ(u)σ(v)] = Σ₁₂/4 + [(Σ₁₂² + Σ₁₁Σ₂₂δ²)/(Aδ) + Σ₁₂ arcsin(Σ₁₂/√A)] / (2π),
        E[σ̇(u)σ̇(v)] = 1/4 + arcsin(Σ₁₂/√A)/(2π) + Σ₁₂ (1/δ² + (2 + Σ₁₁ + Σ₂₂)/A) / (2πδ).

    Derivation: Gaussian integration by parts (Stein's lemma) on E[uΦ(u)·vΦ(v)] leaves the orthant
    probability E[Φ(u)Φ(v)] = 1/4 + arcsin(Σ₁₂/√A)/(2π) and Gaussian integrals of φ(u), φ(v) against
    polynomials, all elementary. The tests confirm both against quadrature to 30 digits, and the second
    as ∂/∂Σ₁₂ of the first (Price's theorem), symbolically.
    """
    a = (1 + Q1) * (1 + Q2)
    d2 = a - C**2
    s = 1 + Q1 + Q2 + DELTA
    dual = SmoothDual(
        nngp_textbook=C / 4
        + ((C**2 + Q1 * Q2 * d2) / (a * sp.sqrt(d2)) + C * sp.asin(C / sp.sqrt(a))) / (2 * sp.pi),
        ntk_textbook=sp.Rational(1, 4)
        + sp.asin(C / sp.sqrt(a)) / (2 * sp.pi)
        + C * (1 / d2 + (2 + Q1 + Q2) / a) / (2 * sp.pi * sp.sqrt(d2)),
        nngp_stable_form=C / 4
        + ((C**2 + Q1 * Q2 * s) / (a * sp.sqrt(s)) + C * sp.atan2(C, sp.sqrt(s))) / (2 * sp.pi),
        ntk_stable_form=sp.Rational(1, 4)
        + sp.atan2(C, sp.sqrt(s)) / (2 * sp.pi)
        + C * (1 / s + (2 + Q1 + Q2) / a) / (2 * sp.pi * sp.sqrt(s)),
    )
    return _smooth(
        "gelu", Z * (1 + sp.erf(Z / sp.sqrt(2))) / 2, dual, (_REF_HENDRYCKS, _REF_TSUCHIDA, _REF_NT)
    )


def tanh() -> Activation:
    """tanh(z) (no closed form: Gaussian quadrature)."""
    return _smooth("tanh", sp.tanh(Z), None, (_REF_JACOT,))


def softplus() -> Activation:
    """softplus, log(1 + eᶻ) (no closed form: Gaussian quadrature)."""
    return _smooth("softplus", sp.log(1 + sp.exp(Z)), None, ())


def swish() -> Activation:
    """swish (SiLU), z/(1 + e^{−z}) (no closed form: Gaussian quadrature)."""
    return _smooth("swish", Z / (1 + sp.exp(-Z)), None, ())


#: The activation registry: name → constructor taking the activation's parameters as keywords.
ACTIVATIONS: Mapping[str, Callable[..., Activation]] = {
    "identity": identity,
    "relu": relu,
    "leaky_relu": leaky_relu,
    "abrelu": abrelu,
    "abs": abs_,
    "step": step,
    "sign": sign,
    "rectified_monomial": rectified_monomial,
    "monomial": monomial,
    "erf": erf,
    "sin": sin,
    "cos": cos,
    "exp": exp,
    "gaussian": gaussian,
    "gelu": gelu,
    "tanh": tanh,
    "softplus": softplus,
    "swish": swish,
}


def get_activation(name: str | Activation, **params: Any) -> Activation:
    """The activation called ``name``, built with ``params`` (e.g. ``slope=0.1``, ``k=2``).

    Raises SymntkError for an unknown name (listing the known ones) or unknown or invalid parameters.
    """
    if isinstance(name, Activation):
        if params:
            raise SymntkError("parameters are given with an activation name, not with an Activation")
        return name
    factory = ACTIVATIONS.get(str(name).strip().lower().replace("-", "_"))
    if factory is None:
        raise SymntkError(f"unknown activation {name!r}; known: {', '.join(sorted(ACTIVATIONS))}")
    try:
        return _cached(factory, tuple(sorted(params.items(), key=lambda kv: kv[0])))
    except TypeError:
        import inspect

        known = ", ".join(inspect.signature(factory).parameters) or "none"
        raise SymntkError(
            f"activation {name!r} does not take parameters {', '.join(sorted(params))} (it takes: {known})"
        ) from None


@cache
def _cached_build(factory: Callable[..., Activation], items: tuple[tuple[str, Any], ...]) -> Activation:
    return factory(**dict(items))


def _cached(factory: Callable[..., Activation], items: tuple[tuple[str, Any], ...]) -> Activation:
    try:
        hash(items)
    except TypeError:
        return factory(**dict(items))
    return _cached_build(factory, items)


def activation_from_expr(
    expr: sp.Expr, z: sp.Symbol, name: str = "custom", kinks: tuple[Any, ...] | None = None
) -> Activation:
    """An activation from a SymPy expression of the symbol ``z`` (never from text).

    Its dual kernels come from Gaussian quadrature. Kinks default to the zeros of the (linear) arguments of
    Abs, Max, Min, Heaviside and sign found in the expression; pass ``kinks`` to override.
    """
    if not isinstance(expr, sp.Expr) or not isinstance(z, sp.Symbol):
        raise SymntkError("a custom activation is a SymPy expression of one SymPy symbol")
    free = expr.free_symbols - {z}
    if free:
        raise SymntkError(f"activation expression has free symbols besides {z}: {sorted(map(str, free))}")
    sigma = expr.subs(z, Z)
    if kinks is None:
        found: set[sp.Expr] = set()
        for node in sp.preorder_traversal(sigma):
            if isinstance(node, sp.Max | sp.Min):
                args = tuple(a - b for i, a in enumerate(node.args) for b in node.args[i + 1 :])
            elif isinstance(node, sp.Abs | sp.Heaviside | sp.sign):
                args = node.args[:1]
            else:
                continue
            for arg in args:
                if arg.is_polynomial(Z) and sp.Poly(arg, Z).degree() == 1:
                    found.update(r for r in sp.solve(arg, Z) if r.is_real)
        kinks_t = tuple(sorted(found, key=float))
    else:
        kinks_t = tuple(sp.nsimplify(k) for k in kinks)
    deriv = sp.diff(sigma, Z).replace(sp.DiracDelta, lambda *a: sp.Integer(0))
    return Activation(name=name, sigma=sigma, sigma_dot=deriv, kinks=kinks_t, references=(), dual=None)


def activation_from_callable(
    f: Callable[[Any], Any],
    derivative: Callable[[Any], Any] | None = None,
    name: str = "custom",
    kinks: tuple[float, ...] = (),
) -> Activation:
    """An activation from a Python callable σ (called with mpmath numbers, or floats, one at a time).

    Without ``derivative``, σ̇ is computed by mpmath's numerical differentiation at the working precision.
    Its dual kernels come from Gaussian quadrature.
    """
    if not callable(f) or (derivative is not None and not callable(derivative)):
        raise SymntkError("a custom activation needs a callable σ (and optionally a callable σ̇)")

    def df(x: Any) -> Any:
        if derivative is not None:
            return derivative(x)
        return mpmath.diff(f, mpmath.mpf(x))

    def mp_f(x: Any) -> Any:
        return mpmath.mpf(f(x))

    def mp_df(x: Any) -> Any:
        return mpmath.mpf(df(x))

    fn = sp.Function(name)
    return Activation(
        name=name,
        sigma=fn(Z),
        sigma_dot=sp.Derivative(fn(Z), Z),
        kinks=tuple(sp.nsimplify(k) for k in kinks),
        references=(),
        dual=None,
        callables=(f, df, mp_f, mp_df),
    )
