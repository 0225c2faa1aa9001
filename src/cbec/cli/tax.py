"""``cbec tax``: price a CEB621 inventory offline; list the tariff lines and their rates.

Register in the main app with ``app.add_typer(tax_app, name="tax")``.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Annotated

import typer

from cbec.kernel.dates import utc_now
from cbec.messages.ceb import CebFormatError, CebMessage, parse_json, parse_xml
from cbec.tax import (
    InventoryFieldError,
    assess,
    inventory_from_ceb621,
    load_parameters,
    load_tariff,
)

__all__ = ["tax_app"]

tax_app = typer.Typer(help="Retail import tax (跨境电商零售进口税).", no_args_is_help=True)

_INVENTORY_MESSAGE = "CEB621Message"
_LIST = "InventoryList"


def _echo_json(data: object) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _fail(message: str) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(2)


def _read(path: Path) -> CebMessage:
    data = path.read_bytes()
    parse = parse_json if data.lstrip()[:1] in (b"{", b"[") else parse_xml
    return parse(data)


@tax_app.command("quote")
def quote(
    file: Annotated[Path, typer.Argument(help="a CEB621 message, XML or JSON", exists=True, dir_okay=False)],
) -> None:
    """Price every inventory of a CEB621 message and print a JSON list (amounts as strings).

    The law applied is the one in force at the inventory's appTime (Beijing time), or now when
    absent; the buyer's annual total so far is taken as 0.
    """
    try:
        message = _read(file)
    except CebFormatError as exc:
        _fail(f"{file}: not a readable CEB message: {exc}")
        return
    if message.message_type != _INVENTORY_MESSAGE:
        _fail(f"{file}: {message.message_type} is not a {_INVENTORY_MESSAGE}")
        return
    params, tariff, now = load_parameters(), load_tariff(), utc_now()
    results: list[dict[str, object]] = []
    for record in message.records:
        try:
            inventory = inventory_from_ceb621(
                record.head, record.lists.get(_LIST, []), default_accepted_at=now
            )
        except InventoryFieldError as exc:
            results.append({"orderNo": record.get("orderNo"), "error": str(exc), "field": exc.field})
            continue
        assessment = assess(inventory, params=params, tariff=tariff, annual_used=Decimal(0))
        results.append(assessment.to_dict())
    _echo_json(results)


@tax_app.command("rates")
def rates(
    hs: Annotated[str, typer.Option("--hs", help="commodity code prefix, e.g. 3304")] = "",
) -> None:
    """Print the known tariff lines (rates as percent, source and mark V/S/U) as JSON."""
    _echo_json([line.to_dict() for line in load_tariff().with_prefix(hs)])
