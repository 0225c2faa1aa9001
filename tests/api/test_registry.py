"""The enterprise registry over HTTP: filing, reading, changing, suspending, revoking."""

from __future__ import annotations

from fastapi.testclient import TestClient

from cbec.registry.identifiers import uscc
from tests.factories import Factory, make_customs_code, make_uscc


def _auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


class TestFileEnterprise:
    def test_filing_returns_the_filing_and_a_working_key_once(
        self, client: TestClient, operator_key: str
    ) -> None:
        code, customs = make_uscc(), make_customs_code()
        r = client.post(
            "/api/v1/enterprises",
            json={
                "uscc": code,
                "customs_code": customs,
                "name": "杭州某某跨境电商平台有限公司",
                "roles": ["ebp", "ebc"],
                "dxp_id": "DXPENT0000458763",
                "park": "杭州下城园区",
            },
            headers=_auth(operator_key),
        )
        assert r.status_code == 201, r.text
        body = r.json()
        assert body["enterprise"]["uscc"] == code
        assert body["enterprise"]["customs_code"] == customs
        assert body["enterprise"]["roles"] == ["ebc", "ebp"]
        assert body["enterprise"]["status"] == "active"
        key = body["api_key"]
        own = client.get(f"/api/v1/enterprises/{customs}", headers=_auth(key))
        assert own.status_code == 200
        assert own.json()["uscc"] == code
        # The list of keys never shows the secret again.
        keys = client.get("/api/v1/keys", headers=_auth(key)).json()
        assert len(keys) == 1 and key not in str(keys)

    def test_either_code_resolves_to_the_same_filing(self, factory: Factory, client: TestClient) -> None:
        filed = factory.file("物流企业甲", ["logistics"])
        by_uscc = client.get(f"/api/v1/enterprises/{filed.uscc}", headers=_auth(factory.operator_key)).json()
        by_customs = client.get(
            f"/api/v1/enterprises/{filed.customs_code}", headers=_auth(factory.operator_key)
        ).json()
        assert by_uscc["id"] == by_customs["id"]

    def test_invalid_uscc_is_422_with_a_stable_code(self, client: TestClient, operator_key: str) -> None:
        good = make_uscc()
        bad = good[:-1] + ("0" if good[-1] != "0" else "1")
        r = client.post(
            "/api/v1/enterprises",
            json={"uscc": bad, "name": "x", "roles": ["ebc"]},
            headers=_auth(operator_key),
        )
        assert r.status_code == 422
        assert r.json()["code"] == "INVALID_USCC"
        assert client.get("/api/v1/enterprises", headers=_auth(operator_key)).json() == []

    def test_uscc_starting_with_a_letter_is_accepted(self, client: TestClient, operator_key: str) -> None:
        body17 = "Y1330100MA2B3C4D5"[:17]
        code = body17 + uscc.calc_check_digit(body17)
        r = client.post(
            "/api/v1/enterprises",
            json={"uscc": code, "name": "某某农民专业合作社", "roles": ["ebc"]},
            headers=_auth(operator_key),
        )
        assert r.status_code == 201, r.text

    def test_a_code_is_required_and_unique(self, factory: Factory, client: TestClient) -> None:
        r = client.post(
            "/api/v1/enterprises", json={"name": "x", "roles": ["ebc"]}, headers=_auth(factory.operator_key)
        )
        assert r.json()["code"] == "ENTERPRISE_CODE_REQUIRED"
        filed = factory.file("企业甲", ["ebc"])
        r = client.post(
            "/api/v1/enterprises",
            json={"customs_code": filed.customs_code, "name": "y", "roles": ["ebc"]},
            headers=_auth(factory.operator_key),
        )
        assert r.status_code == 409 and r.json()["code"] == "ENTERPRISE_CODE_TAKEN"

    def test_only_operator_or_commerce_may_file(self, factory: Factory, client: TestClient) -> None:
        filed = factory.file("企业乙", ["ebc"])
        r = client.post(
            "/api/v1/enterprises",
            json={"uscc": make_uscc(), "name": "x", "roles": ["ebc"]},
            headers=_auth(filed.key),
        )
        assert r.status_code == 403 and r.json()["code"] == "PERMISSION_DENIED"

    def test_overseas_seller_is_filed_through_its_domestic_agent(
        self, factory: Factory, client: TestClient
    ) -> None:
        agent = factory.file("境内代理人有限公司", ["agent"])
        r = client.post(
            "/api/v1/enterprises",
            json={
                "customs_code": make_customs_code(),
                "name": "Overseas Seller Ltd",
                "roles": ["ebc"],
                "overseas": True,
                "agent_code": agent.uscc,
                "country": "116",
            },
            headers=_auth(factory.operator_key),
        )
        assert r.status_code == 201, r.text
        assert r.json()["enterprise"]["agent_code"] == agent.uscc
        missing = client.post(
            "/api/v1/enterprises",
            json={
                "customs_code": make_customs_code(),
                "name": "No Agent Ltd",
                "roles": ["ebc"],
                "overseas": True,
            },
            headers=_auth(factory.operator_key),
        )
        assert missing.status_code == 422 and missing.json()["code"] == "OVERSEAS_AGENT_REQUIRED"


