"""Speed (and accuracy) of symntk.kernels, measured in one run; prints figures and ratios.

1. float64 ReLU, depth 10, an N×N Gram matrix (NNGP and NTK): seconds, entries/s, and the ratio to a
   straightforward NumPy loop over the layers (textbook arccos, no determinant carried), with the accuracy of
   both against 50-digit truth on nearly parallel inputs.
2. 50-digit ReLU, depth 10: milliseconds per entry of (NNGP, NTK).
3. tanh at 30 digits (no closed form: Gaussian quadrature), depth 2: seconds per entry, and the ratio to
   nested ``mpmath.quad`` for the same E[tanh(u)tanh(v)] and E[tanh′(u)tanh′(v)].

Run: ``.venv/bin/python benchmarks/bench_kernels.py [--n 1000] [--quick]``.
"""

from __future__ import annotations

import argparse
import math
import time

import mpmath
import numpy as np

from symntk import gaussian
from symntk.activations import get_activation
from symntk.limits import kernels


def naive_relu(x1: np.ndarray, x2: np.ndarray, depth: int, beta: float) -> tuple[np.ndarray, np.ndarray]:
    """The straightforward recursion: ρ = Σ₁₂/√(Σ₁₁Σ₂₂), θ = arccos ρ, Cho–Saul closed forms."""
    n0 = x1.shape[1]
    b2 = beta * beta
    q1 = np.einsum("ij,ij->i", x1, x1) / n0 + b2
    q2 = np.einsum("ij,ij->i", x2, x2) / n0 + b2
    c = x1 @ x2.T / n0 + b2
    ntk = c.copy()
    for _ in range(depth - 1):
        norm = np.sqrt(np.outer(q1, q2))
        theta = np.arccos(np.clip(c / norm, -1.0, 1.0))
        sdot = (np.pi - theta) / (2 * np.pi)
        c = norm * (np.sin(theta) + (np.pi - theta) * np.cos(theta)) / (2 * np.pi) + b2
        q1, q2 = q1 / 2 + b2, q2 / 2 + b2
        ntk = ntk * sdot + c
    return c, ntk


def best_of(repeats: int, f, *args, **kwargs):  # type: ignore[no-untyped-def]
    best, result = math.inf, None
    for _ in range(repeats):
        start = time.perf_counter()
        result = f(*args, **kwargs)
        best = min(best, time.perf_counter() - start)
    return best, result


def bench_float(n: int) -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 10))
    t_ours, _ = best_of(3, kernels, x, x, activation="relu", depth=10, beta=0.1)
    t_naive, _ = best_of(3, naive_relu, x, x, 10, 0.1)
    entries = n * n
    print(f"[1] float64 ReLU depth 10, {n}x{n} Gram (NNGP+NTK)")
    print(f"    symntk.kernels : {t_ours:8.3f} s   {entries / t_ours:12.3e} entries/s")
    print(f"    naive loop     : {t_naive:8.3f} s   {entries / t_naive:12.3e} entries/s")
    print(f"    ratio symntk/naive time: {t_ours / t_naive:.2f}")
    # accuracy at nearly parallel inputs (angles 1e-4 … 1e-12) and x' = −x, against 50 digits
    base = np.array([0.6, -1.3, 2.1])
    e = np.array([1.3, 0.6, 0.0])
    e -= (e @ base) / (base @ base) * base
    e /= np.linalg.norm(e)
    x2 = np.array(
        [math.cos(a) * base + math.sin(a) * np.linalg.norm(base) * e for a in (1e-4, 1e-8, 1e-12)]
        + [-base, 2.5 * base]
    )
    truth = kernels([base], x2, activation="relu", depth=10, beta=0.1, dps=50)
    ours = kernels([base], x2, activation="relu", depth=10, beta=0.1)
    naive = naive_relu(base[None, :], x2, 10, 0.1)

    def worst(result: tuple[np.ndarray, np.ndarray]) -> float:
        return max(
            float(abs(mpmath.mpf(float(result[k][0, j])) - truth[k][0, j]) / abs(truth[k][0, j]))
            for k in (0, 1)
            for j in range(len(x2))
        )

    w_ours, w_naive = worst(ours), worst(naive)
    print(
        f"    max relative error vs 50 digits (angles 1e-4…1e-12, -x, 2.5x): symntk {w_ours:.1e}, "
        f"naive {w_naive:.1e} (ratio {w_naive / w_ours:.1e})"
    )


