"""How long the checker takes, and what each of its methods costs relative to the others (one run).

Prints, over the registry of correct identities (:mod:`symntk.check.identities`):

- the time to a verdict with the symbolic attempt first (the default) and with random points only, and
  their ratio per identity;
- the cost of the extra points used for expressions with branch cuts (28 instead of 6);
- the mutation test: mutants checked per second, kill rate and false-refutation rate;
- ``Derivation.check`` on every derivation of ``derivations/``.

Run: ``.venv/bin/python benchmarks/check_speed.py``.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import sympy as sp

from symntk.check import discover, equal, mutation
from symntk.check.identities import IDENTITIES


def _timed(func, *args, **kwargs):  # type: ignore[no-untyped-def]
    began = time.perf_counter()
    result = func(*args, **kwargs)
    return result, time.perf_counter() - began


def main() -> None:
    print("verdict times per identity (default = symbolic first, then points; points = random points only)")
    print(f"{'identity':<48} {'default':>9} {'verdict':>9} {'points':>9} {'verdict':>9} {'ratio':>7}")
    ratios = []
    for identity in IDENTITIES.values():
        default, t_default = _timed(equal, identity.lhs, identity.rhs, **identity.assumptions)
        numeric, t_numeric = _timed(equal, identity.lhs, identity.rhs, symbolic=False, **identity.assumptions)
        ratio = t_numeric / t_default
        ratios.append(ratio)
        print(
            f"{identity.name[:48]:<48} {t_default:8.3f}s {default.status.value:>9} {t_numeric:8.3f}s "
            f"{numeric.status.value:>9} {ratio:7.2f}"
        )
    print(f"median ratio points-only / default: {statistics.median(ratios):.2f}")

    t = sp.Symbol("t", real=True)
    analytic = (sp.sin(2 * t), 2 * sp.sin(t) * sp.cos(t))
    _, t_few = _timed(equal, *analytic, symbolic=False, points=6)
    many, t_many = _timed(equal, *analytic, symbolic=False, points=28)
    print(
        f"\nrandom points: 28 points {t_many:.3f}s vs 6 points {t_few:.3f}s (ratio {t_many / t_few:.2f}, the "
        f"price of the extra points used where branch cuts could hide a failure; both {many.status.value})"
    )

    report, t_mutation = _timed(mutation.run, IDENTITIES.values(), limit=6)
    checked = report.mutants + report.equivalent
    print(
        f"\nmutation test (up to 6 mutants per identity): {report.summary()}\n"
        f"{checked} mutants in {t_mutation:.1f}s: {checked / t_mutation:.1f} mutants/s"
    )

    derivations, errors = discover([Path(__file__).resolve().parent.parent / "derivations"])
    total = 0.0
    print(f"\nderivations ({len(derivations)}, {len(errors)} load errors):")
    for d in derivations:
        result, seconds = _timed(d.check, seed=0)
        total += seconds
        print(f"  {d.id:<48} {len(d.steps):3d} steps {seconds:7.2f}s  {result.status.value}")
    print(f"  total {total:.2f}s")


if __name__ == "__main__":
    main()
