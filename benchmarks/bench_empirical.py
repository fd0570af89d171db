"""Structured empirical NTK against the explicit Jacobian Gram J Jᵀ, measured in one run.

Width 1024, depth 3 (two hidden layers of 1024), N = 128 inputs on the unit sphere of ℝ^32, scalar and
10-dimensional output, one network (seed 0). For each method: wall-clock seconds (best of --repeat runs for
the structured method, one run for the explicit one), the peak of NumPy's traced memory (tracemalloc), and
the ratio explicit / structured; the two kernels' largest relative difference is printed as a check. The
explicit method forms every entry of J (N n_L × P, P ≈ 1.1 million) in column blocks of at most
--explicit-bytes, so its memory stays bounded on a shared machine while its arithmetic is the full J Jᵀ.

Run: .venv/bin/python benchmarks/bench_empirical.py [--activation erf] [--repeat 3]
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np

from symntk.convergence import sphere_points
from symntk.empirical import Architecture, ntk, ntk_explicit, sample


def measure(fn: Callable[[], Any], repeat: int) -> tuple[Any, float, float]:
    """(result, best seconds, peak traced bytes) of ``repeat`` calls."""
    best, peak, result = float("inf"), 0, None
    for _ in range(repeat):
        tracemalloc.start()
        tracemalloc.reset_peak()
        began = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - began)
        peak = max(peak, tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    return result, best, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--activation", default="erf")
    parser.add_argument("--width", type=int, default=1024)
    parser.add_argument("--depth", type=int, default=3)
    parser.add_argument("--inputs", type=int, default=128)
    parser.add_argument("--input-dim", type=int, default=32)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--explicit-bytes", type=float, default=2 * 2**30)
    args = parser.parse_args()
    x = sphere_points(args.inputs, args.input_dim, 0)
    print(
        f"width {args.width}, depth {args.depth}, N = {args.inputs}, n_0 = {args.input_dim}, "
        f"σ = {args.activation}, explicit blocks ≤ {args.explicit_bytes / 2**30:.1f} GiB"
    )
    header = f"{'outputs':>7} {'P':>9} {'structured s':>12} {'explicit s':>10} {'ratio':>7} "
    header += f"{'struct. MiB':>11} {'explicit MiB':>12} {'max rel. diff':>13}"
    print(header)
    for outputs in (1, 10):
        arch = Architecture.uniform(
            args.input_dim, args.width, args.depth, args.activation, output_dim=outputs
        )
        net = sample(arch, 1, seed=0)
        ntk(net, x[:2])  # warm up: compiles the activation's NumPy form outside the measurement
        fast, t_fast, m_fast = measure(lambda net=net: ntk(net, x), args.repeat)
        slow, t_slow, m_slow = measure(lambda net=net: ntk_explicit(net, x, max_bytes=args.explicit_bytes), 1)
        diff = float(np.abs(fast - slow).max() / np.abs(slow).max())
        print(
            f"{outputs:>7} {arch.n_parameters:>9} {t_fast:>12.3f} {t_slow:>10.2f} {t_slow / t_fast:>7.1f} "
            f"{m_fast / 2**20:>11.1f} {m_slow / 2**20:>12.1f} {diff:>13.2e}"
        )


if __name__ == "__main__":
    main()
