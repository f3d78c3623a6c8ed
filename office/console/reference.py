"""参考数据 (admin): the reference data's current version, its lists and the holiday
calendar; a list replaced from an XLSX upload, a calendar year loaded — each after a
preview the admin confirms (docs/console.md).

An upload is read (``office.reference_xlsx`` / ``office.reference_calendar``) and staged
on the server for the uploading session (``office.reference_uploads``); the preview page
shows the staged rows, and 确认载入 loads exactly those through ``reference.load`` (a new
version, audited). What the pages show comes from the plain functions below.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import Connection, select
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from forms import identifiers, normalize
from office import reference, reference_calendar, reference_uploads, reference_xlsx
from office.console import web
from office.errors import OfficeError
from office.staff import Forbidden
from office.store import OfficeStore
from office.tables import audit
from office.tables import reference as reference_table

router = APIRouter()

LISTS = {kind.section: kind.label for kind in reference_xlsx.KINDS.values()}
# An upload's whole body: the file and three short fields.
MAX_UPLOAD_BODY = reference_xlsx.MAX_FILE_BYTES + 64 * 1024
PREVIEW_ROWS = 200  # rows the preview lists; all are counted and stored
PREVIEW_PROBLEMS = 500
HISTORY = 10
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Version:
    version: int
    at: str
    actor: str
    source: str
    sections: list[str]


@dataclass(frozen=True)
class Overview:
    current: Version | None
    counts: list[tuple[str, str]]  # (what, how many) per section
    history: list[Version]
    years: list[int]
    sizes: dict[str, int]  # rows of each list


SECTION_TEXT = {
    "calendar": "节假日安排",
    "white_list": "白名单",
    "key_supervision": "重点监管企业名单",
    "parks": "园区",
    "cert_rules": "执法证号规则",
    "forms": "表单定义",
    "verify_url": "核验网址",
    "complaint_contact": "投诉联系方式",
    "crosscheck": "交叉检查设置",
}


def _shown_time(stamp: str) -> str:
    return stamp[:19].replace("T", " ")


def history(db: Connection, limit: int = HISTORY) -> list[Version]:
    """The latest loads, newest first, with who loaded them (from the audit)."""
    rows = db.execute(
        select(audit.c.at, audit.c.actor, audit.c.target, audit.c.details)
        .where(audit.c.action == "reference_loaded")
        .order_by(audit.c.seq.desc())
        .limit(limit)
    )
    out = []
    for row in rows:
        details = json.loads(row.details)
        number = row.target.removeprefix("version ")
        out.append(
            Version(
                int(number) if number.isdigit() else 0,
                _shown_time(row.at),
                row.actor,
                str(details.get("source", "")),
                [SECTION_TEXT.get(s, s) for s in details.get("sections", [])],
            )
        )
    return out


def overview(db: Connection) -> Overview:
    ref = reference.current(db)
    data = ref.data
    counts = [
        ("园区", f"{len(data['parks'])} 个"),
        ("白名单", f"{len(data['white_list'])} 家企业"),
        ("重点监管企业名单", f"{len(data['key_supervision'])} 家企业"),
        ("节假日安排", f"{len(data['calendar'])} 个年度"),
        ("执法证号规则", f"{len(data['cert_rules'].get('rules', []))} 条"),
        ("表单定义", f"{len(data['forms'])} 份"),
        ("核验网址", data.get("verify_url") or "未设置"),
    ]
    recent = history(db)
    current = None
    if ref.version:
        known = [v for v in recent if v.version == ref.version]
        if known:
            current = known[0]
        else:  # loaded before the audit named versions: the table's own record
            t = reference_table.c
            row = db.execute(select(t.loaded_at, t.source).where(t.version == ref.version)).one()
            current = Version(ref.version, _shown_time(row.loaded_at), "", row.source, [])
    sizes = {section: len(data[section]) for section in LISTS}
    return Overview(current, counts, recent, sorted(int(y) for y in data["calendar"]), sizes)


# --- previews -------------------------------------------------------------------------------


def list_preview(db: Connection, parsed: reference_xlsx.ParsedList) -> dict[str, Any]:
    """What is staged for a list upload: the value ``reference.load`` stores, the rows'
    problems and the comparison with the current list."""
    current = reference.current(db).data[parsed.section]
    change = reference_xlsx.diff(parsed.section, current, parsed.items)
    return {
        "value": parsed.items,
        "rows": parsed.rows,
        "problems": [[p.row, p.message] for p in parsed.problems],
        "columns": parsed.columns,
        "ignored": parsed.ignored,
        "sheet": parsed.sheet,
        "diff": change.__dict__,
        "before": len(current),
    }


def calendar_preview(db: Connection, typed: reference_calendar.TypedYear) -> dict[str, Any]:
    year = str(typed.year)
    current = reference.current(db).data["calendar"].get(year)
    return {
        "value": {year: typed.spec} if typed.year is not None else {},
        "problems": [[0, p] for p in typed.problems],
        "year": typed.year,
        "replaces": current is not None,
        "diff": reference_calendar.diff(current, typed.spec) if not typed.problems else {},
    }


def year_views(db: Connection) -> list[reference_calendar.YearView]:
    calendar = reference.current(db).data["calendar"]
    return [reference_calendar.view(int(y), calendar[y]) for y in sorted(calendar, reverse=True)]


# --- the store's steps (each its own transaction) --------------------------------------------


def _read(store: OfficeStore, what: Any, *args: Any) -> Any:
    with store.read() as db:
        return what(db, *args)


def _stage_list(store: OfficeStore, who: web.Viewer, section: str, name: str, data: bytes) -> str:
    parsed = reference_xlsx.read_list(section, data)  # UploadRefused: the file as a whole
    with store.write() as db:
        preview = list_preview(db, parsed)
        return reference_uploads.stage(
            db, who.actor, who.session_id, section, f"工作台上传：{name}", preview, web.utcnow()
        )


class TypedProblems(OfficeError):  # noqa: N818 - a refusal, like office.staff.Forbidden
    """Typed calendar dates that cannot be loaded; ``problems`` in Chinese."""

    def __init__(self, problems: list[str]):
        super().__init__("；".join(problems))
        self.problems = problems


def _stage_calendar(store: OfficeStore, who: web.Viewer, form: dict[str, str]) -> str:
    if form.get("from") == "package":
        year = reference_calendar.parse_year(form.get("year", ""))
        spec = reference_calendar.from_package(year) if year is not None else None
        if spec is None:
            first, last = reference_calendar.package_years()
            raise OfficeError(
                f"内置的节假日数据（chinesecalendar）只有 {first}—{last} 年；"
                "其他年份请按国务院办公厅的通知逐日填写。"
            )
        typed = reference_calendar.TypedYear(year, spec)
        source = f"工作台：chinesecalendar {year} 年"
    else:
        typed = reference_calendar.typed(
            form.get("year", ""), form.get("holidays", ""), form.get("workdays", "")
        )
        source = f"工作台：手工填写 {typed.year or ''} 年"
        if typed.problems:  # back to the form with what was typed: nothing is lost
            raise TypedProblems(typed.problems)
    with store.write() as db:
        preview = calendar_preview(db, typed)
        return reference_uploads.stage(
            db, who.actor, who.session_id, "calendar", source, preview, web.utcnow()
        )


def _get_upload(store: OfficeStore, who: web.Viewer, upload_id: str) -> Any:
    with store.read() as db:
        upload = reference_uploads.get(db, who.session_id, upload_id, web.utcnow())
        current = reference.current(db).version
    return upload, current


def _confirm(store: OfficeStore, who: web.Viewer, upload_id: str) -> tuple[int, str]:
    """The new version and the section loaded. Two loads at once on PostgreSQL both
    read the same version and the second's new version collides with the first's
    (its primary key): it is refused as a change meanwhile, and nothing is stored."""
    try:
        with store.write() as db:
            upload = reference_uploads.get(db, who.session_id, upload_id, web.utcnow())
            new = reference_uploads.confirm(db, who.actor, who.session_id, upload_id, web.utcnow())
    except IntegrityError:
        raise OfficeError(reference_uploads.CHANGED) from None
    return new.version, upload.section if upload else ""


def _cancel(store: OfficeStore, who: web.Viewer, upload_id: str) -> None:
    with store.write() as db:
        reference_uploads.cancel(db, who.actor, who.session_id, upload_id)


# --- the upload's body ----------------------------------------------------------------------


async def read_upload(request: Request, who: web.Viewer) -> tuple[dict[str, str], UploadFile]:
    """A ``multipart/form-data`` post of one file: the body's size is bounded before it
    is read (by its Content-Length, then as it streams), then its origin and CSRF token
    are checked as ``web.checked_form`` does; nothing is parsed as XLSX before."""
    if not web.same_origin(request):
        raise web.Refused(403, "请求来自其他网站，已拒绝。")
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise web.Refused(400, "请选择要上传的 Excel 文件（.xlsx）。")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_UPLOAD_BODY:
        raise web.Refused(413, _too_big())
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_UPLOAD_BODY:
            raise web.Refused(413, _too_big())

    async def replay() -> AsyncGenerator[bytes, None]:
        yield bytes(body)

    parser = MultiPartParser(
        request.headers, replay(), max_files=1, max_fields=5, max_part_size=64 * 1024
    )
    try:
        parsed = await parser.parse()
    except MultiPartException:
        raise web.Refused(400, "上传的内容格式不正确，请重新选择文件上传。") from None
    fields = {k: v for k, v in parsed.multi_items() if isinstance(v, str)}
    if not hmac.compare_digest(fields.get("csrf", ""), who.csrf):
        raise web.Refused(403, "页面已过期或请求无效，请刷新页面后重试。")
    file = parsed.get("file")
    if not isinstance(file, UploadFile) or not file.filename:
        raise web.Refused(400, "请选择要上传的 Excel 文件（.xlsx）。")
    return fields, file


def _file_name(given: str) -> str:
    """The uploaded file's name as the source of the version: its last part, on one
    line, without invisible characters (it is shown on the page and kept in the audit)."""
    name = normalize.single_line(given.replace("\\", "/").rsplit("/", 1)[-1])[:100]
    return "上传的文件" if not name or identifiers.has_bad_characters(name) else name


def _too_big() -> str:
    return f"文件超过 {reference_xlsx.MAX_FILE_BYTES // 1024 // 1024} MB，未上传。"


# --- routes ---------------------------------------------------------------------------------


def _page(request: Request, who: web.Viewer, status: int = 200, **context: Any) -> Response:
    info = _read(web.store_of(request), overview)
    return web.render(
        request,
        "reference/page.html",
        who,
        status=status,
        info=info,
        lists=list(LISTS.items()),
        title="参考数据",
        max_mb=reference_xlsx.MAX_FILE_BYTES // 1024 // 1024,
        max_rows=reference.MAX_LIST_ITEMS,
        **context,
    )


@router.get("/console/reference", include_in_schema=False)
async def reference_page(request: Request, who: web.SignedIn) -> Response:
    web.require_page(who, "reference")
    notice = None
    loaded = request.query_params.get("loaded", "")
    if loaded.isdigit():
        notice = f"已载入，参考数据现为第 {loaded} 版；各单位下次同步时收到。"
    elif request.query_params.get("cancelled"):
        notice = "已取消，参考数据未改变。"
    return await run_in_threadpool(_page, request, who, notice=notice)


@router.post("/console/reference/upload", include_in_schema=False)
async def upload_action(request: Request, who: web.SignedIn) -> Response:
    web.require_page(who, "reference")
    fields, file = await read_upload(request, who)
    section = fields.get("section", "")
    if section not in LISTS:
        raise web.Refused(400, "请选择要替换的名单。")
    data = await file.read(reference_xlsx.MAX_FILE_BYTES + 1)
    name = _file_name(file.filename or "")
    try:
        upload_id = await run_in_threadpool(
            _stage_list, web.store_of(request), who, section, name, data
        )
    except Forbidden as exc:
        raise web.Refused(403, str(exc)) from None
    except OfficeError as exc:  # the file as a whole
        return await run_in_threadpool(
            _page, request, who, 400, error=str(exc), error_section=section
        )
    return RedirectResponse(f"/console/reference/uploads/{upload_id}", status_code=303)


@router.get("/console/reference/uploads/{upload_id}", include_in_schema=False)
async def preview_page(request: Request, who: web.SignedIn, upload_id: str) -> Response:
    web.require_page(who, "reference")
    upload, version = await run_in_threadpool(_get_upload, web.store_of(request), who, upload_id)
    if upload is None:
        raise web.Refused(404, reference_uploads.GONE)
    context: dict[str, Any] = {}
    if upload.section == "calendar":
        year = upload.preview.get("year")
        spec = upload.value.get(str(year)) if year else None
        context["year_view"] = reference_calendar.view(year, spec) if spec else None
        template = "reference/calendar_preview.html"
    else:
        preview = upload.preview
        context["items"] = list(zip(preview["rows"], upload.value, strict=True))[:PREVIEW_ROWS]
        context["fields"] = reference_xlsx.KINDS[upload.section].fields
        template = "reference/list_preview.html"
    return web.render(
        request,
        template,
        who,
        upload=upload,
        label=LISTS.get(upload.section, "节假日安排"),
        stale=version != upload.base_version,
        version=version,
        problems=upload.problems[:PREVIEW_PROBLEMS],
        preview_rows=PREVIEW_ROWS,
        title="参考数据 · 预览",
        **context,
    )


@router.post("/console/reference/uploads/{upload_id}/confirm", include_in_schema=False)
async def confirm_action(request: Request, who: web.SignedIn, upload_id: str) -> Response:
    web.require_page(who, "reference")
    await web.checked_form(request, who)
    try:
        version, section = await run_in_threadpool(_confirm, web.store_of(request), who, upload_id)
    except Forbidden as exc:
        raise web.Refused(403, str(exc)) from None
    except OfficeError as exc:
        raise web.Refused(409, str(exc)) from None
    page = "/console/reference/calendar" if section == "calendar" else "/console/reference"
    return RedirectResponse(f"{page}?loaded={version}", status_code=303)


@router.post("/console/reference/uploads/{upload_id}/cancel", include_in_schema=False)
async def cancel_action(request: Request, who: web.SignedIn, upload_id: str) -> Response:
    web.require_page(who, "reference")
    await web.checked_form(request, who)
    try:
        await run_in_threadpool(_cancel, web.store_of(request), who, upload_id)
    except OfficeError as exc:
        raise web.Refused(403, str(exc)) from None
    return RedirectResponse("/console/reference?cancelled=1", status_code=303)


@router.get("/console/reference/calendar", include_in_schema=False)
async def calendar_page(request: Request, who: web.SignedIn) -> Response:
    web.require_page(who, "reference")
    edit = request.query_params.get("edit", "")
    loaded = request.query_params.get("loaded", "")
    notice = (
        f"已载入，参考数据现为第 {loaded} 版；各单位下次同步时收到。" if loaded.isdigit() else None
    )
    return await run_in_threadpool(_edit_page, request, who, edit, notice)


def _edit_page(request: Request, who: web.Viewer, edit: str, notice: str | None) -> Response:
    form = _read(web.store_of(request), edit_form, edit)
    return _calendar_page(request, who, 200, form=form, notice=notice)


def edit_form(db: Connection, year: str) -> dict[str, str] | None:
    """The typed form filled with a loaded year's days (``?edit=2027``), to correct it."""
    spec = reference.current(db).data["calendar"].get(year)
    if spec is None:
        return None
    return {
        "from": "typed",
        "year": year,
        "holidays": reference_calendar.as_text(spec["holidays"]),
        "workdays": reference_calendar.as_text(spec["workdays"]),
    }


