"""Bivariate Gaussian expectations E[f(u) g(v)], (u, v) ~ N(0, C), C = [[s11, s12], [s12, s22]].

These expectations are the whole content of the infinite-width recursions (seed 000, Proposition 1 and
Theorem 1; seed 002, same results; NOTATION.md): Σ^{(ℓ+1)} = E[σ(u)σ(v)] + β² and Σ̇^{(ℓ+1)} = E[σ̇(u)σ̇(v)]
with C the layer-ℓ covariance of the two inputs. Closed forms exist for a few σ (symntk.activations); this
module is the independent route that confirms them and that serves every other σ.

The mathematics
---------------
Write u = √s11 · x and v = √s22 (ρ x + β y) with x, y independent standard normals, where

    ρ = s12 / √(s11 s22),    β = √(det C / (s11 s22)) = √(1 − ρ²),    det C = s11 s22 − s12².

Then E[f(u) g(v)] = ∫ φ(x) f(√s11 x) H(x) dx with the inner expectation H(x) = ∫ φ(y) g(√s22 (ρx + βy)) dy
and φ the standard normal density. det C is computed exactly from the binary values of the entries (or taken
from the caller, who may know it better, e.g. from a cancellation-free Gram determinant), so that β stays
accurate as ρ → ±1, where √(1 − ρ²) of a rounded ρ would lose half the digits.

Kinks (points where f or g, or a derivative, is not smooth, such as 0 for ReLU, step, abs) break the
analyticity that fast quadrature relies on, so every 1-D integral is split at them, and each piece is
integrated by the trapezoidal rule after a double-exponential change of variables (tanh-sinh on finite
pieces, t ↦ 2 log(1 + exp(t − e^{−t})) on half-lines, the identity on the whole line, where the Gaussian
weight already decays fast enough): for integrands analytic on a piece the error falls like exp(−c/h) in the
step h (Takahasi and Mori 1974; Trefethen and Weideman, SIAM Review 56 (2014) 385–458). The outer integral
is split at x = k/√s11 for each kink k of f. The inner one is placed by the conditional width β:

* β ≥ 1/8 (the usual case): the inner integral is ∫ g(√s22 z) N(z; ρx, β²) dz on one fixed set of nodes z_j
  (split at g's kinks, which do not move in z), so g is evaluated once for all outer nodes and only the
  Gaussian weights change; these are computed in binary fixed point (by a two-term recurrence along a
  uniform lattice, or by a table-driven exponential), which makes the double sum cheap.
* β < 1/8 (ρ near ±1): the inner nodes follow each outer node, scaled by β. For a smooth g,
  y ↦ g(√s22 (ρx + βy)) is analytic on the scale 1/β and Gauss–Hermite is used. A kink k of g would
  give H(x) a boundary layer of width β/|ρ| at the inherited kink x = k/(ρ√s22), which no outer rule
  resolves cheaply. So a kinked g is made the outer function when f is smooth (E is symmetric), and when
  both are kinked the integral is taken in polar coordinates (x, y) = r (cos θ, sin θ), where a kink at 0
  is a pair of rays and the wedges between them, however thin, are integrated by Gauss–Legendre in θ and
  the half-line rule in r.

Two levels — steps h and 2h (the coarse nodes are every other fine node), or Gauss rules of n and 2n
nodes — give two values of the whole double integral; their difference bounds the error of the finer one,
whose error is roughly the square of the coarser one's. A result is returned only if the two levels agree to
the requested digits (plus the accumulated rounding; guard digits inside); otherwise the step is halved, and
after a few halvings :class:`QuadratureError` (a :class:`~symntk.SymntkError`) is raised, carrying the best
estimate, so that non-convergence can never pass for a value.

Degenerate covariances are exact special cases: det C = 0 (ρ = ±1) is the 1-D integral
E[f(√s11 x) g(ρ √s22 x)], and a zero variance is a point mass (E[f(u) g(v)] = f(0) E[g(v)] for s11 = 0).
An expectation that diverges (the integrand does not decay in the Gaussian tails, e.g. f = exp(z²) with
s11 ≥ 1/2) is detected by probing the integrand along rays out to 2^10 standard deviations and reported as a
:class:`~symntk.SymntkError`; the same probe bounds the range the rules cover.

Price's theorem (Price 1958): ∂E[f(u) g(v)]/∂s12 = E[f′(u) g′(v)], hence for the NTK
∂E[σ(u)σ(v)]/∂Σ₁₂ = E[σ̇(u)σ̇(v)], i.e. Σ̇ is the derivative of the dual kernel in the covariance (seed 000,
Theorem 1; NOTATION.md). Stein's lemma, its one-sided form, E[f(u) v] = s12 E[f′(u)], is what the tests use
for kinks away from 0.

The float64 path, :func:`expectation_float64`, uses the same coordinates, vectorized over arrays of
covariances (trapezoid, polar wedges or split pieces); see its docstring for its accuracy.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from numbers import Real
from typing import Any, ClassVar, TypeAlias

import mpmath
import numpy as np

from ._errors import SymntkError

__all__ = [
    "Estimate",
    "QuadratureError",
    "expectation",
    "expectation_float64",
]

#: A scalar function of one real variable, called with and returning mpmath numbers.
MpFunction = Callable[[Any], Any]
#: A number the covariance may be given as (converted exactly where possible).
Number: TypeAlias = "int | float | Fraction | str | mpmath.mpf"

_GUARD_DIGITS = 12  # decimal digits carried beyond the requested ones
_MIN_DPS, _MAX_DPS = 2, 1000
_HALF_LINE_SCALE = 2  # z = c ± 2ψ(t): bulk spacing 2h on half-lines (fewest nodes for Gaussian tails)
_LATTICE_MIN_BETA = mpmath.mpf(1) / 8  # below this conditional width, inner nodes follow each outer node


@dataclass(frozen=True)
class Estimate:
    """A quadrature value and a bound on its error: |value − E| ≤ error (as estimated by two levels).

    ``value`` is rounded to ``dps`` significant digits, the number that was asked for; ``digits`` is the
    number of significant decimal digits the error covers (at most ``dps``).
    """

    value: mpmath.mpf
    error: mpmath.mpf
    dps: int

    @property
    def digits(self) -> int:
        """Significant decimal digits of ``value`` covered by ``error``, at most ``dps``."""
        if self.error == 0:
            return self.dps
        if self.value == 0:
            return 0
        return min(self.dps, max(0, int(mpmath.floor(mpmath.log10(abs(self.value) / self.error)))))

    def __str__(self) -> str:
        shown = max(1, self.digits)
        return f"{mpmath.nstr(self.value, shown)} ± {mpmath.nstr(self.error, 2)}"


class QuadratureError(SymntkError):
    """The two quadrature levels did not agree to the requested digits; ``estimate`` is the best found."""

    def __init__(self, message: str, estimate: Estimate) -> None:
        super().__init__(message)
        self.estimate = estimate


# --------------------------------------------------------------------------------------------------------
# Input checking


def _to_mpf(name: str, value: Number) -> mpmath.mpf:
    """An exact mpmath value of a covariance entry (Fractions and strings at the working precision)."""
    if isinstance(value, bool):
        raise SymntkError(f"{name} must be a real number, got a bool")
    try:
        if isinstance(value, Fraction):
            out = mpmath.mpf(value.numerator) / value.denominator
        elif isinstance(value, int):
            out = mpmath.mpf(value)  # exact whatever the size: mpf ints are exact
        elif isinstance(value, str | float | mpmath.mpf):
            out = mpmath.mpf(value)
        elif isinstance(value, Real):
            out = mpmath.mpf(float(value))
        else:
            raise TypeError
    except (TypeError, ValueError):
        raise SymntkError(f"{name} must be a real number, got {value!r}") from None
    if not mpmath.isfinite(out):
        raise SymntkError(f"{name} must be finite, got {value!r}")
    return out


def _kink_list(name: str, kinks: Iterable[Number]) -> list[mpmath.mpf]:
    return sorted({_to_mpf(name, k) for k in kinks})


_NONFINITE = (mpmath.libmp.fnan, mpmath.libmp.finf, mpmath.libmp.fninf)


def _value(fn: MpFunction, name: str, z: mpmath.mpf) -> mpmath.mpf:
    """fn(z) as a finite real mpf, or a one-line SymntkError saying where it failed."""
    try:
        out = fn(z)
        if type(out) is not mpmath.mpf:
            if isinstance(out, mpmath.mpc):
                if out.imag != 0:
                    raise SymntkError(f"{name}({mpmath.nstr(z, 8)}) is not real: {mpmath.nstr(out, 8)}")
                out = out.real
            out = mpmath.mpf(out)
    except SymntkError:
        raise
    except (ArithmeticError, ValueError, TypeError) as exc:
        raise SymntkError(f"{name}({mpmath.nstr(z, 8)}) failed: {exc}") from None
    if out._mpf_ in _NONFINITE:
        raise SymntkError(f"{name}({mpmath.nstr(z, 8)}) is not finite: the expectation is not defined")
    return out


# --------------------------------------------------------------------------------------------------------
# One-dimensional rules: trapezoid in t after a change of variables z = z(t), steps h (fine) and 2h (coarse)


class _Level:
    """The steps, tolerances and node caches of one pair of levels (steps h and 2h) at one precision."""

    def __init__(self, h: mpmath.mpf, work_dps: int, cap: mpmath.mpf) -> None:
        digits = work_dps + 5
        ln10 = math.log(10)
        self.h = h
        self.digits = digits
        self.eps = mpmath.mpf(10) ** (-digits)  # a term below eps × (mass so far) is negligible
        self.t_lo = -mpmath.log(ln10 * digits + 10)  # ψ′(t) < 10^{−digits} below t_lo
        self.t_max = mpmath.asinh(ln10 * digits / mpmath.pi) + 1  # tanh-sinh weights negligible beyond
        self.gauss = mpmath.sqrt(2 * ln10 * digits)  # φ(z)/φ(0) < 10^{−digits} beyond |z| = gauss
        self.cap = cap  # the integrand is negligible beyond |z| = cap (see _probe)
        self.evaluations = 0
        self._maps: dict[tuple[str, mpmath.mpf, int], tuple[mpmath.mpf, mpmath.mpf]] = {}
        self.norm = 1 / mpmath.sqrt(2 * mpmath.pi)
        self._phi: dict[mpmath.mpf, mpmath.mpf] = {}

    def resolves(self, width: mpmath.mpf, spacing: mpmath.mpf) -> bool:
        """Whether nodes at twice this spacing integrate a Gaussian of this width to the working digits
        (the trapezoidal error for exp(−z²/2w²) at spacing H is about 2 exp(−2π²w²/H²))."""
        return bool(2 * spacing * mpmath.sqrt(self.digits * math.log(10) / 2) / mpmath.pi <= width)

    def half_line(self, h: mpmath.mpf, j: int) -> tuple[mpmath.mpf, mpmath.mpf]:
        """ψ(t) = log(1 + exp(t − e^{−t})) and h ψ′(t) at t = j h: double-exponential clustering at the
        endpoint ψ = 0, unit spacing far from it (where the trapezoid rule is already optimal)."""
        key = ("half", h, j)
        if key not in self._maps:
            t = j * h
            e = mpmath.exp(-t)
            es = mpmath.exp(t - e)
            psi = mpmath.log(1 + es) if es > 1e-3 else mpmath.log1p(es)
            self._maps[key] = (psi, h * es / (1 + es) * (1 + e))
        return self._maps[key]

    def tanh_sinh(self, h: mpmath.mpf, j: int) -> tuple[mpmath.mpf, mpmath.mpf]:
        """τ(t) = tanh(π/2 sinh t) ∈ (−1, 1) and h τ′(t) at t = j h."""
        key = ("ts", h, j)
        if key not in self._maps:
            t = j * h
            s = mpmath.pi / 2 * mpmath.sinh(t)
            c = mpmath.cosh(s)
            self._maps[key] = (mpmath.tanh(s), h * mpmath.pi / 2 * mpmath.cosh(t) / (c * c))
        return self._maps[key]

    def line(self, h: mpmath.mpf, j: int) -> tuple[mpmath.mpf, mpmath.mpf, None]:
        """The trapezoidal node z = j h with its weight h φ(z) already included (marked by t = None)."""
        key = ("line", h, j)
        if key not in self._maps:
            z = j * h
            self._maps[key] = (z, h * self.phi(z))
        z, w = self._maps[key]
        return z, w, None

    def phi(self, z: mpmath.mpf) -> mpmath.mpf:
        """The standard normal density (cached: many nodes recur, e.g. the radial ones)."""
        value = self._phi.get(z)
        if value is None:
            value = self._phi[z] = mpmath.exp(-z * z / 2) * self.norm
        return value


class _Sums:
    """Fine and coarse trapezoidal sums (coarse: the even nodes, twice the weight) and Σ|fine terms|."""

    def __init__(self) -> None:
        self.fine = mpmath.mpf(0)
        self.coarse = mpmath.mpf(0)
        self.mass = mpmath.mpf(0)

    def add(self, j: int, weight: mpmath.mpf, values: tuple[mpmath.mpf, mpmath.mpf]) -> mpmath.mpf:
        term = weight * values[0]
        self.fine += term
        if j % 2 == 0:
            self.coarse += 2 * weight * values[1]
        size = abs(term)
        self.mass += size
        return size


#: An integrand of a 1-D integral: z ↦ (value for the fine level, value for the coarse level).
_Integrand = Callable[[mpmath.mpf], tuple[mpmath.mpf, mpmath.mpf]]
#: A rule's node j: (z_j, weight_j without the Gaussian density, t_j).
_Node = Callable[[int], tuple[mpmath.mpf, mpmath.mpf, mpmath.mpf | None]]


def _walk(sums: _Sums, node: _Node, F: _Integrand, j: int, step: int, direction: int, L: _Level) -> None:
    """Add φ-weighted terms j, j + step, … of a rule whose z runs off to direction·∞, until three in a
    row are negligible past the Gaussian range or z passes the cap (``node`` gives t = None when its
    weight already includes φ)."""
    quiet = 0
    while True:
        z, w, t = node(j)
        if direction * z > L.cap:  # _probe found the integrand negligible beyond the cap
            return
        weight = w if t is None else w * L.phi(z)
        size = sums.add(j, weight, F(z)) if weight != 0 else mpmath.mpf(0)
        L.evaluations += 1
        if direction * z >= L.gauss and (t is None or t >= 0) and size <= L.eps * sums.mass:
            quiet += 1
            if quiet == 3:
                return
        else:
            quiet = 0
        j += step


def _integrate(
    F: _Integrand, breaks: Iterable[mpmath.mpf], h: mpmath.mpf, L: _Level, *, radial: bool = False
) -> tuple[mpmath.mpf, mpmath.mpf, mpmath.mpf]:
    """∫ φ(z) F(z) dz over ℝ (over [0, ∞) if ``radial``), split at ``breaks``: (fine, coarse, Σ|terms|)
    with steps h and 2h in t."""
    if radial:
        ends = sorted({mpmath.mpf(0)} | {c for c in breaks if 0 < c < L.cap})
    else:
        ends = sorted({c for c in breaks if abs(c) < L.cap})
    sums = _Sums()
    if not ends:  # the whole line: plain trapezoid, z = t
        def line(j: int) -> tuple[mpmath.mpf, mpmath.mpf, mpmath.mpf]:
            return L.line(h, j)

        _walk(sums, line, F, 0, 1, 1, L)
        _walk(sums, line, F, -1, -1, -1, L)
        return sums.fine, sums.coarse, sums.mass
    j_lo = int(mpmath.ceil(L.t_lo / h))
    for side, end in ((-1, ends[0]), (1, ends[-1])):  # the half-lines (−∞, c₀] and [c_m, ∞)
        if radial and side == -1:
            continue

        def half(j: int, end: mpmath.mpf = end, side: int = side) -> tuple[mpmath.mpf, mpmath.mpf, Any]:
            psi, w = L.half_line(h, j)
            return end + side * _HALF_LINE_SCALE * psi, _HALF_LINE_SCALE * w, j * h

        _walk(sums, half, F, j_lo, 1, side, L)
    for left, right in itertools.pairwise(ends):
        _tanh_sinh_piece(sums, F, left, right, h, L, L.phi)
    return sums.fine, sums.coarse, sums.mass


def _tanh_sinh_piece(
    sums: _Sums, F: _Integrand, left: mpmath.mpf, right: mpmath.mpf, h: mpmath.mpf, L: _Level,
    density: Callable[[mpmath.mpf], mpmath.mpf],
) -> None:
    """Add ∫ density(z) F(z) dz over [left, right] by tanh-sinh (steps h and 2h) to ``sums``."""
    mid, rad = (left + right) / 2, (right - left) / 2
    j_max = int(mpmath.floor(L.t_max / h))
    for j in range(-j_max, j_max + 1):
        tau, w = L.tanh_sinh(h, j)
        z = mid + rad * tau
        if left < z < right:
            sums.add(j, rad * w * density(z), F(z))
            L.evaluations += 1


# --------------------------------------------------------------------------------------------------------
# The inner integral on a fixed lattice of g-values


class _FixedExp:
    """exp(−a) for a ≥ 0 in binary fixed point (integers scaled by 2^bits), fast in pure Python.

    exp(−a) = e^{−n} · e^{−k₁/2⁸} · e^{−k₂/2¹⁶} · e^{−k₃/2²⁴} · e^{−r} with n, k₁, k₂, k₃ read off the
    bits of a (table look-ups) and 0 ≤ r < 2^{−24}, for which a Taylor polynomial of degree N with
    2^{−24(N+1)}/(N+1)! < 2^{−bits} is exact to the last bits. Each product truncates once, so the result
    is within a few units of 2^{−bits}.
    """

    _made: ClassVar[dict[int, _FixedExp]] = {}

    def __init__(self, bits: int) -> None:
        self.bits = bits
        one = mpmath.ldexp(1, bits)
        with mpmath.workprec(bits + 20):
            self.whole = [int(mpmath.exp(-n) * one) for n in range(int(bits * math.log(2)) + 2)]
            self.t1, self.t2, self.t3 = (
                [int(mpmath.exp(-mpmath.ldexp(k, -8 * level)) * one) for k in range(256)]
                for level in (1, 2, 3)
            )
        self.order = next(n for n in range(1, 200) if 24 * (n + 1) + math.lgamma(n + 2) / math.log(2) > bits)

    @classmethod
    def at(cls, bits: int) -> _FixedExp:
        if bits not in cls._made:
            cls._made[bits] = cls(bits)
        return cls._made[bits]

    def __call__(self, a: int) -> int:
        bits = self.bits
        n = a >> bits
        if n >= len(self.whole):
            return 0
        value = (self.whole[n] * self.t1[(a >> (bits - 8)) & 255]) >> bits
        value = (value * self.t2[(a >> (bits - 16)) & 255]) >> bits
        value = (value * self.t3[(a >> (bits - 24)) & 255]) >> bits
        r = a & ((1 << (bits - 24)) - 1)
        one = 1 << bits
        poly = one
        for i in range(self.order, 0, -1):
            poly = one - ((poly * r) >> bits) // i
        return (value * poly) >> bits


def _low_exponent(values: Sequence[mpmath.mpf], span: int = 4000) -> int:
    """The binary exponent of the smallest nonzero |value| (but at most ``span`` bits below the largest).

    Fixed-point integers scaled by 2^(bits − this) keep every value, however small next to the largest
    (g = exp over a wide lattice spans hundreds of bits), to ``bits`` bits; Python integers grow as needed.
    """
    sizes = [mpmath.mag(v) for v in values if v != 0]
    if not sizes:
        return 0
    return max(min(sizes), max(sizes) - span)


class _Lattice:
    """E[g(√s22 (μ + β y))], y ~ N(0, 1), for many μ from one set of g-values at fixed nodes z_j.

    The inner integral is ∫ g(√s22 z) N(z; μ, β²) dz; the nodes z_j (a trapezoidal rule, or the
    double-exponential pieces between g's kinks) do not depend on μ, so g is evaluated once for all outer
    nodes and only the Gaussian weights change. On the whole line (no kinks) the weights along the lattice
    z_j = j h obey exp(−(d + h)²/2β²) = exp(−d²/2β²) · r(d), r(d + h) = r(d) e^{−h²/β²}: two fixed-point
    integer products per node. Usable when the coarse step resolves the width β (``_Level.resolves``).
    """

    def __init__(
        self, g: MpFunction, root22: mpmath.mpf, kinks: Sequence[mpmath.mpf], beta: mpmath.mpf,
        reach: mpmath.mpf, L: _Level,
    ) -> None:
        self.beta, self.L = beta, L
        ends = sorted({c for c in kinks if abs(c) < reach})
        self.uniform = not ends
        spacing = 1 if self.uniform else _HALF_LINE_SCALE
        h = L.h
        while not L.resolves(beta, spacing * h):  # the lattice must resolve the conditional width β
            h /= 2
        self.h = h
        self.scale = L.norm / beta
        self.window = beta * L.gauss * mpmath.mpf("1.1")
        if self.uniform:
            self.J = int(mpmath.ceil(reach / h))
            values = [_value(g, "g", root22 * (j * h)) for j in range(-self.J, self.J + 1)]
            L.evaluations += len(values)
            self.bits = math.ceil(L.digits * math.log2(10)) + 32
            self.exponent = _low_exponent(values)
            self.ints = [int(mpmath.ldexp(v, self.bits - self.exponent)) for v in values]
            one = mpmath.ldexp(1, self.bits)
            self.q = int(mpmath.exp(-h * h / beta**2) * one)
            return
        nodes: list[tuple[mpmath.mpf, mpmath.mpf, bool]] = []
        j_lo = int(mpmath.ceil(L.t_lo / h))
        for side, end in ((-1, ends[0]), (1, ends[-1])):
            j = j_lo
            while True:
                psi, w = L.half_line(h, j)
                z = end + side * _HALF_LINE_SCALE * psi
                if abs(z) > reach:
                    break
                nodes.append((z, _HALF_LINE_SCALE * w, j % 2 == 0))
                j += 1
        j_max = int(mpmath.floor(L.t_max / h))
        for left, right in itertools.pairwise(ends):
            mid, rad = (left + right) / 2, (right - left) / 2
            for j in range(-j_max, j_max + 1):
                tau, w = L.tanh_sinh(h, j)
                z = mid + rad * tau
                if left < z < right:
                    nodes.append((z, rad * w, j % 2 == 0))
        nodes.sort(key=lambda n: n[0])
        L.evaluations += len(nodes)
        valued = [(z, w * _value(g, "g", root22 * z), even) for z, w, even in nodes]
        valued = [node for node in valued if node[1] != 0]
        self.keys = [float(z) for z, _, _ in valued]
        # fixed point: ζ = z/(β√2) and the weights w g(√s22 z), scaled so the largest is below 2^bits
        self.bits = math.ceil(L.digits * math.log2(10)) + 32
        self.exp = _FixedExp.at(self.bits)
        self.unit = 1 / (beta * mpmath.sqrt(2))
        self.exponent = shift = _low_exponent([wg for _, wg, _ in valued])
        self.nodes = [
            (int(mpmath.ldexp(z * self.unit, self.bits)), int(mpmath.ldexp(wg, self.bits - shift)), even)
            for z, wg, even in valued
        ]

    def mean(self, mu: mpmath.mpf) -> tuple[mpmath.mpf, mpmath.mpf]:
        """(fine, coarse) values of E[g(√s22 (μ + β y))]."""
        if self.uniform:
            return self._mean_uniform(mu)
        lo = bisect.bisect_left(self.keys, float(mu - self.window))
        hi = bisect.bisect_right(self.keys, float(mu + self.window))
        bits, fexp = self.bits, self.exp
        m = int(mpmath.ldexp(mu * self.unit, bits))
        fine = coarse = 0
        for zeta, wg, even in self.nodes[lo:hi]:  # Σ w g exp(−(ζ − m)²), all in integers
            d = zeta - m
            term = wg * fexp((d * d) >> bits)
            fine += term
            if even:
                coarse += term
        self.L.evaluations += hi - lo
        unit = mpmath.ldexp(self.scale, self.exponent - 2 * bits)
        return mpmath.mpf(fine) * unit, 2 * mpmath.mpf(coarse) * unit

    def _mean_uniform(self, mu: mpmath.mpf) -> tuple[mpmath.mpf, mpmath.mpf]:
        h, bits, J, ints, q = self.h, self.bits, self.J, self.ints, self.q
        jc = int(mpmath.nint(mu / h))
        if not -J <= jc <= J:
            raise SymntkError("internal: the inner integral left the lattice")  # guarded by the cap
        d = jc * h - mu
        two_b2 = 2 * self.beta**2
        one = mpmath.ldexp(1, bits)
        fine = coarse = 0
        for direction in (1, -1):
            if direction == 1:
                w = int(mpmath.exp(-d * d / two_b2) * one)
                r = int(mpmath.exp(-(2 * d * h + h * h) / two_b2) * one)
                j = jc
            else:
                r0 = int(mpmath.exp((2 * d * h - h * h) / two_b2) * one)
                w = (int(mpmath.exp(-d * d / two_b2) * one) * r0) >> bits
                r = (r0 * q) >> bits
                j = jc - 1
            while w and -J <= j <= J:
                term = w * ints[j + J]
                fine += term
                if not j & 1:
                    coarse += term
                w = (w * r) >> bits
                r = (r * q) >> bits
                j += direction
            self.L.evaluations += abs(j - jc)
        unit = mpmath.ldexp(h * self.scale, self.exponent - 2 * bits)
        return mpmath.mpf(fine) * unit, 2 * mpmath.mpf(coarse) * unit


# --------------------------------------------------------------------------------------------------------
# The expectation


def _probe(
    P: Callable[[mpmath.mpf, mpmath.mpf], mpmath.mpf], eps: mpmath.mpf, rays: int = 24
) -> mpmath.mpf:
    """The radius within which the Gaussian-weighted integrand P(x, y) lives (a power of 2, at least 16).

    P is probed along rays from the origin at radii 2^0 … 2^10. If on some ray it is still not negligible
    at 2^10 standard deviations, the expectation diverges (or is too heavy-tailed to be one worth
    computing) and a SymntkError says so.
    """
    radii = range(11)
    table = []
    for k in range(rays):
        angle = 2 * mpmath.pi * (k + mpmath.mpf("0.3183")) / rays
        c, s = mpmath.cos(angle), mpmath.sin(angle)
        table.append([P(2**r * c, 2**r * s) for r in radii])
    top = max(max(row) for row in table)
    for row in table:
        if row[-1] > eps * max(row) and row[-1] > 0:
            raise SymntkError(
                "the expectation diverges: the Gaussian-weighted integrand does not decay "
                f"(it is not negligible at {2 ** radii[-1]} standard deviations)"
            )
    k = radii[-1]
    while k > 4 and all(row[k - 1] <= eps * top for row in table):
        k -= 1
    return mpmath.mpf(2**k)


def _levels(
    f: MpFunction,
    g: MpFunction,
    s11: mpmath.mpf,
    s22: mpmath.mpf,
    s12: mpmath.mpf,
    det: mpmath.mpf,
    kinks_f: Sequence[mpmath.mpf],
    kinks_g: Sequence[mpmath.mpf],
    level: int,
    work_dps: int,
) -> tuple[mpmath.mpf, mpmath.mpf, mpmath.mpf, int]:
    """(fine, coarse, Σ|terms|, evaluations) of E[f(u) g(v)] at steps 2^−level and twice that."""
    zero = mpmath.mpf(0)
    h = mpmath.ldexp(1, -level)
    if s11 == 0 and s22 == 0:
        value = _value(f, "f", zero) * _value(g, "g", zero)
        return value, value, abs(value), 2
    if s11 == 0 or s22 == 0:  # a point mass in one variable: c · E[other(√s z)]
        if s11 == 0:
            c, other, name, root, kinks = _value(f, "f", zero), g, "g", mpmath.sqrt(s22), kinks_g
        else:
            c, other, name, root, kinks = _value(g, "g", zero), f, "f", mpmath.sqrt(s11), kinks_f
        if c == 0:
            return zero, zero, zero, 1

        def one(z: mpmath.mpf) -> tuple[mpmath.mpf, mpmath.mpf]:
            value = _value(other, name, root * z)
            return value, value

        L = _Level(h, work_dps, mpmath.mpf(16))
        L.cap = _probe(lambda x, y: abs(one(x)[0]) * L.phi(x), L.eps, rays=2)
        fine, coarse, mass = _integrate(one, [k / root for k in kinks], h, L)
        return c * fine, c * coarse, abs(c) * mass, L.evaluations
    root11, root22 = mpmath.sqrt(s11), mpmath.sqrt(s22)
    rho = s12 / (root11 * root22)
    beta = mpmath.sqrt(det / s11 / s22)  # √(1 − ρ²) without the cancellation
    f_breaks = [k / root11 for k in kinks_f]
    g_breaks = [k / root22 for k in kinks_g]
    L = _Level(h, work_dps, mpmath.mpf(16))

    def P(x: mpmath.mpf, y: mpmath.mpf) -> mpmath.mpf:
        return abs(_value(f, "f", root11 * x) * _value(g, "g", root22 * (rho * x + beta * y))) * (
            L.phi(x) * L.phi(y)
        )

    L.cap = _probe(P, L.eps)
    if beta == 0:  # ρ = ±1: v = ±√s22 x exactly, a 1-D integral

        def line(x: mpmath.mpf) -> tuple[mpmath.mpf, mpmath.mpf]:
            value = _value(f, "f", root11 * x) * _value(g, "g", root22 * rho * x)
            return value, value

        inherited = [k / rho for k in g_breaks]  # g(±√s22 x) is kinked at x = ±k/√s22
        fine, coarse, mass = _integrate(line, f_breaks + inherited, h, L)
        return fine, coarse, mass, L.evaluations
    if beta >= _LATTICE_MIN_BETA:  # g on a lattice shared by all outer nodes
        lattice = _Lattice(g, root22, g_breaks, beta, abs(rho) * L.cap + beta * L.gauss * 2, L)

        def outer(x: mpmath.mpf) -> tuple[mpmath.mpf, mpmath.mpf]:
            fx = _value(f, "f", root11 * x)
            if fx == 0:
                return fx, fx
            fine, coarse = lattice.mean(rho * x)
            return fx * fine, fx * coarse

        fine, coarse, mass = _integrate(outer, f_breaks, h, L)
        return fine, coarse, mass, L.evaluations
    if kinks_g and not kinks_f:  # condition on the kinked variable: no inherited kink, no boundary layer
        return _levels(g, f, s22, s11, s12, det, kinks_g, kinks_f, level, work_dps)
    if kinks_f and kinks_g:  # β small, both kinked: polar coordinates, where no boundary layer forms
        return _polar(f, g, root11, root22, rho, beta, f_breaks, g_breaks, level, L)
    # β small (ρ near ±1) and g smooth: y ↦ g(√s22 (ρx + βy)) is analytic on the scale 1/β ≫ 1, so the inner
    # integral is Gauss–Hermite with m and 2m nodes (the two levels), following each outer node.
    m = 2 ** max(2, level - 1)
    coarse_rule, fine_rule = _hermite_rule(m, work_dps), _hermite_rule(2 * m, work_dps)

    def outer_scaled(x: mpmath.mpf) -> tuple[mpmath.mpf, mpmath.mpf]:
        fx = _value(f, "f", root11 * x)
        if fx == 0:
            return fx, fx
        mu = rho * x
        fine, coarse = (
            mpmath.fsum(w * _value(g, "g", root22 * (mu + beta * y)) for y, w in rule)
            for rule in (fine_rule, coarse_rule)
        )
        L.evaluations += len(fine_rule) + len(coarse_rule)
        return fx * fine, fx * coarse

    fine, coarse, mass = _integrate(outer_scaled, f_breaks, h, L)
    return fine, coarse, mass, L.evaluations


def _polar(
    f: MpFunction, g: MpFunction, root11: mpmath.mpf, root22: mpmath.mpf, rho: mpmath.mpf,
    beta: mpmath.mpf, f_breaks: list[mpmath.mpf], g_breaks: list[mpmath.mpf], level: int, L: _Level,
) -> tuple[mpmath.mpf, mpmath.mpf, mpmath.mpf, int]:
    """E[f(u) g(v)] in polar coordinates (x, y) = r (cos θ, sin θ) of the conditional variables.

    u = √s11 r cos θ and v = √s22 r sin(θ + ϕ), ϕ = atan2(ρ, β), so
    E = ∫₀^{2π} dθ ∫₀^∞ r e^{−r²/2}/(2π) f(u) g(v) dr. A kink of f at 0 is the pair of rays cos θ = 0, one
    of g at 0 the rays sin(θ + ϕ) = 0; the θ-integral is split there, which stays exact however thin the
    wedges get as ρ → ±1 (where the conditional coordinates would see a boundary layer of width β). A kink
    k ≠ 0 is the radial point r = k/(√s cos θ) (or r = k/(√s22 sin(θ + ϕ))), where the r-integral is split;
    the θ-integral is split where two such kink lines cross.
    """
    two_pi = 2 * mpmath.pi
    phase = mpmath.atan2(rho, beta)
    angles: set[mpmath.mpf] = set()
    if f_breaks:  # the rays through a kink at 0, or where the kink lines u = k run off to infinity
        angles |= {mpmath.pi / 2, 3 * mpmath.pi / 2}
    if g_breaks:
        angles |= {mpmath.fmod(-phase + two_pi, two_pi), mpmath.fmod(mpmath.pi - phase + two_pi, two_pi)}
    for k1 in f_breaks:
        for k2 in g_breaks:
            if k1 != 0 or k2 != 0:
                angles.add(mpmath.fmod(mpmath.atan2((k2 - rho * k1) / beta, k1) + two_pi, two_pi))
    scale = 1 / mpmath.sqrt(2 * mpmath.pi)
    if not any(f_breaks) and not any(g_breaks):  # one radial rule for every θ: r_j, r_j φ(r_j) w_j
        radial_rule = []
        j = int(mpmath.ceil(L.t_lo / L.h))
        while True:
            psi, w = L.half_line(L.h, j)
            r = _HALF_LINE_SCALE * psi
            if r > L.cap:
                break
            radial_rule.append((r, _HALF_LINE_SCALE * w * L.phi(r) * r * scale, j % 2 == 0))
            j += 1

    def ray(theta: mpmath.mpf) -> tuple[mpmath.mpf, mpmath.mpf]:
        c, s = mpmath.cos(theta), mpmath.sin(theta + phase)
        if not any(f_breaks) and not any(g_breaks):
            a, b = root11 * c, root22 * s
            fine = coarse = mpmath.mpf(0)
            for r, w, even in radial_rule:
                fr = _value(f, "f", a * r)
                if fr != 0:
                    term = w * fr * _value(g, "g", b * r)
                    fine += term
                    if even:
                        coarse += term
            L.evaluations += len(radial_rule)
            return fine, 2 * coarse
        breaks = [k / c for k in f_breaks if k != 0 and c != 0]
        breaks += [k / s for k in g_breaks if k != 0 and s != 0]

        def radial(r: mpmath.mpf) -> tuple[mpmath.mpf, mpmath.mpf]:
            fr = _value(f, "f", root11 * r * c)
            value = fr * _value(g, "g", root22 * r * s) * r * scale if fr != 0 else fr
            return value, value

        fine, coarse, _ = _integrate(radial, breaks, L.h, L, radial=True)
        return fine, coarse

    sums = _Sums()
    if not angles:  # the periodic trapezoidal rule on the circle
        n = 2 ** (level + 3)
        for j in range(n):
            sums.add(j, two_pi / n, ray(two_pi * j / n))
        return sums.fine, sums.coarse, sums.mass, L.evaluations
    # each wedge: its θ-integrand is analytic up to the cuts, so Gauss–Legendre with m and 2m nodes
    m = 3 * 2 ** max(1, level - 1)
    cuts = sorted(angles)
    fine = coarse = mass = mpmath.mpf(0)
    for left, right in itertools.pairwise([*cuts, cuts[0] + two_pi]):
        mid, rad = (left + right) / 2, (right - left) / 2
        for n, fine_rule in ((2 * m, True), (m, False)):
            for t, w in _legendre_mp(n, L.digits):
                values = ray(mid + rad * t)
                if fine_rule:
                    fine += rad * w * values[0]
                    mass += abs(rad * w * values[0])
                else:
                    coarse += rad * w * values[1]
    return fine, coarse, mass, L.evaluations


@functools.lru_cache(maxsize=64)
def _legendre_mp(n: int, work_dps: int) -> tuple[tuple[mpmath.mpf, mpmath.mpf], ...]:
    """Gauss–Legendre nodes and weights on [−1, 1] at work_dps digits."""
    with mpmath.workdps(work_dps + 10):
        nodes, weights = mpmath.gauss_quadrature(n, "legendre")
        return tuple(zip(nodes, weights, strict=True))


@functools.lru_cache(maxsize=64)
def _hermite_rule(n: int, work_dps: int) -> tuple[tuple[mpmath.mpf, mpmath.mpf], ...]:
    """Gauss–Hermite nodes and weights for the standard normal density, at work_dps digits."""
    with mpmath.workdps(work_dps + 10):
        nodes, weights = mpmath.gauss_quadrature(n, "hermite")
        root2, rootpi = mpmath.sqrt(2), mpmath.sqrt(mpmath.pi)
        return tuple((root2 * x, w / rootpi) for x, w in zip(nodes, weights, strict=True))


def expectation(
    f: MpFunction,
    g: MpFunction,
    s11: Number,
    s22: Number,
    s12: Number,
    *,
    dps: int = 30,
    kinks: Iterable[Number] = (),
    kinks_g: Iterable[Number] | None = None,
    det: Number | None = None,
) -> Estimate:
    """E[f(u) g(v)] for (u, v) ~ N(0, [[s11, s12], [s12, s22]]) to ``dps`` significant digits.

    f and g are called with mpmath numbers at the working precision (``dps`` plus guard digits) and
    must return real mpmath numbers (or anything mpmath.mpf accepts). ``kinks`` lists the points where f
    (or one of its derivatives) is not smooth, ``kinks_g`` those of g (default: the same as f's); the
    quadrature splits there (see the module docstring). ``det`` is s11 s22 − s12² when the caller knows it
    more accurately than the entries do; by default it is computed exactly from them.

    Returns an :class:`Estimate` whose ``value`` is rounded to ``dps`` significant digits and whose
    ``error`` bounds |value − E|, with error ≤ 10^{−dps} |value| (two quadrature levels agreed). A value
    smaller than 10^{−dps} E|f(u) g(v)| (an exact zero by symmetry, say) is resolved to the absolute
    accuracy 10^{−2 dps} E|f(u) g(v)| instead. Raises :class:`QuadratureError` when the levels do not
    agree, and :class:`~symntk.SymntkError` for a covariance that is not positive semidefinite or an
    expectation that diverges.

    Examples: E[u v] = s12 and E[u² v²] = s11 s22 + 2 s12² (Isserlis); for ReLU at ρ = 0 (θ = π/2),
    E[σ(u)σ(v)] = (sin θ + (π − θ) cos θ)/(2π) = 1/(2π).

    >>> print(expectation(lambda u: u, lambda v: v, 2, 3, "0.5", dps=20).value)
    0.5
    >>> print(expectation(lambda u: u**2, lambda v: v**2, 1, 2, 1, dps=25).value)
    4.0
    >>> relu = lambda z: max(z, 0)
    >>> e = expectation(relu, relu, 1, 1, 0, dps=30, kinks=[0])
    >>> mpmath.nstr(e.value * 2 * mpmath.pi, 30)
    '1.0'
    """
    if not isinstance(dps, int) or isinstance(dps, bool) or not _MIN_DPS <= dps <= _MAX_DPS:
        raise SymntkError(f"dps must be an integer from {_MIN_DPS} to {_MAX_DPS}, got {dps!r}")
    if not callable(f) or not callable(g):
        raise SymntkError("f and g must be callables of one mpmath number")
    kinks = list(kinks)
    with mpmath.workdps(2 * dps + 2 * _GUARD_DIGITS):
        c11, c22, c12 = _to_mpf("s11", s11), _to_mpf("s22", s22), _to_mpf("s12", s12)
        kf = _kink_list("a kink of f", kinks)
        kg = kf if kinks_g is None else _kink_list("a kink of g", kinks_g)
        the_det = (
            mpmath.fsub(mpmath.fmul(c11, c22, exact=True), mpmath.fmul(c12, c12, exact=True), exact=True)
            if det is None
            else _to_mpf("det", det)
        )
    if c11 < 0 or c22 < 0:
        raise SymntkError(f"variances must be non-negative, got s11 = {s11}, s22 = {s22}")
    if the_det < 0:
        raise SymntkError(
            f"the covariance [[{s11}, {s12}], [{s12}, {s22}]] is not positive semidefinite (det < 0)"
        )
    if det is not None:  # det = s11 s22 − s12² ≤ s11 s22; allow the caller's rounding, then clip
        with mpmath.workdps(2 * dps + 2 * _GUARD_DIGITS):
            top = c11 * c22
            if the_det > top * (1 + mpmath.mpf(10) ** -10):
                raise SymntkError(
                    f"det = {det} exceeds s11·s22 = {mpmath.nstr(top, 10)}: it cannot be s11 s22 − s12²"
                )
            the_det = min(the_det, top)
    work = dps + _GUARD_DIGITS
    level = 1
    last_level = max(4, math.ceil(math.log2((dps + _GUARD_DIGITS) / 4))) + 2
    best: Estimate | None = None
    while level <= last_level:
        with mpmath.workdps(work):
            fine, coarse, mass, evaluations = _levels(f, g, c11, c22, c12, the_det, kf, kg, level, work)
            rounding = evaluations * mass * mpmath.mpf(10) ** (-work)
            error = abs(fine - coarse) + rounding
            tol = mpmath.mpf(10) ** (-dps) * max(abs(fine), mpmath.mpf(10) ** (-dps) * mass)
        with mpmath.workdps(dps):
            value = +fine
        with mpmath.workdps(work):
            best = Estimate(value, error + abs(value - fine), dps)
        if error <= tol:
            return best
        if rounding > tol / 4:  # the sum cancels: more working digits at the same step
            work += dps
        else:
            level += 1
    assert best is not None
    raise QuadratureError(
        f"the quadrature did not reach {dps} digits (the two finest levels differ by "
        f"{mpmath.nstr(best.error, 3)}): are all the kinks of f and g given?",
        best,
    )


# --------------------------------------------------------------------------------------------------------
# float64


_REACH = 10.0  # the float64 rules integrate |z| ≤ 10 standard deviations (φ(10)/φ(0) = 2e-22)
_CHUNK = 1 << 20  # function evaluations per vectorized block (8 MB arrays: bounds memory, fits caches)
_SQRT_2PI = math.sqrt(2 * math.pi)


@functools.lru_cache(maxsize=16)
def _legendre_rule(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Gauss–Legendre nodes and weights on [0, 1]."""
    x, w = np.polynomial.legendre.leggauss(n)
    return (x + 1) / 2, w / 2


def _pieces(lo: np.ndarray, breaks: np.ndarray, hi: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Gauss–Legendre nodes and weights (n per piece) on [lo, hi] split at ``breaks`` (shape (..., k)).

    lo, hi have shape (...). Breaks are clipped into [lo, hi]; a piece squeezed to nothing gets zero
    weight. Returns arrays of shape (..., (k + 1) n).
    """
    t, w = _legendre_rule(n)
    edges = np.sort(np.clip(breaks, lo[..., None], hi[..., None]), axis=-1)
    left = np.concatenate([lo[..., None], edges], axis=-1)
    right = np.concatenate([edges, hi[..., None]], axis=-1)
    width = (right - left)[..., None]
    shape = (*breaks.shape[:-1], -1)
    return (left[..., None] + width * t).reshape(shape), (width * w).reshape(shape)


def expectation_float64(
    f: Callable[[np.ndarray], np.ndarray],
    g: Callable[[np.ndarray], np.ndarray],
    s11: Any,
    s22: Any,
    s12: Any,
    *,
    order: int = 80,
    kinks: Iterable[float] = (),
    kinks_g: Iterable[float] | None = None,
    det: Any = None,
) -> np.ndarray:
    """E[f(u) g(v)], (u, v) ~ N(0, [[s11, s12], [s12, s22]]), in float64, vectorized over the entries.

    s11, s22, s12 (and ``det`` = s11 s22 − s12², which the caller should pass when it knows it without
    cancellation, as near ρ = ±1) are broadcast together; f and g are NumPy ufunc-like callables. The
    coordinates are those of :func:`expectation`: u = √s11 x, v = √s22 (ρ x + β y), ρ = s12/√(s11 s22),
    β = √(det/(s11 s22)), x, y independent standard normals; a zero variance makes that variable the
    constant 0 (ρ = 0, β = 1), and β = 0 (ρ = ±1) is exact.

    The rule depends on the kinks (points where f or g, or a derivative, is not smooth):

    * none: the tensor trapezoidal rule on |x|, |y| ≤ 10 with ``order`` nodes per variable (step
      20/order, shrunk by √s for variances s > 1). For f, g analytic in the strip |Im z| < d its error is
      about exp(−2π d/(√s h)) (Trefethen and Weideman 2014), better than Gauss–Hermite's
      exp(−2 (d/√s) √(2n)) at equal cost: at the default order, ≈1e-16 relative for tanh-like functions
      (d = π/2) at any variance. Polynomials times the Gaussian are integrated to rounding.
    * all at 0 (ReLU, step, sign, abs, leaky ReLU, rectified monomials, their derivatives): polar
      coordinates (x, y) = r (cos θ, sin θ), in which the kinks are the rays where cos θ = 0 or
      sin(θ + atan2(ρ, β)) = 0. Each wedge between them is integrated by Gauss–Legendre in θ and in
      r ∈ [0, 10] with order/2 nodes each: for positively homogeneous f, g the radial integrand is a
      polynomial times e^{−r²/2} and the angular one a trigonometric polynomial, so the result is correct
      to rounding (≈1e-15 relative), also as ρ → ±1, where the wedges get thin but stay exact.
    * elsewhere: the conditional integrals split at the kinks (the inner one at the moving points
      y = (k/√s22 − ρx)/β, the outer one at x = k/√s11 and the inherited x = k/(ρ√s22)), Gauss–Legendre
      with order/2 nodes per piece: ≈1e-15 for piecewise polynomials away from ρ = ±1; the inherited
      near-kink of width β/|ρ| is resolved down to β ≈ 1e-3 only (use :func:`expectation` beyond).

    Plain Gauss–Hermite, by contrast, converges only like order^{−3/2} for ReLU.
    """
    if not isinstance(order, int) or isinstance(order, bool) or not 8 <= order <= 1024:
        raise SymntkError(f"order must be an integer from 8 to 1024, got {order!r}")
    try:
        a11, a22, a12 = np.broadcast_arrays(*(np.asarray(s, dtype=float) for s in (s11, s22, s12)))
        d = a11 * a22 - a12 * a12 if det is None else np.broadcast_to(np.asarray(det, dtype=float), a11.shape)
    except (TypeError, ValueError) as exc:
        raise SymntkError(f"the covariance entries must be real arrays of one shape: {exc}") from None
    if not all(np.isfinite(a).all() for a in (a11, a22, a12, d)):
        raise SymntkError("the covariance entries must be finite (got NaN or inf)")
    if (a11 < 0).any() or (a22 < 0).any():
        raise SymntkError("variances must be non-negative")
    scale = a11 * a22
    if (d < -1e-12 * scale).any() or (d > scale * (1 + 1e-12)).any():
        raise SymntkError("the covariance is not positive semidefinite (|s12| > √(s11 s22) or det < 0)")
    kf = [float(k) for k in kinks]
    kg = kf if kinks_g is None else [float(k) for k in kinks_g]
    if not all(math.isfinite(k) for k in kf + kg):
        raise SymntkError("kinks must be finite numbers")
    shape = a11.shape
    a11, a22, a12, d = (np.ravel(a) for a in (a11, a22, a12, d))
    scale = a11 * a22
    point = (a11 == 0) | (a22 == 0)
    safe = np.where(point, 1.0, scale)
    rho = np.where(point, 0.0, np.clip(a12 / np.sqrt(safe), -1, 1))
    beta = np.where(point, 1.0, np.sqrt(np.clip(d, 0, None) / safe))
    r11, r22 = np.sqrt(a11), np.sqrt(a22)
    if not kf and not kg:
        block, per_entry = _float_smooth, order * order
    elif not any(kf + kg):
        block, per_entry = _float_polar, 4 * (order // 2) ** 2
    else:
        stretch = math.ceil(max(1.0, math.sqrt(float(np.max(np.maximum(a11, a22), initial=0.0)))))
        pieces = 8 * stretch + 1 + len(kf) + len(kg)
        block, per_entry = _float_pieces, pieces * (order // 4) * stretch * max(order, pieces * (order // 4))
    out = np.empty(a11.shape)
    step = max(1, _CHUNK // per_entry)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for lo in range(0, a11.size, step):
            sl = slice(lo, lo + step)
            out[sl] = block(f, g, r11[sl], r22[sl], rho[sl], beta[sl], kf, kg, order)
    if not np.isfinite(out).all():
        raise SymntkError("the expectation is not finite (f or g overflows or is undefined at some node)")
    return out.reshape(shape)


_Ufunc = Callable[[np.ndarray], np.ndarray]


def _values(fn: _Ufunc, z: np.ndarray) -> np.ndarray:
    return np.broadcast_to(np.asarray(fn(z), dtype=float), z.shape)


def _float_smooth(
    f: _Ufunc, g: _Ufunc, r11: np.ndarray, r22: np.ndarray, rho: np.ndarray, beta: np.ndarray,
    kf: list[float], kg: list[float], order: int,
) -> np.ndarray:
    """Tensor trapezoid in (x, y), nodes j h, |j h| ≤ 10, h = (20/order)/max(1, √s)."""
    stretch = max(1.0, float(np.max(np.maximum(r11, r22), initial=0.0)))
    h = 2 * _REACH / order / stretch
    j = np.arange(-math.ceil(_REACH / h), math.ceil(_REACH / h) + 1)
    x = j * h
    w = h * np.exp(-x * x / 2) / _SQRT_2PI
    fx = _values(f, r11[:, None] * x)  # (m, n)
    along, across = (r22 * rho)[:, None] * x, (r22 * beta)[:, None] * x
    v = along[:, :, None] + across[:, None, :]  # v = √s22 (ρ x_i + β y_k), (m, n, n)
    return np.asarray((fx * (_values(g, v) @ w)) @ w)


def _float_polar(
    f: _Ufunc, g: _Ufunc, r11: np.ndarray, r22: np.ndarray, rho: np.ndarray, beta: np.ndarray,
    kf: list[float], kg: list[float], order: int,
) -> np.ndarray:
    """Polar wedges between the kink rays (all kinks at 0), Gauss–Legendre in θ and r."""
    m = order // 2
    phase = np.arctan2(rho, beta)  # v = √s22 r sin(θ + phase)
    rays = np.stack([np.full_like(phase, np.pi / 2), np.full_like(phase, 3 * np.pi / 2),
                     np.mod(-phase, 2 * np.pi), np.mod(np.pi - phase, 2 * np.pi)], axis=-1)
    zero, turn = np.zeros_like(phase), np.full_like(phase, 2 * np.pi)
    theta, wt = _pieces(zero, rays, turn, m)  # (e, 5m)
    r, wr = _legendre_rule(m)
    r, wr = _REACH * r, _REACH * wr * _REACH * r * np.exp(-((_REACH * r) ** 2) / 2)  # r e^{−r²/2} dr
    cos, sin = np.cos(theta), np.sin(theta + phase[:, None])
    fx = _values(f, r11[:, None, None] * cos[:, :, None] * r)  # (e, θ, r)
    gy = _values(g, r22[:, None, None] * sin[:, :, None] * r)
    radial = (fx * gy) @ wr
    return np.asarray(np.sum(radial * wt, axis=-1) / (2 * np.pi))


def _float_pieces(
    f: _Ufunc, g: _Ufunc, r11: np.ndarray, r22: np.ndarray, rho: np.ndarray, beta: np.ndarray,
    kf: list[float], kg: list[float], order: int,
) -> np.ndarray:
    """Conditional integrals split at the kinks (the inner one at moving points) and every 2.5/⌈√s⌉,
    with order/4 Gauss–Legendre nodes per piece; the inner one by the trapezoid when g has no kinks."""
    m = order // 4
    col = (slice(None), None)
    stretch = math.ceil(max(1.0, float(np.max(np.maximum(r11, r22), initial=0.0))))
    cuts = np.linspace(-_REACH, _REACH, 8 * stretch + 1)[1:-1]
    lo, hi = np.full_like(r11, -_REACH), np.full_like(r11, _REACH)
    grid = [np.full_like(r11, c) for c in cuts]
    outer = [np.where(r11 > 0, k / r11, np.inf) for k in kf]
    outer += [np.where(rho != 0, k / (rho * r22), np.inf) for k in kg]
    x, wx = _pieces(lo, np.stack(outer + grid, axis=-1), hi, m)
    wx = wx * np.exp(-x * x / 2) / _SQRT_2PI
    fx = _values(f, r11[col] * x)  # (e, nx)
    if kg:
        shape = x.shape
        inner = [(k / r22[col] - rho[col] * x) / beta[col] for k in kg]
        inner = [np.where(np.isnan(b) | (beta[col] == 0), np.inf, b) for b in inner]
        inner += [np.full(shape, c) for c in cuts]
        y, wy = _pieces(np.full(shape, -_REACH), np.stack(inner, axis=-1), np.full(shape, _REACH), m)
    else:
        step = 2 * _REACH / order / stretch
        y = np.arange(-math.ceil(_REACH / step), math.ceil(_REACH / step) + 1) * step
        y, wy = y[None, None, :], np.full((1, 1, y.size), step)
    wy = wy * np.exp(-y * y / 2) / _SQRT_2PI
    v = r22[:, None, None] * (rho[:, None, None] * x[:, :, None] + beta[:, None, None] * y)
    return np.asarray(np.sum(fx * np.sum(_values(g, v) * wy, axis=-1) * wx, axis=-1))
