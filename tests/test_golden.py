"""Golden tables (symntk.golden, 'symntk golden'): provenance, the independent route, the closed-form check.

The default run checks a sample of every committed table through the closed forms (float64 and mpmath; SymPy
at small depths), re-derives sample entries with symntk.gaussian's quadrature, and shows that perturbing a
closed form in memory makes named entries drift. The full three-backend check of every entry and the full
regeneration are marked slow.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from fractions import Fraction
from pathlib import Path

import mpmath
import pytest
import sympy as sp

from symntk import SymntkError, golden
from symntk.activations import ArcCosineDual, Z, get_activation
from symntk.cli import main

FOLDER = Path(__file__).resolve().parents[1] / "generated" / "golden"
TABLES = sorted(p.stem for p in FOLDER.glob("*.json"))


def _rows(table: dict, beta: str, point: str) -> dict:
    out = dict(table)
    out["rows"] = [r for r in table["rows"] if r["beta"] == beta and r["point"] == point]
    assert out["rows"], (beta, point)
    return out


def _sample(name: str) -> tuple[str, str]:
    """A (β, grid point) per table, spread so that the tables together cover every β and every point."""
    i = TABLES.index(name)
    return golden.BETAS[i % len(golden.BETAS)], golden.GRID[(3 * i + 1) % len(golden.GRID)].label


def test_the_tables_cover_activations_with_closed_forms_and_nothing_else() -> None:
    assert "relu" in TABLES
    assert set(TABLES) <= set(golden.closed_form_activations())


@pytest.mark.parametrize("name", TABLES)
def test_table_states_its_provenance_and_holds_the_whole_grid_to_50_digits(name: str) -> None:
    table = golden.load_table(name, FOLDER)
    prov = table["provenance"]
    assert "quadrature" in prov["method"] and "never the closed form" in prov["method"]
    assert prov["digits"] == 50 and prov["mpmath"] and prov["python_flint"]
    assert {(r["beta"], r["point"]) for r in table["rows"]} == {
        (b, p.label) for b in golden.BETAS for p in golden.GRID
    }
    for row in table["rows"]:
        point = next(p for p in golden.GRID if p.label == row["point"])
        assert [row["x"], row["x_prime"]] == point.input_text()  # the stored inputs are the grid's, exactly
        depths = sorted(int(d) for d in row["depths"])
        assert depths == list(range(1, len(depths) + 1)) and depths[0] == 1
        for depth in depths:
            entry = row["depths"][str(depth)]
            assert set(entry) == ({"nngp", "ntk"} if depth == 1 else {"nngp", "sigma_dot", "ntk"})
            for text in entry["nngp"] + entry["ntk"]:
                digits = text.split("e")[0].replace("-", "").replace(".", "").lstrip("0")
                assert text == "0" or len(digits) == 50 or abs(mpmath.mpf(text)) < 1e-10, text


@pytest.mark.parametrize("name", TABLES)
def test_sample_of_each_table_is_reproduced_by_the_closed_forms_in_float64_and_mpmath(name: str) -> None:
    table = _rows(golden.load_table(name, FOLDER), *_sample(name))
    drifts, checked = golden.check_table(table, backends=("float64", "mpmath"))
    assert checked > 100
    assert not drifts, "\n".join(map(str, drifts))


@pytest.mark.parametrize("name", TABLES)
def test_sample_of_each_table_is_reproduced_by_the_sympy_closed_forms_at_small_depth(name: str) -> None:
    table = _rows(golden.load_table(name, FOLDER), "0.1", "obtuse, unequal norms")
    drifts, checked = golden.check_table(table, backends=("sympy",), sympy_depths=(1, 2, 3))
    assert checked == 3 * 3 - 1  # K(x, x′) of Σ and Θ at L = 1 … 3, Σ̇ at L = 2, 3
    assert not drifts, "\n".join(map(str, drifts))


@pytest.mark.slow
@pytest.mark.parametrize("name", TABLES)
def test_every_entry_is_reproduced_by_the_closed_forms_in_all_three_backends(name: str) -> None:
    drifts, checked = golden.check_table(golden.load_table(name, FOLDER))
    assert checked > 1000
    assert not drifts, "\n".join(map(str, drifts))


@pytest.mark.parametrize(
    ("name", "beta", "point"),
    [("relu", "0.1", "generic"), *([("erf", "0", "obtuse, unequal norms")] if "erf" in TABLES else [])],
)
def test_first_hidden_layer_entries_match_symntk_gaussian_quadrature(
    name: str, beta: str, point: str
) -> None:
    """Σ^(2) and Σ̇^(2) re-derived by the project's other quadrature (symntk.gaussian) to 25 digits."""
    from symntk.gaussian import expectation

    row = _rows(golden.load_table(name, FOLDER), beta, point)["rows"][0]
    act = get_activation(name)
    (x1, y1), (x2, y2) = ([Fraction(v) for v in vec] for vec in (row["x"], row["x_prime"]))
    b2 = Fraction(beta) ** 2
    q1, q2, c = (x1 * x1 + y1 * y1) / 2 + b2, (x2 * x2 + y2 * y2) / 2 + b2, (x1 * x2 + y1 * y2) / 2 + b2
    entry = row["depths"]["2"]
    with mpmath.workdps(40):
        e = expectation(act.mpmath, act.mpmath, q1, q2, c, dps=25, kinks=list(act.kinks)).value
        ed = expectation(
            act.mpmath_derivative, act.mpmath_derivative, q1, q2, c, dps=25, kinks=list(act.kinks)
        ).value
        assert abs(
            e + mpmath.mpf(b2.numerator) / b2.denominator - mpmath.mpf(entry["nngp"][2])
        ) < 1e-24 * abs(e)
        assert abs(ed - mpmath.mpf(entry["sigma_dot"][2])) < 1e-24 * abs(ed)


