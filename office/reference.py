"""Reference data for all units: calendar years, white and key-supervision lists, parks,
certificate rules, newer form definitions and the office's public verification address.

The administrator loads a JSON file (``beian-office reference load FILE``); every load
is checked whole before anything is stored, and stores a new version. Each section the
file gives replaces that section; ``calendar`` merges by year (a year given replaces
that year), so loading next year's calendar does not need the earlier years again.
The office validates filings with the calendar and certificate rules of the current
version.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Connection, select

from forms import identifiers, normalize
from forms.certificates import CertRules, default_cert_rules
from forms.definition import FormDefinition
from forms.record import format_timestamp, now
from forms.workdays import WorkCalendar
from office import audit
from office.errors import OfficeError
from office.staff import Actor, require
from office.tables import reference as reference_table

SECTIONS = (
    "calendar",
    "white_list",
    "key_supervision",
    "parks",
    "cert_rules",
    "forms",
    "verify_url",
    "complaint_contact",
    "crosscheck",
)
# Sections for the office's own pages only, not sent to desks.
OFFICE_ONLY = ("complaint_contact",)
MAX_CONTACT_LENGTH = 200
MAX_URL_LENGTH = 200
MAX_LIST_ITEMS = 100_000
MAX_NAME_LENGTH = 100


def empty() -> dict[str, Any]:
    """The reference data before anything was loaded: the form's own certificate rules."""
    return {
        "calendar": {},
        "white_list": [],
        "key_supervision": [],
        "parks": [],
        "cert_rules": default_cert_rules().to_dict(),
        "forms": [],
        "verify_url": "",
        "crosscheck": dict(CROSSCHECK_DEFAULTS),
    }


# The cross-filing checks' windows and caps (office.crosscheck), editable by the office.
CROSSCHECK_DEFAULTS: dict[str, Any] = {
    "joint_window_workdays": 5,  # another unit's inspection this many working days either side
    "repeat_days": 30,  # the same unit again within this many days
    "yearly_cap": 2,  # more inspections than this by one unit in a year
    "same_matter": "items",  # "items": the same 检查项目 (by name key) is one matter; "off"
}


@dataclass(frozen=True)
class Reference:
    version: int
    data: dict[str, Any]  # the sections, as in SECTIONS

    def answer(self) -> dict[str, Any]:
        """The body of ``GET /api/v1/reference``."""
        shared = {k: v for k, v in self.data.items() if k not in OFFICE_ONLY}
        return {"version": self.version, "verify_url": "", **shared}

    @property
    def etag(self) -> str:
        raw = json.dumps(self.answer(), ensure_ascii=False, sort_keys=True).encode()
        return f'"{self.version}-{hashlib.sha256(raw).hexdigest()[:16]}"'

    def cert_rules(self) -> CertRules:
        return _cert_rules(json.dumps(self.data["cert_rules"], sort_keys=True))

    def calendar(self) -> WorkCalendar:
        """The working-day calendar with this version's years (shared: do not extend it)."""
        return _calendar(json.dumps(self.data["calendar"], sort_keys=True))

    def crosscheck(self) -> dict[str, Any]:
        """The cross-filing checks' settings (defaults for a version loaded before them)."""
        return {**CROSSCHECK_DEFAULTS, **(self.data.get("crosscheck") or {})}

    def park_name(self, park: str) -> str:
        """The park's full name when it is a known park (by name or short name)."""
        key = normalize.name_key(park)
        for p in self.data["parks"]:
            if key in (normalize.name_key(p["name"]), normalize.name_key(p.get("short") or "")):
                return str(p["name"])
        return normalize.single_line(park)


@lru_cache(maxsize=16)
def _cert_rules(text: str) -> CertRules:
    return CertRules.from_dict(json.loads(text))


@lru_cache(maxsize=16)
def _calendar(text: str) -> WorkCalendar:
    calendar = WorkCalendar()
    calendar.extend(json.loads(text))
    return calendar


def current(db: Connection) -> Reference:
    t = reference_table.c
    row = db.execute(select(t.version, t.data).order_by(t.version.desc()).limit(1)).first()
    if row is not None:
        return Reference(row.version, json.loads(row.data))
    return Reference(0, empty())


