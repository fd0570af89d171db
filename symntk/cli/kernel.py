"""Compute the infinite-width kernels Σ^(L) (NNGP) and Θ^(L) (NTK) of a deep network for pairs of inputs.

The recursions of Proposition 1 and Theorem 1 (Jacot et al. 2018) in the NTK parametrization, with depth L
affine layers and bias scale β: Σ^(1) = x·x'/n0 + β², Σ^(l+1) = E[σ(u)σ(v)] + β², Θ^(l+1) = Θ^(l) Σ̇^(l+1) +
Σ^(l+1). x1 and x2 are JSON lists of input vectors; the result is N1×N2 (x2 defaults to x1).

Without --dps the kernels are float64, accurate to about 1e-13 relative even for nearly parallel inputs;
with --dps D they are computed in mpmath and every one of the D significant digits printed is correct.

Examples:
  symntk kernel --activation relu --depth 3 --beta 0.1 --x1 '[[1, 0], [0.6, 0.8]]'
  symntk kernel --activation erf --depth 2 --x1 '[[1, 2]]' --x2 '[[2, 1]]' --dps 40 --json
  symntk kernel --activation rectified_monomial --activation-param k=2 --depth 4 --x1 '[[1, 1]]'
  symntk kernel --list
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from .._errors import SymntkError

HELP = "infinite-width NNGP and NTK kernels of a deep network for given inputs (float64 or D digits)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--activation", default="relu", metavar="NAME", help="activation (default relu; --list)"
    )
    parser.add_argument(
        "--activation-param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a parameter of the activation, e.g. slope=0.1 or k=2 (repeatable)",
    )
    parser.add_argument(
        "--depth", type=int, default=2, metavar="L", help="number of affine layers (default 2)"
    )
    parser.add_argument("--beta", default="0", metavar="B", help="bias scale β ≥ 0 (default 0)")
    parser.add_argument("--x1", metavar="JSON", help="JSON list of input vectors, e.g. '[[1, 0], [0, 1]]'")
    parser.add_argument("--x2", metavar="JSON", help="JSON list of input vectors (default: x1)")
    parser.add_argument(
        "--dps", type=int, metavar="D", help="compute in mpmath and print D correct significant digits"
    )
    parser.add_argument(
        "--parametrization",
        choices=("ntk", "standard"),
        default="ntk",
        help="ntk (default) or standard (Θ of plain gradient descent; needs --widths)",
    )
    parser.add_argument(
        "--widths", metavar="JSON", help="hidden widths n1 … n(L-1) for --parametrization standard"
    )
    parser.add_argument(
        "--json", action="store_true", help='print one JSON object {"nngp": [[...]], "ntk": [[...]]}'
    )
    parser.add_argument(
        "--list", action="store_true", help="list the activations and which have closed forms"
    )


def _reject_constant(name: str) -> Any:
    raise SymntkError(f"{name} is not allowed in the inputs (they must be finite numbers)")


def _parse_json(option: str, text: str) -> Any:
    """JSON with numbers kept as their decimal text (read exactly later); NaN and Infinity rejected."""
    try:
        return json.loads(text, parse_float=str, parse_int=int, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise SymntkError(f"{option} is not valid JSON: {exc.msg} at character {exc.pos}") from None


def _activation_params(items: list[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise SymntkError(f"--activation-param expects NAME=VALUE, got {item!r}")
        params[name.strip()] = value.strip()
    return params


def _list_activations() -> int:
    import inspect

    from ..activations import ACTIVATIONS

    for name, factory in ACTIVATIONS.items():
        act = factory()
        params = ", ".join(f"{p}={v.default}" for p, v in inspect.signature(factory).parameters.items())
        kind = "closed form" if act.has_closed_form else "quadrature"
        print(f"{name:20s} {kind:12s} {params}")
    return 0


def run(args: argparse.Namespace) -> int:
    if args.list:
        return _list_activations()
    if args.x1 is None:
        raise SymntkError("--x1 is required (a JSON list of input vectors), or use --list")

    import mpmath

    from ..limits import kernels

    x1 = _parse_json("--x1", args.x1)
    x2 = None if args.x2 is None else _parse_json("--x2", args.x2)
    widths = None if args.widths is None else _parse_json("--widths", args.widths)
    result = kernels(
        x1,
        x2,
        activation=args.activation,
        depth=args.depth,
        beta=args.beta,
        dps=args.dps,
        parametrization=args.parametrization,
        widths=widths,
        **_activation_params(args.activation_param),
    )

    def rows(matrix: Any) -> list[list[Any]]:
        if args.dps is None:
            return [[float(v) for v in row] for row in matrix]
        return [
            [mpmath.nstr(matrix[i, j], args.dps, strip_zeros=False) for j in range(matrix.cols)]
            for i in range(matrix.rows)
        ]

    nngp, ntk = rows(result.nngp), rows(result.ntk)
    if args.json:
        json.dump({"nngp": nngp, "ntk": ntk}, sys.stdout, allow_nan=False)
        sys.stdout.write("\n")
        return 0
    for title, matrix in (("nngp  Σ^(L)", nngp), ("ntk   Θ^(L)", ntk)):
        print(title)
        for row in matrix:
            print("  " + "  ".join(v if isinstance(v, str) else repr(v) for v in row))
    return 0
