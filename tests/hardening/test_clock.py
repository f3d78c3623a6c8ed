"""A PC clock set wrong: deadlines and ordering are not silently corrupted.

The desk's store and sync pass take their clock as a parameter (``Store.open(clock=)``,
``sync_once(clock=)``), the seam used here to give the desk a wrong clock; the office is
a real ``beian-office serve`` process on the machine's true clock. What must hold:

- the office judges a filing against its own clock (the moment it receives it): a prior
  filing the wrong desk clock thinks is in time is refused when the inspection has in
  truth started, a post-hoc filing is flagged late by the office's calendar, and the
  receipt's time is the office's;
- the outbox goes out in the order filings were queued, even when the wall clock went
  backwards between them (the store orders by a sequence, not by timestamps), and the
  history keeps its order;
- the desk notices a clock far from the office's (``/api/v1/health``'s ``time``) and
  says so — ahead or behind, on the command line and once in the window — and stays
  quiet within the 5-minute tolerance.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest

from desktop.store import QUEUED, SENT
from desktop.sync.engine import CLOCK_SKEW_WARN_S
from desktop.sync.service import sync_once
from forms import rules
from forms.record import format_timestamp, now, parse_timestamp
from tests.support.desk import Desk
from tests.support.office import DEFAULT_UNIT, OfficeServer, office, valid_filing  # noqa: F401 (office: a fixture)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def token(office):
    return office.create_token(DEFAULT_UNIT)


class WrongClock:
    """The desk's clock: the true time shifted by ``offset``; it can be moved."""

    def __init__(self, offset: timedelta) -> None:
        self.offset = offset

    def __call__(self) -> datetime:
        return now() + self.offset


def desk_with(tmp_path, office, token, name: str = "desk") -> Desk:
    desk = Desk(tmp_path / name)
    desk.configure(office.url, token, timeout=5)
    return desk


def queue_checked(desk: Desk, clock: Callable[[], datetime], *filings: dict) -> None:
    """What 提交 does on the desk: check with the desk's own clock, then queue."""
    with desk.store(clock=clock) as store:
        for filing in filings:
            report = rules.validate(filing, at=clock(), **store.validation_context())
            assert not report.has_errors, [p.message for p in report.errors]
            store.queue(filing["id"], filing)


def run_pass(desk: Desk, clock: Callable[[], datetime]):
    with desk.keyring_in_process(), desk.store(clock=clock) as store:
        return sync_once(store, desk.data_dir, clock=clock)


# --- the office's clock decides -------------------------------------------------------------


