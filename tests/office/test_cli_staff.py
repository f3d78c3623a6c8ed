"""The administration commands for offices, staff and the audit, as the operator types
them (real ``beian-office`` processes, both backends)."""

from __future__ import annotations

import json

import pytest

from tests.support.office import (
    DEFAULT_UNIT,
    OfficeServer,
    office_cli,
    office_server,  # noqa: F401 - an office of its own per test
    valid_filing,
)

PASSWORD = "correct horse battery\n"
COUNTY_UNIT = "雨湖区市场监督管理局"


def cli_json(office: OfficeServer, *args: str):
    return json.loads(office.cli(*args, "--json").stdout)


@pytest.mark.slow
def test_offices_staff_returns_and_the_audit_from_the_command_line(
    office_server: OfficeServer,
) -> None:
    office = office_server
    made = office.cli(
        "office",
        "create",
        "--code",
        "430302",
        "--name",
        "雨湖区",
        "--prefix",
        "雨优备",
        "--parent",
        "430300",
    )
    assert "雨优备〔年份〕NNNNNN号" in made.stdout
    assert [o["code"] for o in cli_json(office, "office", "list")] == ["430300", "430302"]

    # With two offices a new unit must say where it files.
    unnamed = office.cli("token", "create", "--unit", COUNTY_UNIT, check=False)
    assert unnamed.returncode == 1 and "--office" in unnamed.stderr
    city_token = office.create_token(DEFAULT_UNIT, "430300")
    county_token = office.create_token(COUNTY_UNIT, "430302")

    for username, role, where in [
        ("city-reviewer", "reviewer", "430300"),
        ("yh-admin", "admin", "430302"),
        ("yh-viewer", "viewer", "430302"),
    ]:
        office.cli(
            "user",
            "create",
            "--username",
            username,
            "--role",
            role,
            "--office",
            where,
            "--password-stdin",
            input=PASSWORD,
        )
    listed = cli_json(office, "user", "list")
    assert [(u["username"], u["role"], u["office"]) for u in listed] == [
        ("city-reviewer", "reviewer", "430300"),
        ("yh-admin", "admin", "430302"),
        ("yh-viewer", "viewer", "430302"),
    ]
    assert "argon2" not in json.dumps(listed) and "horse" not in json.dumps(listed)
    # An admin of the county issues a token in its office, not in the city's.
    refused = office.cli(
        "token",
        "create",
        "--unit",
        "湘潭市应急管理局",
        "--office",
        "430300",
        "--as",
        "yh-admin",
        check=False,
    )
    assert refused.returncode == 1 and "无权" in refused.stderr
    office.cli("token", "create", "--unit", "雨湖区应急管理局", "--as", "yh-admin")

    with office.client(city_token) as http:
        city = http.post("/api/v1/filings", json=valid_filing()).json()
    with office.client(county_token) as http:
        county = http.post("/api/v1/filings", json=valid_filing(COUNTY_UNIT)).json()
    assert city["receipt"].startswith("潭优备〔") and county["receipt"].startswith("雨优备〔")

    # The city's rows include its county's, each saying which office holds it.
    rows = cli_json(office, "filings", "--office", "430300")
    assert {(r["id"], r["office"]) for r in rows} == {
        (city["id"], "430300"),
        (county["id"], "430302"),
    }
    assert [r["id"] for r in cli_json(office, "filings", "--office", "430302")] == [county["id"]]

    # Returns: a viewer may not; the city's reviewer may not return the county's filing.
    viewer = office.cli(
        "return", county["id"], "--reason", "请补充。", "--as", "yh-viewer", check=False
    )
    assert viewer.returncode == 1 and "无权退回备案" in viewer.stderr
    city_try = office.cli(
        "return", county["id"], "--reason", "请补充。", "--as", "city-reviewer", check=False
    )
    assert city_try.returncode == 1
    office.cli("return", city["id"], "--reason", "检查依据不明确。", "--as", "city-reviewer")
    office.cli("return", county["id"], "--reason", "请补充检查内容。")  # the operator: cli

    office.cli(
        "user",
        "reset-password",
        "--username",
        "yh-viewer",
        "--password-stdin",
        input="another long password\n",
    )
    office.cli("user", "disable", "--username", "yh-viewer", "--as", "yh-admin")
    gone = office.cli("return", county["id"], "--reason", "x", "--as", "yh-viewer", check=False)
    assert gone.returncode == 1 and "已停用" in gone.stderr

    entries = cli_json(office, "audit")
    summary = [(e["actor"], e["action"], e["target"]) for e in entries]
    assert summary == [
        ("cli", "office_created", "430302"),
        ("cli", "token_created", DEFAULT_UNIT),
        ("cli", "token_created", COUNTY_UNIT),
        ("cli", "user_created", "city-reviewer"),
        ("cli", "user_created", "yh-admin"),
        ("cli", "user_created", "yh-viewer"),
        ("yh-admin", "token_created", "雨湖区应急管理局"),
        ("city-reviewer", "returned", f"{city['id']}/1"),
        ("cli", "returned", f"{county['id']}/1"),
        ("cli", "password_reset", "yh-viewer"),
        ("yh-admin", "user_disabled", "yh-viewer"),
    ]
    assert entries[7]["details"]["reason"] == "检查依据不明确。"
    assert "horse" not in office.cli("audit").stdout + office.log_text()
    assert [e["target"] for e in cli_json(office, "audit", "--office", "430302")][:1] == ["430302"]


def test_the_database_can_come_from_the_environment(tmp_path) -> None:
    db = tmp_path / "env.db"
    assert "已是最新" in office_cli(db, "migrate").stdout  # a new database is made at the head
    import subprocess
    import sys

    from tests.support.office import REPO, _env

    env = {**_env(), "BEIAN_OFFICE_DB": str(db)}
    shown = subprocess.run(
        [sys.executable, "-m", "office", "office", "list", "--json"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)[0]["prefix"] == "潭优备"
    env.pop("BEIAN_OFFICE_DB")
    missing = subprocess.run(
        [sys.executable, "-m", "office", "office", "list"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert missing.returncode == 2 and "BEIAN_OFFICE_DB" in missing.stderr


def test_an_unsupported_database_address_is_refused_in_chinese(tmp_path) -> None:
    result = office_cli("mysql://u@h/db", "office", "list", check=False)
    assert result.returncode == 1 and "不支持的数据库地址" in result.stderr
    wrong_workers = office_cli(
        tmp_path / "o.db", "serve", "--workers", "0", "--port", "0", check=False
    )
    assert wrong_workers.returncode == 1 and "工作进程数" in wrong_workers.stderr