def test_perturbing_a_closed_form_in_memory_makes_the_entries_it_feeds_drift_by_name() -> None:
    relu = get_activation("relu")
    table = _rows(golden.load_table("relu", FOLDER), "0.1", "generic")
    tiny = dataclasses.replace(relu, dual=ArcCosineDual(1, 1 + sp.Rational(1, 10**20), sp.Integer(0)))
    drifts, _ = golden.check_table(table, activation=tiny, backends=("float64", "mpmath"))
    moved = {d.entry for d in drifts if d.backend == "mpmath"}
    # every entry from the first hidden layer on moved by ≈ 2e-20; layer 1 is x·x′/n₀ + β² and did not
    for depth in range(2, 11):
        for quantity in ("nngp", "ntk"):
            assert f"relu beta=0.1 generic L={depth} {quantity}[x,x']" in moved
    assert not any(" L=1 " in e for e in moved)
    assert not [d for d in drifts if d.backend == "float64"]  # 1e-20 is below float64's 1e-13
    assert all(19 < d.agreed < 21 for d in drifts if "L=2 nngp" in d.entry), drifts
    coarse = dataclasses.replace(relu, dual=ArcCosineDual(1, 1 + sp.Rational(1, 10**9), sp.Integer(0)))
    drifts, _ = golden.check_table(table, activation=coarse, backends=("float64",))
    assert "relu beta=0.1 generic L=10 ntk[x,x'] [float64]" in {f"{d.entry} [{d.backend}]" for d in drifts}


def test_cli_check_passes_on_a_committed_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    table = json.loads((FOLDER / "relu.json").read_text())
    table["rows"] = [r for r in table["rows"] if r["point"] == "tiny angle 1e-8" and r["beta"] != "1"]
    (tmp_path / "relu.json").write_text(json.dumps(table))
    args = ["golden", "--check", "--activation", "relu", "--dir", str(tmp_path), "--backend", "float64"]
    status = main([*args, "--backend", "mpmath"])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "relu: 348 comparisons (float64, mpmath): ok" in out and "0 drifted" in out


