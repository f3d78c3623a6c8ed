"""Helpers of the 参考数据 tests: XLSX files built with openpyxl, and a signed-in
workbench client on an in-process app."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from openpyxl import Workbook

from office import auth, users
from office.api import create_app
from office.staff import Actor
from office.store import OfficeStore

PASSWORD = "a long staff password"
PARKS_HEADER = ["名称", "简称", "统计代码", "别名"]
XIANGTAN_PARKS = [
    ["湘潭高新技术产业开发区", "湘潭高新区", "430371", ""],
    ["湘潭经济技术开发区", "湘潭经开区", "430373", "九华示范区"],
    ["湘潭昭山示范区", "昭山示范区", "430372", ""],
]
# Valid credit codes of the fictional directory (shared/reference/sample-enterprises.csv).
USCC_A = "91430304MA4YG57FJC"
USCC_B = "91430321MA4K3RYKH3"
USCC_C = "91430321MA4HNA038X"


def xlsx(rows: Sequence[Sequence[Any]], *, title: str = "Sheet1", sheets: int = 1) -> bytes:
    """A real workbook of ``rows`` (extra sheets after it are empty)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    for i in range(1, sheets):
        book.create_sheet(f"空表{i}")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def add_user(store: OfficeStore, username: str, role: str, park: str | None = None) -> None:
    with store.write() as db:
        users.create(db, Actor.cli(), username=username, role=role, password=PASSWORD, park=park)


class Console:
    """A workbench client signed in as ``username`` (a real session in the store)."""

    def __init__(self, store: OfficeStore, username: str):
        self.store = store
        app = create_app(store)
        self.http = TestClient(app, base_url="https://testserver", follow_redirects=False)
        with store.read() as db:
            user = users.get(db, username)
        assert user is not None
        self.session = auth.create_session(store, user.id, "127.0.0.1", datetime.now(UTC))
        # as the browser sends it (a cookie jar keeps no cookie for a dotless host)
        self.http.headers["Cookie"] = f"beian_console={self.session}"
        self.csrf = ""

    def get(self, path: str) -> Any:
        response = self.http.get(path)
        found = re.search(r'name="csrf" value="([^"]+)"', response.text)
        if found:
            self.csrf = found.group(1)
        return response

    def upload(self, section: str, data: bytes, name: str = "名单.xlsx", **extra: str) -> Any:
        if not self.csrf:
            self.get("/console/reference")
        fields = {"csrf": self.csrf, "section": section, **extra}
        return self.http.post(
            "/console/reference/upload",
            data=fields,
            files={"file": (name, data, "application/octet-stream")},
        )

    def post(self, path: str, **fields: str) -> Any:
        if not self.csrf:
            self.get("/console/reference")
        return self.http.post(path, data={"csrf": self.csrf, **fields})

    def close(self) -> None:
        self.http.close()
