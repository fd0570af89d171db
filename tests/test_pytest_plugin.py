"""The pytest plugin (symntk.pytest_plugin), run as a user's project would run it: through pytester."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

# imported here so that pytester's in-process runs reuse them (NumPy cannot be imported twice in one process)
import symntk.activations
import symntk.gaussian
import symntk.limits  # noqa: F401

pytest_plugins = ["pytester"]

README = Path(__file__).resolve().parents[1] / "README.md"


def test_plugin_is_registered_through_the_pytest11_entry_point(pytester: pytest.Pytester) -> None:
    config = pytester.parseconfig()
    plugin = config.pluginmanager.get_plugin("symntk")
    assert plugin is not None and plugin.__name__ == "symntk.pytest_plugin"


def test_golden_digits_passes_within_the_digits_and_marks_the_first_differing_digit(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        def test_agrees_to_15(golden_digits):
            golden_digits(0.1 + 0.2, "0.3", 15)

        def test_differs_at_16(golden_digits):
            golden_digits("0.42826081163130798765", "0.42826081163130712345", 16)
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*differ to 16 significant digits*agreeing: 14.7*",
            "*expected  4.282608116313071234e-1",
            "*actual    4.282608116313079876e-1",
            "*^ first differing digit (digit 16)",
        ]
    )
    out = result.stdout.str()
    expected_line = next(line for line in out.splitlines() if "expected  4.28" in line)
    caret_line = next(line for line in out.splitlines() if "^ first differing digit" in line)
    assert expected_line[caret_line.index("^")] != "0" and expected_line[caret_line.index("^")] == "1"


def test_dual_kernel_check_accepts_right_closed_forms_and_shows_where_a_wrong_one_fails(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import mpmath
        import sympy as sp
        from symntk.activations import C, Q1, Q2

        def williams(c):
            return 2 / sp.pi * sp.asin(c * C / sp.sqrt((1 + 2 * Q1) * (1 + 2 * Q2)))

        def test_williams_erf_kernel(dual_kernel_check):
            dual_kernel_check(williams(2), "erf", digits=12, points=2)

        def test_a_factor_two_missing(dual_kernel_check):
            dual_kernel_check(williams(1), "erf", digits=12, points=2)

        def test_relu_as_a_function_and_the_activation_as_an_expression(dual_kernel_check):
            z = sp.Symbol("z", real=True)

            def cho_saul(s11, s22, s12):
                theta = mpmath.acos(s12 / mpmath.sqrt(s11 * s22))
                j1 = mpmath.sin(theta) + (mpmath.pi - theta) * mpmath.cos(theta)
                return mpmath.sqrt(s11 * s22) * j1 / (2 * mpmath.pi)

            dual_kernel_check(cho_saul, sp.Max(z, 0), digits=12, points=2, seed=3)

        def test_the_derivative_kernel(dual_kernel_check):
            s11, s22, s12 = sp.symbols("a b c")
            step_kernel = (sp.pi - sp.acos(s12 / sp.sqrt(s11 * s22))) / (2 * sp.pi)
            symbols = (s11, s22, s12)
            dual_kernel_check(step_kernel, "relu", digits=12, points=2, symbols=symbols, derivative=True)
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*the closed form of E[[]σ(u)σ(v)[]] differs from quadrature at 2 of 2 points:",
            "*at Σ₁₁ = *, Σ₂₂ = *, Σ₁₂ = * (expected: quadrature, actual: closed form):",
            "*^ first differing digit (digit *)",
        ]
    )


def test_bad_input_to_the_helpers_is_one_clear_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest
        import sympy as sp
        from symntk import SymntkError

        def test_bad(golden_digits, dual_kernel_check):
            with pytest.raises(SymntkError, match="expected is not a finite real number"):
                golden_digits(1.0, "1.0; import os", 5)
            with pytest.raises(SymntkError, match="digits must be an integer"):
                golden_digits(1.0, "1.0", 0)
            with pytest.raises(SymntkError, match="symbols besides"):
                dual_kernel_check(sp.Symbol("t"), "erf")
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_the_readme_example_runs_as_written(pytester: pytest.Pytester) -> None:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Guarding closed forms") :]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code is not None
    assert len(code.group(1).strip().splitlines()) <= 10
    pytester.makepyfile(code.group(1))
    pytester.runpytest().assert_outcomes(passed=1)
