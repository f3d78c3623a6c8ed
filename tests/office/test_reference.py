"""Reference data loaded by the administrator reaches the units and the office's own rules.

A server of its own: these tests change data that every unit sees.
"""

from __future__ import annotations

import json

from tests.support.office import DEFAULT_UNIT, OfficeServer, valid_filing

CERT_RULES = {
    "version": 2,
    "rules": [
        {
            "kind": "hunan",
            "label": "中华人民共和国行政执法证（湖南）",
            "pattern": "^43[0-9]{9}$",
            "min_length": 11,
            "max_length": 11,
        }
    ],
}


def test_loaded_reference_data_is_served_and_applied(tmp_path) -> None:
    with OfficeServer.start(tmp_path / "office") as office:
        token = office.create_token(DEFAULT_UNIT)
        with office.client(token) as http:
            first = http.get("/api/v1/reference")
            assert first.json()["version"] == 0
            etag = first.headers["etag"]

            reference_file = tmp_path / "reference.json"
            reference_file.write_text(
                json.dumps(
                    {
                        "calendar": {
                            "2027": {"holidays": ["2027-01-01"], "workdays": ["2027-02-07"]}
                        },
                        "white_list": [{"uscc": "91430304MA4YG57FJC", "name": "湘潭顺阳新材料"}],
                        "key_supervision": [],
                        "parks": [{"name": "湘潭高新技术产业开发区", "short": "湘潭高新区"}],
                        "cert_rules": CERT_RULES,
                    },
                    ensure_ascii=False,
                ),
                "utf-8",
            )
            out = office.cli("reference", "load", str(reference_file)).stdout
            assert "版本 1" in out

            # The old ETag no longer matches: the new version comes whole.
            second = http.get("/api/v1/reference", headers={"If-None-Match": etag})
            assert second.status_code == 200
            body = second.json()
            assert body["version"] == 1
            assert body["calendar"]["2027"]["workdays"] == ["2027-02-07"]
            assert body["cert_rules"] == CERT_RULES
            assert body["parks"] == [{"name": "湘潭高新技术产业开发区", "short": "湘潭高新区"}]
            new_etag = second.headers["etag"]
            assert new_etag != etag
            assert (
                http.get("/api/v1/reference", headers={"If-None-Match": new_etag}).status_code
                == 304
            )

            # The office validates with the certificate rules it now distributes.
            leader = {
                "name": "熊平华",
                "title": "科长",
                "phone": "13807321234",
                "cert_no": "HN-123",
            }
            r = http.post("/api/v1/filings", json=valid_filing(leader=leader))
            assert r.status_code == 422
            assert ("leader.cert_no", "bad_cert_no") in {
                (p["field"], p["code"]) for p in r.json()["problems"]
            }
            assert http.post("/api/v1/filings", json=valid_filing()).status_code == 201

            # A broken file is refused whole: the version and the data stay.
            reference_file.write_text('{"cert_rules": {"rules": []}}', "utf-8")
            refused = office.cli("reference", "load", str(reference_file), check=False)
            assert refused.returncode == 1 and "执法证号规则" in refused.stderr
            reference_file.write_text("{oops", "utf-8")
            refused = office.cli("reference", "load", str(reference_file), check=False)
            assert refused.returncode == 1 and "不是有效的 JSON" in refused.stderr
            assert http.get("/api/v1/reference").json()["version"] == 1

            shown = json.loads(office.cli("reference", "show").stdout)
            assert shown == http.get("/api/v1/reference").json()
