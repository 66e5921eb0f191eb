"""`flask bro interactions import FILE`: the same all-or-nothing import as the page, for large exports."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from bro.extensions import db

interactions_cli = AppGroup("interactions", help="Interactions from help desks, chat and phone systems.")


@interactions_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["auto", "csv", "jsonl"]), default="auto",
              help="File format; auto: from the file name (.jsonl/.ndjson = JSON Lines, else CSV).")
@click.option("--map", "mappings", multiple=True, metavar="COLUMN=FIELD",
              help="A column of the file and the bro field it holds, e.g. --map 'Ticket ID=external_id'. Repeat.")
def import_command(path: Path, fmt: str, mappings: tuple[str, ...]):
    """Import interactions from a CSV or JSON Lines file: all rows or none; rows imported before are skipped."""
    from bro.interactions.operations import import_interaction_batches
    from bro.interactions.parsing import InteractionFileError, file_format, parse_mapping, read_interaction_batches

    try:
        mapping = parse_mapping("\n".join(mappings))
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise click.ClickException(f"{path} is not UTF-8 text") from None
    fmt = file_format(fmt, path.name)
    try:
        total, batches = read_interaction_batches(text, fmt, mapping)
        with click.progressbar(length=total, label="Importing", file=sys.stderr, show_pos=True) as bar:
            summary = import_interaction_batches(batches, by=None, team_ids=None,
                                                 kind="line" if fmt == "jsonl" else "row", progress=bar.update)
    except InteractionFileError as error:
        db.session.rollback()
        for problem in error.problems:
            click.echo(f"{path}: {problem}", err=True)
        if error.more:
            click.echo(f"{path}: ... and {error.more} more problems", err=True)
        total = len(error.problems) + error.more
        raise click.ClickException(f"nothing imported: {total} problem{'s' if total != 1 else ''}") from None
    db.session.commit()
    click.echo(f"{summary.created} interactions imported with {summary.messages} messages; "
               f"{summary.already_imported} imported before and skipped.")
