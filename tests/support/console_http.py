"""The workbench over HTTP in-process: the office's app on a test store, and a signed-in
client per account (its own cookies and the page's CSRF token)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from office import auth, offices, users
from office.api import create_app
from office.console import web
from office.staff import Actor
from office.store import OfficeStore

CLI = Actor.cli()
CITY, COUNTY = "430300", "430302"
PASSWORD = "correct horse battery"


@pytest.fixture
def app(store: OfficeStore) -> Iterator[TestClient]:
    with store.write() as db:
        offices.create(db, CLI, code=COUNTY, name="雨湖区", prefix="雨优备", parent=CITY)
    # https: the session cookie is Secure, as the browser keeps it on 127.0.0.1
    with TestClient(create_app(store), base_url="https://testserver") as client:
        yield client


class Staff:
    """A signed-in client: its own cookies, the page's CSRF token."""

    def __init__(self, app: TestClient, store: OfficeStore, name: str, role: str, office: str):
        with store.write() as db:
            park = None
            if role == "park":
                park = "湘潭高新技术产业开发区"
            user = users.create(
                db, CLI, username=name, role=role, password=PASSWORD, office=office, park=park
            )
        self.user = user
        session = auth.create_session(store, user.id, "testclient", datetime.now(UTC))
        self.client = TestClient(app.app, base_url="https://testserver")
        self.client.cookies.set(web.COOKIE, session)
        self.csrf = web.csrf_token(session)

    def get(self, path: str):
        return self.client.get(path, follow_redirects=False)

    def post(self, path: str, csrf: str | None = None, **form: str):
        data = {"csrf": self.csrf if csrf is None else csrf, **form}
        return self.client.post(path, data=data, follow_redirects=False)
