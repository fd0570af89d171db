"""`symntk check`: discovery, table, JSON schema, exit codes, bad modules, reproducibility."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from symntk.cli import main

ROOT = Path(__file__).resolve().parent.parent

HEADER = """
import sympy as sp
from symntk.check import Derivation, Erratum, Step, Source, Verdict, Status

x = sp.Symbol("x", real=True)
a, b = sp.symbols("a b", real=True)
"""

GOOD = (
    HEADER
    + """
good = Derivation(
    id="good", title="a square", statement=sp.Eq((x + 1) ** 2, x**2 + 2 * x + 1),
    steps=[Step(x**2 + x + x + 1, "=", "expand"), Step(x**2 + 2 * x + 1, "=", "collect")],
    source=Source("001_9a6c6fe078691bcf.txt", "slide 26"),
)
"""
)

ERRATUM = (
    HEADER
    + """
with_erratum = Derivation(
    id="with-erratum", title="a square, as misprinted", statement=sp.Eq((x + 1) ** 2, x**2 + 2 * x + 1),
    steps=[Step(x**2 + x + 1, "=", "expand", erratum=Erratum(x**2 + 2 * x + 1, "an x is lost"))],
)
"""
)

WRONG = (
    HEADER
    + """
wrong = Derivation(
    id="wrong", title="a branch error", statement=sp.Eq(sp.sqrt(a * b), sp.sqrt(a) * sp.sqrt(b)),
    steps=[Step(sp.sqrt(a) * sp.sqrt(b), "=", "split the root")],
)
"""
)

NOT_REFUTED = (
    HEADER
    + """
not_refuted = Derivation(
    id="not-refuted", title="a false alarm", statement=sp.Eq((x + 1) ** 2, x**2 + 2 * x + 1),
    steps=[Step(x**2 + 2 * x + 1, "=", "expand", erratum=Erratum(x**2 + 2 * x + 1, "not an error"))],
)
"""
)

UNDECIDED = (
    HEADER
    + """
def unsure(claim, *, seed):
    return Verdict(Status.UNDECIDED, "cannot tell", {"method": "test"})

unsure_derivation = Derivation(
    id="unsure", title="unsure", statement="x = x", start=x,
    steps=[Step(x, "=", "trust me", strategy=unsure)],
)
"""
)

BAD_STEP = (
    HEADER
    + """
bad_step = Derivation(
    id="bad-step", title="matrix vs scalar", statement="M = x",
    start=sp.Matrix([x, x]), steps=[Step(x, "=", "oops")],
)
"""
)


def _write(folder: Path, **modules: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in modules.items():
        (folder / f"{name}.py").write_text(textwrap.dedent(text))
    return folder


def _check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["check", *args])
    out, err = capsys.readouterr()
    return status, out, err


def test_a_good_derivation_prints_a_table_and_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = _check(capsys, str(_write(tmp_path, good=GOOD)))
    assert status == 0, err
    assert "good" in out and "proved" in out
    assert "2 proved" in out


def test_json_has_exactly_the_documented_schema(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _check(capsys, str(_write(tmp_path, good=GOOD, with_erratum=ERRATUM)), "--json")
    assert status == 0
    data = json.loads(out)
    assert set(data) == {"derivations", "summary"}
    assert set(data["summary"]) == {"proved", "verified", "consistent", "refuted", "undecided", "errata"}
    assert (
        data["summary"]["errata"] == 1 and data["summary"]["proved"] == 2 and data["summary"]["refuted"] == 1
    )
    for derivation in data["derivations"]:
        assert set(derivation) == {"id", "title", "source", "steps", "status"}
        for step in derivation["steps"]:
            assert set(step) == {"index", "relation", "status", "evidence", "justification", "erratum"}
    good = next(d for d in data["derivations"] if d["id"] == "good")
    assert good["source"] == "001_9a6c6fe078691bcf.txt, slide 26"
    assert [s["status"] for s in good["steps"]] == ["proved", "proved"]


@pytest.mark.parametrize(
    ("modules", "strict", "expected"),
    [
        ({"with_erratum": ERRATUM}, False, 0),
        ({"wrong": WRONG}, False, 1),
        ({"not_refuted": NOT_REFUTED}, False, 1),
        ({"unsure": UNDECIDED}, False, 0),
        ({"unsure": UNDECIDED}, True, 1),
        ({"good": GOOD}, True, 0),
    ],
    ids=[
        "erratum-refuted",
        "refuted-step",
        "erratum-not-refuted",
        "undecided",
        "undecided-strict",
        "good-strict",
    ],
)
def test_exit_status(tmp_path: Path, capsys: pytest.CaptureFixture[str], modules, strict, expected) -> None:
    args = [str(_write(tmp_path, **modules))] + (["--strict"] if strict else [])
    status, out, err = _check(capsys, *args)
    assert status == expected, out + err


def test_a_refuted_step_is_shown_with_its_counterexample(tmp_path: Path, capsys) -> None:
    _, out, _ = _check(capsys, str(_write(tmp_path, wrong=WRONG)))
    assert "wrong, step 1: REFUTED: counterexample at a = " in out


def test_bad_modules_and_steps_are_named_and_the_others_still_run(tmp_path: Path, capsys) -> None:
    folder = _write(tmp_path, good=GOOD, bad_step=BAD_STEP, broken="import sympy as sp\nx = (\n")
    status, out, err = _check(capsys, str(folder), "--json")
    assert status == 1
    lines = err.strip().splitlines()
    assert any(line.startswith("symntk check: error: broken.py") and "SyntaxError" in line for line in lines)
    assert any(
        "derivation bad-step, step 1: relation between a 2×1 matrix and a scalar" in line for line in lines
    )
    ids = [d["id"] for d in json.loads(out)["derivations"]]
    assert ids == ["bad-step", "good"]
    assert "Traceback" not in err


def test_a_missing_path_is_one_line_and_exit_2(tmp_path: Path, capsys) -> None:
    status, out, err = _check(capsys, str(tmp_path / "nowhere"))
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and "no derivation module or folder" in err


def test_the_same_seed_gives_the_same_output(tmp_path: Path, capsys) -> None:
    folder = str(_write(tmp_path, wrong=WRONG, good=GOOD))
    runs = [_check(capsys, folder, "--json", "--seed", seed)[1] for seed in ("3", "3", "4")]
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]  # another seed, another counterexample


def test_the_same_seed_gives_the_same_output_across_processes(tmp_path: Path) -> None:
    folder = str(_write(tmp_path, wrong=WRONG, with_erratum=ERRATUM))
    outputs = []
    for hash_seed in ("1", "2"):
        result = subprocess.run(
            [sys.executable, "-m", "symntk", "check", folder, "--json", "--seed", "9"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
        )
        assert result.returncode == 1, result.stderr
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1]


def test_the_repository_derivations_check_from_the_command_line() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "symntk",
            "check",
            "derivations/linear_regression_tangent_kernel.py",
            "--json",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["derivations"][0]["id"] == "linear-regression-tangent-kernel"
    assert data["derivations"][0]["status"] == "proved"
