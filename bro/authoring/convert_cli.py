"""`flask bro curricula from-gift FILE` and `from-aiken FILE`: Moodle quizzes as a course YAML file to edit.

The written file is checked like any curriculum before the command says it is done, and is imported only
when the trainer imports it (`flask bro curricula import`).
"""
from __future__ import annotations

from pathlib import Path

import click

from bro.curricula import check_text
from bro.curricula.interchange import convert_aiken, convert_gift, course_yaml, slug
from bro.i18n import cli_text


def _convert(kind: str, path: Path, output: Path | None, course_id: str | None, title: str | None,
             language: str, overwrite: bool) -> None:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise click.ClickException(f"{path} is not UTF-8 text") from None
    conversion = (convert_gift if kind == "gift" else convert_aiken)(text, str(path))
    if not conversion.ok:
        for error in conversion.errors:
            click.echo(f"{error.filename}:{error.line}: {cli_text(error.message)}", err=True)
        count = len(conversion.errors)
        raise click.ClickException(f"nothing written: {count} problem{'s' if count != 1 else ''}")
    course_id = course_id or slug(path.stem, "converted-quiz")
    yaml_text = course_yaml(conversion, course_id=course_id, title=title or path.stem.replace("-", " ").replace(
        "_", " ").strip().capitalize(), language=language)
    output = output or path.with_suffix(".yaml")
    checked = check_text(yaml_text, str(output))
    if not checked.ok:  # a converter bug, never the trainer's: say so rather than write a file that fails
        for error in checked.errors:
            click.echo(str(error), err=True)
        raise click.ClickException("the converted course does not pass the checker; nothing written")
    if output.exists() and not overwrite:
        raise click.UsageError(f"{output} exists; add --overwrite or choose --output")
    output.write_text(yaml_text, encoding="utf-8")
    click.echo(f"{len(conversion.questions)} questions written to {output} as course {course_id!r}. "
               f"Edit it (lesson, titles, translations), then: flask bro curricula import {output}")


def _command(kind: str, label: str):
    @click.command(f"from-{kind}", help=f"Convert a Moodle {label} quiz into a course YAML file to edit and import.")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
                  help="Where to write the course (default: the file with .yaml).")
    @click.option("--id", "course_id", help="The course id (default: from the file name).")
    @click.option("--title", help="The course title (default: from the file name).")
    @click.option("--language", default="en", type=click.Choice(["en", "id", "pl"]), show_default=True)
    @click.option("--overwrite", is_flag=True, help="Replace the output file if it exists.")
    def command(path, output, course_id, title, language, overwrite):
        _convert(kind, path, output, course_id, title, language, overwrite)

    return command


from_gift_command = _command("gift", "GIFT")
from_aiken_command = _command("aiken", "Aiken")
