"""``foresight keys``: API keys of the analysis API (create prints the key once; list; revoke)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from foresight.apikeys import ApiKeyError, create_key, key_row, list_keys, revoke_key
from foresight.cli.context import state
from foresight.db.session import session_scope

app = typer.Typer(help="API keys (analyst, planner, admin) of the HTTP API.", no_args_is_help=True)

AsJson = Annotated[bool, typer.Option("--json", help="Print JSON.")]


@app.command("create")
def keys_create(
    ctx: typer.Context,
    name: Annotated[str, typer.Option("--name", help="Who or what uses the key (the audit actor)")],
    role: Annotated[str, typer.Option("--role", help="analyst, planner or admin")],
) -> None:
    """Create a key and print it: this is the only time it is shown (only its hash is stored)."""
    st = state(ctx)
    try:
        with session_scope(st.engine()) as session:
            key, secret = create_key(session, name, role)
            row = key_row(key)
    except ApiKeyError as exc:
        st.console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(code=1) from exc
    typer.echo(secret)
    typer.echo(
        f"key {row['prefix']}… for {row['name']} ({row['role']}); store it now, it is not shown again",
        err=True,
    )


@app.command("list")
def keys_list(ctx: typer.Context, as_json: AsJson = False) -> None:
    """Keys with their role, prefix and dates (never the keys themselves)."""
    st = state(ctx)
    with session_scope(st.engine()) as session:
        rows = list_keys(session)
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    for r in rows:
        revoked = f" revoked {r['revoked_at']}" if r["revoked_at"] else ""
        used = f"last used {r['last_used_at']}"
        typer.echo(f"{r['id']:>4}  {r['name']:<24} {r['role']:<8} {r['prefix']}…  {used}{revoked}")


@app.command("revoke")
def keys_revoke(ctx: typer.Context, key: Annotated[str, typer.Argument(help="The key's name or id")]) -> None:
    """Revoke a key: requests with it get 401 from now on."""
    st = state(ctx)
    try:
        with session_scope(st.engine()) as session:
            row = key_row(revoke_key(session, key))
    except ApiKeyError as exc:
        st.console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(code=1) from exc
    typer.echo(f"revoked {row['name']} ({row['prefix']}…) at {row['revoked_at']}")
