"""Deadlines: a check that runs out of time stops, and an inner deadline never extends an outer one."""

from __future__ import annotations

import time

import pytest

from symntk.check.deadline import OutOfTime, deadline


def _spin(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def test_a_deadline_interrupts_a_busy_computation() -> None:
    began = time.monotonic()
    with pytest.raises(OutOfTime), deadline(0.05):
        _spin(5)
    assert time.monotonic() - began < 1


def test_an_inner_deadline_does_not_extend_the_outer_one() -> None:
    began = time.monotonic()
    with pytest.raises(OutOfTime), deadline(0.05), deadline(10):
        _spin(5)
    assert time.monotonic() - began < 1


def test_an_outer_deadline_fires_even_if_an_inner_handler_swallows_it() -> None:
    began = time.monotonic()
    with pytest.raises(OutOfTime), deadline(0.05):
        try:
            with deadline(10):
                _spin(5)
        except OutOfTime:
            pass  # as the symbolic phase does when its share of time is up
        _spin(5)
    assert time.monotonic() - began < 1


def test_out_of_time_is_not_swallowed_by_except_exception() -> None:
    with pytest.raises(OutOfTime), deadline(0.05):
        try:
            _spin(5)
        except Exception:  # what library code often does
            pass
