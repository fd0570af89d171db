"""The README's two commands are the project's contract with a newcomer; CI must run the second verbatim."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return [block.strip() for block in re.findall(r"```bash\n(.*?)```", text, flags=re.S)][:2]


def test_readme_starts_with_two_commands_install_and_check_then_install_and_test() -> None:
    first, second = _readme_commands()
    assert "pip install" in first and first.endswith("symntk check")
    assert "pip install" in second and "[test]" in second and second.endswith("pytest")


def test_ci_runs_exactly_the_readmes_test_command() -> None:
    _, test_command = _readme_commands()
    ci_lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()]
    assert test_command in ci_lines
    assert "set -euo pipefail" in ci_lines
