"""Regenerate the golden tables, or check them against the closed forms.

Without --check: computes Σ^(L), Σ̇^(L), Θ^(L) for depths 1…10, β ∈ {0, 0.1, 1} and the fixed grid of input
pairs (diagonal, tiny angles, orthogonal, obtuse, nearly antipodal, antipodal) to 50 significant digits by
an independent route (quadrature composed through the layers, run twice on disjoint nodes) and writes one
JSON file per activation under --dir, with provenance. This takes minutes per activation: --activation
regenerates one, --workers spreads the rows over processes.

With --check: recomputes every entry through the closed forms in three backends (float64 to 1e-13
relative, mpmath to 45 digits, SymPy evaluated at 70 digits to 45 digits) and names each entry that drifted.

Exit status: 0 when every entry is reproduced (or every table was written); 1 when an entry drifted;
2 for bad arguments or a missing table.
"""

from __future__ import annotations

import argparse
import sys
import time

HELP = "regenerate the 50-digit golden tables of the closed forms, or --check them (names drifted entries)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--check",
        action="store_true",
        help="recompute every entry through the closed forms instead of regenerating",
    )
    parser.add_argument(
        "--activation",
        action="append",
        metavar="NAME",
        help="only this activation (repeatable; default: every activation with a closed form)",
    )
    parser.add_argument(
        "--dir",
        default="generated/golden",
        metavar="DIR",
        help="folder of the JSON tables (default: generated/golden)",
    )
    parser.add_argument(
        "--workers", type=int, default=1, metavar="N", help="processes for regeneration (default 1)"
    )
    parser.add_argument(
        "--backend",
        action="append",
        choices=("float64", "mpmath", "sympy"),
        help="with --check: only these backends (repeatable; default: all three)",
    )
    parser.add_argument(
        "--max-drifts",
        type=int,
        default=50,
        metavar="N",
        help="with --check: print at most N drifted entries per table (default 50)",
    )


def run(args: argparse.Namespace) -> int:
    from .. import SymntkError, golden

    names = args.activation or golden.closed_form_activations()
    known = golden.closed_form_activations()
    for name in names:
        if name not in known:
            raise SymntkError(
                f"no golden table for {name!r}; activations with closed forms: {', '.join(known)}"
            )
    if args.workers < 1:
        raise SymntkError(f"--workers must be ≥ 1, got {args.workers}")
    if not args.check:
        began = time.perf_counter()
        for name, table in golden.generate_tables(
            names, workers=args.workers, progress=lambda m: print(m, file=sys.stderr, flush=True)
        ):
            path = golden.write_table(table, name, args.dir)
            print(f"{name}: wrote {path} ({table['provenance']['cpu_seconds']} cpu s)", flush=True)
        print(f"golden: {len(names)} table(s) in {time.perf_counter() - began:.0f} s")
        return 0
    backends = tuple(args.backend or ("float64", "mpmath", "sympy"))
    failed = 0
    total = 0
    for name in names:
        table = golden.load_table(name, args.dir)
        began = time.perf_counter()
        drifts, checked = golden.check_table(table, backends=backends)
        total += checked
        status = "ok" if not drifts else f"{len(drifts)} DRIFTED"
        print(
            f"{name}: {checked} comparisons ({', '.join(backends)}): {status} "
            f"[{time.perf_counter() - began:.1f} s]",
            flush=True,
        )
        for drift in drifts[: args.max_drifts]:
            print(f"  drifted: {drift}")
        if len(drifts) > args.max_drifts:
            print(f"  … and {len(drifts) - args.max_drifts} more")
        failed += len(drifts)
    print(f"golden --check: {total} comparisons, {failed} drifted")
    return 1 if failed else 0