def test_a_prior_filing_is_judged_by_the_offices_clock(tmp_path, office, token):
    behind = WrongClock(-timedelta(days=3))
    desk = desk_with(tmp_path, office, token)
    started = (now() - timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    late = valid_filing(
        inspection_start=format_timestamp(started),
        inspection_end=format_timestamp(started + timedelta(hours=6)),
    )
    queue_checked(desk, behind, late)  # by the desk's clock the inspection is 2 days away

    result = run_pass(desk, behind)

    [failure] = result.failed
    assert failure.id == late["id"] and failure.permanent and failure.status == 422
    assert "事前备案的检查开始时间应晚于现在" in failure.message  # the office's own wording
    assert late["id"] not in {r["id"] for r in office.filings()}
    assert any("时钟" in w for w in result.warnings)  # and the clerk learns why
    with desk.store() as store:
        row = store.get(late["id"])
        assert row.status == QUEUED and "应晚于现在" in row.last_error


def test_a_post_hoc_filing_is_late_by_the_offices_calendar(tmp_path, office, token):
    # The inspection ended 20 days ago; the desk's clock is 18 days behind and sees 2 days,
    # well within the 5 working days. The office sees 20 calendar days: late.
    behind = WrongClock(-timedelta(days=18))
    desk = desk_with(tmp_path, office, token)
    ended = (now() - timedelta(days=20)).replace(hour=16, minute=0, second=0, microsecond=0)
    filing = valid_filing(
        kind="post_hoc",
        post_hoc_reason="complaint",
        post_hoc_explanation="接群众投诉后立即到场核查，事后补报。",
        inspection_start=format_timestamp(ended - timedelta(hours=4)),
        inspection_end=format_timestamp(ended),
    )
    desk_view = rules.validate(filing, at=behind())
    assert "post_hoc_late" not in {p.code for p in desk_view.problems}
    queue_checked(desk, behind, filing)

    before = now()
    result = run_pass(desk, behind)
    after = now()

    assert [s[0] for s in result.sent] == [filing["id"]]
    with desk.store() as store:
        [sent] = [e for e in store.history(filing["id"]) if e.kind == "sent"]
    receipt = sent.detail
    assert "post_hoc_late" in {w["code"] for w in receipt["warnings"]}
    # The time of receipt is the office's, not the desk's 18 days ago.
    received = parse_timestamp(receipt["received_at"])
    assert before - timedelta(seconds=2) <= received <= after + timedelta(seconds=2)
    [held] = [r for r in office.filings() if r["id"] == filing["id"]]
    assert held["receipt"] == receipt["receipt"]


# --- order does not follow the wall clock ---------------------------------------------------


def test_the_outbox_keeps_queue_order_when_the_clock_goes_backwards(tmp_path, office, token):
    clock = WrongClock(timedelta(0))
    desk = desk_with(tmp_path, office, token)
    filings = [valid_filing(days_ahead=10 + i) for i in range(4)]
    # Queued one after the other while the clock is set back between each: the later
    # queued filings carry ever earlier timestamps.
    for filing, offset in zip(filings, (0, -2, -30, -400), strict=True):
        clock.offset = timedelta(days=offset)
        queue_checked(desk, clock, filing)
    with desk.store() as store:
        outbox = store.outbox()
        assert [i.id for i in outbox] == [f["id"] for f in filings]
        stamps = [parse_timestamp(i.queued_at) for i in outbox]
        assert stamps == sorted(stamps, reverse=True)  # the timestamps really went back
        assert [i.id for i in store.outbox(due_only=True)] == [f["id"] for f in filings]

    result = run_pass(desk, clock)

    assert [s[0] for s in result.sent] == [f["id"] for f in filings]
    by_id = {r["id"]: r["receipt"] for r in office.filings()}
    numbers = [by_id[f["id"]] for f in filings]
    assert numbers == sorted(numbers)  # the office's series follows the queue order
    with desk.store() as store:
        for filing in filings:
            kinds = [e.kind for e in store.history(filing["id"])]
            assert kinds.index("queued") < kinds.index("attempt") < kinds.index("sent")
            assert store.get(filing["id"]).status == SENT


def test_a_retry_planned_by_a_clock_far_ahead_is_not_stuck(tmp_path, office, token):
    """The clock ran a year ahead when a send failed; corrected, the filing is still due."""
    ahead = WrongClock(timedelta(days=365))
    desk = desk_with(tmp_path, office, token)
    filing = valid_filing()
    queue_checked(desk, WrongClock(timedelta(0)), filing)
    with desk.store(clock=ahead) as store:
        store.mark_attempt(filing["id"], 1)
        retry = format_timestamp(ahead() + timedelta(minutes=10))
        store.mark_failed(filing["id"], 1, "超时", next_try_at=retry, permanent=False)

    corrected = WrongClock(timedelta(0))
    result = run_pass(desk, corrected)
    assert [s[0] for s in result.sent] == [filing["id"]]
    assert filing["id"] in {r["id"] for r in office.filings()}


# --- the desk warns about its clock ---------------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "warned"),
    [
        (timedelta(hours=-9), True),  # a PC left on UTC
        (timedelta(days=400), True),  # a dead CMOS battery's wild guess
        (timedelta(minutes=-7), True),
        (timedelta(minutes=4), False),  # within tolerance: no noise
        (timedelta(0), False),
    ],
    ids=["utc-behind", "year-ahead", "7min-behind", "4min-ahead", "right"],
)
def test_the_desk_warns_when_its_clock_differs_from_the_offices(
    tmp_path, office, token, offset, warned
):
    desk = desk_with(tmp_path, office, token)
    result = run_pass(desk, WrongClock(offset))
    # skew = office - desk: a desk behind the office shows a positive skew.
    expected = -offset.total_seconds()
    assert result.clock_skew_s == pytest.approx(expected, abs=30)
    warnings = [w for w in result.warnings if "时钟" in w]
    assert bool(warnings) is warned
    if warned:
        said = re.search(r"相差约 (\d+) 分钟", warnings[0])
        assert said and abs(int(said.group(1)) - abs(expected) / 60) <= 1
        assert "以办公室为准" in warnings[0]
    assert abs(expected) > CLOCK_SKEW_WARN_S or not warned

    # The real command shows what the last pass found.
    status = desk.run("status")
    assert status.returncode == 0, status.stderr
    assert ("校准" in status.stdout) is warned


def test_the_window_shows_the_clock_warning_once(qtbot, tmp_path, office, token, monkeypatch):
    """The real window and its sync worker: the worker's passes run with the desk's wrong
    clock (the worker's documented pass option), the window tells the clerk once."""
    from PySide6.QtWidgets import QApplication

    from desktop.store import Store
    from desktop.ui import sync_worker
    from desktop.ui.main_window import MainWindow

    behind = WrongClock(-timedelta(hours=2))

    class WorkerWithTheDesksClock(sync_worker.SyncWorker):
        def __init__(self, data_dir, **options):
            super().__init__(data_dir, clock=behind, **options)

    monkeypatch.setattr(sync_worker, "SyncWorker", WorkerWithTheDesksClock)
    desk = desk_with(tmp_path, office, token)
    with desk.keyring_in_process():
        store = Store.open(desk.data_dir)
        window = MainWindow(store, data_dir=desk.data_dir)
        qtbot.addWidget(window)
        try:
            window.resize(1366, 768)
            window.show()
            qtbot.waitUntil(lambda: window.sync is not None, timeout=5000)

            def clock_notices() -> list[str]:
                texts = [window.notices.text(k) for k in window.notices.keys()]  # noqa: SIM118
                return [t for t in texts if "时钟" in t]

            with qtbot.waitSignal(window.sync.pass_finished, timeout=30000) as first:
                pass
            assert first.args[0].clock_skew_s == pytest.approx(7200, abs=30)
            qtbot.waitUntil(lambda: bool(clock_notices()), timeout=5000)
            [text] = clock_notices()
            assert "相差约 120 分钟" in text and "以办公室为准" in text

            # The next pass finds the same: the clerk is not told again.
            with qtbot.waitSignal(window.sync.pass_finished, timeout=30000):
                window.activateWindow()
                qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
                window.sync.sync_now()
            assert len(clock_notices()) == 1
        finally:
            window.close()
            assert window.sync is None or not window.sync.is_running()
            store.close()
