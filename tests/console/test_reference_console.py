"""参考数据 through the app (no browser), on SQLite and PostgreSQL: an upload is staged
for its session, shown as a preview and stored only when confirmed; errors, a change
meanwhile, another session, an expiry, a missing CSRF token or a role other than admin
store nothing."""

from __future__ import annotations

import io
import json
import re
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from office import reference, reference_uploads, reference_xlsx
from office.errors import OfficeError
from office.staff import Actor, Forbidden
from office.store import OfficeStore
from office.tables import audit
from office.tables import reference_uploads as uploads_table
from tests.console.reference_support import (
    PARKS_HEADER,
    USCC_A,
    USCC_B,
    XIANGTAN_PARKS,
    Console,
    add_user,
    xlsx,
)
from tests.support.waiting import wait_until

PARKS = xlsx([PARKS_HEADER, *XIANGTAN_PARKS])
WHITE = xlsx(
    [
        ["统一社会信用代码", "企业名称"],
        [USCC_A, "湘潭顺阳新材料科技股份有限公司"],
        [USCC_B, "湘潭顺泰食品有限公司"],
    ]
)
BAD = xlsx(
    [
        ["统一社会信用代码", "企业名称"],
        [USCC_A, "湘潭顺阳新材料科技股份有限公司"],
        ["91430304MA4YG57FJD", "校验位错的企业"],
        [USCC_A, "重复的企业"],
    ]
)

ADMIN = Actor("adm", "admin", "430300")


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def admin(store: OfficeStore) -> Iterator[Console]:
    add_user(store, "adm", "admin")
    console = Console(store, "adm")
    yield console
    console.close()


def version(store: OfficeStore) -> int:
    with store.read() as db:
        return reference.current(db).version


def staged(store: OfficeStore) -> int:
    with store.read() as db:
        return int(db.execute(select(func.count()).select_from(uploads_table)).scalar_one())


def preview_of(response) -> str:
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert location.startswith("/console/reference/uploads/")
    return str(location)


def test_a_parks_upload_is_previewed_then_confirmed_as_a_new_version(
    store: OfficeStore, admin: Console
) -> None:
    preview = preview_of(admin.upload("parks", PARKS, name="湘潭园区.xlsx"))
    assert version(store) == 0 and staged(store) == 1  # nothing stored before confirming
    page = admin.get(preview)
    assert page.status_code == 200
    shown = text_of(page.text)
    assert "上传 3 行可载入；现有 0 条。 新增 3 条 删除 0 条" in shown
    assert "第 3 行 湘潭经济技术开发区 湘潭经开区 430373 九华示范区" in shown
    assert "确认载入" in shown

    done = admin.post(f"{preview}/confirm")
    assert done.status_code == 303 and done.headers["location"] == "/console/reference?loaded=1"
    with store.read() as db:
        ref = reference.current(db)
        [entry] = db.execute(select(audit).where(audit.c.action == "reference_loaded")).all()
    assert ref.version == 1
    assert ref.data["parks"][1] == {
        "name": "湘潭经济技术开发区",
        "short": "湘潭经开区",
        "stat_code": "430373",
        "also_known_as": "九华示范区",
    }
    assert entry.actor == "adm" and json.loads(entry.details)["sections"] == ["parks"]
    assert staged(store) == 0
    shown = text_of(admin.get("/console/reference?loaded=1").text)
    assert "已载入，参考数据现为第 1 版" in shown
    assert "版本 第 1 版" in shown
    assert "载入人 adm 来源 工作台上传：湘潭园区.xlsx" in shown
    assert "园区 3 个" in shown
    # confirming again: the upload is gone, nothing more is stored
    again = admin.post(f"{preview}/confirm")
    assert again.status_code == 409 and "已过期或已处理" in again.text
    assert version(store) == 1


def test_the_comparison_is_against_the_current_list(store: OfficeStore, admin: Console) -> None:
    with store.write() as db:
        reference.load(
            db,
            {"white_list": [{"uscc": USCC_A, "name": "湘潭顺阳新材料"}]},
            source="test",
        )
    shown = text_of(admin.get(preview_of(admin.upload("white_list", WHITE))).text)
    assert "新增 1 条：湘潭顺泰食品有限公司（91430321MA4K3RYKH3）" in shown
    assert "修改 1 条：湘潭顺阳新材料科技股份有限公司（91430304MA4YG57FJC）" in shown
    assert "删除 0 条" in shown and "现有 1 条" in shown


