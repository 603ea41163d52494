"""The session's expensive builds, started in the background as soon as the tests are collected.

A test module registers a build under the fixture names that need it (``@background.job("scenario",
"scenario_warehouse")``; a test that calls a job itself says so with ``@pytest.mark.background("name")``).
conftest.py starts, in six background threads, the builds some selected test needs, by priority and then in the
order the tests first need them, and runs the tests that need none of them first. A fixture or test then takes the
build's result (``background.result("scenario")``), waiting for it if it is still running, or builds it there and
then when nothing started it; an exception of the build (a failed assert) is raised there. The builds are mostly
subprocesses (dbt, the scenario generator, the operator's commands), so the threads wait without holding the
interpreter, and on these 2 cores the builds overlap the tests that run meanwhile. Every build writes into its own
folder under one temporary directory of the session.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

Build = Callable[[Path], Any]

_builds: dict[str, Build] = {}  # fixture name -> the build it needs
_priorities: dict[Build, int] = {}
_last: set[Build] = set()  # builds that take most of the session: the tests that need them run last
_started: dict[Build, Future[Any]] = {}
_executor = ThreadPoolExecutor(max_workers=6, thread_name_prefix="scm-background-build")
_base: list[Path] = []
_clock = time.monotonic()
_times: dict[str, tuple[float, float]] = {}  # build -> (start, end), seconds since the session started


def job(*fixture_names: str, priority: int = 1, last: bool = False) -> Callable[[Build], Build]:
    """Register a build (a function of its own empty folder) for the fixtures named; a lower priority starts
    first: 0 for the builds others wait for and the longest (so that it does not end the session alone), 2 for
    those that wait for another (so that they do not hold a thread while it runs); the tests that need a ``last``
    build run after all others."""

    def register(build: Build) -> Build:
        for name in fixture_names:
            _builds[name] = build
        _priorities[build] = priority
        if last:
            _last.add(build)
        return build

    return register


def order(fixture_names: Iterable[str]) -> tuple[bool, int]:
    """Where a test using these fixtures goes, once the builds are started: first the tests that need no build,
    then by the last-started build they need (the builds started first are ready first), and last those that
    need a ``last`` build."""
    builds = [_builds[name] for name in fixture_names if name in _builds]
    started = list(_started)
    latest = max((started.index(build) for build in builds if build in _started), default=-1)
    return any(build in _last for build in builds), latest


def folder(build: Build) -> Path:
    if not _base:
        _base.append(Path(tempfile.mkdtemp(prefix="scm-test-builds-")))
    path = _base[0] / build.__name__
    path.mkdir()
    return path


def start(fixture_names: Iterable[str]) -> None:
    """Start the builds of these fixtures in the background (each once): by priority, then in this order."""
    wanted: list[Build] = []
    for name in fixture_names:
        build = _builds.get(name)
        if build is not None and build not in _started and build not in wanted:
            wanted.append(build)
    for build in sorted(wanted, key=lambda build: _priorities[build]):  # stable: the order given within a priority
        _started[build] = _executor.submit(timed, build, folder(build))


def timed(build: Build, path: Path) -> Any:
    started = time.monotonic() - _clock
    try:
        return build(path)
    finally:
        _times[build.__name__] = (started, time.monotonic() - _clock)


def timeline() -> str:
    """When each build ran, in seconds from the start of the session, in the order they started."""
    ordered = sorted(_times.items(), key=lambda item: item[1])
    return ", ".join(f"{name} {start:.0f}-{end:.0f} s" for name, (start, end) in ordered)


def result(fixture_name: str) -> Any:
    """The build's result: waited for when it was started, else built now."""
    build = _builds[fixture_name]
    if build not in _started:
        start([fixture_name])
    return _started[build].result()


def base_directory() -> Path | None:
    """The session's folder of background builds, once one was started."""
    return _base[0] if _base else None
