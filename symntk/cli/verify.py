"""Check one equality LHS = RHS written in LaTeX.

The two sides are parsed by symntk's own LaTeX grammar (symntk.check.latex; never evaluated as Python): at
least whatever SymPy's latex() prints, with e as Euler's number, \\pi, \\sqrt, trig and inverse trig, exp,
log, erf, sums with bounds, subscripts such as W_{ik} and \\alpha^{(\\ell)}, derivatives \\frac{d}{dt}
or \\frac{\\partial}{\\partial w} applied to the rest of the term, integrals \\int_{a}^{b} f \\, dx and
limits \\lim_{n \\to \\infty}. Symbols are real unless
--positive says so; a symbol in the bounds of a sum is a positive integer. A letter before parentheses is a
product unless --function declares it: n (n+1) is n·(n+1), and \\sigma(x) applies σ only with
--function sigma (then \\sigma'(u) is its derivative). e is Euler's number; i is an ordinary real symbol
(an index), not the imaginary unit. --where (repeatable) restricts the domain by an inequality, e.g.
--where 'c^2 < a b'.

The check (symntk.check.equal): proved when the difference simplifies to 0 under the assumptions; verified
when both sides agree at independent random points (exactly, or to at least 40 digits with a residual that
shrinks as the precision grows); refuted with a counterexample; undecided when neither could be established
in time.

Exit status: 0 when the identity is proved or verified; 1 when it is refuted; 4 when it is undecided (or only
consistent, which is numerical evidence, not a check of an identity): never a pass; 2 for bad input (one line
on stderr).

A side that starts with '-' is read as an option: put the options first and the sides after '--', or
start the side with a space (' -x').

Examples:
  symntk verify '\\sqrt{a b}' '\\sqrt{a} \\sqrt{b}' --positive a,b
  symntk verify '\\sum_{i=1}^{n} i' '\\frac{n (n+1)}{2}'
  symntk verify --json -- '-\\sin x' '\\sin(-x)'
  symntk verify '\\arccos\\left(\\frac{c}{\\sqrt{a b}}\\right)' \\
      '\\arctan\\left(\\frac{\\sqrt{a b - c^{2}}}{c}\\right)' --positive a,b,c --where 'c^2 < a b'
  symntk verify '\\frac{d}{dx} \\sigma(w x)' "w \\sigma'(w x)" --function sigma
"""

from __future__ import annotations

import argparse
import json

HELP = "check one equality written in LaTeX (exit 0 proved/verified, 1 refuted, 4 undecided)"

#: Exit status for each verdict (see the module docstring).
EXIT = {"proved": 0, "verified": 0, "refuted": 1, "consistent": 4, "undecided": 4}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("lhs", metavar="LHS", help="left-hand side, in LaTeX")
    parser.add_argument("rhs", metavar="RHS", help="right-hand side, in LaTeX")
    parser.add_argument(
        "--positive",
        action="append",
        default=[],
        metavar="a,b,...",
        help="symbols that are positive (names such as sigma, n_0, or LaTeX such as \\alpha^{(\\ell)})",
    )
    parser.add_argument(
        "--where",
        action="append",
        default=[],
        metavar="CONDITION",
        help="restrict the domain by an inequality in LaTeX, e.g. 'c^2 < a b', '0 < x \\leq 1' (repeatable)",
    )
    parser.add_argument(
        "--function",
        action="append",
        default=[],
        metavar="f,...",
        help="names applied as functions to parenthesized arguments (e.g. sigma,f); others multiply",
    )
    parser.add_argument("--json", action="store_true", help='print {"status": ..., "evidence": ...}')
    parser.add_argument(
        "--seed", type=int, default=0, metavar="N", help="seed of the random points (default 0; reproducible)"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=20.0,
        metavar="SECONDS",
        help="time allowed for the check (default 20); out of time is undecided",
    )


def run(args: argparse.Namespace) -> int:
    from .._errors import SymntkError
    from ..check import equal
    from ..check.latex import parse_texts

    if not args.timeout > 0:
        raise SymntkError(f"--timeout must be positive, got {args.timeout:g}")
    parsed = parse_texts([args.lhs, args.rhs], args.where, functions=args.function, positive=args.positive)
    lhs, rhs, *conditions = parsed.values
    verdict = equal(lhs, rhs, where=conditions, seed=args.seed, timeout=args.timeout)
    status = verdict.status.value
    if args.json:
        print(json.dumps({"status": status, "evidence": verdict.evidence}, ensure_ascii=False))
    else:
        print(f"{lhs} = {rhs}" + "".join(f"  where {c}" for c in conditions))
        if parsed.multiplied:
            names = sorted(parsed.multiplied)
            verb = "multiplies" if len(names) == 1 else "multiply"
            print(
                f"note: {', '.join(names)} before parentheses {verb}; "
                f"--function {','.join(names)} would apply {'it' if len(names) == 1 else 'them'} instead"
            )
        print(f"{status}: {verdict.evidence}")
    return EXIT[status]