def test_cancel_stores_nothing(store: OfficeStore, admin: Console) -> None:
    preview = preview_of(admin.upload("white_list", WHITE))
    gone = admin.post(f"{preview}/cancel")
    assert gone.status_code == 303 and gone.headers["location"] == "/console/reference?cancelled=1"
    assert version(store) == 0 and staged(store) == 0
    assert admin.get(preview).status_code == 404
    assert admin.post(f"{preview}/confirm").status_code == 409
    assert version(store) == 0


def test_a_file_with_errors_is_shown_with_its_rows_and_cannot_be_confirmed(
    store: OfficeStore, admin: Console
) -> None:
    preview = preview_of(admin.upload("key_supervision", BAD))
    shown = text_of(admin.get(preview).text)
    assert "有 2 处错误，不能载入" in shown
    assert "第 3 行 统一社会信用代码“91430304MA4YG57FJD”校验位不对" in shown
    assert f"第 4 行 统一社会信用代码 {USCC_A} 与第 2 行重复" in shown
    assert "确认载入" not in shown
    refused = admin.post(f"{preview}/confirm")  # posted anyway
    assert refused.status_code == 409 and "文件中有错误" in refused.text
    assert version(store) == 0


def test_the_confirm_fails_cleanly_when_the_reference_data_changed_meanwhile(
    store: OfficeStore, admin: Console
) -> None:
    preview = preview_of(admin.upload("parks", PARKS))
    with store.write() as db:  # another load meanwhile (the command line)
        reference.load(db, {"parks": [{"name": "别的园区"}]}, source="cli.json")
    assert "参考数据已有更新（现为第 1 版）" in text_of(admin.get(preview).text)
    refused = admin.post(f"{preview}/confirm")
    assert refused.status_code == 409 and "现为第 1 版" in refused.text
    with store.read() as db:
        ref = reference.current(db)
    assert ref.version == 1 and ref.data["parks"] == [{"name": "别的园区"}]


def test_a_file_that_cannot_be_read_is_refused_on_the_page_and_nothing_is_staged(
    store: OfficeStore, admin: Console
) -> None:
    refused = admin.upload("parks", "名称,简称\n".encode(), name="园区.csv")
    assert refused.status_code == 400
    assert "这不是 Excel 工作簿（.xlsx）文件" in text_of(refused.text)
    wrong = admin.upload("white_list", PARKS)
    assert wrong.status_code == 400 and "没有找到表头" in wrong.text
    assert admin.upload("calendar", PARKS).status_code == 400  # not a list
    assert admin.upload("cert_rules", PARKS).status_code == 400
    assert staged(store) == 0 and version(store) == 0


def test_an_upload_over_the_size_limit_is_refused_before_it_is_read(
    store: OfficeStore, admin: Console
) -> None:
    big = b"PK\x03\x04" + b"\0" * (reference_xlsx.MAX_FILE_BYTES + 1024 * 1024)
    refused = admin.upload("parks", big)
    assert refused.status_code == 413 and "文件超过 10 MB" in refused.text
    assert staged(store) == 0


def test_posts_without_the_pages_token_or_from_another_site_change_nothing(
    store: OfficeStore, admin: Console
) -> None:
    admin.get("/console/reference")
    no_token = admin.http.post(
        "/console/reference/upload",
        data={"section": "parks"},
        files={"file": ("p.xlsx", PARKS, "application/octet-stream")},
    )
    assert no_token.status_code == 403
    forged = admin.http.post(
        "/console/reference/upload",
        data={"section": "parks", "csrf": admin.csrf},
        files={"file": ("p.xlsx", PARKS, "application/octet-stream")},
        headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
    )
    assert forged.status_code == 403
    assert staged(store) == 0
    preview = preview_of(admin.upload("parks", PARKS))
    assert admin.http.post(f"{preview}/confirm", data={"x": "1"}).status_code == 403
    assert admin.http.post(f"{preview}/confirm", data={"csrf": "x" * 64}).status_code == 403
    calendar = admin.http.post(
        "/console/reference/calendar", data={"from": "package", "year": "2026"}
    )
    assert calendar.status_code == 403
    assert version(store) == 0 and staged(store) == 1