def _calendar_page(
    request: Request, who: web.Viewer, status: int = 200, **context: Any
) -> Response:
    years = _read(web.store_of(request), year_views)
    return web.render(
        request,
        "reference/calendar.html",
        who,
        status=status,
        years=years,
        package=reference_calendar.package_years(),
        title="节假日安排",
        **context,
    )


@router.post("/console/reference/calendar", include_in_schema=False)
async def calendar_action(request: Request, who: web.SignedIn) -> Response:
    web.require_page(who, "reference")
    form = await web.checked_form(request, who)
    try:
        upload_id = await run_in_threadpool(_stage_calendar, web.store_of(request), who, form)
    except Forbidden as exc:
        raise web.Refused(403, str(exc)) from None
    except TypedProblems as exc:
        return await run_in_threadpool(
            _calendar_page, request, who, 400, problems=exc.problems, form=form
        )
    except OfficeError as exc:
        return await run_in_threadpool(_calendar_page, request, who, 400, error=str(exc), form=form)
    return RedirectResponse(f"/console/reference/uploads/{upload_id}", status_code=303)


def _xlsx(data: bytes, filename: str) -> Response:
    from urllib.parse import quote

    headers = {
        **web.HEADERS,
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}",
    }
    return Response(data, media_type=XLSX, headers=headers)


@router.get("/console/reference/{section}/template.xlsx", include_in_schema=False)
async def template_download(request: Request, who: web.SignedIn, section: str) -> Response:
    web.require_page(who, "reference")
    if section not in LISTS:
        raise web.Refused(404, "没有这个名单。")
    data = await run_in_threadpool(reference_xlsx.workbook, section)
    return _xlsx(data, f"{LISTS[section]}模板.xlsx")


def _export(store: OfficeStore, section: str) -> bytes:
    with store.read() as db:
        items = reference.current(db).data[section]
    return reference_xlsx.workbook(section, items)


@router.get("/console/reference/{section}/current.xlsx", include_in_schema=False)
async def export_download(request: Request, who: web.SignedIn, section: str) -> Response:
    web.require_page(who, "reference")
    if section not in LISTS:
        raise web.Refused(404, "没有这个名单。")
    data = await run_in_threadpool(_export, web.store_of(request), section)
    return _xlsx(data, f"{LISTS[section]}.xlsx")
