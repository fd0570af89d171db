"""How the time to establish identities (a)–(d) of symntk.network grows with widths and depth, in one run.

For each architecture (generic σ, NTK parametrization, symbol β) a fresh Network is built and the seconds
to establish each identity are measured, including deriving the Jacobians and kernels it needs:
(a) base case, (b) chain rule, (c) every layer recursion, (d) Θ = J Jᵀ, PSD and the critical-point kernel
on M = 2 inputs. Printed: the seconds, the verdicts, the parameter count P, and the ratio of each total to
the (3, 4, 4, 2) baseline; then the slope of log(time) against log(P) along the width series and along the
depth series. Last, (c) at widths (8, 16, 16, 4): exact simplification (a proof) against exact evaluation at
one random rational point (evidence), and their ratio.

Run: .venv/bin/python benchmarks/bench_network.py [--quick]   (--quick skips the (8, 16, 16, 4) case)
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Callable

from symntk.network import (
    Identity,
    Network,
    ntk_base_case,
    ntk_chain_rule,
    ntk_gram_structure,
    ntk_layer_recursion,
)

BASELINE = (3, 4, 4, 2)
WIDTH_SERIES = [(3, 4, 4, 2), (3, 6, 6, 2), (3, 8, 8, 2), (3, 12, 12, 2)]
DEPTH_SERIES = [(3, 4, 2), (3, 4, 4, 2), (3, 4, 4, 4, 2), (3, 4, 4, 4, 4, 2)]


def timed(fn: Callable[[], list[Identity]]) -> tuple[list[Identity], float]:
    began = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - began


def establish_all(widths: tuple[int, ...]) -> dict[str, tuple[float, str]]:
    """Seconds and verdicts of (a)–(d) on a fresh network (caches start empty)."""
    net = Network(widths)
    steps: dict[str, Callable[[], list[Identity]]] = {
        "(a)": lambda: [ntk_base_case(net)],
        "(b)": lambda: [ntk_chain_rule(net)],
        "(c)": lambda: [ntk_layer_recursion(net, ell) for ell in range(1, net.depth)],
        "(d)": lambda: ntk_gram_structure(net, inputs=2),
    }
    out = {}
    for name, fn in steps.items():
        identities, seconds = timed(fn)
        out[name] = (seconds, ",".join(sorted({i.verdict for i in identities})))
    return out


def slope(xs: list[float], ys: list[float]) -> float:
    """Least-squares slope of log y against log x."""
    lx, ly = [math.log(x) for x in xs], [math.log(y) for y in ys]
    mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
    return sum((a - mx) * (b - my) for a, b in zip(lx, ly, strict=True)) / sum((a - mx) ** 2 for a in lx)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the (8, 16, 16, 4) recursion")
    args = parser.parse_args()

    runs: dict[tuple[int, ...], dict[str, tuple[float, str]]] = {}
    header = f"{'widths':<22}{'P':>6}" + "".join(f"{k:>16}" for k in ("(a)", "(b)", "(c)", "(d)"))
    print(header + f"{'total s':>10}{'× base':>9}")
    for widths in dict.fromkeys(WIDTH_SERIES + DEPTH_SERIES):
        runs[widths] = establish_all(widths)
    base_total = sum(s for s, _ in runs[BASELINE].values())
    totals: dict[tuple[int, ...], float] = {}
    for widths, run in runs.items():
        params = len(Network(widths).parameters)
        total = sum(s for s, _ in run.values())
        totals[widths] = total
        cells = "".join(f"{f'{s:.2f} {v}':>16}" for s, v in run.values())
        print(f"{widths!s:<22}{params:>6}{cells}{total:>10.2f}{total / base_total:>9.2f}")

    def params(w: tuple[int, ...]) -> float:
        return float(len(Network(w).parameters))

    width_slope = slope([params(w) for w in WIDTH_SERIES], [totals[w] for w in WIDTH_SERIES])
    depth_slope = slope([params(w) for w in DEPTH_SERIES], [totals[w] for w in DEPTH_SERIES])
    depth_ratio = totals[DEPTH_SERIES[-1]] / totals[DEPTH_SERIES[0]]
    print(
        f"\n(a)–(d) at {BASELINE}: {base_total:.2f} s (target < 10 s). Growth of the total time:"
        f"\n  widths (depth 3): time ∝ P^{width_slope:.2f}"
        f"\n  depth (width 4):  time ∝ P^{depth_slope:.2f}; depth 5 / depth 2 = {depth_ratio:.1f}×"
    )

    if args.quick:
        return
    big = (8, 16, 16, 4)
    net = Network(big)
    (_kernels, derive) = timed(lambda: [net.ntk("x", "x'"), net.ntk("x", "x'", layer=2)])  # type: ignore[list-item]
    proof, proved_s = timed(lambda: [ntk_layer_recursion(net, 2)])
    evidence, random_s = timed(lambda: [ntk_layer_recursion(net, 2, budget=0, points=1)])
    print(
        f"\n(c) ℓ = 2 at {big} (P = {len(net.parameters)}): deriving Θ^(3), Θ^(2) {derive:.1f} s; "
        f"exact simplification {proved_s:.1f} s ({proof[0].verdict}); one exact random point "
        f"{random_s:.1f} s ({evidence[0].verdict}); simplification / one point = {proved_s / random_s:.1f}×"
    )


if __name__ == "__main__":
    main()