def bench_mp_relu(n: int) -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(n, 10))
    t, _ = best_of(1, kernels, x, x, activation="relu", depth=10, beta=0.1, dps=50)
    print(f"[2] 50-digit ReLU depth 10, {n}x{n} entries: {t:.2f} s, {1e3 * t / (n * n):.1f} ms per entry")


def nested_quad(f, s11: mpmath.mpf, s22: mpmath.mpf, s12: mpmath.mpf) -> mpmath.mpf:  # type: ignore[no-untyped-def]
    """E[f(u)f(v)] by nested mpmath.quad in standard normal coordinates: u = a x, v = b(ρx + √(1−ρ²)y)."""
    a, b = mpmath.sqrt(s11), mpmath.sqrt(s22)
    rho = s12 / (a * b)
    r = mpmath.sqrt(1 - rho**2)
    phi = lambda t: mpmath.exp(-t * t / 2) / mpmath.sqrt(2 * mpmath.pi)  # noqa: E731
    inner = lambda x: mpmath.quad(lambda y: phi(y) * f(b * (rho * x + r * y)), [-mpmath.inf, mpmath.inf])  # noqa: E731
    return mpmath.quad(lambda x: phi(x) * f(a * x) * inner(x), [-mpmath.inf, mpmath.inf])


def bench_tanh(quick: bool) -> None:
    x1, x2 = [[0.6, -1.3, 2.1]], [[1.0, 0.5, -0.3]]
    t_ours, ours = best_of(1, kernels, x1, x2, activation="tanh", depth=2, dps=30)
    # the same two expectations (E[σσ], E[σ̇σ̇]) by nested mpmath.quad, at the first layer's covariance
    with mpmath.workdps(60):  # Σ^(1) exactly from the binary inputs
        s11 = mpmath.fsum(mpmath.mpf(v) ** 2 for v in x1[0]) / 3
        s22 = mpmath.fsum(mpmath.mpf(v) ** 2 for v in x2[0]) / 3
        s12 = mpmath.fsum(mpmath.mpf(a) * mpmath.mpf(b) for a, b in zip(x1[0], x2[0], strict=True)) / 3
    act = get_activation("tanh")
    start = time.perf_counter()
    gaussian.expectation(act.mpmath, act.mpmath, s11, s22, s12, dps=30)
    t_single = time.perf_counter() - start
    with mpmath.workdps(30):
        start = time.perf_counter()
        e = nested_quad(mpmath.tanh, s11, s22, s12)
        t_nested = time.perf_counter() - start
        if not quick:
            start = time.perf_counter()
            nested_quad(lambda z: 1 - mpmath.tanh(z) ** 2, s11, s22, s12)
            t_nested += time.perf_counter() - start
        # Σ^(2) = E[tanh(u)tanh(v)] (β = 0): how many digits the nested quad shares with symntk's value
        agree = -mpmath.log10(abs(e - ours.nngp[0, 0]) / abs(ours.nngp[0, 0]) + mpmath.mpf(10) ** -40)
    print("[3] tanh at 30 digits, depth 2, one entry (E[σσ] and E[σ̇σ̇], plus the diagonals it needs)")
    print(f"    symntk.kernels(dps=30): {t_ours:.2f} s per entry")
    label = "E[σσ] only" if quick else "E[σσ] and E[σ̇σ̇]"
    print(
        f"    nested mpmath.quad    : {t_nested:.2f} s for {label}; its E[σσ] agrees with symntk to "
        f"{float(agree):.0f} digits"
    )
    per_expectation = t_nested if quick else t_nested / 2
    print(f"    ratio nested quad / symntk (whole entry, two precisions, diagonals): {t_nested / t_ours:.1f}")
    print(
        f"    one E[tanh tanh] at 30 digits: symntk.gaussian {t_single:.2f} s, nested mpmath.quad "
        f"{per_expectation:.2f} s, ratio {per_expectation / t_single:.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=1000, help="Gram size N for the float64 benchmark")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, one nested quad")
    args = parser.parse_args()
    bench_float(200 if args.quick else args.n)
    bench_mp_relu(3 if args.quick else 5)
    bench_tanh(args.quick)


if __name__ == "__main__":
    main()
