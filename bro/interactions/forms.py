from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SelectField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

FORMAT_LABELS = {"auto": _l("From the file name (.csv or .jsonl)"), "csv": _l("CSV"), "jsonl": _l("JSON Lines")}


class InteractionImportForm(FlaskForm):
    file = FileField(_l("File"), validators=[
        FileRequired(message=_l("Choose a CSV or JSON Lines file.")),
        FileAllowed(["csv", "txt", "jsonl", "ndjson", "json"], message=_l("Upload a .csv or .jsonl file."))])
    file_format = SelectField(_l("Format"), choices=list(FORMAT_LABELS.items()), default="auto")
    mapping = TextAreaField(
        _l("Column names (optional)"), validators=[Optional(), Length(max=2000)],
        description=_l("When your export names its columns differently, map them, one per line: "
                       "Ticket ID=external_id. Map a column to - to leave it out."))
    submit = SubmitField(_l("Import interactions"))