def load(db: Connection, given: Any, *, source: str, actor: Actor | None = None) -> Reference:
    """Check ``given`` whole and store it as the next version (inside the caller's
    transaction). Raises OfficeError naming the first fault, in Chinese."""
    actor = actor or Actor.cli()
    require(actor, "reference", actor.office)
    sections = check(given)
    base = current(db)
    data = copy.deepcopy(base.data)
    for key, value in sections.items():
        if key == "calendar":
            data["calendar"] = {**data["calendar"], **value}
            data["calendar"] = dict(sorted(data["calendar"].items()))
        else:
            data[key] = value
    new = Reference(base.version + 1, data)
    db.execute(
        reference_table.insert().values(
            version=new.version,
            data=json.dumps(data, ensure_ascii=False),
            loaded_at=format_timestamp(now()),
            source=source,
        )
    )
    audit.record(
        db,
        actor,
        "reference_loaded",
        f"version {new.version}",
        office=actor.office,
        sections=sorted(sections),
        source=source,
    )
    return new


def check(given: Any) -> dict[str, Any]:
    """The sections of a reference file, checked and normalised."""
    if not isinstance(given, dict):
        raise OfficeError("参考数据文件的顶层应为 JSON 对象。")
    unknown = [k for k in given if k not in (*SECTIONS, "version")]
    if unknown:
        raise OfficeError(f"参考数据文件中有无法识别的项目：{'、'.join(unknown[:5])}")
    out: dict[str, Any] = {}
    if "calendar" in given:
        out["calendar"] = _check_calendar(given["calendar"])
    for key, label in (("white_list", "白名单"), ("key_supervision", "重点监管企业名单")):
        if key in given:
            out[key] = _check_enterprises(given[key], label)
    if "parks" in given:
        out["parks"] = _check_parks(given["parks"])
    if "cert_rules" in given:
        out["cert_rules"] = _check_cert_rules(given["cert_rules"])
    if "forms" in given:
        out["forms"] = _check_forms(given["forms"])
    if "verify_url" in given:
        out["verify_url"] = check_verify_url(given["verify_url"])
    if "complaint_contact" in given:
        out["complaint_contact"] = _check_complaint_contact(given["complaint_contact"])
    if "crosscheck" in given:
        out["crosscheck"] = _check_crosscheck(given["crosscheck"])
    return out


def _check_crosscheck(value: Any) -> dict[str, Any]:
    """Windows and caps; a key left out keeps its default."""
    if not isinstance(value, dict) or set(value) - set(CROSSCHECK_DEFAULTS):
        raise OfficeError(
            "交叉检查设置（crosscheck）应只含 " + "、".join(CROSSCHECK_DEFAULTS) + " 这几项。"
        )
    out = dict(CROSSCHECK_DEFAULTS)
    for key, limit in (("joint_window_workdays", 60), ("repeat_days", 366), ("yearly_cap", 100)):
        if key in value:
            n = value[key]
            if not isinstance(n, int) or isinstance(n, bool) or not 0 <= n <= limit:
                raise OfficeError(f"交叉检查设置中的 {key} 应为 0 到 {limit} 之间的整数。")
            out[key] = n
    if "same_matter" in value:
        if value["same_matter"] not in ("items", "off"):
            raise OfficeError("交叉检查设置中的 same_matter 应为 items（按检查项目比对）或 off。")
        out["same_matter"] = value["same_matter"]
    return out


def _check_complaint_contact(value: Any) -> str:
    """How an enterprise complains to the office directly (the public page shows it)."""
    if not isinstance(value, str) or len(value.strip()) > MAX_CONTACT_LENGTH:
        raise OfficeError(
            f"投诉联系方式（complaint_contact）应为文字，最多 {MAX_CONTACT_LENGTH} 个字符。"
        )
    return " ".join(value.split())


def check_verify_url(value: Any) -> str:
    """The public address of the verification page as desks print it in the QR code
    (``{verify_url}/verify/{id}?…``); "" takes it back (desks then print the address they
    connect to)."""
    if not isinstance(value, str):
        raise OfficeError("核验网址（verify_url）应为文本，如 https://beian.xiangtan.gov.cn。")
    url = value.strip().rstrip("/")
    if not url:
        return ""
    if len(url) > MAX_URL_LENGTH:
        raise OfficeError(f"核验网址（verify_url）最多 {MAX_URL_LENGTH} 个字符。")
    try:
        parts = urlsplit(url)
        port_ok = parts.port is None or 0 < parts.port < 65536
    except ValueError:
        port_ok = False
    if (
        not port_ok
        or parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.username is not None
        or parts.query
        or parts.fragment
        or not url.isascii()
        or any(ch.isspace() for ch in url)
    ):
        raise OfficeError(
            "核验网址（verify_url）应为公众可访问的 http:// 或 https:// 地址，"
            "如 https://beian.xiangtan.gov.cn，不含用户名、查询参数或 #。"
        )
    return url


