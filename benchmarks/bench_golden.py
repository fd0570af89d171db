"""Golden tables: cost of the independent route and of the closed-form check, measured in one run.

Prints, for one covariance, the time of one Gaussian expectation by the golden generator's routes (polar
angular quadrature for ReLU, ball-arithmetic trapezoid for erf) and by symntk.gaussian.expectation (the
general kink-splitting double-exponential quadrature) at the same digits, with the ratio; then the time to
check one row of the committed ReLU table (10 depths) per backend.

    .venv/bin/python benchmarks/bench_golden.py [DIGITS]
"""

from __future__ import annotations

import sys
import time
from fractions import Fraction
from pathlib import Path

import mpmath

from symntk import golden
from symntk.activations import get_activation
from symntk.gaussian import expectation


def _seconds(fn) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    began = time.perf_counter()
    out = fn()
    return time.perf_counter() - began, out


def main() -> None:
    digits = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    cov = (Fraction(1), Fraction(3, 2), Fraction(7, 10))
    print(f"one expectation E[σ(u)σ(v)] at Σ = {[str(v) for v in cov]}, {digits} digits")
    for name, route in (("relu", golden._Polar), ("erf", golden._Trapezoid)):
        act = get_activation(name)
        with mpmath.workdps(digits + 10):
            q1, q2, c = (mpmath.mpf(v.numerator) / v.denominator for v in cov)
            fast = route(act.sigma, 0)
            args = (q1, q2, c, q1 * q2 - c * c, digits)
            t_fast, v_fast = _seconds(lambda f=fast, a=args: f(*a))
            t_gen, est = _seconds(
                lambda a=act: expectation(a.mpmath, a.mpmath, *cov, dps=digits, kinks=list(a.kinks))
            )
            agree = -mpmath.log10(abs(v_fast - est.value) / abs(est.value))  # type: ignore[attr-defined]
        print(
            f"  {name:5s} golden route {t_fast:7.2f} s   symntk.gaussian {t_gen:7.2f} s   "
            f"ratio {t_gen / t_fast:6.1f}x   agreement {float(agree):.1f} digits"
        )
    folder = Path(__file__).resolve().parents[1] / "generated" / "golden"
    table = golden.load_table("relu", folder)
    table["rows"] = [r for r in table["rows"] if r["beta"] == "0.1" and r["point"] == "generic"]
    golden.check_table(table, backends=("float64",))  # warm-up: the float64 series are built once
    print("check of one row (10 depths, relu) per backend:")
    times = {}
    for backend in ("float64", "mpmath", "sympy"):
        times[backend], (drifts, checked) = _seconds(
            lambda b=backend: golden.check_table(table, backends=(b,))  # type: ignore[misc]
        )
        print(f"  {backend:8s} {times[backend]:6.2f} s  {checked} comparisons, {len(drifts)} drifted")
    print(
        f"  ratio sympy/float64 {times['sympy'] / times['float64']:.1f}x, "
        f"mpmath/float64 {times['mpmath'] / times['float64']:.1f}x"
    )


if __name__ == "__main__":
    main()
