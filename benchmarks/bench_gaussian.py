"""Benchmark of symntk.gaussian: figures and ratios measured in one run.

Run: ``.venv/bin/python benchmarks/bench_gaussian.py``.

1. tanh at 30 digits: seconds per entry of ``expectation`` and of nested ``mpmath.quad``, and the ratio.
2. ReLU at 30 digits: correct digits (against Cho and Saul's arc-cosine kernel) reached by nested
   ``mpmath.quad`` and by ``expectation``, and the time of each.
3. float64: entries per second of ``expectation_float64`` and its worst relative error, for tanh (against
   the 30-digit quadrature), ReLU (against the arc-cosine kernel) and a kink away from 0.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import mpmath
import numpy as np

from symntk.gaussian import expectation, expectation_float64


def nested_quad(
    f: Callable[[Any], Any], g: Callable[[Any], Any], s11: Any, s22: Any, s12: Any, **options: Any
) -> Any:
    """E[f(u) g(v)] by nested mpmath.quad on the whole line, in the conditional coordinates."""
    r11 = mpmath.sqrt(s11)
    a, b = s12 / r11, mpmath.sqrt((s11 * s22 - s12 * s12) / s11)
    line = [-mpmath.inf, mpmath.inf]

    def inner(x: Any) -> Any:
        return mpmath.quad(lambda y: g(a * x + b * y) * mpmath.npdf(y), line, **options)

    return mpmath.quad(lambda x: f(r11 * x) * mpmath.npdf(x) * inner(x), line, **options)


def digits(value: Any, exact: Any) -> float:
    err = abs(value - exact)
    return float(mpmath.inf if err == 0 else -mpmath.log10(err / abs(exact)))


def relu_exact(s11: Any, s22: Any, s12: Any) -> Any:
    th = mpmath.atan2(mpmath.sqrt(s11 * s22 - s12 * s12), s12)
    return mpmath.sqrt(s11 * s22) * (mpmath.sin(th) + (mpmath.pi - th) * mpmath.cos(th)) / (2 * mpmath.pi)


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def bench_tanh(points: list[tuple[str, str, str]]) -> None:
    print("1. tanh, E[tanh(u) tanh(v)] at 30 digits")
    ours_total = 0.0
    values = []
    for s11, s22, s12 in points:
        est, seconds = timed(
            lambda s11=s11, s22=s22, s12=s12: expectation(mpmath.tanh, mpmath.tanh, s11, s22, s12, dps=30)
        )
        ours_total += seconds
        values.append(est)
        print(f"   symntk   ({s11}, {s22}, {s12}): {seconds:7.3f} s   {est}")
    ours = ours_total / len(points)
    s11, s22, s12 = points[0]
    with mpmath.workdps(30):
        ref, nested = timed(lambda: nested_quad(
            mpmath.tanh, mpmath.tanh, mpmath.mpf(s11), mpmath.mpf(s22), mpmath.mpf(s12)))
    with mpmath.workdps(40):
        agree = digits(ref, values[0].value)
    shown = "all 30" if agree > 30 else f"{agree:.1f}"
    print(f"   nested mpmath.quad ({s11}, {s22}, {s12}): {nested:7.3f} s   "
          f"(agrees with symntk to {shown} digits)")
    print(f"   seconds per entry: symntk {ours:.3f} s, nested quad {nested:.3f} s; "
          f"ratio {nested / ours:.1f}x")


def bench_relu() -> None:
    print("2. ReLU, E[relu(u) relu(v)] at 30 digits, s = (1, 1, 0.6)")
    s11, s22, s12 = mpmath.mpf(1), mpmath.mpf(1), mpmath.mpf("0.6")
    with mpmath.workdps(60):
        exact = relu_exact(s11, s22, s12)

    def relu(z: Any) -> Any:
        return max(z, 0)

    with mpmath.workdps(30):  # mpmath's default degree would run for many minutes without converging
        ref, nested = timed(lambda: nested_quad(relu, relu, s11, s22, s12, maxdegree=5))
    est, ours = timed(lambda: expectation(relu, relu, s11, s22, s12, dps=30, kinks=[0]))
    with mpmath.workdps(60):
        d_nested, d_ours = digits(ref, exact), digits(est.value, exact)
    print(f"   nested mpmath.quad (maxdegree 5): {d_nested:5.1f} correct digits in {nested:6.2f} s")
    print(f"   symntk:             {d_ours:5.1f} correct digits in {ours:6.2f} s (claims {est.digits}, "
          f"error estimate {mpmath.nstr(est.error, 2)})")
    near = mpmath.mpf(1) - mpmath.mpf("1e-10")
    with mpmath.workdps(60):
        exact_near = relu_exact(s11, s22, near)
    est, ours = timed(lambda: expectation(relu, relu, 1, 1, near, dps=30, kinks=[0]))
    with mpmath.workdps(60):
        near_digits = digits(est.value, exact_near)
    print(f"   symntk at ρ = 1 − 1e-10: {near_digits:5.1f} correct digits in {ours:6.2f} s")


def bench_float64(n: int) -> None:
    print(f"3. float64, {n} random covariances (variances in [0.1, 2], ρ uniform in [−1, 1])")
    rng = np.random.default_rng(0)
    s11, s22 = rng.uniform(0.1, 2, n), rng.uniform(0.1, 2, n)
    s12 = np.sqrt(s11 * s22) * rng.uniform(-1, 1, n)
    det = s11 * s22 - s12 * s12

    def relu(z: Any) -> Any:
        return np.maximum(z, 0)

    def shifted(z: Any) -> Any:
        return np.maximum(z - 0.5, 0)

    for name, f, kinks, reference in [
        ("tanh (trapezoid)", np.tanh, [], "tanh"),
        ("ReLU (polar wedges)", relu, [0.0], "relu"),
        ("max(z − 1/2, 0) (pieces)", shifted, [0.5], "shifted"),
    ]:
        values, seconds = timed(
            lambda f=f, kinks=kinks: expectation_float64(f, f, s11, s22, s12, det=det, kinks=kinks)
        )
        checked = range(0, n, max(1, n // (5 if reference != "relu" else n)))
        worst = 0.0
        for i in checked:
            a, b, c = (mpmath.mpf(float(x[i])) for x in (s11, s22, s12))
            if reference == "relu":
                with mpmath.workdps(40):
                    exact = relu_exact(a, b, c)
            elif reference == "tanh":
                exact = expectation(mpmath.tanh, mpmath.tanh, a, b, c, dps=20).value
            else:
                def mp_shifted(z: Any) -> Any:
                    return max(z - mpmath.mpf(1) / 2, 0)

                half = [mpmath.mpf(1) / 2]
                exact = expectation(mp_shifted, mp_shifted, a, b, c, dps=20, kinks=half).value
            worst = max(worst, float(abs(values[i] - exact) / abs(exact)))
        print(f"   {name:26s}: {n / seconds:10.0f} entries/s, worst relative error {worst:.1e} over "
              f" {len(checked)} checked entries")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--float64-entries", type=int, default=2000)
    args = parser.parse_args()
    print(f"mpmath backend: {mpmath.libmp.BACKEND}")
    bench_tanh([("1", "1", "0.5"), ("2", "0.5", "-0.7"), ("0.3", "1.7", "0.6")])
    bench_relu()
    bench_float64(args.float64_entries)


if __name__ == "__main__":
    main()