@pytest.mark.parametrize("role", ["reviewer", "justice", "park", "viewer"])
def test_no_other_role_may_do_anything_whatever_is_posted(
    store: OfficeStore, admin: Console, role: str
) -> None:
    preview = preview_of(admin.upload("parks", PARKS))
    add_user(store, "other", role, park="湘潭高新技术产业开发区" if role == "park" else None)
    other = Console(store, "other")
    try:
        other.get("/console/filings")  # a page they may open: their own CSRF token
        assert other.csrf
        assert other.get("/console/reference").status_code == 403
        for path in (
            "/console/reference/calendar",
            preview,
            "/console/reference/parks/current.xlsx",
            "/console/reference/white_list/template.xlsx",
        ):
            assert other.http.get(path).status_code == 403, path
        assert other.upload("parks", PARKS).status_code == 403
        assert other.post(f"{preview}/confirm").status_code == 403
        assert other.post(f"{preview}/cancel").status_code == 403
        assert other.post("/console/reference/calendar", year="2026").status_code == 403
    finally:
        other.close()
    assert version(store) == 0 and staged(store) == 1  # the admin's upload is untouched
    assert admin.post(f"{preview}/confirm").status_code == 303


def test_another_session_never_sees_or_confirms_the_upload(
    store: OfficeStore, admin: Console
) -> None:
    preview = preview_of(admin.upload("parks", PARKS))
    add_user(store, "adm2", "admin")
    second = Console(store, "adm2")
    same_user_elsewhere = Console(store, "adm")
    try:
        for console in (second, same_user_elsewhere):
            assert console.get(preview).status_code == 404
            console.get("/console/reference")
            assert console.post(f"{preview}/confirm").status_code == 409
            assert console.post(f"{preview}/cancel").status_code == 303
    finally:
        second.close()
        same_user_elsewhere.close()
    assert version(store) == 0 and staged(store) == 1
    assert admin.get(preview).status_code == 200


def test_a_calendar_year_from_the_package_and_one_typed_merge_by_year(
    store: OfficeStore, admin: Console
) -> None:
    preview = preview_of(
        admin.post("/console/reference/calendar", **{"from": "package", "year": "2026"})
    )
    shown = text_of(admin.get(preview).text)
    assert "春节 2月15日（周日） 至 2月23日（周一） 9" in shown
    assert "2026 年尚未载入" in shown
    done = admin.post(f"{preview}/confirm")
    assert done.headers["location"] == "/console/reference/calendar?loaded=1"
    assert "已载入，参考数据现为第 1 版" in text_of(admin.get(done.headers["location"]).text)

    typed = admin.post(
        "/console/reference/calendar",
        **{
            "from": "typed",
            "year": "2027",
            "holidays": "1月1日\n2月6日至12日",
            "workdays": "2月14日",
        },
    )
    assert admin.post(f"{preview_of(typed)}/confirm").status_code == 303
    with store.read() as db:
        calendar = reference.current(db).data["calendar"]
    assert sorted(calendar) == ["2026", "2027"]
    assert calendar["2027"]["workdays"] == ["2027-02-14"]
    shown = text_of(admin.get("/console/reference/calendar").text)
    assert "2027 年：假日 8 天，调休上班 1 天" in shown and "2026 年：假日 33 天" in shown

    # a typed year that replaces a loaded one shows what changes
    again = admin.post(
        "/console/reference/calendar",
        **{"from": "typed", "year": "2027", "holidays": "1月1日至3日", "workdays": ""},
    )
    shown = text_of(admin.get(preview_of(again)).text)
    assert "新增假日：1月2日（周六）、1月3日（周日）" in shown
    assert "不再调休上班：2月14日（周日）" in shown


