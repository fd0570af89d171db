"""A pytest plugin for guarding closed forms in users' code (registered through the ``pytest11`` entry point).

Two assertion helpers, each also a fixture of the same purpose:

* :func:`assert_digits` (fixture ``golden_digits``): ``actual`` equals the golden value ``expected`` to
  ``digits`` significant digits, i.e. |actual − expected| ≤ 10^{−digits}·|expected| (for expected = 0:
  |actual| ≤ 10^{−digits}). On failure both are printed, aligned on the golden value's exponent, with the
  first differing digit marked.
* :func:`assert_dual_kernel` (fixture ``dual_kernel_check``): a closed form of the dual kernel
  E[σ(u)σ(v)], (u, v) ~ N(0, [[Σ₁₁, Σ₁₂], [Σ₁₂, Σ₂₂]]) (the map of the infinite-width recursion, seed 000,
  Proposition 1; NOTATION.md), given as a SymPy expression of Σ₁₁, Σ₂₂, Σ₁₂ or as a function of them, agrees
  with symntk's high-precision Gaussian quadrature (:func:`symntk.gaussian.expectation`) at random
  covariances (seeded, exact rationals) to ``digits`` digits; ``derivative=True`` checks E[σ̇(u)σ̇(v)].

Numbers are never parsed from text by ``eval`` or SymPy: decimal strings go through mpmath's number parser.

Example (a test file in a user's project; the plugin is active once symntk is installed)::

    import sympy as sp
    from symntk.activations import C, Q1, Q2

    def test_my_erf_kernel(dual_kernel_check, golden_digits):
        mine = 2 / sp.pi * sp.asin(2 * C / sp.sqrt((1 + 2 * Q1) * (1 + 2 * Q2)))
        dual_kernel_check(mine, "erf", digits=20)
        golden_digits(my_value(), "0.2354557802643164543", digits=18)
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

__all__ = ["assert_digits", "assert_dual_kernel", "compare_digits"]


def _to_mpf(value: Any, name: str, dps: int) -> Any:
    """An mpmath number from a number or a decimal string (never evaluated as code)."""
    import mpmath

    from ._errors import SymntkError

    if isinstance(value, bool):
        raise SymntkError(f"{name} must be a number, got a bool")
    with mpmath.workdps(dps):
        return _parse(value, name, dps)


def _parse(value: Any, name: str, dps: int) -> Any:
    import mpmath

    from ._errors import SymntkError

    try:
        if isinstance(value, str):
            value = Fraction(Decimal(value.strip().replace("_", "")))
        if isinstance(value, Fraction):
            return mpmath.mpf(value.numerator) / value.denominator
        if isinstance(value, Decimal):
            frac = Fraction(value)
            return mpmath.mpf(frac.numerator) / frac.denominator
        if hasattr(value, "is_Rational") and value.is_Rational:  # a SymPy rational
            return mpmath.mpf(int(value.p)) / int(value.q)
        if hasattr(value, "_mpf_") or isinstance(value, int | float):
            return mpmath.mpf(value)
        if hasattr(value, "evalf") and getattr(value, "is_number", False):  # a SymPy number
            return mpmath.mpf(str(value.evalf(dps)))
        return mpmath.mpf(float(value))  # NumPy scalars
    except (ArithmeticError, ValueError, TypeError):
        raise SymntkError(f"{name} is not a finite real number: {value!r}") from None


def _digit_strings(actual: Any, expected: Any, shown: int) -> tuple[str, str]:
    """Both values as d.ddd…e±E with ``shown`` digits, scaled to the exponent E of ``expected``."""
    import mpmath

    ref = expected if expected != 0 else actual
    exponent = 0 if ref == 0 else int(mpmath.floor(mpmath.log10(abs(ref))))

    def text(v: Any) -> str:
        scaled = int(mpmath.nint(abs(v) * mpmath.mpf(10) ** (shown - 1 - exponent)))
        digits = str(scaled).rjust(shown, "0")
        head, tail = digits[: len(digits) - shown + 1], digits[len(digits) - shown + 1 :]
        return f"{'-' if v < 0 else ' '}{head}.{tail}e{exponent:+d}"

    return text(expected), text(actual)


def compare_digits(actual: Any, expected: Any, digits: int) -> tuple[bool, str]:
    """Whether ``actual`` equals ``expected`` to ``digits`` significant digits, and a report of both.

    The report prints both values to ``digits`` + 3 digits on the exponent of ``expected`` with a caret
    under the first digit where they differ, and says how many significant digits agree.
    """
    import mpmath

    from ._errors import SymntkError

    if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= 1000:
        raise SymntkError(f"digits must be an integer from 1 to 1000, got {digits!r}")
    with mpmath.workdps(digits + 20):
        a, e = _to_mpf(actual, "actual", digits + 20), _to_mpf(expected, "expected", digits + 20)
        if not (mpmath.isfinite(a) and mpmath.isfinite(e)):
            return False, f"not finite: expected {e}, actual {a}"
        err = abs(a - e)
        bound = mpmath.mpf(10) ** (-digits) * (abs(e) if e != 0 else 1)
        ok = bool(err <= bound)
        agreed = (
            "all" if err == 0 else (f"{max(0.0, float(-mpmath.log10(err / abs(e)))):.1f}" if e != 0 else "—")
        )
        exp_text, act_text = _digit_strings(a, e, digits + 3)
        first = next((i for i, (x, y) in enumerate(zip(exp_text, act_text, strict=False)) if x != y), None)
        lines = [
            f"{'equal' if ok else 'differ'} to {digits} significant digits "
            f"(relative difference {mpmath.nstr(err / abs(e), 3) if e != 0 else mpmath.nstr(err, 3)}; "
            f"significant digits agreeing: {agreed})",
            f"  expected {exp_text}",
            f"  actual   {act_text}",
        ]
        if first is not None:
            position = sum(ch.isdigit() for ch in exp_text[: first + 1])
            lines.append("           " + " " * first + f"^ first differing digit (digit {position})")
    return ok, "\n".join(lines)


def assert_digits(actual: Any, expected: Any, digits: int) -> None:
    """Fail unless ``actual`` equals the golden ``expected`` to ``digits`` significant digits.

    ``expected`` is best given as a decimal string (all its digits count); numbers, Fractions, mpmath and
    SymPy numbers are accepted too.
    """
    __tracebackhide__ = True
    ok, report = compare_digits(actual, expected, digits)
    if not ok:
        raise AssertionError(report)


def _callable_activation(
    activation: Any, derivative: bool, kinks: Sequence[Any] | None
) -> tuple[Callable[[Any], Any], list[Any]]:
    """σ (or σ̇) as a function of one mpmath number, and its kinks."""
    import sympy as sp

    from ._errors import SymntkError
    from .activations import Activation, activation_from_callable, activation_from_expr, get_activation

    if isinstance(activation, sp.Expr):
        free = sorted(activation.free_symbols, key=str)
        if len(free) != 1:
            raise SymntkError(f"an activation expression has one free symbol, got {free}")
        act = activation_from_expr(activation, free[0], kinks=tuple(kinks) if kinks is not None else None)
    elif isinstance(activation, str | Activation):
        act = get_activation(activation)
    elif callable(activation):
        if derivative:
            raise SymntkError(
                "derivative=True needs a SymPy or registry activation (σ̇ of a callable is numeric)"
            )
        act = activation_from_callable(activation, kinks=tuple(kinks or ()))
    else:
        raise SymntkError(
            f"activation must be a registry name, an Activation, a SymPy expression or a "
            f"callable, got {type(activation).__name__}"
        )
    fn = act.mpmath_derivative if derivative else act.mpmath
    return fn, list(act.kinks) if kinks is None else list(kinks)


def _closed_form(
    closed_form: Any, symbols: Sequence[Any] | None
) -> Callable[[Fraction, Fraction, Fraction, int], Any]:
    """The user's closed form as a function of exact (Σ₁₁, Σ₂₂, Σ₁₂) evaluated to ``dps`` digits."""
    import mpmath
    import sympy as sp

    from ._errors import SymntkError
    from .activations import Q1, Q2, C

    if isinstance(closed_form, sp.Expr):
        names = tuple(symbols) if symbols is not None else (Q1, Q2, C)
        if len(names) != 3 or not all(isinstance(s, sp.Symbol) for s in names):
            raise SymntkError("symbols must be three SymPy symbols (Σ₁₁, Σ₂₂, Σ₁₂)")
        extra = closed_form.free_symbols - set(names)
        if extra:
            raise SymntkError(
                f"the closed form has free symbols besides Σ₁₁, Σ₂₂, Σ₁₂: {sorted(map(str, extra))}"
            )

        def from_expr(s11: Fraction, s22: Fraction, s12: Fraction, dps: int) -> Any:
            subs = {
                n: sp.Rational(v.numerator, v.denominator)
                for n, v in zip(names, (s11, s22, s12), strict=True)
            }
            value = closed_form.evalf(dps, subs=subs)
            if not value.is_real:
                raise SymntkError(f"the closed form is not real at Σ = {s11}, {s22}, {s12}: {value}")
            return _to_mpf(value, "the closed form", dps)

        return from_expr
    if callable(closed_form):

        def from_function(s11: Fraction, s22: Fraction, s12: Fraction, dps: int) -> Any:
            with mpmath.workdps(dps):
                args = [mpmath.mpf(v.numerator) / v.denominator for v in (s11, s22, s12)]
                return _to_mpf(closed_form(*args), "the closed form's value", dps)

        return from_function
    raise SymntkError(
        f"the closed form must be a SymPy expression or a function, got {type(closed_form).__name__}"
    )


