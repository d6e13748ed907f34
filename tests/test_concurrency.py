"""Concurrency: the dashboard keeps serving the last snapshot while a build runs; two builds of
one warehouse never run together (the second refuses, naming the holder's pid); a build's
leftover processes never outlive the next build's lock."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from test_faults import (
    Build,
    assert_clean_after_success,
    copy_warehouse,
    dbt_started,
    mart_contents,
    published_state,
)

from orchestration.core.errors import BuildBusy
from orchestration.core.lock import BUILD_MARKER, build_lock, leftover_processes
from orchestration.core.paths import DEMO_FEEDS_DIR, REPO, WarehouseLayout
from orchestration.tools.screenshot import serve

APP = REPO / "dashboards" / "app.py"
DATA_PAGE = "views/data_sources.py"


@pytest.fixture(scope="module")
def base(demo_warehouse) -> tuple[Path, dict]:
    return demo_warehouse, mart_contents(demo_warehouse)


def render(warehouse: Path, monkeypatch, page: str | None = None) -> AppTest:
    """Run the app's script once against `warehouse` and fail on any exception or lock error."""
    monkeypatch.setenv("WHOLEPLACE_WAREHOUSE", str(warehouse))
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    shown = " ".join(str(e.value) for e in [*at.error, *at.warning])
    assert "lock" not in shown.lower(), shown
    assert not at.error or all("failed" in e.value for e in at.error), shown
    return at


def run_id_shown(at: AppTest) -> str:
    return " ".join(str(e.value) for e in [*at.markdown, *at.caption])


def fetch(url: str) -> int:
    with urllib.request.urlopen(url, timeout=10) as response:
        response.read()
        return response.status


@pytest.mark.slow
def test_dashboard_keeps_serving_the_last_snapshot_during_a_build(base, tmp_path, monkeypatch):
    source, marts = base
    warehouse = copy_warehouse(source, tmp_path / "warehouse")
    _, before = published_state(warehouse)
    assert before["run_id"] in run_id_shown(render(warehouse, monkeypatch, DATA_PAGE))
    with serve(warehouse) as url:
        build = Build(DEMO_FEEDS_DIR, warehouse)
        answers, failures = [], []

        def poll() -> None:  # bounded: ends with the build, or after BUILD_TIMEOUT at most
            deadline = time.monotonic() + 300
            while build.process.poll() is None and time.monotonic() < deadline:
                for path in ("/_stcore/health", "/"):
                    try:
                        answers.append(fetch(url + path))
                    except OSError as error:
                        failures.append(f"{path}: {error}")
                time.sleep(0.2)

        poller = threading.Thread(target=poll)
        poller.start()
        # While dbt holds the working database, the app renders from the published snapshot.
        build.wait_for(dbt_started)
        assert build.process.poll() is None
        during = render(warehouse, monkeypatch, DATA_PAGE)
        assert before["run_id"] in run_id_shown(during)
        assert build.process.poll() is None, "the build ended before the page was rendered"
        assert build.finish() == 0, build.text
        poller.join()
        assert not failures, failures
        assert len(answers) >= 20 and set(answers) == {200}
        # The running server picks up the new snapshot without a restart.
        assert fetch(url + "/_stcore/health") == 200
    _, after = published_state(warehouse)
    assert after["run_id"] != before["run_id"]
    assert after["run_id"] in run_id_shown(render(warehouse, monkeypatch, DATA_PAGE))
    assert mart_contents(warehouse) == marts


@pytest.mark.slow
def test_two_builds_at_once_one_refuses_naming_the_holder(base, tmp_path):
    source, marts = base
    warehouse = copy_warehouse(source, tmp_path / "warehouse")
    _, before = published_state(warehouse)
    builds = [Build(DEMO_FEEDS_DIR, warehouse) for _ in range(2)]
    codes = [b.finish() for b in builds]
    assert sorted(codes) == [0, 1], [b.text for b in builds]
    winner, loser = (builds[0], builds[1]) if codes[0] == 0 else (builds[1], builds[0])
    assert f"another build of {warehouse.resolve()} is running (pid {winner.pid} " in loser.text
    assert "wait for it to finish" in loser.text
    assert "Published to" in winner.text and "Published to" not in loser.text
    _, after = published_state(warehouse)
    assert after["run_id"] != before["run_id"]
    assert mart_contents(warehouse) == marts
    assert_clean_after_success(warehouse)


def test_the_refusal_names_a_holder_that_has_only_just_taken_the_lock(tmp_path):
    """The holder writes its pid just after taking the lock; a build refused in between waits a
    moment for the pid rather than saying 'another process'."""
    import fcntl

    layout = WarehouseLayout(tmp_path)
    holder = open(layout.build_lock, "a+")  # noqa: SIM115
    fcntl.flock(holder, fcntl.LOCK_EX | fcntl.LOCK_NB)
    writer = threading.Timer(0.3, lambda: (holder.write("pid 4242 since now\n"), holder.flush()))
    writer.start()
    try:
        with (
            pytest.raises(BuildBusy, match=r"is running \(pid 4242 since now\)"),
            build_lock(layout),
        ):
            pass
    finally:
        writer.join()
        holder.close()


def hold_lock_then_sleep(layout: WarehouseLayout) -> subprocess.Popen:
    """A stand-in build in another process: takes the lock, says so, then sleeps."""
    code = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from orchestration.core.lock import build_lock\n"
        "from orchestration.core.paths import WarehouseLayout\n"
        "with build_lock(WarehouseLayout(Path(sys.argv[1]))):\n"
        "    print('locked', flush=True)\n"
        "    time.sleep(120)\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", code, str(layout.root)], cwd=REPO, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout.readline().strip() == "locked"
    return process


def test_a_killed_holder_leaves_no_lock_behind(tmp_path):
    layout = WarehouseLayout(tmp_path)
    holder = hold_lock_then_sleep(layout)
    try:
        with pytest.raises(BuildBusy, match=f"pid {holder.pid} "), build_lock(layout):
            pass
    finally:
        holder.kill()
        holder.wait()
    assert f"pid {holder.pid} " in layout.build_lock.read_text()  # stale, and harmless
    with build_lock(layout):
        assert f"pid {os.getpid()} " in layout.build_lock.read_text()
    assert layout.build_lock.read_text() == ""


def test_processes_a_killed_build_left_running_are_stopped_by_the_next(tmp_path):
    """What a killed build started (its dbt) carries the build's marker; the next holder of the
    lock stops those, and only those."""
    ours, theirs = WarehouseLayout(tmp_path / "ours"), WarehouseLayout(tmp_path / "theirs")
    sleeper = [sys.executable, "-c", "import time; time.sleep(120)"]
    leftover = subprocess.Popen(sleeper, env={**os.environ, BUILD_MARKER: str(ours.build_lock)})
    stranger = subprocess.Popen(sleeper, env={**os.environ, BUILD_MARKER: str(theirs.build_lock)})
    try:
        deadline = time.monotonic() + 10
        while leftover.pid not in leftover_processes(str(ours.build_lock)):
            assert time.monotonic() < deadline
            time.sleep(0.05)
        with build_lock(ours):
            assert leftover.wait(timeout=5) is not None
            assert os.environ[BUILD_MARKER] == str(ours.build_lock)  # for this build's children
        assert BUILD_MARKER not in os.environ
        assert stranger.poll() is None
    finally:
        for process in (leftover, stranger):
            process.kill()
            process.wait()
