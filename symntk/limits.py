"""The infinite-width kernels Σ, Σ̇ and Θ: exact (SymPy), float64 (NumPy) and any precision (mpmath).

The recursions of Proposition 1 and Theorem 1 (seed 000, sections "Proposition 1" and "Theorem 1"; seed 001,
slides 15 to 19; seed 002; Jacot et al. 2018, arXiv:1806.07572), in the NTK parametrization of NOTATION.md,
for inputs x, x′ ∈ ℝ^{n₀} and depth L (the number of affine layers):

    Σ^{(1)}(x, x′) = x·x′/n₀ + β²,
    Σ^{(ℓ+1)}(x, x′) = E[σ(u)σ(v)] + β²,   Σ̇^{(ℓ+1)}(x, x′) = E[σ̇(u)σ̇(v)],
    Θ^{(1)} = Σ^{(1)},   Θ^{(ℓ+1)} = Θ^{(ℓ)} Σ̇^{(ℓ+1)} + Σ^{(ℓ+1)},

with (u, v) ~ N(0, [[Σ^{(ℓ)}(x,x), Σ^{(ℓ)}(x,x′)], [Σ^{(ℓ)}(x,x′), Σ^{(ℓ)}(x′,x′)]]). :func:`kernels` returns
(Σ^{(L)}, Θ^{(L)}) — neural-tangents' ``nngp`` and ``ntk`` — for all pairs of two sets of inputs;
:func:`symbolic_kernels` gives the same as SymPy expressions.

Accuracy in float64: the determinant, carried through the layers
----------------------------------------------------------------
The arc-cosine kernels depend on the angle θ = arccos(Σ₁₂/√(Σ₁₁Σ₂₂)), and arccos loses half the digits near
ρ = ±1 (an error ε in ρ = 1 − θ²/2 is an error √ε in θ). The float64 recursion therefore carries, with each
covariance, its determinant Δ = Σ₁₁Σ₂₂ − Σ₁₂², computed without cancellation, and takes the angle as
θ = atan2(√Δ, Σ₁₂) (and π − θ = atan2(√Δ, −Σ₁₂)):

* first layer: Δ^{(1)} = det(G)/n₀² + β²|x − x′|²/n₀ with G the Gram matrix of (x, x′), where
  det G = |x|²|r|², r = x′ − t x (t = x·x′/|x|²) the component of x′ orthogonal to x, computed with an
  error-free product (Dekker's TwoProduct); |r|² − (x·r)²/|x|² removes the part of r along x that a
  rounded t leaves (Pythagoras), and |x − x′|² is summed from the differences themselves;
* next layers: with K = E[σσ] the 2×2 covariance of (σ(u), σ(v)), det(K + β² 11ᵀ) = det K + β²E[(σ(u) −
  σ(v))²], a sum of non-negative terms. For σ(z) = p·z₊ᵏ + m·z₋ᵏ, with a = √Σ₁₁, b = √Σ₂₂ and the angular
  part F(θ) of :class:`~symntk.activations.ArcCosineDual`: det K = (ab)^{2k}·g·(2F(0) − g)/(2π)² and
  E[(σ(u) − σ(v))²] = F(0)(aᵏ − bᵏ)²/(2π) + 2(ab)ᵏ g/(2π), where the gap g = F(0) − F(θ) is evaluated by
  a Taylor series (derived with SymPy) for small angles, where the closed form cancels;
* smooth dual kernels (erf, sin, cos, exp, Gaussian, monomials, identity) are analytic in Σ₁₂ and need
  no angle; their stable forms (:class:`~symntk.activations.SmoothDual`) use Δ where the textbook form
  would cancel (erf: 1 + 2Σ₁₁ + 2Σ₂₂ + 4Δ for (1 + 2Σ₁₁)(1 + 2Σ₂₂) − 4Σ₁₂²).

The zero-variance convention: a pre-activation of variance 0 (a zero input with β = 0) is the constant 0,
independent of everything, so its angle with any pre-activation (itself included) is taken as θ = π/2
(Σ₁₂ = 0: u and v uncorrelated). Then E[σ(u)σ(v)] = σ(0)E[σ(v)] comes out right for every activation,
including the step and the sign, whose value at 0 is the midpoint of the jump (½ and 0).

Where Σ^{(1)} = x·x′/n₀ + β² cancels (nearly orthogonal inputs, x·x′/n₀ ≈ −β²) it is computed with a
compensated dot product (Ogita, Rump and Oishi's Dot2); near θ = π/2 the angular part F is evaluated from
its expansion in ψ = π/2 − θ = atan2(Σ₁₂, √Δ), so that an odd σ (sign) keeps its relative accuracy at
orthogonal inputs. Where a deeper Σ^{(ℓ)} = E[σσ] + β² itself cancels (E[σσ] ≈ −β²) the error is
absolute, about 10⁻¹⁶·√(Σ₁₁Σ₂₂), as for any float64 computation of a quantity that cancels.

Arbitrary precision
-------------------
With ``dps`` given, the recursion runs in mpmath at raised precision on the textbook closed forms (or the
quadrature of :mod:`symntk.gaussian`), twice, at two working precisions; it is repeated with more digits
until the two agree to ``dps`` + 3 digits in every entry, and only then are the entries rounded to ``dps``
significant digits.

The standard parametrization
----------------------------
In the standard parametrization α̃^{(ℓ+1)} = W̃^{(ℓ)}α^{(ℓ)} + b̃^{(ℓ)}, W̃ = n_ℓ^{−1/2}W, b̃ = βb (NOTATION.md;
seed 001, slide 12) the network and Σ are the same, but the tangent kernel of plain gradient descent on
(W̃, b̃) is Σ_p (∂f/∂θ̃_p)² = Σ_p λ_p^{−2}(∂f/∂θ_p)² with λ_p the scale of each parameter. Layer ℓ's
weights contribute n_ℓ·E[σσ]·Π_{j>ℓ+1}Σ̇^{(j)} and its biases 1·Π_{j>ℓ+1}Σ̇^{(j)}, so

    Θ_std^{(1)} = x·x′ + 𝟙[β > 0],   Θ_std^{(ℓ+1)} = Θ_std^{(ℓ)} Σ̇^{(ℓ+1)} + n_ℓ (Σ^{(ℓ+1)} − β²) + 𝟙[β > 0],

which depends on the hidden widths n₁ … n_{L−1} (``widths``), as in neural-tangents' ``parameterization=
'standard'``. With the per-layer learning rates η̃_p = λ_p² η of seed 001, slide 29 (η/n_ℓ for the
weights, β²η for the biases) gradient descent in the standard parametrization sees exactly Θ^{(L)}, the
NTK-parametrization kernel (``parametrization="ntk"``).

>>> nngp, ntk = kernels([[1.0, 0.0]], [[0.0, 1.0]], activation="relu", depth=2)
>>> float(nngp[0, 0]) == 1 / (4 * math.pi)   # Σ^{(1)} = 0 off the diagonal, θ = π/2, (1/2)(1/2π)
True
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from typing import Any, NamedTuple

import mpmath
import numpy as np
import sympy as sp

from ._errors import SymntkError
from .activations import (
    DELTA,
    Q1,
    Q2,
    THETA,
    Activation,
    ArcCosineDual,
    C,
    SmoothDual,
    arccos_j,
    get_activation,
)

__all__ = [
    "KernelPair",
    "SymbolicKernels",
    "dual_kernels",
    "kernels",
    "symbolic_kernels",
]

PARAMETRIZATIONS = ("ntk", "standard")
MIN_DPS, MAX_DPS = 1, 500
MAX_DEPTH = 1000


class KernelPair(NamedTuple):
    """Σ^{(L)} (neural-tangents' ``nngp``) and Θ^{(L)} (its ``ntk``), each N₁×N₂."""

    nngp: Any
    ntk: Any


# ---------------------------------------------------------------------------------------------------------
# input checking


def _check_depth(depth: Any) -> int:
    if isinstance(depth, bool) or not isinstance(depth, int | np.integer):
        raise SymntkError(f"depth must be an integer ≥ 1 (the number of affine layers), got {depth!r}")
    if not 1 <= int(depth) <= MAX_DEPTH:
        raise SymntkError(f"depth must be from 1 to {MAX_DEPTH} (the number of affine layers), got {depth}")
    return int(depth)


def _exact_number(name: str, value: Any) -> Fraction:
    """An exact rational from an int, a float (its binary value), a Fraction, an mpf or a decimal string."""
    try:
        if isinstance(value, bool):
            raise TypeError
        if isinstance(value, mpmath.mpf):
            if not mpmath.isfinite(value):
                raise ValueError
            # mpf.man_exp is the magnitude only (mpf(-1).man_exp == (1, 0)); to_rational keeps the sign.
            p, q = mpmath.libmp.to_rational(value._mpf_)
            return Fraction(int(p), int(q))
        if isinstance(value, str):
            text = value.strip()
            if text.lower().lstrip("+-") in ("nan", "inf", "infinity"):
                raise ValueError
            return Fraction(text)
        if isinstance(value, float | np.floating):
            if not math.isfinite(float(value)):
                raise ValueError
            return Fraction(float(value))
        if isinstance(value, int | np.integer | Fraction):
            return Fraction(value) if isinstance(value, Fraction) else Fraction(int(value))
        if isinstance(value, sp.Basic) and value.is_Rational:
            return Fraction(int(value.p), int(value.q))
        if isinstance(value, sp.Float):
            # the Float's exact binary value at its own precision, not its nearest float64
            exact = sp.Rational(value)
            return Fraction(int(exact.p), int(exact.q))
    except (ValueError, TypeError, ZeroDivisionError, OverflowError):
        pass
    raise SymntkError(f"{name} must be a finite real number, got {value!r}")


def _check_beta(beta: Any) -> Fraction:
    b = _exact_number("beta", beta)
    if b < 0:
        raise SymntkError(f"beta (the bias scale) must be ≥ 0, got {beta}")
    return b


def _check_dps(dps: Any) -> int | None:
    if dps is None:
        return None
    if isinstance(dps, bool) or not isinstance(dps, int | np.integer) or not MIN_DPS <= int(dps) <= MAX_DPS:
        raise SymntkError(f"dps (significant digits) must be an integer {MIN_DPS}…{MAX_DPS}, got {dps!r}")
    return int(dps)


_NUMBER_TYPES = (int, float, str, Fraction, np.number, mpmath.mpf)


def _rows(x: Any, name: str) -> list[list[Any]]:
    """The inputs as a list of rows (one input vector each); a flat list of numbers is one input."""
    if isinstance(x, np.ndarray):
        x = x.tolist()
    if isinstance(x, str | bytes) or not isinstance(x, Sequence | mpmath.matrix):
        raise SymntkError(f"{name} must be a list of input vectors, got {type(x).__name__}")
    if isinstance(x, mpmath.matrix):
        x = [[x[i, j] for j in range(x.cols)] for i in range(x.rows)]
    rows = list(x)
    if not rows:
        raise SymntkError(f"{name} has no input vectors")
    if all(not isinstance(r, Sequence | np.ndarray) or isinstance(r, str) for r in rows):
        rows = [rows]
    out = []
    for i, r in enumerate(rows):
        if isinstance(r, str) or not isinstance(r, Sequence | np.ndarray):
            raise SymntkError(f"{name}[{i}] is not an input vector (a list of numbers)")
        out.append(list(r))
    dims = {len(r) for r in out}
    if len(dims) != 1:
        raise SymntkError(f"{name} is ragged: its input vectors have lengths {sorted(dims)}")
    if 0 in dims:
        raise SymntkError(f"{name} has empty input vectors")
    for i, r in enumerate(out):
        for j, v in enumerate(r):
            if isinstance(v, bool) or not isinstance(v, _NUMBER_TYPES):
                raise SymntkError(f"{name}[{i}][{j}] must be a number, got {v!r}")
            if isinstance(v, float | np.floating) and not math.isfinite(float(v)):
                raise SymntkError(f"{name}[{i}][{j}] is {v}: inputs must be finite")
    return out


def _inputs(x1: Any, x2: Any) -> tuple[list[list[Any]], list[list[Any]]]:
    r1 = _rows(x1, "x1")
    r2 = r1 if x2 is None else _rows(x2, "x2")
    if len(r1[0]) != len(r2[0]):
        raise SymntkError(f"x1 and x2 have different input dimensions ({len(r1[0])} and {len(r2[0])})")
    return r1, r2


def _float_array(rows: list[list[Any]], name: str) -> np.ndarray:
    try:
        a = np.array(
            [[float(_exact_number(name, v)) if isinstance(v, str) else float(v) for v in r] for r in rows],
            dtype=float,
        )
    except (OverflowError, ValueError):
        raise SymntkError(f"{name} has entries that are not finite float64 numbers") from None
    if not np.all(np.isfinite(a)):
        raise SymntkError(f"{name} has entries that are NaN or infinite")
    if np.max(np.abs(a)) > 1e150:
        raise SymntkError(f"{name} has entries beyond 1e150 in magnitude; rescale the inputs")
    return a


def _check_widths(parametrization: str, widths: Any, depth: int) -> tuple[int, ...] | None:
    if parametrization not in PARAMETRIZATIONS:
        raise SymntkError(f"unknown parametrization {parametrization!r}; known: ntk, standard")
    if parametrization == "ntk":
        if widths is not None:
            raise SymntkError("widths are used by the standard parametrization only (the NTK limit has none)")
        return None
    if widths is None:
        widths = ()
    if isinstance(widths, int):
        widths = (widths,) * (depth - 1)
    ws = tuple(widths)
    if len(ws) != depth - 1 or any(isinstance(w, bool) or not isinstance(w, int) or w < 1 for w in ws):
        raise SymntkError(
            f"the standard parametrization needs the {depth - 1} hidden widths n_1 … n_{depth - 1} "
            f"as positive integers, got {widths!r}"
        )
    return ws


# ---------------------------------------------------------------------------------------------------------
# float64: error-free products, the first layer


def _split(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    c = 134217729.0 * a  # 2**27 + 1 (Veltkamp)
    hi = c - (c - a)
    return hi, a - hi


def _two_product(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """p, e with p = fl(a·b) and p + e = a·b exactly (Dekker 1971)."""
    p = a * b
    ah, al = _split(a)
    bh, bl = _split(b)
    return p, ((ah * bh - p) + ah * bl + al * bh) + al * bl


def _two_sum(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """s, e with s = fl(a + b) and s + e = a + b exactly (Knuth)."""
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def _dot2_pairs(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """x[i]·y[i] as an unevaluated sum hi + lo, as if computed in twice the precision (Ogita, Rump and
    Oishi 2005, Dot2), for pairs whose dot product cancels."""
    p, s = _two_product(x[:, 0], y[:, 0])
    for i in range(1, x.shape[1]):
        h, r = _two_product(x[:, i], y[:, i])
        p, q = _two_sum(p, h)
        s = s + (q + r)
    return _two_sum(p, s)


def _covariance_pairs(x: np.ndarray, y: np.ndarray, b2: float, beta: float) -> np.ndarray:
    """x·y/n₀ + β², accurate to a few ulps of the result even when the two terms cancel."""
    n0 = x.shape[1]
    hi, lo = _dot2_pairs(x, y)
    t = hi / n0
    p, e = _two_product(t, np.full_like(t, float(n0)))
    t_lo = (((hi - p) - e) + lo) / n0  # (hi + lo)/n₀ = t + t_lo up to ε² relative
    b2_hi, b2_lo = _two_product(np.full_like(t, beta), np.full_like(t, beta))
    c_hi, c_lo = _two_sum(t, b2_hi)
    return c_hi + (c_lo + t_lo + b2_lo)


_CHUNK = 1 << 20


def _gram_det_pairs(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """|x|²|y|² − (x·y)² for rows x[i], y[i], accurate to a few ulps even when the angle is tiny."""
    out = np.empty(len(x))
    step = max(1, _CHUNK // x.shape[1])
    for s in range(0, len(x), step):
        xs, ys = x[s : s + step], y[s : s + step]
        nx = np.einsum("ij,ij->i", xs, xs)
        safe = np.where(nx > 0, nx, 1.0)
        t = np.einsum("ij,ij->i", xs, ys) / safe
        p, e = _two_product(t[:, None], xs)
        r = (ys - p) - e
        along = np.einsum("ij,ij->i", xs, r)
        out[s : s + step] = np.where(nx > 0, nx * np.einsum("ij,ij->i", r, r) - along * along, 0.0)
    return np.maximum(out, 0.0)


def _distance2_pairs(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    out = np.empty(len(x))
    step = max(1, _CHUNK // x.shape[1])
    for s in range(0, len(x), step):
        diff = x[s : s + step] - y[s : s + step]
        out[s : s + step] = np.einsum("ij,ij->i", diff, diff)
    return out


@dataclass
class _State:
    """Σ₁₁ (per row input), Σ₂₂ (per column input), Σ₁₂ and Δ = Σ₁₁Σ₂₂ − Σ₁₂² (per pair)."""

    q1: Any
    q2: Any
    c: Any
    d: Any


def _first_layer_float(x1: np.ndarray, x2: np.ndarray, beta: float) -> _State:
    n0 = x1.shape[1]
    b2 = beta * beta
    n1 = np.einsum("ij,ij->i", x1, x1)
    n2 = np.einsum("ij,ij->i", x2, x2)
    g = x1 @ x2.T
    outer = np.outer(n1, n2)
    det_g = np.maximum(outer - g * g, 0.0)
    dist2 = np.maximum(n1[:, None] + n2[None, :] - 2.0 * g, 0.0)
    rows, cols = np.nonzero(det_g < outer / 16)  # small angles (sin θ < 1/4): the naive determinant cancels
    if rows.size:
        det_g[rows, cols] = _gram_det_pairs(x1[rows], x2[cols])
    if b2 > 0:
        rows, cols = np.nonzero(dist2 < 0.25 * (n1[:, None] + n2[None, :]))
        if rows.size:
            dist2[rows, cols] = _distance2_pairs(x1[rows], x2[cols])
    q1, q2, c = n1 / n0 + b2, n2 / n0 + b2, g / n0 + b2
    rows, cols = np.nonzero(np.abs(c) < np.sqrt(np.outer(q1, q2)) / 16)  # Σ₁₂ cancels: compensate
    if rows.size:
        c[rows, cols] = _covariance_pairs(x1[rows], x2[cols], b2, beta)
    return _State(q1, q2, c, det_g / n0**2 + b2 * dist2 / n0)


# ---------------------------------------------------------------------------------------------------------
# float64: one layer of the recursion for each kind of activation


class _LayerOutput(NamedTuple):
    k11: Any  # E[σ(u)²] per row input
    k22: Any  # E[σ(v)²] per column input
    k12: Any  # E[σ(u)σ(v)] per pair
    det: Any  # det of [[k11, k12], [k12, k22]], without cancellation where it matters
    dist: Any  # E[(σ(u) − σ(v))²] = k11 + k22 − 2 k12, likewise
    sigma_dot: Any  # E[σ̇(u)σ̇(v)] per pair


_SERIES_BELOW = 1.0  # angles below which J_k(π − t) and J_k(0) − J_k(t) come from their Taylor series


class _Angular:
    """J_k(θ) for float64 arrays given θ, π − θ, cos θ and sin θ, with the small-angle series.

    J_k(θ) = A(cos θ, sin θ) + (π − θ)·B(cos θ, sin θ) (Cho and Saul's closed form, expand_trig'ed); for
    θ ≤ π/2 every term is non-negative. Near θ = π, J_k(θ) = H(π − θ) with H(t) = J_k(π − t) = O(t^{2k+1}),
    and near θ = 0 the gap G(θ) = J_k(0) − J_k(θ) = O(θ²): both come from Taylor polynomials there.
    """

    def __init__(self, k: int) -> None:
        cs, sn, tb = sp.symbols("cs sn tb", real=True)
        j = arccos_j(k)
        jt = sp.expand(sp.expand_trig(j)).subs({sp.cos(THETA): cs, sp.sin(THETA): sn})
        b = -jt.coeff(THETA, 1)
        a = sp.expand(jt.coeff(THETA, 0) - sp.pi * b)
        self.a, self.b = a, b  # J_k = a(cos θ, sin θ) + (π − θ)·b(cos θ, sin θ), in the symbols cs, sn
        self.direct = sp.lambdify((cs, sn, tb), a + tb * b, modules="numpy")
        self.direct_mp = sp.lambdify((cs, sn, tb), a + tb * b, modules="mpmath")
        self.j0 = float(j.subs(THETA, 0))
        order = 2 * k + 44
        t = THETA
        self.g_series = _Series(sp.series(j.subs(t, 0) - j, t, 0, order).removeO(), order)
        self.h_series = _Series(sp.series(j.subs(t, sp.pi - t), t, 0, order).removeO(), order)

    def j(self, theta: np.ndarray, theta_bar: np.ndarray, cs: np.ndarray, sn: np.ndarray) -> np.ndarray:
        out = np.asarray(self.direct(cs, sn, theta_bar), dtype=float) * np.ones_like(theta)
        small = theta_bar < _SERIES_BELOW
        if np.any(small):
            out[small] = self.h_series(theta_bar[small])
        return out

    def gap(self, theta: np.ndarray, j_theta: np.ndarray) -> np.ndarray:
        out = self.j0 - j_theta
        small = theta < _SERIES_BELOW
        if np.any(small):
            out[small] = self.g_series(theta[small])
        return out


class _Series:
    """A Taylor polynomial Σ cₙ tⁿ of a function positive on (0, 1], evaluated by Horner's rule with no
    more terms than the largest t needs: the degree for t ≤ 2^{−i} is the least that leaves a tail below
    10⁻¹⁸ of the value there (the coefficients fall like 1/n!, so few terms suffice for small angles)."""

    def __init__(self, poly: sp.Expr, order: int) -> None:
        self.coef = [float(poly.coeff(THETA, n)) for n in range(order)]
        self.table: list[tuple[float, int]] = []
        for i in range(40):
            t = 2.0**-i
            terms = [abs(c) * t**n for n, c in enumerate(self.coef)]
            value = abs(sum(c * t**n for n, c in enumerate(self.coef)))
            degree = order
            while degree > 1 and sum(terms[degree - 1 :]) <= 1e-18 * value:
                degree -= 1
            self.table.append((t, degree))

    def __call__(self, t: np.ndarray) -> np.ndarray:
        largest = float(np.max(t))
        degree = len(self.coef)
        for bound, d in self.table:
            if largest <= bound:
                degree = d
            else:
                break
        out = np.full_like(t, self.coef[degree - 1])
        for c in reversed(self.coef[: degree - 1]):
            out = out * t + c
        return out


@cache
def _angular(k: int) -> _Angular:
    return _Angular(k)


class _HomogeneousFloat:
    """E[σσ] and E[σ̇σ̇] for σ(z) = p·z₊ᵏ + m·z₋ᵏ from the angle, as described in the module docstring."""

    def __init__(self, dual: ArcCosineDual) -> None:
        self.k, self.p, self.m = dual.k, float(dual.p), float(dual.m)
        self.ang = _angular(self.k)
        self.f0 = (self.p**2 + self.m**2) * self.ang.j0
        self.f_half = (self.p + self.m) ** 2 * arccos_half(self.k)  # F(π/2) = (p + m)² J_k(π/2)
        deriv = dual.derivative
        self.deriv = None if deriv is None else _HomogeneousFloat(deriv)
        # near θ = π/2, with ψ = π/2 − θ = atan2(Σ₁₂, √Δ): F expanded symbolically, so that terms that
        # cancel exactly (odd σ: F(π/2) = 0) are gone before any rounding
        cs, sn, psi = sp.symbols("cs sn tb", real=True)
        a, b = self.ang.a, self.ang.b
        mid = (dual.p**2 + dual.m**2) * (a + (sp.pi / 2 + psi) * b) + 2 * dual.p * dual.m * (
            a.subs(cs, -cs) + (sp.pi / 2 - psi) * b.subs(cs, -cs)
        )
        self.mid = sp.lambdify((cs, sn, psi), sp.expand(mid), modules="numpy")

    def angular(
        self,
        th: np.ndarray,
        tb: np.ndarray,
        cs: np.ndarray,
        sn: np.ndarray,
        psi: np.ndarray,
        gaps: bool = True,
    ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
        """F(θ), the gap F(0) − F(θ) and the co-gap F(0) + F(θ), each without cancellation.

        With G(t) = J(0) − J(t) (small for small t) and J(π − t) small for small t:
        F(0) − F(θ) = (p² + m²)G(θ) − 2pm J(π − θ) = (p − m)²J(0) − (p² + m²)J(θ) + 2pm G(π − θ),
        F(0) + F(θ) = (p² + m²)(J(0) + J(θ)) + 2pm J(π − θ) = (p + m)²J(0) + (p² + m²)J(θ) − 2pm G(π − θ);
        the first form of each is used for θ ≤ π/2, the second for θ > π/2.
        """
        j_th = self.ang.j(th, tb, cs, sn)
        j_tb = self.ang.j(tb, th, -cs, sn)
        ss, pm, j0 = self.p**2 + self.m**2, self.p * self.m, self.ang.j0
        f = ss * j_th + 2.0 * pm * j_tb
        middle = np.abs(psi) < 0.5
        if np.any(middle):
            cs_m, sn_m, psi_m = cs[middle], sn[middle], psi[middle]
            f[middle] = np.asarray(self.mid(cs_m, sn_m, psi_m), dtype=float) * np.ones_like(psi_m)
        if not gaps:
            return f, None, None
        low = th <= math.pi / 2
        g_th = self.ang.gap(th, j_th)
        g_tb = self.ang.gap(tb, j_tb)
        gap = np.where(
            low, ss * g_th - 2.0 * pm * j_tb, (self.p - self.m) ** 2 * j0 - ss * j_th + 2.0 * pm * g_tb
        )
        cogap = np.where(
            low, ss * (j0 + j_th) + 2.0 * pm * j_tb, (self.p + self.m) ** 2 * j0 + ss * j_th - 2.0 * pm * g_tb
        )
        return f, gap, cogap

    def layer(self, s: _State) -> _LayerOutput:
        k = self.k
        a = np.sqrt(s.q1)[:, None]
        b = np.sqrt(s.q2)[None, :]
        ab = a * b
        zero = ab == 0
        root = np.sqrt(s.d)
        th, tb, psi = np.arctan2(root, s.c), np.arctan2(root, -s.c), np.arctan2(s.c, root)
        if np.any(zero):  # the zero-variance convention: θ = π/2
            safe = np.where(zero, 1.0, ab)
            th, tb, psi = (
                np.where(zero, math.pi / 2, th),
                np.where(zero, math.pi / 2, tb),
                np.where(zero, 0.0, psi),
            )
            cs, sn = np.where(zero, 0.0, s.c / safe), np.where(zero, 1.0, root / safe)
        else:
            cs, sn = s.c / ab, root / ab
        f, gap, cogap = self.angular(th, tb, cs, sn, psi)
        assert gap is not None and cogap is not None
        two_pi = 2.0 * math.pi
        abk = ab**k
        k12 = abk * f / two_pi
        diag = self.f0 / two_pi
        if k == 0:
            k11 = np.where(s.q1 == 0, self.f_half / two_pi, diag)
            k22 = np.where(s.q2 == 0, self.f_half / two_pi, diag)
            det = gap * cogap / two_pi**2
            dist = 2.0 * gap / two_pi
            if np.any(zero):  # a point mass: no cancellation to avoid, use the definitions
                kk11, kk22 = k11[:, None] * np.ones_like(k12), k22[None, :] * np.ones_like(k12)
                det = np.where(zero, kk11 * kk22 - k12 * k12, det)
                dist = np.where(zero, kk11 + kk22 - 2.0 * k12, dist)
        else:
            k11 = s.q1**k * diag
            k22 = s.q2**k * diag
            diff = _power_difference(a, b, k)
            det = abk * abk * gap * cogap / two_pi**2
            dist = self.f0 * diff * diff / two_pi + 2.0 * abk * gap / two_pi
        if self.deriv is None:
            sdot = np.zeros_like(k12)
        else:
            fd = self.deriv.angular(th, tb, cs, sn, psi, gaps=False)[0]
            sdot = ab ** (k - 1) * fd / two_pi
        return _LayerOutput(k11, k22, k12, np.maximum(det, 0.0), np.maximum(dist, 0.0), sdot)


def arccos_half(k: int) -> float:
    """J_k(π/2)."""
    return float(arccos_j(k).subs(THETA, sp.pi / 2))


def _power_difference(a: np.ndarray, b: np.ndarray, k: int) -> np.ndarray:
    """aᵏ − bᵏ for a, b ≥ 0 without cancellation: (a − b)·Σ aⁱ b^{k−1−i}, a − b = (a² − b²)/(a + b)."""
    a2, b2 = a * a, b * b
    s = a + b
    diff = np.where(s > 0, (a2 - b2) / np.where(s > 0, s, 1.0), 0.0)
    total = sum(a**i * b ** (k - 1 - i) for i in range(k))
    return diff * total


class _SmoothFloat:
    """E[σσ], E[σ̇σ̇] from the stable closed forms, functions of (Σ₁₁, Σ₂₂, Σ₁₂, Δ)."""

    def __init__(self, dual: SmoothDual) -> None:
        args = (Q1, Q2, C, DELTA)
        self.nngp = sp.lambdify(args, dual.nngp(stable=True), modules=["scipy", "numpy"])
        self.ntk = sp.lambdify(args, dual.ntk(stable=True), modules=["scipy", "numpy"])

    def layer(self, s: _State) -> _LayerOutput:
        q1, q2 = s.q1[:, None], s.q2[None, :]
        shape = s.c.shape
        k12 = np.broadcast_to(self.nngp(q1, q2, s.c, s.d), shape).astype(float)
        k11 = np.broadcast_to(self.nngp(s.q1, s.q1, s.q1, 0.0 * s.q1), s.q1.shape).astype(float)
        k22 = np.broadcast_to(self.nngp(s.q2, s.q2, s.q2, 0.0 * s.q2), s.q2.shape).astype(float)
        sdot = np.broadcast_to(self.ntk(q1, q2, s.c, s.d), shape).astype(float)
        return _generic_output(k11, k22, k12, sdot)


def _generic_output(k11: Any, k22: Any, k12: Any, sdot: Any) -> _LayerOutput:
    """Determinant and distance from the entries (absolute accuracy, enough where no angle is taken)."""
    a, b = k11[:, None], k22[None, :]
    det = a * b - k12 * k12
    dist = a + b - 2 * k12
    zero = 0 * det
    return _LayerOutput(k11, k22, k12, np.maximum(det, zero), np.maximum(dist, zero), sdot)


class _QuadratureFloat:
    """E[σσ], E[σ̇σ̇] by the float64 Gauss–Hermite rule of :mod:`symntk.gaussian`, at two orders.

    The rule converges like exp(−c√(order/variance)), so its order must grow with the variance: each
    expectation is taken at two orders (96 and 128, then doubled up to 512) until the two agree to 1e-14
    relative; otherwise the float64 path gives up with a :class:`SymntkError` (use ``dps``).
    """

    def __init__(self, act: Activation) -> None:
        self.act = act
        self.kinks = _float_kinks(act)

    def _expect(self, f: Callable[..., Any], *cov: Any) -> np.ndarray:
        from . import gaussian

        *entries, det = cov
        low, high = 96, 128
        coarse = np.asarray(
            gaussian.expectation_float64(f, f, *entries, det=det, kinks=self.kinks, order=low)
        )
        while True:
            fine = np.asarray(
                gaussian.expectation_float64(f, f, *entries, det=det, kinks=self.kinks, order=high)
            )
            scale = np.maximum(np.abs(fine), 1e-300)
            if np.all(np.abs(fine - coarse) <= 1e-14 * scale):
                return fine
            if high >= 512:
                raise SymntkError(
                    f"the float64 Gauss–Hermite rule does not converge for {self.act.name} at these variances"
                    " (up to 512 nodes); use dps for the high-precision quadrature"
                )
            coarse, high = fine, 2 * high

    def layer(self, s: _State) -> _LayerOutput:
        f, df = self.act.numpy, self.act.numpy_derivative
        q1, q2 = np.broadcast_arrays(s.q1[:, None], s.q2[None, :])
        k12 = self._expect(f, q1, q2, s.c, s.d)
        sdot = self._expect(df, q1, q2, s.c, s.d)
        k11 = self._expect(f, s.q1, s.q1, s.q1, 0.0 * s.q1)
        k22 = self._expect(f, s.q2, s.q2, s.q2, 0.0 * s.q2)
        return _generic_output(k11, k22, k12, sdot)


def _float_kinks(act: Activation) -> tuple[float, ...]:
    return tuple(float(k) for k in act.kinks)


def _float_layer(act: Activation) -> Callable[[_State], _LayerOutput]:
    if isinstance(act.dual, ArcCosineDual):
        return _HomogeneousFloat(act.dual).layer
    if isinstance(act.dual, SmoothDual):
        return _SmoothFloat(act.dual).layer
    return _QuadratureFloat(act).layer


# ---------------------------------------------------------------------------------------------------------
# the recursion, shared by the float64 and mpmath backends


def _recursion(
    state: _State,
    layer: Callable[[_State], _LayerOutput],
    depth: int,
    b2: Any,
    widths: tuple[int, ...] | None,
    n0: int,
    has_bias: bool,
    x_dot: Any,
) -> KernelPair:
    """Σ^{(L)} and Θ^{(L)} (NTK parametrization), or the standard Θ_std when ``widths`` is given."""
    bias = 1 if has_bias else 0
    ntk = state.c if widths is None else x_dot + bias
    for ell in range(1, depth):
        out = layer(state)
        state = _State(out.k11 + b2, out.k22 + b2, out.k12 + b2, out.det + b2 * out.dist)
        if widths is None:
            ntk = ntk * out.sigma_dot + state.c
        else:
            ntk = ntk * out.sigma_dot + widths[ell - 1] * out.k12 + bias
    return KernelPair(state.c, ntk)


def _kernels_float(
    r1: list[list[Any]],
    r2: list[list[Any]],
    act: Activation,
    depth: int,
    beta: Fraction,
    widths: tuple[int, ...] | None,
) -> KernelPair:
    x1, x2 = _float_array(r1, "x1"), _float_array(r2, "x2")
    b = float(beta)
    b2 = b * b
    with np.errstate(all="ignore"):  # overflow is reported below, as one error
        state = _first_layer_float(x1, x2, b)
        result = _recursion(
            state,
            _float_layer(act),
            depth,
            b2,
            widths,
            x1.shape[1],
            beta > 0,
            x1 @ x2.T if widths is not None else None,
        )
    nngp, ntk = np.asarray(result.nngp, dtype=float), np.asarray(result.ntk, dtype=float)
    if not (np.all(np.isfinite(nngp)) and np.all(np.isfinite(ntk))):
        raise SymntkError(
            f"the kernels of {act.name} overflow float64 at depth {depth} for these inputs (use dps)"
        )
    return KernelPair(nngp, ntk)


# ---------------------------------------------------------------------------------------------------------
# mpmath: the same recursion on object arrays of mpf, with precision checked by two working precisions


def _mp_rows(rows: list[list[Any]], name: str) -> np.ndarray:
    exact = [[_exact_number(name, v) for v in r] for r in rows]
    return np.array([[mpmath.mpf(v.numerator) / v.denominator for v in r] for r in exact], dtype=object)


def _first_layer_mp(x1: np.ndarray, x2: np.ndarray, b2: Any) -> tuple[_State, np.ndarray]:
    n0 = x1.shape[1]
    n1 = np.array([mpmath.fsum(v * v for v in r) for r in x1], dtype=object)
    n2 = np.array([mpmath.fsum(v * v for v in r) for r in x2], dtype=object)
    g = np.array([[mpmath.fdot(r, s) for s in x2] for r in x1], dtype=object)
    # Lagrange's identity: det G = Σ_{i<j} (x_i y_j − x_j y_i)², a sum of squares (exact for parallel inputs)
    det_g = np.array(
        [
            [
                mpmath.fsum((r[i] * s[j] - r[j] * s[i]) ** 2 for i in range(n0) for j in range(i + 1, n0))
                for s in x2
            ]
            for r in x1
        ],
        dtype=object,
    )
    dist2 = np.array(
        [[mpmath.fsum((u - v) ** 2 for u, v in zip(r, s, strict=True)) for s in x2] for r in x1], dtype=object
    )
    state = _State(n1 / n0 + b2, n2 / n0 + b2, g / n0 + b2, det_g / n0**2 + b2 * dist2 / n0)
    return state, g


class _HomogeneousMp:
    """E[σσ], E[σ̇σ̇] from Cho and Saul's closed form at the working precision.

    J_k(θ) = A(cos θ, sin θ) + (π − θ)·B(cos θ, sin θ) with cos θ = Σ₁₂/√(Σ₁₁Σ₂₂), sin θ = √(Δ/(Σ₁₁Σ₂₂)),
    so that parallel inputs (Δ = 0) give exact values.
    """

    def __init__(self, dual: ArcCosineDual) -> None:
        self.k = dual.k
        self.j = _angular(dual.k).direct_mp
        self.ss, self.pm = dual.p**2 + dual.m**2, dual.p * dual.m
        deriv = dual.derivative
        self.deriv = None if deriv is None else _HomogeneousMp(deriv)

    def angular(self, cs: Any, sn: Any, th: Any, tb: Any) -> Any:
        ss, pm = mpmath.mpf(sp.Rational(self.ss)), mpmath.mpf(sp.Rational(self.pm))
        return ss * self.j(cs, sn, tb) + 2 * pm * self.j(-cs, sn, th)

    def pair(self, q1: Any, q2: Any, c: Any, d: Any, dot: bool = True) -> tuple[Any, Any]:
        if q1 == 0 or q2 == 0:
            cs, sn, th, tb = mpmath.mpf(0), mpmath.mpf(1), mpmath.pi / 2, mpmath.pi / 2
            ab = mpmath.mpf(0)
        else:
            ab = mpmath.sqrt(q1 * q2)
            root = mpmath.sqrt(d) if d > 0 else mpmath.mpf(0)
            cs, sn = c / ab, root / ab
            th, tb = mpmath.atan2(root, c), mpmath.atan2(root, -c)
        k12 = ab**self.k * self.angular(cs, sn, th, tb) / (2 * mpmath.pi)
        if self.deriv is None:
            return k12, mpmath.mpf(0)
        return k12, ab ** (self.k - 1) * self.deriv.angular(cs, sn, th, tb) / (2 * mpmath.pi)


class _SmoothMp:
    def __init__(self, dual: SmoothDual) -> None:
        self.nngp = sp.lambdify((Q1, Q2, C), dual.nngp(), modules="mpmath")
        self.ntk = sp.lambdify((Q1, Q2, C), dual.ntk(), modules="mpmath")

    def pair(self, q1: Any, q2: Any, c: Any, d: Any, dot: bool = True) -> tuple[Any, Any]:
        return mpmath.mpf(self.nngp(q1, q2, c)), mpmath.mpf(self.ntk(q1, q2, c)) if dot else None


class _QuadratureMp:
    def __init__(self, act: Activation, dps: int) -> None:
        self.act, self.dps = act, dps

    def pair(self, q1: Any, q2: Any, c: Any, d: Any, dot: bool = True) -> tuple[Any, Any]:
        from . import gaussian

        kinks = list(self.act.kinks)
        f, df = self.act.mpmath, self.act.mpmath_derivative
        det = d if d > 0 else mpmath.mpf(0)
        e = gaussian.expectation(f, f, q1, q2, c, dps=self.dps, kinks=kinks, det=det).value
        if not dot:
            return e, None
        return e, gaussian.expectation(df, df, q1, q2, c, dps=self.dps, kinks=kinks, det=det).value


_MP_LIMIT = mpmath.mpf(10) ** 1000  # beyond this, e.g. exp of it, mpmath would exhaust memory


def _mp_layer(pair: Callable[..., tuple[Any, Any]]) -> Callable[[_State], _LayerOutput]:
    def layer(s: _State) -> _LayerOutput:
        if any(abs(v) > _MP_LIMIT for arr in (s.q1, s.q2) for v in arr.flat):
            raise SymntkError(
                "the kernels grow beyond 1e1000 before the last layer; use a smaller depth or inputs"
            )
        n1, n2 = len(s.q1), len(s.q2)
        k12 = np.empty((n1, n2), dtype=object)
        sdot = np.empty((n1, n2), dtype=object)
        for i in range(n1):
            for j in range(n2):
                k12[i, j], sdot[i, j] = pair(s.q1[i], s.q2[j], s.c[i, j], s.d[i, j])
        zero = mpmath.mpf(0)
        k11 = np.array([pair(q, q, q, zero, dot=False)[0] for q in s.q1], dtype=object)
        k22 = np.array([pair(q, q, q, zero, dot=False)[0] for q in s.q2], dtype=object)
        return _generic_output(k11, k22, k12, sdot)

    return layer


def _kernels_mp_at(
    r1: list[list[Any]],
    r2: list[list[Any]],
    act: Activation,
    depth: int,
    beta: Fraction,
    widths: tuple[int, ...] | None,
    work: int,
) -> KernelPair:
    with mpmath.workdps(work):
        b = mpmath.mpf(beta.numerator) / beta.denominator
        b2 = b * b
        x1, x2 = _mp_rows(r1, "x1"), _mp_rows(r2, "x2")
        state, g = _first_layer_mp(x1, x2, b2)
        if isinstance(act.dual, ArcCosineDual):
            pair = _HomogeneousMp(act.dual).pair
        elif isinstance(act.dual, SmoothDual):
            pair = _SmoothMp(act.dual).pair
        else:
            pair = _QuadratureMp(act, work).pair
        return _recursion(state, _mp_layer(pair), depth, b2, widths, x1.shape[1], beta > 0, g)


def _agree(a: np.ndarray, b: np.ndarray, digits: int) -> bool:
    tol = mpmath.mpf(10) ** (-digits)
    for u, v in zip(a.flat, b.flat, strict=True):
        if not (mpmath.isfinite(u) and mpmath.isfinite(v)):
            return False
        if abs(u - v) > tol * abs(v):
            return False
    return True


def _kernels_mp(
    r1: list[list[Any]],
    r2: list[list[Any]],
    act: Activation,
    depth: int,
    beta: Fraction,
    widths: tuple[int, ...] | None,
    dps: int,
) -> KernelPair:
    """The recursion at two working precisions, raised until every entry agrees to dps + 3 digits."""
    guard = 6
    low = _kernels_mp_at(r1, r2, act, depth, beta, widths, dps + guard)
    while True:
        high = _kernels_mp_at(r1, r2, act, depth, beta, widths, dps + 2 * guard)
        with mpmath.workdps(dps + 2 * guard):
            ok = _agree(low.nngp, high.nngp, dps + 3) and _agree(low.ntk, high.ntk, dps + 3)
        if ok:
            break
        if dps + 2 * guard > 4 * dps + 400:
            raise SymntkError(
                f"could not certify {dps} digits of the {act.name} kernels at {dps + 2 * guard} working "
                "digits (an entry cancels to zero?)"
            )
        guard, low = 2 * guard, high
    with mpmath.workdps(dps + 2 * guard):
        nngp = [[mpmath.nstr(v, dps, strip_zeros=False) for v in row] for row in high.nngp]
        ntk = [[mpmath.nstr(v, dps, strip_zeros=False) for v in row] for row in high.ntk]
    return KernelPair(_text_matrix(nngp, dps), _text_matrix(ntk, dps))


def _text_matrix(texts: list[list[str]], dps: int) -> mpmath.matrix:
    with mpmath.workdps(dps + 5):
        out = mpmath.matrix(len(texts), len(texts[0]))
        for i, row in enumerate(texts):
            for j, t in enumerate(row):
                out[i, j] = mpmath.mpf(t)
    return out


# ---------------------------------------------------------------------------------------------------------
# public API


def kernels(
    x1: Any,
    x2: Any = None,
    activation: str | Activation = "relu",
    depth: int = 2,
    beta: Any = 0.0,
    dps: int | None = None,
    parametrization: str = "ntk",
    widths: Any = None,
    **activation_params: Any,
) -> KernelPair:
    """Σ^{(L)} and Θ^{(L)} for every pair (x1[i], x2[j]): neural-tangents' ``nngp`` and ``ntk``.

    Args:
        x1, x2: input vectors, each a list (or N×n₀ array) of the same dimension n₀; ``x2`` defaults to
            ``x1``. Entries are numbers, or decimal strings (read exactly when ``dps`` is given).
        activation: a registry name (see :data:`symntk.activations.ACTIVATIONS`) or an Activation;
            ``activation_params`` are its parameters (``slope=0.1``, ``k=2``, …).
        depth: L, the number of affine layers (L = 1 is the linear model Σ^{(1)} = x·x′/n₀ + β²).
        beta: β ≥ 0, the bias scale.
        dps: None for float64 (NumPy arrays), or the significant digits of mpmath results (every digit
            returned is correct: see the module docstring).
        parametrization: ``"ntk"`` (NOTATION.md) or ``"standard"`` (then ``widths`` = the hidden widths
            n₁ … n_{L−1}, or one int for all, and Θ is the tangent kernel of plain gradient descent).

    Returns:
        KernelPair(nngp, ntk), N₁×N₂ NumPy float64 arrays or mpmath matrices.

    >>> k = kernels([[1, 0], [3, 4]], activation="erf", depth=3, beta=0.5, dps=20)
    >>> k.nngp[0, 1] == k.nngp[1, 0]
    True
    """
    depth = _check_depth(depth)
    b = _check_beta(beta)
    digits = _check_dps(dps)
    ws = _check_widths(parametrization, widths, depth)
    act = get_activation(activation, **activation_params)
    r1, r2 = _inputs(x1, x2)
    if digits is None:
        return _kernels_float(r1, r2, act, depth, b, ws)
    return _kernels_mp(r1, r2, act, depth, b, ws, digits)


def dual_kernels(
    activation: str | Activation,
    s11: Any,
    s22: Any,
    s12: Any,
    dps: int | None = None,
    **activation_params: Any,
) -> tuple[Any, Any]:
    """E[σ(u)σ(v)] and E[σ̇(u)σ̇(v)] at one covariance [[s11, s12], [s12, s22]] (one layer, β = 0).

    Closed forms where the activation has them (textbook form; in float64 the stable form), quadrature
    (:mod:`symntk.gaussian`) otherwise.
    """
    act = get_activation(activation, **activation_params)
    q1, q2, c = (_exact_number(n, v) for n, v in (("s11", s11), ("s22", s22), ("s12", s12)))
    if q1 < 0 or q2 < 0 or c * c > q1 * q2:
        raise SymntkError(f"[[{s11}, {s12}], [{s12}, {s22}]] is not a covariance matrix")
    digits = _check_dps(dps)
    d = q1 * q2 - c * c
    if digits is None:
        state = _State(
            np.array([float(q1)]), np.array([float(q2)]), np.array([[float(c)]]), np.array([[float(d)]])
        )
        out = _float_layer(act)(state)
        return float(out.k12[0, 0]), float(out.sigma_dot[0, 0])
    with mpmath.workdps(2 * digits + 20):

        def mpf(v: Fraction) -> Any:
            return mpmath.mpf(v.numerator) / v.denominator

        if isinstance(act.dual, ArcCosineDual):
            pair = _HomogeneousMp(act.dual).pair
        elif isinstance(act.dual, SmoothDual):
            pair = _SmoothMp(act.dual).pair
        else:
            pair = _QuadratureMp(act, digits + 5).pair
        e, ed = pair(mpf(q1), mpf(q2), mpf(c), mpf(d))
    with mpmath.workdps(digits):
        return +e, +ed


class SymbolicKernels(NamedTuple):
    """Σ^{(L)}, Σ̇^{(L)} and Θ^{(L)} as SymPy expressions of x·x′, |x|², |x′|², n₀ and β."""

    nngp: sp.Expr
    sigma_dot: sp.Expr
    ntk: sp.Expr

    def _repr_latex_(self) -> str:
        """Σ^{(L)}, Σ̇^{(L)} and Θ^{(L)} typeset for notebooks (x·x′, |x|², |x′|² for ``xy``, ``xx``,
        ``yy``)."""
        from .report.markdown import latex_equations

        names = {XY: r"x \cdot x'", XX: r"\|x\|^{2}", YY: r"\|x'\|^{2}"}
        rows = [(r"\Sigma^{(L)}", self.nngp), (r"\dot{\Sigma}^{(L)}", self.sigma_dot)]
        return latex_equations([*rows, (r"\Theta^{(L)}", self.ntk)], symbol_names=names)


#: The symbols of :func:`symbolic_kernels`: x·x′, |x|², |x′|², n₀, β.
XY, XX, YY = sp.Symbol("xy", real=True), sp.Symbol("xx", nonnegative=True), sp.Symbol("yy", nonnegative=True)
N0 = sp.Symbol("n_0", positive=True, integer=True)
BETA = sp.Symbol("beta", nonnegative=True)


def symbolic_kernels(
    activation: str | Activation = "relu",
    depth: int = 2,
    beta: Any = None,
    parametrization: str = "ntk",
    widths: Sequence[Any] | None = None,
    **activation_params: Any,
) -> SymbolicKernels:
    """Σ^{(L)}, Σ̇^{(L)}, Θ^{(L)} in closed form: the textbook dual kernels composed through the layers.

    The expressions are in the symbols ``xy`` (x·x′), ``xx`` (|x|²), ``yy`` (|x′|²), ``n_0`` and ``beta``
    (or the given β). For an activation without closed form, E[σσ] and E[σ̇σ̇] appear as undefined functions
    of (Σ₁₁, Σ₂₂, Σ₁₂). For ``parametrization="standard"``, ``widths`` (symbols or numbers) are n₁ … n_{L−1}.

    >>> symbolic_kernels("identity", depth=2).ntk
    3*beta**2 + 2*xy/n_0
    """
    depth = _check_depth(depth)
    act = get_activation(activation, **activation_params)
    if parametrization not in PARAMETRIZATIONS:
        raise SymntkError(f"unknown parametrization {parametrization!r}; known: ntk, standard")
    b = BETA if beta is None else sp.Rational(_exact_number("beta", beta))
    if beta is not None and b < 0:
        raise SymntkError(f"beta must be ≥ 0, got {beta}")
    if parametrization == "standard":
        if widths is None or len(widths) != depth - 1:
            raise SymntkError(f"the standard parametrization needs {depth - 1} hidden widths")
        ws = [sp.sympify(w) if isinstance(w, sp.Basic) else sp.Integer(int(w)) for w in widths]
    if act.dual is not None:
        nngp_e, ntk_e = act.dual.nngp(), act.dual.ntk()
    else:
        nngp_e = sp.Function(f"E_{act.name}")(Q1, Q2, C)
        ntk_e = sp.Function(f"Edot_{act.name}")(Q1, Q2, C)
    b2 = b**2
    q1, q2, c = XX / N0 + b2, YY / N0 + b2, XY / N0 + b2
    bias = sp.Integer(1) if parametrization == "standard" and b != 0 else sp.Integer(0)
    ntk = c if parametrization == "ntk" else XY + (sp.Integer(1) if b != 0 else 0)
    sdot: sp.Expr = sp.Integer(1)
    for ell in range(1, depth):
        sub = {Q1: q1, Q2: q2, C: c}
        diag1 = nngp_e.subs({Q1: q1, Q2: q1, C: q1}, simultaneous=True)
        diag2 = nngp_e.subs({Q1: q2, Q2: q2, C: q2}, simultaneous=True)
        e12 = nngp_e.subs(sub, simultaneous=True)
        sdot = ntk_e.subs(sub, simultaneous=True)
        q1, q2, c = diag1 + b2, diag2 + b2, e12 + b2
        ntk = ntk * sdot + (c if parametrization == "ntk" else ws[ell - 1] * e12 + bias)
    return SymbolicKernels(c, sdot, ntk)
