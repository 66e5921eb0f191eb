"""Forms of the curricula pages: upload a YAML file, pick two versions to compare."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from wtforms import SelectField, SubmitField
from wtforms.validators import InputRequired, ValidationError

from bro.curricula import MAX_FILE_BYTES


class UploadForm(FlaskForm):
    file = FileField(
        _l("Curriculum file"),
        validators=[
            FileRequired(_l("Choose a YAML file to upload.")),
            FileAllowed(["yaml", "yml", "gift", "txt"],
                        _l("Only .yaml or .yml curriculum files, or Moodle quizzes (.gift or .txt), can be uploaded.")),
            FileSize(MAX_FILE_BYTES, message=_l("The file is larger than %(size)d KB; split it into smaller files.",
                                                size=MAX_FILE_BYTES // 1024)),
        ],
        description=_l("One file with one or more standards or courses, in the format of the shipped curricula, "
                       "or a Moodle quiz in GIFT or Aiken format."),
        render_kw={"accept": ".yaml,.yml,.gift,.txt"},
    )
    source_format = SelectField(_l("File format"), choices=[
        ("auto", _l("From the file name")), ("yaml", _l("Curriculum YAML")), ("gift", _l("Moodle GIFT quiz")),
        ("aiken", _l("Moodle Aiken quiz"))], default="auto")
    language = SelectField(_l("Language of the quiz"), choices=[
        ("en", "English"), ("id", "Bahasa Indonesia"), ("pl", "Polski")], default="en",
        description=_l("For Moodle quizzes: the language the questions are written in."))
    check = SubmitField(_l("Check only"))
    submit = SubmitField(_l("Check and import"))
    convert = SubmitField(_l("Convert to course YAML"))


class CompareForm(FlaskForm):
    """Read from the query string (GET), so no CSRF token."""

    class Meta:
        csrf = False

    old = SelectField(_l("Compare version"), coerce=int, validators=[InputRequired()])
    new = SelectField(_l("with version"), coerce=int, validators=[InputRequired()])

    def __init__(self, numbers: list[int], *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(number, _l("version %(number)d", number=number)) for number in numbers]
        self.old.choices = choices
        self.new.choices = choices

    def validate_new(self, field):
        if self.old.data is not None and field.data == self.old.data:
            raise ValidationError(_l("Pick two different versions."))
