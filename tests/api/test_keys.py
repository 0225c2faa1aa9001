"""API keys: create, list, revoke, rotate."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.factories import Factory


def _auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_revoked_keys_stop_working(factory: Factory, client: TestClient) -> None:
    filed = factory.file("企业戊", ["ebc"])
    keys = client.get("/api/v1/keys", headers=_auth(filed.key)).json()
    r = client.post(f"/api/v1/keys/{keys[0]['id']}/revoke", headers=_auth(filed.key))
    assert r.status_code == 200 and r.json()["revoked_at"] is not None
    r = client.get(f"/api/v1/enterprises/{filed.uscc}", headers=_auth(filed.key))
    assert r.status_code == 401 and r.json()["code"] == "AUTH_INVALID_KEY"


def test_rotation_issues_a_successor_and_retires_the_old_key(factory: Factory, client: TestClient) -> None:
    filed = factory.file("企业己", ["ebc"])
    key_id = client.get("/api/v1/keys", headers=_auth(filed.key)).json()[0]["id"]
    r = client.post(f"/api/v1/keys/{key_id}/rotate", headers=_auth(filed.key))
    assert r.status_code == 200
    new_key = r.json()["api_key"]
    assert client.get(f"/api/v1/enterprises/{filed.uscc}", headers=_auth(new_key)).status_code == 200
    assert client.get(f"/api/v1/enterprises/{filed.uscc}", headers=_auth(filed.key)).status_code == 401


def test_an_enterprise_cannot_manage_another_enterprises_key(factory: Factory, client: TestClient) -> None:
    a = factory.file("企业庚", ["ebc"])
    b = factory.file("企业辛", ["ebc"])
    b_key_id = client.get("/api/v1/keys", headers=_auth(b.key)).json()[0]["id"]
    r = client.post(f"/api/v1/keys/{b_key_id}/revoke", headers=_auth(a.key))
    assert r.status_code == 403


def test_enterprise_keys_must_name_a_filing(client: TestClient, operator_key: str) -> None:
    r = client.post("/api/v1/keys", json={"name": "x", "role": "enterprise"}, headers=_auth(operator_key))
    assert r.status_code == 422 and r.json()["code"] == "VALIDATION_FAILED"
