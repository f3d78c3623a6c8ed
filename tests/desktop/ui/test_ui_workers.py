"""desktop.ui.workers: plain functions and generators run off the UI thread."""

from __future__ import annotations

import threading

import pytest

from desktop.ui.workers import Job, run_in_background, running_jobs


def _thread_name() -> str:
    return threading.current_thread().name


def test_function_result_arrives_on_the_ui_thread(qtbot):
    job = run_in_background(lambda a, b=0: (a + b, _thread_name()), 2, b=3)
    assert isinstance(job, Job)
    received_on = []
    job.finished.connect(lambda _result: received_on.append(_thread_name()))
    with qtbot.waitSignal(job.finished, timeout=5000) as blocker:
        pass
    total, worker_thread = blocker.args[0]
    assert total == 5
    assert worker_thread != threading.main_thread().name
    assert received_on == [threading.main_thread().name]
    assert job.is_done()


def test_generator_progress_then_return_value(qtbot):
    def count(n):
        for i in range(n):
            yield (i * 100 // n, f"第 {i + 1} 步")
        return "完成"

    job = run_in_background(count, 4)
    steps = []
    job.progress.connect(lambda p, t: steps.append((p, t)))
    with qtbot.waitSignal(job.finished, timeout=5000) as blocker:
        pass
    assert blocker.args == ["完成"]
    assert steps == [(0, "第 1 步"), (25, "第 2 步"), (50, "第 3 步"), (75, "第 4 步")]


def test_failure_gives_a_chinese_message_and_details(qtbot):
    def broken():
        yield (10, "开始")
        raise ValueError("the secret detail")

    job = run_in_background(broken)
    finished = []
    job.finished.connect(finished.append)
    with qtbot.waitSignal(job.failed, timeout=5000) as blocker:
        pass
    message, details = blocker.args
    assert "重试" in message
    assert "the secret detail" not in message
    assert "ValueError: the secret detail" in details
    assert finished == []


def test_os_errors_say_what_to_do(qtbot):
    def missing():
        raise FileNotFoundError("/nowhere/roster.xlsx")

    job = run_in_background(missing)
    with qtbot.waitSignal(job.failed, timeout=5000) as blocker:
        pass
    assert "找不到" in blocker.args[0]


def test_a_dropped_job_still_delivers(qtbot):
    results = []
    run_in_background(lambda: 42).finished.connect(results.append)
    qtbot.waitUntil(lambda: results == [42], timeout=5000)
    qtbot.waitUntil(lambda: running_jobs() == 0, timeout=5000)


@pytest.mark.parametrize("item", [(150, "多"), (-5, "少"), ("x", "坏")])
def test_progress_values_are_clamped(qtbot, item):
    def one():
        yield item
        return None

    job = run_in_background(one)
    seen = []
    job.progress.connect(lambda p, t: seen.append(p))
    with qtbot.waitSignal(job.finished, timeout=5000):
        pass
    assert len(seen) == 1 and 0 <= seen[0] <= 100
