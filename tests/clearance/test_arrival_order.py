"""Documents arrive in any order: every permutation of order, payment, waybill and inventory ends released
with the same tax, whether the worker runs after every document, once at the end, or in small batches."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
from sqlalchemy import select

from cbec.clearance.models import ClearanceOrder
from tests.clearance.support import OrderSpec, Zone, inventory_receipts

DOCUMENTS = ("order", "payment", "waybill", "inventory")
PERMUTATIONS = list(itertools.permutations(DOCUMENTS))


def _assert_released_once(zone: Zone, spec: OrderSpec) -> None:
    life = zone.lifecycle(spec.order_no)
    assert (life["state"], life["returnStatus"]) == ("released", "800"), (spec.order_no, life["findings"])
    assert life["findings"] == []
    assert {name: doc is not None for name, doc in life["documents"].items()} == dict.fromkeys(
        DOCUMENTS, True
    )
    # ¥200 goods + ¥10 freight, infant formula within the limits: duty 0, VAT 13% × 70% → 19.11
    assert life["tax"]["taxable_price"] == "210.00"
    assert (life["tax"]["customs_duty"], life["tax"]["vat"], life["tax"]["total"]) == (
        "0.00",
        "19.11",
        "19.11",
    )
    assert life["quota"]["used"] == "210.00"
    assert [(h["state"], h["returnStatus"]) for h in life["history"]] == [
        ("waiting", "2"),
        ("waiting", "120"),
        ("waiting", "399"),
        ("released", "800"),
    ]
    assert [status for status, _info in inventory_receipts(zone, spec)] == ["2", "120", "399", "800"]
    order = zone.order(spec.order_no)
    for name, sender in (("order", zone.platform), ("payment", zone.payer), ("waybill", zone.carrier)):
        doc_id = getattr(order, f"{name}_doc_id")
        acks = zone.receipts(sender, document_id=doc_id)
        assert [r.return_status for r in acks] == ["2", "120"], name
    bills = zone.receipts(zone.agent, document_id=order.inventory_doc_id, receipt_type="CEB816Message")
    assert len(bills) == 1
    assert bills[0].body["TaxHeadRd"]["valueAddedTax"] == "19.11000"


@pytest.mark.parametrize("mode", ["drain after every document", "drain once at the end", "batches of three"])
def test_every_arrival_order_is_released_with_the_same_tax(zone: Zone, mode: str) -> None:
    if mode == "batches of three":
        zone.worker.batch_size = 3
    sets: dict[tuple[str, ...], OrderSpec] = {}
    for permutation in PERMUTATIONS:
        spec = zone.spec()
        documents = zone.documents(spec)
        for sent, name in enumerate(permutation, start=1):
            zone.send(*documents[name])
            if mode == "drain after every document":
                zone.drain()
                if sent < len(DOCUMENTS):  # nothing is decided before the set is complete
                    with zone.db() as s:
                        states = s.scalars(
                            select(ClearanceOrder.state).where(ClearanceOrder.order_no == spec.order_no)
                        ).all()
                    assert states in ([], ["waiting"]), (permutation, sent, states)
        sets[permutation] = spec
    zone.drain()
    for spec in sets.values():
        _assert_released_once(zone, spec)
    balance, entries = zone.guarantee()
    assert entries.count(("debit", Decimal("19.11"))) == len(PERMUTATIONS)
    assert balance == Zone.GUARANTEE - len(PERMUTATIONS) * Decimal("19.11")
    assert zone.quota_used(next(iter(sets.values())).buyer_id) == len(PERMUTATIONS) * Decimal("210")


@pytest.mark.parametrize(
    "arrival",
    [
        ("inventory", "order", "payment", "waybill"),
        ("order", "payment", "inventory", "waybill"),
        ("order", "waybill", "inventory", "payment"),
    ],
    ids=["inventory first", "waybill last", "payment last"],
)
def test_the_last_document_completes_the_set_in_its_own_batch(zone: Zone, arrival: tuple[str, ...]) -> None:
    spec = zone.spec()
    documents = zone.documents(spec)
    for name in arrival[:-1]:
        zone.send(*documents[name])
    zone.drain()
    life = zone.lifecycle(spec.order_no)
    assert (life["state"], life["returnStatus"], life["invtNo"]) == ("waiting", None, None)
    assert [(h["state"], h["returnStatus"]) for h in life["history"]] == [("waiting", "2")]
    missing = arrival[-1]
    assert [name for name, doc in life["documents"].items() if doc is None] == [missing]
    zone.send(*documents[missing])
    zone.drain()
    _assert_released_once(zone, spec)
