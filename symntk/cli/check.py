"""Check derivations step by step and print the verdicts.

Discovers the derivations in the given modules or folders (default: derivations/ in the current folder),
checks every step against the previous one, and prints a table: per derivation, its steps, the count of each
verdict (proved, verified, consistent, refuted, undecided), its errata and the time taken.

Exit status: 0 when every step passes or is a declared erratum that was refuted; 1 when a step is refuted that
is not a declared erratum, a declared erratum is not refuted, a step or module has bad input (named on
stderr), or, with --strict, a step is undecided; 2 for bad arguments. Results are reproducible for a given
--seed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..check import DerivationResult

HELP = "check every derivation step by step (proved, verified, consistent, refuted, undecided)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths", nargs="*", metavar="PATH", help="derivation modules or folders (default: derivations/)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    parser.add_argument("--strict", action="store_true", help="also fail when a step is undecided")
    parser.add_argument(
        "--seed",
        type=int,
        default=0,
        metavar="N",
        help="seed of every random choice (default 0): the same seed gives the same verdicts",
    )


def run(args: argparse.Namespace) -> int:
    from ..check import Outcome, Status, discover, results_summary

    began = time.perf_counter()
    derivations, load_errors = discover(args.paths)
    for error in load_errors:
        print(f"symntk check: error: {error.message}", file=sys.stderr)
    results = _check_all(derivations, args.seed, show_progress=not args.json and sys.stderr.isatty())
    for result in results:
        for message in result.errors:
            print(f"symntk check: error: {message}", file=sys.stderr)
    summary = results_summary(results)
    if args.json:
        print(
            json.dumps(
                {"derivations": [r.to_json() for r in results], "summary": summary},
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        _print_table(results, summary, time.perf_counter() - began)
    failed = bool(load_errors) or any(r.failed for r in results)
    if args.strict:
        failed = (
            failed
            or any(
                r.outcome is Outcome.UNDECIDED
                or (r.corrected is not None and r.corrected.status is Status.UNDECIDED)
                for result in results
                for r in result.steps
            )
            or any(
                result.conclusion is not None and result.conclusion.status is Status.UNDECIDED
                for result in results
            )
        )
    return 1 if failed else 0


def _check_all(derivations: list, seed: int, *, show_progress: bool) -> list[DerivationResult]:
    if not show_progress:
        return [d.check(seed=seed) for d in derivations]
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    total = sum(len(d.steps) for d in derivations)
    results = []
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as progress:
        task = progress.add_task("checking", total=total)
        for d in derivations:
            progress.update(task, description=f"checking {d.id}")
            results.append(d.check(seed=seed, progress=lambda _i: progress.advance(task)))
    return results


def _print_table(results: list[DerivationResult], summary: dict[str, int], seconds: float) -> None:
    from rich.console import Console
    from rich.table import Table

    from ..check import Outcome, Status

    console = Console(highlight=False, width=None if sys.stdout.isatty() else 160)
    table = Table(title=f"symntk check: {len(results)} derivation(s)")
    for name in (
        "derivation",
        "steps",
        "proved",
        "verified",
        "consistent",
        "refuted",
        "undecided",
        "errata",
        "status",
        "time",
    ):
        table.add_column(name, justify="left" if name in ("derivation", "status") else "right")
    for r in results:
        table.add_row(
            r.derivation.id,
            str(len(r.steps)),
            *(str(r.count(s)) for s in Status),
            str(r.errata),
            r.status.value + (" FAILED" if r.failed else ""),
            f"{r.seconds:.1f} s",
        )
    console.print(table)
    for r in results:
        for s in r.steps:
            if s.outcome in (Outcome.FAILED, Outcome.UNEXPECTED, Outcome.ERRATUM, Outcome.UNDECIDED):
                what = {
                    Outcome.FAILED: "REFUTED",
                    Outcome.UNEXPECTED: "ERRATUM NOT REFUTED",
                    Outcome.ERRATUM: "erratum (refuted as expected)",
                    Outcome.UNDECIDED: "undecided",
                }[s.outcome]
                line = f"{r.derivation.id}, step {s.index}: {what}: {s.verdict.evidence}"
                if s.step.erratum is not None:
                    fixed = s.corrected.status.value if s.corrected is not None else "not checked"
                    line += f"; {s.step.erratum.note}; the correction is {fixed}"
                console.print(line, soft_wrap=True)
        if r.conclusion is not None and not r.conclusion.status.passes:
            console.print(f"{r.derivation.id}, conclusion: {r.conclusion}", soft_wrap=True)
    totals = ", ".join(f"{v} {k}" for k, v in summary.items())
    console.print(f"steps: {totals}; {seconds:.1f} s")
