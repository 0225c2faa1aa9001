"""``cbec credit``: the credit lists and an enterprise's archive from the command line."""

from __future__ import annotations

from typing import Annotated

import typer

__all__ = ["credit_app"]

credit_app = typer.Typer(help="Credit archive and lists (信用档案、红黑名单).", no_args_is_help=True)


@credit_app.command("lists")
def lists(
    list_name: Annotated[
        str | None, typer.Option("--list", help="red | black | watch (default: all)")
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help="include expired and withdrawn listings")] = False,
) -> None:
    """Listings in force today (or all of them), newest first."""
    from cbec.credit import service as credit
    from cbec.kernel.dates import today
    from cbec.registry.models import Enterprise
    from cbec.store.session import unit_of_work

    day = None if all_ else today()
    with unit_of_work() as session:
        rows = credit.listings(session, list_name=list_name, day=day)
        for row in rows:
            enterprise = session.get(Enterprise, row.enterprise_id)
            name = enterprise.name if enterprise else row.enterprise_id
            until = row.expires_on.isoformat() if row.expires_on else "-"
            state = " (withdrawn)" if row.withdrawn_at else ""
            typer.echo(
                f"{row.list_name:6} {name}  {row.effective_from}..{until}  {row.basis}  {row.reason}{state}"
            )
    typer.echo(f"{len(rows)} listings")


@credit_app.command("archive")
def archive(code: Annotated[str, typer.Argument(help="USCC or customs code")]) -> None:
    """An enterprise's credit facts, in force today marked with *."""
    from cbec.credit import service as credit
    from cbec.errors import CbecError
    from cbec.kernel.dates import today
    from cbec.registry import service as registry
    from cbec.store.session import unit_of_work

    day = today()
    try:
        with unit_of_work() as session:
            enterprise = registry.get(session, code)
            in_force = {f.id for f in credit.current(session, enterprise.id, day).values()}
            facts = credit.facts(session, [enterprise.id])
            typer.echo(f"{enterprise.name} ({enterprise.customs_code or enterprise.uscc})")
            for f in facts:
                mark = "*" if f.id in in_force else " "
                typer.echo(
                    f"{mark} {f.kind:20} {f.value:20} {f.source:9} from {f.effective_from}  {f.basis or ''}"
                )
    except CbecError as exc:
        typer.echo(f"{exc.code}: {exc}", err=True)
        raise typer.Exit(2) from exc