def test_bad_typed_dates_are_shown_with_what_was_typed_and_nothing_is_staged(
    store: OfficeStore, admin: Console
) -> None:
    typed = "2027-02-30\n2026-10-01\n1月1日"
    bad = admin.post(
        "/console/reference/calendar",
        **{"from": "typed", "year": "2027", "holidays": typed, "workdays": "2月14日"},
    )
    assert bad.status_code == 400
    shown = text_of(bad.text)
    assert "填写的日期有问题，未载入（已保留填写的内容）" in shown
    assert "假日中的“2027-02-30”不是有效日期" in shown
    assert "假日中的“2026-10-01”不在 2027 年内" in shown
    assert f">{typed}</textarea>" in bad.text and ">2月14日</textarea>" in bad.text
    assert 'id="typed-year" name="year" inputmode="numeric" maxlength="4" value="2027"' in bad.text
    unknown = admin.post("/console/reference/calendar", **{"from": "package", "year": "2099"})
    assert unknown.status_code == 400 and "只有 2004—" in text_of(unknown.text)
    assert staged(store) == 0 and version(store) == 0


def test_a_staged_calendar_with_problems_cannot_be_confirmed(store: OfficeStore) -> None:
    """Whatever reaches the staging table with problems (the page never stages typed
    dates with problems) is refused at confirmation."""
    at = datetime.now(UTC)
    value = {"2027": {"holidays": ["2027-01-01"], "workdays": []}}
    with store.write() as db:
        upload_id = reference_uploads.stage(
            db, ADMIN, "s", "calendar", "t", {"value": value, "problems": [[0, "坏"]]}, at
        )
    with pytest.raises(OfficeError, match="文件中有错误"), store.write() as db:
        reference_uploads.confirm(db, ADMIN, "s", upload_id, at)
    assert version(store) == 0


def test_the_export_and_the_template_are_workbooks(store: OfficeStore, admin: Console) -> None:
    assert admin.post(f"{preview_of(admin.upload('white_list', WHITE))}/confirm").status_code == 303
    export = admin.http.get("/console/reference/white_list/current.xlsx")
    assert export.status_code == 200 and export.headers["content-type"].startswith(
        "application/vnd.openxmlformats"
    )
    assert "attachment" in export.headers["content-disposition"]
    parsed = reference_xlsx.read_list("white_list", export.content)
    with store.read() as db:
        assert parsed.items == reference.current(db).data["white_list"]
    template = admin.http.get("/console/reference/parks/template.xlsx")
    sheet = load_workbook(io.BytesIO(template.content), read_only=True).worksheets[0]
    assert next(sheet.iter_rows(values_only=True)) == ("名称", "简称", "统计代码", "别名")
    assert admin.http.get("/console/reference/forms/template.xlsx").status_code == 404


# --- the staging store itself -----------------------------------------------------------------


def test_an_expired_upload_is_gone_and_purged(store: OfficeStore) -> None:
    then = datetime.now(UTC) - reference_uploads.LIFETIME - timedelta(seconds=1)
    with store.write() as db:
        upload_id = reference_uploads.stage(
            db, ADMIN, "session-1", "parks", "t", {"value": [], "problems": []}, then
        )
    now = datetime.now(UTC)
    with store.read() as db:
        assert reference_uploads.get(db, "session-1", upload_id, now) is None
        assert reference_uploads.get(db, "session-1", upload_id, then) is not None
    with pytest.raises(OfficeError, match="已过期"), store.write() as db:
        reference_uploads.confirm(db, ADMIN, "session-1", upload_id, now)
    with store.write() as db:
        assert reference_uploads.purge(db, now) == 1
    assert version(store) == 0


def test_the_store_refuses_staging_and_confirming_for_other_roles(store: OfficeStore) -> None:
    with store.write() as db:
        upload_id = reference_uploads.stage(
            db,
            ADMIN,
            "s",
            "parks",
            "t",
            {"value": [{"name": "园区"}], "problems": []},
            datetime.now(UTC),
        )
    reviewer = Actor("rev", "reviewer", "430300")
    with pytest.raises(Forbidden), store.write() as db:
        reference_uploads.stage(db, reviewer, "s2", "parks", "t", {"value": []}, datetime.now(UTC))
    with pytest.raises(Forbidden), store.write() as db:
        reference_uploads.confirm(db, reviewer, "s", upload_id, datetime.now(UTC))
    with pytest.raises(Forbidden), store.write() as db:
        reference_uploads.cancel(db, reviewer, "s", upload_id)
    with store.write() as db:
        assert reference_uploads.confirm(db, ADMIN, "s", upload_id, datetime.now(UTC)).version == 1
    assert staged(store) == 0


