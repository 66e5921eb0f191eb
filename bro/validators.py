"""Form validators shared by every area's forms."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

from bro.text import invisible_characters


class NoInvisibleCharacters:
    """Refuse bidi controls, zero-width and other invisible characters in an identifier (a name, a team
    name, an email, a customer reference), naming them so the user can find and remove them."""

    def __call__(self, form, field) -> None:
        found = invisible_characters(field.data or "") if isinstance(field.data, str) else []
        if found:
            raise ValidationError(_l("Remove the invisible characters (%(codes)s): they can make text read "
                                     "backwards or look like something else.", codes=", ".join(found)))


no_invisible_characters = NoInvisibleCharacters()
