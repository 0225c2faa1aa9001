"""Generated JSON Schemas: one per message type, describing exactly the JSON form."""

from __future__ import annotations

import re
from typing import Any

import pytest

from cbec.messages.ceb import CATALOGUE, json_schema, json_schemas, parse_xml, to_json

from .samples import ALL_TYPES, valid_document


def errors(schema: dict[str, Any], value: Any, path: str = "") -> list[str]:
    """A small validator for the subset of JSON Schema 2020-12 the generator emits."""
    found: list[str] = []
    kind = schema.get("type")
    if kind == "object":
        if not isinstance(value, dict):
            return [f"{path}: not an object"]
        properties = schema.get("properties", {})
        found += [f"{path}/{name}: required" for name in schema.get("required", []) if name not in value]
        if schema.get("additionalProperties") is False:
            found += [f"{path}/{name}: not allowed" for name in value if name not in properties]
        for name, item in value.items():
            if name in properties:
                found += errors(properties[name], item, f"{path}/{name}")
    elif kind == "array":
        if not isinstance(value, list):
            return [f"{path}: not an array"]
        if len(value) < schema.get("minItems", 0) or len(value) > schema.get("maxItems", len(value)):
            found.append(f"{path}: {len(value)} items")
        for index, item in enumerate(value):
            found += errors(schema["items"], item, f"{path}[{index}]")
    elif kind == "string":
        if not isinstance(value, str):
            return [f"{path}: not a string"]
        if len(value) < schema.get("minLength", 0) or len(value) > schema.get("maxLength", len(value)):
            found.append(f"{path}: length {len(value)}")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            found.append(f"{path}: pattern")
        if "enum" in schema and value not in schema["enum"]:
            found.append(f"{path}: enum")
    return found


def test_there_is_one_schema_per_message_type() -> None:
    schemas = json_schemas()
    assert sorted(schemas) == sorted(CATALOGUE)
    assert len(schemas) == 42


@pytest.mark.parametrize("message_type", ALL_TYPES)
def test_the_json_form_of_a_valid_message_conforms(message_type: str) -> None:
    schema = json_schema(message_type)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert errors(schema, to_json(parse_xml(valid_document(message_type)))) == []


def test_ceb311_schema_details() -> None:
    schema = json_schema("CEB311Message")
    assert schema["title"] == "CEB311Message 电子订单"
    root = schema["properties"]["CEB311Message"]
    assert root["required"] == ["guid", "version", "Order", "BaseTransfer"]
    assert root["properties"]["guid"] == {
        "type": "string",
        "description": "报文的36位系统唯一序号（英文字母大写）",
        "minLength": 36,
        "maxLength": 36,
    }
    order = root["properties"]["Order"]
    assert (order["type"], order["minItems"], order["maxItems"]) == ("array", 1, 100)
    order_list = order["items"]["properties"]["OrderList"]
    assert (order_list["minItems"], order_list["maxItems"]) == (1, 99)
    head = order["items"]["properties"]["OrderHead"]
    assert head["type"] == "object"
    assert head["additionalProperties"] is False
    assert "payCode" not in head["required"]
    paid = head["properties"]["acturalPaid"]
    assert paid["description"].startswith("商品价格+运杂费+代扣税款-非现金抵扣金额")
    signature = root["properties"]["Signature"]
    assert (signature["type"], signature["contentEncoding"]) == ("string", "base64")
    assert root["properties"]["BaseSubscribe"]["maxItems"] == 5
    assert "minItems" not in root["properties"]["BaseSubscribe"]


def test_ceb711_delivery_is_an_object_with_an_unbounded_list() -> None:
    root = json_schema("CEB711Message")["properties"]["CEB711Message"]
    delivery = root["properties"]["Delivery"]
    assert delivery["type"] == "object"
    assert delivery["properties"]["DeliveryList"]["type"] == "array"
    assert "maxItems" not in delivery["properties"]["DeliveryList"]


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("19050", True),
        ("200.50", True),
        ("-1.5", True),
        ("0.123456", False),
        ("1" * 20, False),
        ("1e5", False),
    ],
)
def test_decimal_pattern_follows_n19_5(value: str, ok: bool) -> None:
    paid = json_schema("CEB311Message")["properties"]["CEB311Message"]["properties"]["Order"]["items"]
    pattern = paid["properties"]["OrderHead"]["properties"]["acturalPaid"]["pattern"]
    assert bool(re.search(pattern, value)) is ok


def test_schemas_are_fresh_copies() -> None:
    first = json_schema("CEB311Message")
    first["title"] = "changed"
    assert json_schema("CEB311Message")["title"] == "CEB311Message 电子订单"


def test_the_validator_catches_a_wrong_shape() -> None:
    body = to_json(parse_xml(valid_document("CEB311Message")))
    body["CEB311Message"]["Order"] = body["CEB311Message"]["Order"][0]
    assert errors(json_schema("CEB311Message"), body) == ["/CEB311Message/Order: not an array"]