def test_a_new_upload_of_a_list_replaces_the_sessions_earlier_one(store: OfficeStore) -> None:
    at = datetime.now(UTC)
    with store.write() as db:
        first = reference_uploads.stage(db, ADMIN, "s", "parks", "a", {"value": []}, at)
        reference_uploads.stage(db, ADMIN, "s", "white_list", "b", {"value": []}, at)
        second = reference_uploads.stage(db, ADMIN, "s", "parks", "c", {"value": []}, at)
    with store.read() as db:
        assert reference_uploads.get(db, "s", first, at) is None
        upload = reference_uploads.get(db, "s", second, at)
    assert upload is not None and upload.source == "c"
    assert staged(store) == 2


def test_the_uploaded_files_name_is_kept_as_its_last_part_on_one_line(
    store: OfficeStore, admin: Console
) -> None:
    preview = preview_of(admin.upload("parks", PARKS, name="C:\\文件\\湘潭  园区 2026.xlsx"))
    assert "工作台上传：湘潭园区2026.xlsx ·" in text_of(admin.get(preview).text)
    hidden = preview_of(admin.upload("parks", PARKS, name="园区\u202exslx.exe"))
    assert admin.post(f"{hidden}/confirm").status_code == 303
    with store.read() as db:
        [entry] = db.execute(select(audit).where(audit.c.action == "reference_loaded")).all()
    assert json.loads(entry.details)["source"] == "工作台上传：上传的文件"


def test_two_confirmations_at_once_store_one_version_and_refuse_the_other(
    store: OfficeStore, office_backend: str
) -> None:
    """The second confirmation reads the version the first has not committed yet; on
    PostgreSQL its new version then waits on the first's and collides with it once the
    first commits, on SQLite it waits for the write lock and finds the version moved.
    Either way it is refused in Chinese and only the first list is stored."""
    from office.console import reference as page
    from office.console.web import Viewer

    at = datetime.now(UTC)
    with store.write() as db:
        first = reference_uploads.stage(
            db, ADMIN, "s1", "parks", "a", {"value": [{"name": "甲园区"}], "problems": []}, at
        )
        second = reference_uploads.stage(
            db, ADMIN, "s2", "parks", "b", {"value": [{"name": "乙园区"}], "problems": []}, at
        )
    outcome: dict[str, str] = {}

    def confirm_second() -> None:
        try:
            page._confirm(store, Viewer(ADMIN, "s2"), second)
            outcome["second"] = "stored"
        except OfficeError as exc:
            outcome["second"] = str(exc)

    with store.write() as db:
        reference_uploads.confirm(db, ADMIN, "s1", first, at)
        racer = threading.Thread(target=confirm_second)
        racer.start()
        if office_backend == "postgresql":  # commit only once the second one waits on us
            wait_until(
                lambda: waiting_on_a_lock(store),
                30,
                "the second confirmation to wait on the lock",
                interval=0.02,
            )
    racer.join(timeout=60)
    assert not racer.is_alive()
    assert outcome["second"] in (reference_uploads.CHANGED, CHANGED_MEANWHILE), outcome
    with store.read() as db:
        ref = reference.current(db)
    assert ref.version == 1 and ref.data["parks"] == [{"name": "甲园区"}]


CHANGED_MEANWHILE = (
    "预览之后参考数据已有更新（现为第 1 版），这次上传的比较已不准确，未载入。请重新上传。"
)


def waiting_on_a_lock(store: OfficeStore) -> bool:
    from sqlalchemy import text

    with store.read() as db:
        return bool(db.execute(text("SELECT count(*) FROM pg_locks WHERE NOT granted")).scalar())


def test_a_loaded_year_fills_the_typed_form_to_correct_it(
    store: OfficeStore, admin: Console
) -> None:
    with store.write() as db:
        reference.load(
            db,
            {"calendar": {"2027": {"holidays": ["2027-01-01", "2027-01-02"], "workdays": []}}},
            source="t",
        )
    page = admin.get("/console/reference/calendar?edit=2027").text
    assert ">2027-01-01至2027-01-02</textarea>" in page
    assert 'maxlength="4" value="2027"' in page
    assert "修改 2027 年的安排" in page
    unknown = admin.get("/console/reference/calendar?edit=2031").text
    assert 'name="holidays" maxlength="5000"></textarea>' in unknown
