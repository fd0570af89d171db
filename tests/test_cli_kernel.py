"""`symntk kernel`: the documented output, digits that are correct, and one-line errors for bad input."""

from __future__ import annotations

import json
import subprocess
import sys

import mpmath
import numpy as np
import pytest

from symntk.cli import main
from symntk.limits import kernels


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "symntk", "kernel", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_json_output_is_one_object_of_float_matrices(capsys: pytest.CaptureFixture[str]) -> None:
    x1, x2 = [[1, 0], [0.6, 0.8], [3, -1]], [[0.5, 0.5]]
    status = main(
        [
            "kernel",
            "--activation",
            "relu",
            "--depth",
            "3",
            "--beta",
            "0.1",
            "--x1",
            json.dumps(x1),
            "--x2",
            json.dumps(x2),
            "--json",
        ]
    )
    assert status == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"nngp", "ntk"}
    expected = kernels(x1, x2, activation="relu", depth=3, beta=0.1)
    assert np.array(out["nngp"]).shape == (3, 1)
    assert np.array_equal(np.array(out["nngp"]), expected.nngp)
    assert np.array_equal(np.array(out["ntk"]), expected.ntk)


def test_dps_output_has_exactly_the_requested_correct_digits(capsys: pytest.CaptureFixture[str]) -> None:
    x1 = [[1, 2, 0.5], [0.3, -1.0, 2.0]]
    status = main(
        [
            "kernel",
            "--activation",
            "erf",
            "--depth",
            "3",
            "--beta",
            "0.5",
            "--x1",
            json.dumps(x1),
            "--dps",
            "25",
            "--json",
        ]
    )
    assert status == 0
    out = json.loads(capsys.readouterr().out)
    # an independent, longer run; the command line reads "0.3" as the decimal 3/10, not the binary float
    decimal = [[str(v) for v in row] for row in x1]
    reference = kernels(decimal, activation="erf", depth=3, beta="0.5", dps=60)
    for key in ("nngp", "ntk"):
        for i in range(2):
            for j in range(2):
                text = out[key][i][j]
                assert isinstance(text, str)
                digits = text.lstrip("-").replace(".", "").lstrip("0").split("e")[0]
                assert len(digits) == 25
                with mpmath.workdps(60):
                    assert text == mpmath.nstr(getattr(reference, key)[i, j], 25, strip_zeros=False)


def test_activation_parameters_are_passed(capsys: pytest.CaptureFixture[str]) -> None:
    x1 = [[1.0, -2.0], [0.5, 0.25]]
    main(
        [
            "kernel",
            "--activation",
            "leaky_relu",
            "--activation-param",
            "slope=0.2",
            "--depth",
            "2",
            "--x1",
            json.dumps(x1),
            "--json",
        ]
    )
    out = json.loads(capsys.readouterr().out)
    assert np.array_equal(np.array(out["nngp"]), kernels(x1, activation="leaky_relu", slope="0.2").nngp)


def test_standard_parametrization_from_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    x1 = [[1.0, -2.0], [0.5, 0.25]]
    main(
        [
            "kernel",
            "--parametrization",
            "standard",
            "--widths",
            "[10, 20]",
            "--depth",
            "3",
            "--x1",
            json.dumps(x1),
            "--json",
        ]
    )
    out = json.loads(capsys.readouterr().out)
    expected = kernels(x1, depth=3, parametrization="standard", widths=[10, 20])
    assert np.array_equal(np.array(out["ntk"]), expected.ntk)


def test_list_names_every_activation_and_whether_it_has_a_closed_form(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["kernel", "--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    by_name = {line.split()[0]: line for line in lines}
    from symntk.activations import ACTIVATIONS

    assert set(by_name) == set(ACTIVATIONS)
    assert "closed form" in by_name["relu"] and "quadrature" in by_name["tanh"]


def test_table_output_without_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kernel", "--x1", "[[1, 1]]"]) == 0
    out = capsys.readouterr().out
    assert "nngp" in out and "ntk" in out and "nan" not in out.lower()


@pytest.mark.parametrize(
    "args",
    [
        ["--depth", "0", "--x1", "[[1]]"],
        ["--beta", "-0.5", "--x1", "[[1]]"],
        ["--x1", "[[1, 2], [3]]"],
        ["--x1", "[[1, 2]]", "--x2", "[[1, 2, 3]]"],
        ["--x1", "[[NaN, 1]]"],
        ["--x1", "[[Infinity, 1]]"],
        ["--x1", "[[1e999, 1]]"],
        ["--x1", "[]"],
        ["--x1", "[[1, 2]"],
        ["--x1", '[["a", 1]]'],
        ["--activation", "relux", "--x1", "[[1]]"],
        ["--x1", "[[1]]", "--dps", "0"],
        ["--x1", "[[1]]", "--dps", "100000"],
        ["--x1", "[[1]]", "--activation-param", "k"],
        ["--x1", "[[1]]", "--activation", "relu", "--activation-param", "slope=1"],
        ["--x1", "[[1]]", "--parametrization", "standard", "--depth", "3"],
        ["--x1", "[[1]]", "--widths", "[3]"],
        ["--depth", "3"],
        ["--x1", "[[30, 30]]", "--activation", "exp", "--depth", "4"],
    ],
)
def test_bad_input_is_one_line_on_stderr_and_status_2(
    args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["kernel", *args]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("symntk kernel: error:"), captured.err


def test_bad_input_from_a_real_process_is_one_line_without_traceback() -> None:
    for args in (["--x1", "[[NaN, 1]]"], ["--depth", "0", "--x1", "[[1]]"]):
        result = _run(*args)
        assert result.returncode == 2 and result.stdout == ""
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_unknown_activation_error_lists_the_known_ones(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kernel", "--activation", "relux", "--x1", "[[1]]"]) == 2
    err = capsys.readouterr().err
    assert "relu" in err and "tanh" in err and "gelu" in err


def test_zero_input_with_no_bias_is_defined_not_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    """Zero input, β = 0: the pre-activation is the constant 0 (angle π/2 by convention): no NaN."""
    assert main(["kernel", "--activation", "step", "--x1", "[[0, 0], [1, 2]]", "--depth", "3", "--json"]) == 0
    text = capsys.readouterr().out
    out = json.loads(text)
    assert "nan" not in text.lower()
    # layer 2: Σ(0,0) = H(0)² = 1/4, Σ(0,x) = H(0)·E[H(v)] = 1/4, Σ(x,x) = 1/2: correlation 1/√2, θ = π/4;
    # layer 3: Σ(0,0) = E[H(u)²] = 1/2 and Σ(0,x) = (π − π/4)/(2π) = 3/8 (Cho and Saul, order 0)
    assert out["nngp"][0][0] == pytest.approx(0.5, rel=1e-15)
    assert out["nngp"][0][1] == pytest.approx(0.375, rel=1e-15)
