"""Measure how the empirical NNGP and NTK of finite networks converge to Σ^(L) and Θ^(L) ⊗ Id.

Samples independent networks (NTK parametrization, hidden widths all equal to each of --widths, depth L,
2 outputs) on seeded points of the unit sphere, and prints per width the RMS over networks of the relative
errors ‖Σ̂ − Σ^(L)‖_F/‖Σ^(L)‖_F and ‖Θ̂ − Θ^(L) ⊗ Id‖_F/‖Θ^(L) ⊗ Id‖_F and of the off-diagonal blocks
‖Θ̂_{k≠k'}‖_F/‖Θ^(L) ⊗ Id‖_F (Theorem 1 and Proposition 1, seed 000; seed 002 §§3–4), then the fitted rate
error ∝ n^r of each, with a 95% Student-t interval from the regression over all networks (expect r ≈ −1/2).
The same --seed gives the same numbers. A width too large for memory is refused with the estimate.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

HELP = "measure the convergence of finite-width NNGP and NTK to their limits, with fitted rates"


def _widths(text: str) -> list[int]:
    try:
        widths = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"widths must be comma-separated integers, got {text!r}") from None
    if len(widths) < 2 or min(widths) < 1 or len(set(widths)) != len(widths):
        raise argparse.ArgumentTypeError(f"give at least two distinct positive widths, got {text!r}")
    return widths


def _int_at_least(low: int) -> Any:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"expected an integer ≥ {low}, got {value}")
        return value

    return parse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--activation", default="relu", metavar="NAME", help="activation σ (default relu)")
    parser.add_argument(
        "--depth", type=_int_at_least(1), default=3, metavar="L", help="affine layers (default 3)"
    )
    parser.add_argument("--beta", type=float, default=0.0, metavar="B", help="bias scale β ≥ 0 (default 0)")
    parser.add_argument(
        "--widths",
        type=_widths,
        default=[64, 256, 1024, 4096],
        metavar="N,N,...",
        help="hidden widths (default 64,256,1024,4096)",
    )
    parser.add_argument(
        "--samples", type=_int_at_least(2), default=10, metavar="S", help="networks per width (default 10)"
    )
    parser.add_argument(
        "--inputs", type=_int_at_least(1), default=4, metavar="N", help="input points (default 4)"
    )
    parser.add_argument("--seed", type=int, default=0, metavar="N", help="random seed (default 0)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")


def run(args: argparse.Namespace) -> int:
    from ..convergence import kernel_convergence

    def measure(progress: Any) -> Any:
        return kernel_convergence(
            args.activation,
            args.depth,
            args.beta,
            args.widths,
            args.samples,
            args.seed,
            n_inputs=args.inputs,
            progress=progress,
        )

    if sys.stderr.isatty():
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        with Progress(
            TextColumn("sampling networks"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        ) as bar:
            task = bar.add_task("networks", total=args.samples * len(args.widths))
            result = measure(lambda done, _total: bar.update(task, completed=done))
    else:
        result = measure(None)
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False))
        return 0
    _print_table(result, args)
    return 0


def _print_table(result: Any, args: argparse.Namespace) -> None:
    from rich.console import Console
    from rich.table import Table

    arch = result.architecture
    table = Table(
        title=f"{arch.activation}, depth {arch.depth}, β = {arch.beta:g}: {args.samples} networks per width, "
        f"{result.x.shape[0]} inputs, 2 outputs (seed {args.seed})"
    )
    table.add_column("width", justify="right")
    for name in ("NNGP error", "NTK error", "off-diagonal"):
        table.add_column(name, justify="right")
    for i, n in enumerate(result.widths):
        table.add_row(str(n), *(f"{v[i]:.4g}" for v in (result.nngp_error, result.ntk_error, result.offdiag)))
    console = Console(soft_wrap=True)
    console.print(table)
    for key, name in (("nngp", "NNGP"), ("ntk", "NTK"), ("offdiag", "off-diagonal")):
        fit = result.rates[key]
        low, high = fit.ci
        console.print(f"{name} error ∝ n^{fit.estimate:.3f}, 95% CI [{low:.3f}, {high:.3f}]")
