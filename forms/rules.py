"""The rules: validate a filing as a careful office administrator would.

``validate`` returns a :class:`Report`: the problems (errors and warnings; a complete,
correct filing has none) and the normalised filing, in which every value that was
valid after normalisation is replaced by its normalised form and every invalid value
is kept exactly as typed.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from forms import identifiers, normalize, phone_text
from forms.certificates import CertRules, default_cert_rules
from forms.definition import FieldDef, FormDefinition
from forms.display import date_text, datetime_text
from forms.problems import Problem, problem
from forms.record import (
    SHANGHAI,
    BadTimestamp,
    Filing,
    copy_filing,
    definition_of,
    now,
    parse_timestamp,
    structure_problems,
)
from forms.roster import Roster
from forms.workdays import Deadline, WorkCalendar

# An inspection longer than this is more likely a typo in a date than a real inspection.
LONG_INSPECTION_DAYS = 31
# Text this far beyond its limit is refused before any normalisation work is done.
_HOPELESS_FACTOR = 4


@dataclass
class Report:
    problems: list[Problem]
    normalized: Filing
    deadline: Deadline | None = None  # post-hoc filings only

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    @property
    def has_errors(self) -> bool:
        return any(p.is_error for p in self.problems)

    def for_field(self, path: str) -> list[Problem]:
        return [p for p in self.problems if p.field == path]


@dataclass
class _Officer:
    path: str  # "leader" or "inspectors[0]"
    name: str | None  # normalised and valid, else None
    cert_no: str | None
    cert_path: str


@dataclass
class _Run:
    definition: FormDefinition
    at: datetime
    roster: Roster | None
    cert_rules: CertRules
    calendar: WorkCalendar
    problems: list[Problem] = field(default_factory=list)
    skip: set[str] = field(default_factory=set)  # paths with structural problems

    def add(self, path: str, code: str, severity: str = "error", **params: Any) -> None:
        self.problems.append(problem(path, code, severity, **params))  # type: ignore[arg-type]


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return normalize.single_line(value) == "" if len(value) < 10_000 else False
    if isinstance(value, list):
        return all(_blank(v) for v in value)
    if isinstance(value, dict):
        return all(_blank(v) for v in value.values())
    return False


def _check_scalar(run: _Run, f: FieldDef, path: str, raw: str) -> str | None:
    """Check one text value; return its normalised form when valid, else None."""
    limit = f.max_length
    if limit is not None and len(raw) > limit * _HOPELESS_FACTOR + 1000:
        run.add(path, "too_long", label=f.label, max=limit, length=len(raw))
        return None
    value = normalize.by_type(f.type, raw)
    if value == "":
        if f.required:
            run.add(path, "required", label=f.label)
        elif f.expected:
            run.add(
                path, "uscc_missing" if f.type == "uscc" else "required", "warning", label=f.label
            )
        return value
    if limit is not None and len(value) > limit:
        run.add(path, "too_long", label=f.label, max=limit, length=len(value))
        return None
    if f.type != "person_name" and identifiers.has_bad_characters(
        value, allow_newlines=f.type == "multiline"
    ):
        run.add(path, "bad_characters", label=f.label)
        return None
    code: str | None = None
    params: dict[str, Any] = {"label": f.label}
    if f.type == "person_name":
        code = identifiers.check_person_name(value)
    elif f.type == "phone":
        phone, code = identifiers.parse_phone(value)
        value = phone if phone is not None else value
    elif f.type == "uscc":
        code = identifiers.check_uscc(value)
    elif f.type == "cert_no":
        if not run.cert_rules.accepts(value):
            code = "bad_cert_no"
            params["min"], params["max"] = run.cert_rules.length_range
    elif f.type == "choice":
        if value not in run.definition.choices(f):
            code, params["value"] = "bad_choice", value[:40]
    elif f.type == "datetime":
        try:
            parse_timestamp(value)
        except BadTimestamp as exc:
            code = exc.code
    if code is not None:
        run.add(path, code, **params)
        return None
    return value


def _check_field(run: _Run, f: FieldDef, path: str, value: Any, kind: Any) -> Any:
    """Check a field of any type; return the value for the normalised filing."""
    if path in run.skip:
        return value
    if f.only_for_kind and f.only_for_kind != kind:
        if not _blank(value):
            run.add(path, "not_for_prior", label=f.label)
        return value
    if f.is_group:
        value = value if isinstance(value, dict) else {}
        out = dict(value)
        for child in f.fields:
            child_path = f"{path}.{child.id}"
            out[child.id] = _check_field(run, child, child_path, value.get(child.id, ""), kind)
            if child.id not in value and out[child.id] == "":
                del out[child.id]
        return out
    if f.is_repeat:
        return _check_repeat(run, f, path, value if isinstance(value, list) else [], kind)
    if f.type == "text_list":
        items = value if isinstance(value, list) else []
        kept = []
        for i, item in enumerate(items):
            if isinstance(item, str) and not _blank(item):
                checked = _check_scalar(run, f, f"{path}[{i}]", item)
                kept.append(item if checked is None else checked)
        if f.max_items is not None and len(kept) > f.max_items:
            run.add(path, "too_many", label=f.label, max=f.max_items, count=len(kept))
        return kept
    if not isinstance(value, str):
        value = ""  # absent: the same as blank
    checked = _check_scalar(run, f, path, value)
    return value if checked is None else checked


def _check_repeat(run: _Run, f: FieldDef, path: str, rows: list[Any], kind: Any) -> list[Any]:
    out = []
    filled = 0
    for i, row in enumerate(rows):
        row_path = f"{path}[{i}]"
        if row_path in run.skip or not isinstance(row, dict):
            out.append(row)
            continue
        if _blank(row):
            run.add(row_path, "empty_row", row=i + 1)
            out.append(row)
            continue
        filled += 1
        checked = {}
        for child in f.fields:
            checked[child.id] = _check_field(
                run, child, f"{row_path}.{child.id}", row.get(child.id, ""), kind
            )
        checked.update({k: v for k, v in row.items() if k not in checked})
        out.append(checked)
    if f.required and filled < max(f.min_items, 1) and not rows:
        run.add(path, "required", label=f.label)
    if f.max_items is not None and len(rows) > f.max_items:
        run.add(path, "too_many", label=f.label, max=f.max_items, count=len(rows))
    return out


def _officers(run: _Run, norm: Filing) -> Iterator[_Officer]:
    """The leader and every inspector, with values only where they passed their checks."""
    bad = {p.field for p in run.problems if p.is_error}

    def ok(path: str, value: Any) -> str | None:
        return value if isinstance(value, str) and value and path not in bad else None

    leader = norm.get("leader")
    if isinstance(leader, dict):
        yield _Officer(
            "leader",
            ok("leader.name", leader.get("name")),
            ok("leader.cert_no", leader.get("cert_no")),
            "leader.cert_no",
        )
    rows = norm.get("inspectors")
    if isinstance(rows, list):
        for i, row in enumerate(rows):
            if isinstance(row, dict) and not _blank(row):
                p = f"inspectors[{i}]"
                yield _Officer(
                    p,
                    ok(f"{p}.name", row.get("name")),
                    ok(f"{p}.cert_no", row.get("cert_no")),
                    f"{p}.cert_no",
                )


def _parsed_time(run: _Run, norm: Filing, key: str) -> datetime | None:
    bad = {p.field for p in run.problems if p.is_error}
    value = norm.get(key)
    if key in bad or not isinstance(value, str) or not value:
        return None
    try:
        return parse_timestamp(value)
    except BadTimestamp:
        return None


def _check_officers(run: _Run, norm: Filing, inspection_day: date) -> None:
    officers = list(_officers(run, norm))
    seen: dict[str, str] = {}
    label = run.definition.label("leader.cert_no")
    has_joint_units = bool(norm.get("joint_units"))
    for o in officers:
        if o.cert_no is None:
            continue
        if o.cert_no in seen:
            run.add(o.cert_path, "duplicate_cert_no", label=label, value=o.cert_no)
            continue
        seen[o.cert_no] = o.path
        if run.roster is None or o.name is None:
            continue
        entry = run.roster.by_cert(o.cert_no)
        if entry is None:
            ours = bool(run.roster.by_name(o.name))
            if has_joint_units and not ours:
                run.add(
                    o.cert_path, "cert_not_in_roster_joint", "warning", label=label, value=o.cert_no
                )
            else:
                run.add(o.cert_path, "cert_not_in_roster", label=label, value=o.cert_no)
        elif entry.name != o.name:
            run.add(
                o.cert_path, "cert_other_officer", value=o.cert_no, owner=entry.name, name=o.name
            )
        elif entry.expires is not None and entry.expired_on(inspection_day):
            run.add(o.cert_path, "cert_expired", name=o.name, expires=date_text(entry.expires))
        elif entry.kind and not run.cert_rules.accepts(o.cert_no, entry.kind):
            lo, hi = run.cert_rules.length_range
            run.add(o.cert_path, "bad_cert_no", label=label, min=lo, max=hi)
    certified = sum(1 for o in officers if o.name and o.cert_no)
    if certified < run.definition.min_certified_officers:
        # "at least two certified officers" says more than "please fill in the inspectors"
        run.problems[:] = [
            p for p in run.problems if (p.field, p.code) != ("inspectors", "required")
        ]
        run.add("inspectors", "too_few_officers", count=certified)


def _check_times(run: _Run, norm: Filing) -> Deadline | None:
    start = _parsed_time(run, norm, "inspection_start")
    end = _parsed_time(run, norm, "inspection_end")
    at_text = datetime_text(run.at, run.definition)
    if start and end:
        if end <= start:
            run.add("inspection_end", "end_before_start")
        elif end - start > timedelta(days=LONG_INSPECTION_DAYS):
            run.add("inspection_end", "long_inspection", "warning", days=LONG_INSPECTION_DAYS)
    kind = norm.get("kind")
    if kind == "prior" and start and start <= run.at:
        run.add("inspection_start", "prior_not_future", at=at_text)
    if kind != "post_hoc":
        return None
    if start and start > run.at:
        run.add(
            "inspection_start",
            "post_hoc_not_started",
            start=datetime_text(start, run.definition),
            at=at_text,
        )
    if not end or (start and end <= start):
        return None
    ended = end.astimezone(SHANGHAI).date()
    deadline = run.calendar.add_workdays(ended, run.definition.post_hoc_deadline_working_days)
    today = run.at.astimezone(SHANGHAI).date()
    if today > deadline.day:
        late = max(run.calendar.workdays_between(deadline.day, today), 1)
        run.add(
            "inspection_end",
            "post_hoc_late",
            "warning",
            deadline=date_text(deadline.day),
            days=late,
            n=run.definition.post_hoc_deadline_working_days,
        )
    if deadline.estimated:
        run.add(
            "inspection_end",
            "deadline_estimated",
            "warning",
            year="、".join(str(y) for y in deadline.estimated_years),
            deadline=date_text(deadline.day),
        )
    return deadline


def _check_meta(run: _Run, filing: Filing) -> None:
    d = run.definition
    if "id" not in run.skip:
        value = filing.get("id")
        try:
            uuid.UUID(str(value))
            if not isinstance(value, str) or len(value) != 36:
                raise ValueError
        except ValueError:
            run.add("id", "bad_uuid", label=d.label("id"))
    if "revision" not in run.skip:
        value = filing.get("revision")
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            run.add("revision", "bad_revision", label=d.label("revision"))


def validate(
    filing: Filing,
    *,
    at: datetime | None = None,
    roster: Roster | None = None,
    cert_rules: CertRules | None = None,
    calendar: WorkCalendar | None = None,
) -> Report:
    """Validate a filing dict (of a known form) as of the moment ``at`` (default: now)."""
    if at is not None and at.tzinfo is None:
        raise ValueError("'at' must carry a time zone")
    definition = definition_of(filing)
    run = _Run(
        definition=definition,
        at=at or now(),
        roster=roster,
        cert_rules=cert_rules or default_cert_rules(),
        calendar=calendar or WorkCalendar(),
    )
    run.problems.extend(structure_problems(filing))
    run.skip = {p.field for p in run.problems}
    _check_meta(run, filing)

    norm = copy_filing(filing)
    kind = filing.get("kind")
    for f in definition.fields:
        if f.meta:
            continue
        if f.id not in filing and (f.only_for_kind and f.only_for_kind != kind):
            continue
        value = _check_field(run, f, f.id, filing.get(f.id, ""), kind)
        if value is None:
            norm.pop(f.id, None)  # null: not given
        elif f.id in filing or not _blank(value):
            norm[f.id] = value

    start = _parsed_time(run, norm, "inspection_start")
    end = _parsed_time(run, norm, "inspection_end")
    day = (end or start or run.at).astimezone(SHANGHAI).date()
    _check_officers(run, norm, day)
    deadline = _check_times(run, norm)
    _check_phones_in_names(run, norm)
    return Report(run.problems, norm, deadline)


def _name_fields(norm: Filing) -> Iterator[tuple[str, Any]]:
    """The name fields (units, enterprise, officers) by path, with their values."""
    yield "lead_unit", norm.get("lead_unit")
    joint = norm.get("joint_units")
    for i, unit in enumerate(joint if isinstance(joint, list) else []):
        yield f"joint_units[{i}]", unit
    for group in ("enterprise", "leader"):
        value = norm.get(group)
        yield f"{group}.name", value.get("name") if isinstance(value, dict) else None
    rows = norm.get("inspectors")
    for i, row in enumerate(rows if isinstance(rows, list) else []):
        yield f"inspectors[{i}].name", row.get("name") if isinstance(row, dict) else None


def _check_phones_in_names(run: _Run, norm: Filing) -> None:
    """A phone number in a name prints on every copy and would be shown by the public
    verification page (which masks it): the clerk is told to put it where it belongs."""
    bad = {p.field for p in run.problems if p.is_error}
    for path, value in _name_fields(norm):
        if path in bad or not isinstance(value, str) or len(value) > 1000:
            continue
        found = phone_text.find_phones(value)
        if found:
            label = run.definition.label(path.split("[")[0] if path.endswith("]") else path)
            run.add(path, "phone_in_name", "warning", label=label, phone=found[0])