class TestReadAccess:
    def test_an_enterprise_reads_only_its_own_filing(self, factory: Factory, client: TestClient) -> None:
        a = factory.file("企业A", ["ebc"])
        b = factory.file("企业B", ["ebc"])
        assert client.get(f"/api/v1/enterprises/{b.uscc}", headers=_auth(a.key)).status_code == 403
        assert client.get("/api/v1/enterprises", headers=_auth(a.key)).status_code == 403

    def test_agencies_list_with_filters(self, factory: Factory, client: TestClient) -> None:
        factory.file("平台甲", ["ebp"])
        factory.file("物流甲", ["logistics"])
        customs_key = client.post(
            "/api/v1/keys", json={"name": "杭州海关", "role": "customs"}, headers=_auth(factory.operator_key)
        ).json()["api_key"]
        rows = client.get("/api/v1/enterprises?role=logistics", headers=_auth(customs_key)).json()
        assert [r["name"] for r in rows] == ["物流甲"]

    def test_no_anonymous_access(self, client: TestClient) -> None:
        r = client.get("/api/v1/enterprises")
        assert r.status_code == 401 and r.json()["code"] == "AUTH_REQUIRED"
        r = client.get("/api/v1/enterprises", headers=_auth("cbec_000000000000_nope"))
        assert r.status_code == 401 and r.json()["code"] == "AUTH_INVALID_KEY"


class TestChangeFiling:
    def test_changes_need_a_reason_and_are_kept_in_history(
        self, factory: Factory, client: TestClient
    ) -> None:
        filed = factory.file("企业丙", ["ebc"])
        op = _auth(factory.operator_key)
        r = client.patch(f"/api/v1/enterprises/{filed.uscc}", json={"park": "二号园区"}, headers=op)
        assert r.status_code == 422 and r.json()["code"] == "REASON_REQUIRED"
        r = client.patch(
            f"/api/v1/enterprises/{filed.uscc}", json={"park": "二号园区", "reason": "迁址"}, headers=op
        )
        assert r.status_code == 200 and r.json()["park"] == "二号园区" and r.json()["version"] == 2
        r = client.patch(
            f"/api/v1/enterprises/{filed.uscc}",
            json={"status": "suspended", "reason": "涉嫌违规"},
            headers=op,
        )
        assert r.json()["status"] == "suspended"
        history = client.get(f"/api/v1/enterprises/{filed.uscc}/history", headers=op).json()
        assert [h["action"] for h in history] == ["filed", "changed", "suspended"]
        assert history[2]["reason"] == "涉嫌违规"

    def test_a_revoked_filing_cannot_be_reinstated(self, factory: Factory, client: TestClient) -> None:
        filed = factory.file("企业丁", ["ebc"])
        op = _auth(factory.operator_key)
        client.patch(
            f"/api/v1/enterprises/{filed.uscc}", json={"status": "revoked", "reason": "注销"}, headers=op
        )
        r = client.patch(
            f"/api/v1/enterprises/{filed.uscc}", json={"status": "active", "reason": "恢复"}, headers=op
        )
        assert r.status_code == 422 and r.json()["code"] == "INVALID_STATUS_CHANGE"
