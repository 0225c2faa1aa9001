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


@credit_app.command("score")
def score(
    enterprise: Annotated[str, typer.Option("--enterprise", help="USCC or customs code")],
    explain: Annotated[bool, typer.Option("--explain", help="show every indicator and override")] = False,
    english: Annotated[bool, typer.Option("--en", help="explanation in English")] = False,
    keep: Annotated[bool, typer.Option("--keep/--no-keep", help="keep the rating in the history")] = True,
) -> None:
    """Rate an enterprise now with the active model (评价), optionally with the explanation."""
    from cbec.credit import scores
    from cbec.credit.rating import explain as explain_lines
    from cbec.credit.rating import model_for, rate
    from cbec.errors import CbecError
    from cbec.kernel.dates import utc_now
    from cbec.registry import service as registry
    from cbec.store.session import unit_of_work

    try:
        with unit_of_work() as session:
            found = registry.get(session, enterprise)
            if keep:
                row = scores.rescore(session, [found], trigger="cli", actor="cli")[found.id]
                rating = scores.reproduce(row)
            else:
                from cbec.credit import archive

                at = utc_now()
                model = model_for(archive.day_of(at))
                inputs = archive.gather(session, [found], at=at, window_days=model.window_days)
                rating = rate(inputs[found.id], model)
            label = rating.grade_label_en if english else rating.grade_label
            typer.echo(
                f"{found.name}: {rating.grade} {label}  score {rating.score}  model {rating.model_version}"
            )
            if explain:
                for line in explain_lines(rating, lang="en" if english else "zh"):
                    typer.echo(f"  {line}")
    except CbecError as exc:
        typer.echo(f"{exc.code}: {exc}", err=True)
        raise typer.Exit(2) from exc


@credit_app.command("recompute")
def recompute() -> None:
    """Rate every enterprise now (the nightly run); prints the grade distribution."""
    from cbec.credit import archive, scores
    from cbec.store.session import unit_of_work

    with unit_of_work() as session:
        everyone = archive.enterprises_to_rate(session)
        scores.rescore(session, everyone, trigger="nightly", actor="cli")
        distribution = scores.distribution(session)
    typer.echo(
        f"rated {len(everyone)} enterprises: " + ", ".join(f"{g} {n}" for g, n in distribution.items())
    )


@credit_app.command("report")
def report(
    code: Annotated[str, typer.Argument(help="USCC or customs code")],
    out: Annotated[str, typer.Option("--out", help="write the printable HTML report here")],
) -> None:
    """Write an enterprise's credit report (信用报告) as printable HTML."""
    from pathlib import Path

    from cbec.credit import report as credit_report
    from cbec.errors import CbecError
    from cbec.registry import service as registry
    from cbec.store.session import unit_of_work

    try:
        with unit_of_work() as session:
            found = registry.get(session, code)
            html = credit_report.render_html(credit_report.build(session, found))
    except CbecError as exc:
        typer.echo(f"{exc.code}: {exc}", err=True)
        raise typer.Exit(2) from exc
    Path(out).write_text(html, encoding="utf-8")
    typer.echo(f"wrote {out}")
