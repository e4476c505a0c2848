"""Which functions are jobs, and which run periodically.

Apps declare them in their ``tasks.py`` (imported when Django starts)::

    @job("monitoring.evaluate_alerts", every=60)
    def evaluate_alerts() -> dict: ...

A job takes its payload as keyword arguments, is idempotent (it may run
again after a crash), and returns a JSON-serialisable result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

JobFunction = Callable[..., Any]


@dataclass(frozen=True)
class JobSpec:
    name: str
    function: JobFunction
    every: int | None
    timeout: int


JOBS: dict[str, JobSpec] = {}


def job(
    name: str, *, every: int | None = None, timeout: int = 600
) -> Callable[[JobFunction], JobFunction]:
    def register(function: JobFunction) -> JobFunction:
        JOBS[name] = JobSpec(name, function, every, timeout)
        return function

    return register
