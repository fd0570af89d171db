"""The command line's contract: help, version, and errors as one line on stderr with a non-zero exit."""

from __future__ import annotations

import subprocess
import sys

import pytest

from symntk import __version__
from symntk.cli import COMMANDS, main


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "symntk", *args], capture_output=True, text=True, timeout=300, check=False
    )


def test_help_lists_every_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for name in COMMANDS:
        assert name in out


def test_version_is_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.strip() == f"symntk {__version__}"


@pytest.mark.parametrize("name", COMMANDS)
def test_every_subcommand_has_help(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([name, "--help"])
    assert exit_info.value.code == 0
    assert f"usage: symntk {name}" in capsys.readouterr().out


def test_unknown_subcommand_is_one_line_on_stderr() -> None:
    result = _run("no-such-command")
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_no_subcommand_prints_help_and_fails() -> None:
    result = _run()
    assert result.returncode == 2
    assert "usage: symntk" in result.stderr