def _check_calendar(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise OfficeError("节假日安排（calendar）应为按年份列出的对象。")
    out: dict[str, Any] = {}
    for year, spec in value.items():
        if not (isinstance(year, str) and year.isdigit() and 2000 <= int(year) <= 2100):
            raise OfficeError(f"节假日安排中的年份“{str(year)[:10]}”无效。")
        if not isinstance(spec, dict) or set(spec) - {"holidays", "workdays"}:
            raise OfficeError(f"{year} 年的节假日安排应只含 holidays 和 workdays 两项。")
        days = {}
        for key in ("holidays", "workdays"):
            items = spec.get(key, [])
            if not isinstance(items, list) or not all(isinstance(d, str) for d in items):
                raise OfficeError(f"{year} 年的 {key} 应为日期列表（如 2027-01-01）。")
            days[key] = sorted(set(items))
        try:
            WorkCalendar().extend({year: days})
        except ValueError:
            raise OfficeError(
                f"{year} 年的节假日安排中有无效日期或其他年份的日期（日期应如 {year}-01-01）。"
            ) from None
        if set(days["holidays"]) & set(days["workdays"]):
            raise OfficeError(f"{year} 年的节假日安排中有日期既是假日又是调休上班日。")
        out[year] = days
    return out


def _check_enterprises(value: Any, label: str) -> list[dict[str, str]]:
    if not isinstance(value, list) or len(value) > MAX_LIST_ITEMS:
        raise OfficeError(f"{label}应为企业列表。")
    out = []
    for i, item in enumerate(value, 1):
        if not isinstance(item, dict) or set(item) - {"uscc", "name"}:
            raise OfficeError(f"{label}第 {i} 项应只含 uscc（统一社会信用代码）和 name（名称）。")
        uscc = normalize.uscc(str(item.get("uscc", "")))
        name = normalize.single_line(str(item.get("name", "")))
        if identifiers.check_uscc(uscc) is not None:
            raise OfficeError(f"{label}第 {i} 项的统一社会信用代码“{uscc[:20]}”无效。")
        if not name or len(name) > MAX_NAME_LENGTH:
            raise OfficeError(f"{label}第 {i} 项缺少企业名称或名称过长。")
        out.append({"uscc": uscc, "name": name})
    return out


def _check_parks(value: Any) -> list[dict[str, str]]:
    if not isinstance(value, list) or len(value) > MAX_LIST_ITEMS:
        raise OfficeError("园区（parks）应为列表。")
    out = []
    for i, item in enumerate(value, 1):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise OfficeError(f"园区第 {i} 项应为含 name（名称）的对象。")
        park = {"name": normalize.single_line(item["name"])}
        if not park["name"] or len(park["name"]) > MAX_NAME_LENGTH:
            raise OfficeError(f"园区第 {i} 项的名称为空或过长。")
        for key in ("short", "stat_code", "also_known_as"):
            if key in item:
                if not isinstance(item[key], str):
                    raise OfficeError(f"园区第 {i} 项的 {key} 应为文本。")
                park[key] = normalize.single_line(item[key])
        unknown = set(item) - {"name", "short", "stat_code", "also_known_as"}
        if unknown:
            raise OfficeError(f"园区第 {i} 项有无法识别的项目：{'、'.join(sorted(unknown))}")
        out.append(park)
    return out


def _check_cert_rules(value: Any) -> dict[str, Any]:
    try:
        return CertRules.from_dict(value).to_dict()
    except Exception as exc:  # any shape fault: KeyError, TypeError, re.error, ValueError
        raise OfficeError(
            '执法证号规则（cert_rules）格式不正确：应为 {"version": 数字, "rules": '
            f'[{{"kind", "label", "pattern", "min_length", "max_length"}}]}}（{exc}）'
        ) from None


def _check_forms(value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        raise OfficeError("表单定义（forms）应为列表。")
    out = []
    for i, item in enumerate(value, 1):
        if not isinstance(item, dict) or set(item) != {"id", "definition"}:
            raise OfficeError(f"表单定义第 {i} 项应只含 id 和 definition 两项。")
        definition = item["definition"]
        try:
            parsed = FormDefinition(definition)
        except Exception as exc:  # any shape fault in the definition
            raise OfficeError(f"表单定义第 {i} 项无法读取：{exc!r}"[:200]) from None
        if parsed.id != item["id"]:
            raise OfficeError(f"表单定义第 {i} 项的 id 与其 definition 中的 id 不一致。")
        out.append({"id": item["id"], "definition": definition})
    return out