def covariance_points(points: int, seed: int) -> list[tuple[Fraction, Fraction, Fraction]]:
    """``points`` random covariances [[Σ₁₁, Σ₁₂], [Σ₁₂, Σ₂₂]] in exact rationals: variances in [1/4, 2],
    Σ₁₂ = r·min(Σ₁₁, Σ₂₂) with r ∈ [−0.9, 0.9], so that |ρ| ≤ 0.9 (always positive definite)."""
    rng = random.Random(seed)
    out = []
    for _ in range(points):
        s11 = Fraction(rng.randint(25, 200), 100)
        s22 = Fraction(rng.randint(25, 200), 100)
        s12 = Fraction(rng.randint(-90, 90), 100) * min(s11, s22)
        out.append((s11, s22, s12))
    return out


def assert_dual_kernel(
    closed_form: Any,
    activation: Any,
    digits: int = 20,
    points: int = 4,
    seed: int = 0,
    symbols: Sequence[Any] | None = None,
    derivative: bool = False,
    kinks: Sequence[Any] | None = None,
) -> None:
    """Fail unless ``closed_form`` equals E[σ(u)σ(v)] by quadrature to ``digits`` digits at random points.

    Args:
        closed_form: a SymPy expression of Σ₁₁, Σ₂₂, Σ₁₂ (by default the symbols Q1, Q2, C of
            :mod:`symntk.activations`; else pass ``symbols``), or a function (s11, s22, s12) → number called
            with mpmath numbers.
        activation: a registry name, an Activation, a SymPy expression of one symbol, or a callable σ
            (of one mpmath number); ``kinks`` are the points where σ is not smooth (default: found in the
            expression, or none for a callable).
        digits: the significant digits required (the quadrature is run to ``digits`` + 5).
        points, seed: how many random covariances (see :func:`covariance_points`), and the seed.
        derivative: check E[σ̇(u)σ̇(v)] instead.
    """
    __tracebackhide__ = True
    from . import gaussian
    from ._errors import SymntkError

    if isinstance(points, bool) or not isinstance(points, int) or not 1 <= points <= 100:
        raise SymntkError(f"points must be an integer from 1 to 100, got {points!r}")
    if isinstance(digits, bool) or not isinstance(digits, int) or not 2 <= digits <= 60:
        raise SymntkError(f"digits must be an integer from 2 to 60, got {digits!r}")
    fn, kink_list = _callable_activation(activation, derivative, kinks)
    evaluate = _closed_form(closed_form, symbols)
    failures = []
    for s11, s22, s12 in covariance_points(points, seed):
        estimate = gaussian.expectation(fn, fn, s11, s22, s12, dps=digits + 5, kinks=kink_list)
        mine = evaluate(s11, s22, s12, digits + 10)
        ok, report = compare_digits(mine, estimate.value, digits)
        if not ok:
            failures.append(
                f"at Σ₁₁ = {s11}, Σ₂₂ = {s22}, Σ₁₂ = {s12} (expected: quadrature, actual: closed "
                f"form):\n{report}"
            )
    if failures:
        what = "E[σ̇(u)σ̇(v)]" if derivative else "E[σ(u)σ(v)]"
        raise AssertionError(
            f"the closed form of {what} differs from quadrature at {len(failures)} of "
            f"{points} points:\n" + "\n".join(failures)
        )


@pytest.fixture
def golden_digits() -> Callable[..., None]:
    """:func:`assert_digits`: ``golden_digits(actual, expected, digits)``."""
    return assert_digits


@pytest.fixture
def dual_kernel_check() -> Callable[..., None]:
    """:func:`assert_dual_kernel`: ``dual_kernel_check(closed_form, activation, digits=20, ...)``."""
    return assert_dual_kernel
