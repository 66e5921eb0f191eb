"""`flask bro curricula check|import|schema`: the trainers' YAML on the command line.

Errors are printed one a line as `file:line:column: field.path: message`, then a
count; any error exits with status 1. `import` writes all documents or none, and
commits once at its end.
"""
from __future__ import annotations

import json
import os
import sys
from contextlib import contextmanager

import click
from flask import current_app
from flask.cli import AppGroup

from bro.curricula import CheckResult, CurriculumCheckError, check_paths, find_curriculum_files
from bro.curricula.schema import json_schema
from bro.i18n import cli_error, cli_language

# Show a progress bar from this many files on: a handful of files check in a blink.
PROGRESS_BAR_FROM = 5

curricula_cli = AppGroup("curricula", help="Check and import curriculum YAML files; export their JSON Schema.")

paths_argument = click.argument("paths", nargs=-1, type=click.Path())


def _paths(paths: tuple[str, ...]) -> list[str]:
    return list(paths) or [current_app.config["BRO_CURRICULA_DIR"]]


@contextmanager
def _progress(paths: list[str]):
    """A `progress(filename, number, total)` callback for check_paths, drawing a bar when there are many files."""
    files, _errors = find_curriculum_files(paths)
    if len(files) < PROGRESS_BAR_FROM:
        yield None
        return
    with click.progressbar(length=len(files), label="Checking", file=sys.stderr,
                           item_show_func=lambda name: name) as bar:
        def advance(filename: str, number: int, total: int) -> None:
            bar.update(1, filename)

        yield advance


def _check(paths: list[str], known: dict[str, list[str]] | None = None) -> CheckResult:
    from bro.authoring.operations import check_limits

    with _progress(paths) as progress:
        return check_paths(paths, known_standards=known, progress=progress, **check_limits())


def _files(count: int) -> str:
    return f"{count} file" if count == 1 else f"{count} files"


def _report_errors(result: CheckResult, importing: bool = False) -> None:
    language = cli_language()
    for error in result.errors:
        click.echo(cli_error(error, language))  # the sentence in the language of LANG, positions as they are
    if result.more_errors:
        click.echo(f"... and {result.more_errors:,} more error{'' if result.more_errors == 1 else 's'}")
    count = result.error_count
    tail = "; nothing imported." if importing else "."
    where = f" in {_files(len(result.files))}" if result.files else ""
    click.echo(f"{count} error{'' if count == 1 else 's'}{where}{tail}")


def _found(result: CheckResult) -> str:
    standards, courses = len(result.standards), len(result.courses)
    return (f"{standards} standard{'' if standards == 1 else 's'} and "
            f"{courses} course{'' if courses == 1 else 's'} in {_files(len(result.files))}")


@curricula_cli.command("check")
@paths_argument
def check_command(paths):
    """Check curriculum files or folders (default: BRO_CURRICULA_DIR) without writing anything."""
    from bro.authoring.operations import known_standards

    result = _check(_paths(paths), known_standards())
    if not result.ok:
        _report_errors(result)
        sys.exit(1)
    click.echo(f"OK: {_found(result)}, no errors.")


@curricula_cli.command("import")
@paths_argument
@click.option("--force", is_flag=True,
              help="Also import documents whose content equals an older version: each becomes a new current version.")
def import_command(paths, force):
    """Check, then import curriculum files or folders (default: BRO_CURRICULA_DIR), all or nothing.

    Only new or changed content is imported. A document whose content equals a version older than the
    one in force (say, a file in the folder that a trainer's browser upload has since replaced) is
    skipped with a message, never made current again, unless --force is given.
    """
    from bro.authoring.operations import document_sources, document_texts, import_documents, known_standards
    from bro.extensions import db

    result = _check(_paths(paths), known_standards())
    if not result.ok:
        _report_errors(result, importing=True)
        sys.exit(1)
    # Files of the configured folder are recorded as "curricula/x.yaml", not by their absolute path.
    relative_to = None if paths else os.path.dirname(os.path.abspath(_paths(paths)[0]))
    try:
        report = import_documents(result, sources=document_sources(result, relative_to=relative_to),
                                  texts=document_texts(result), force=force)
        db.session.commit()
    except CurriculumCheckError as error:
        db.session.rollback()
        result.errors.extend(error.errors)
        _report_errors(result, importing=True)
        sys.exit(1)
    except Exception as error:  # a database failure: nothing is written, say why
        db.session.rollback()
        click.echo(f"Import failed, nothing imported: {error}", err=True)
        sys.exit(1)
    for document in report.documents:
        click.echo(str(document))
    skipped = len(report.skipped)
    click.echo(f"Imported {_found(result)}: {report.created} created, {report.new_versions} new "
               f"version{'' if report.new_versions == 1 else 's'}, {report.unchanged} unchanged"
               + (f", {skipped} skipped as older than the version in force." if skipped else "."))


@curricula_cli.command("schema")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True),
              help="Write the schema to this file instead of printing it.")
def schema_command(output):
    """Print the JSON Schema of the curriculum format, for editors' YAML plugins."""
    text = json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
    if output:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(text)
        click.echo(f"Wrote the curriculum JSON Schema to {output}", err=True)
    else:
        click.echo(text, nl=False)