def test_cli_check_fails_naming_each_entry_that_drifted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = json.loads((FOLDER / "relu.json").read_text())
    row = next(r for r in table["rows"] if r["beta"] == "1" and r["point"] == "antipodal")
    text = row["depths"]["5"]["ntk"][2]
    row["depths"]["5"]["ntk"][2] = text[:30] + str((int(text[30]) + 1) % 10) + text[31:]  # digit 29
    table["rows"] = [row]
    (tmp_path / "relu.json").write_text(json.dumps(table))
    status = main(
        ["golden", "--check", "--activation", "relu", "--dir", str(tmp_path), "--backend", "mpmath"]
    )
    out = capsys.readouterr().out
    assert status == 1
    assert "drifted: relu beta=1 antipodal L=5 ntk[x,x'] [mpmath]" in out
    assert out.count("drifted: ") == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--activation", "tanh"], "no golden table for 'tanh'"),
        (["--activation", "relu", "--dir", "/nonexistent/golden"], "no golden table for relu"),
        (["--workers", "0"], "--workers must be ≥ 1"),
    ],
)
def test_cli_bad_input_is_one_line_and_exit_2(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["golden", "--check", *args]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


# ------------------------------------------------------------------------------------------------
# the independent route, against the closed forms at single covariances


@pytest.mark.parametrize("name", ["relu", "step", "abs", "leaky_relu"])
def test_polar_angular_quadrature_matches_the_arc_cosine_closed_form(name: str) -> None:
    from symntk.limits import dual_kernels

    act = get_activation(name)
    cov = (Fraction(3, 4), Fraction(2), Fraction(-7, 10))
    with mpmath.workdps(50):
        q1, q2, c = (mpmath.mpf(v.numerator) / v.denominator for v in cov)
        d = q1 * q2 - c * c
        e = golden._Polar(act.sigma, 0)(q1, q2, c, d, 40)
        ed = golden._Polar(act.sigma_dot, 1)(q1, q2, c, d, 40)
    ref, ref_dot = dual_kernels(act, *cov, dps=45)
    assert abs(e - ref) <= 1e-39 * abs(ref)
    assert abs(ed - ref_dot) <= 1e-39 * abs(ref_dot) or ref_dot == ed == 0


@pytest.mark.parametrize("name", ["erf", "sin", "gaussian", "monomial"])
def test_trapezoid_in_ball_arithmetic_matches_the_smooth_closed_forms(name: str) -> None:
    from symntk.limits import dual_kernels

    act = get_activation(name)
    cov = (Fraction(1, 2), Fraction(6, 5), Fraction(1, 3))
    with mpmath.workdps(40):
        q1, q2, c = (mpmath.mpf(v.numerator) / v.denominator for v in cov)
        e = golden._Trapezoid(act.sigma, 1)(q1, q2, c, q1 * q2 - c * c, 30)
    ref = dual_kernels(act, *cov, dps=35)[0]
    assert abs(e - ref) <= 1e-29 * abs(ref)


def test_homogeneity_is_read_from_sigma_not_from_the_closed_form() -> None:
    assert golden._homogeneity_degree(get_activation("rectified_monomial", k=3).sigma) == 3
    assert golden._homogeneity_degree(get_activation("sign").sigma) == 0
    assert golden._homogeneity_degree(sp.Integer(0) * Z) is None
    with pytest.raises(SymntkError, match="not positively homogeneous"):
        golden._homogeneity_degree(sp.Max(Z, 0) + Z**2)


def test_grid_inputs_are_exact_and_the_degenerate_pairs_are_exactly_degenerate() -> None:
    points = {p.label: p.inputs() for p in golden.GRID}
    assert points["orthogonal"] == ((1, 0), (0, 1))
    assert points["antipodal"] == ((1, 0), (-2, 0))
    assert points["diagonal"][0] == points["diagonal"][1]
    (_, _), (cx, sy) = points["tiny angle 1e-8"]
    assert abs(float(sy) - 1e-8) < 1e-20 and cx == 1  # cos 1e-8 rounds to 1 in float64


def test_runs_that_disagree_are_refused_naming_the_entry() -> None:
    with mpmath.workdps(70):
        one, two = mpmath.mpf(1), mpmath.mpf(1) + mpmath.mpf(10) ** -40
        low = {2: {"nngp": [one, one, one]}}
        high = {2: {"nngp": [one, one, two]}}
        zero = {2: {"nngp": [one, one, mpmath.mpf(10) ** -65]}}
        minus_zero = {2: {"nngp": [one, one, -(mpmath.mpf(10) ** -66)]}}
    with pytest.raises(SymntkError, match=r"L=2 nngp\[x,x'\]: the two runs"):
        golden._certify(low, high, "relu beta=0 generic")
    assert golden._certify(zero, minus_zero, "x")["2"]["nngp"][2] == "0"


def test_symbolic_backend_evaluates_shared_subexpressions_once() -> None:
    x = sp.Symbol("x")
    shared = sp.acos(x / 3)
    expr = shared * sp.sqrt(1 + shared) + shared**2
    (value,) = golden._evalf_dag([expr], {x: sp.Integer(1)}, 60)
    assert abs(value - expr.subs(x, 1).evalf(60)) < sp.Float(10) ** -55


def test_summary_rows_give_a_short_table_for_the_report() -> None:
    rows = golden.summary_rows(FOLDER)
    relu = [r for r in rows if r["activation"] == "relu"]
    assert [r["depth"] for r in relu] == ["2", "10"]
    gold = _rows(golden.load_table("relu", FOLDER), "0.1", "generic")["rows"][0]["depths"]["2"]["nngp"][2]
    assert relu[0]["nngp"] == mpmath.nstr(mpmath.mpf(gold), 15)


@pytest.mark.slow
def test_regenerating_a_table_reproduces_the_committed_one(tmp_path: Path) -> None:
    shutil.copy(FOLDER / "relu.json", tmp_path / "committed.json")
    assert main(["golden", "--activation", "relu", "--dir", str(tmp_path), "--workers", "2"]) == 0
    new = json.loads((tmp_path / "relu.json").read_text())
    old = json.loads((tmp_path / "committed.json").read_text())
    assert [r["depths"] for r in new["rows"]] == [r["depths"] for r in old["rows"]]
