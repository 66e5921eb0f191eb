"""Messages of the audits operations: translated inside a request, plain English in the CLI and the demo."""
from flask import has_request_context
from flask_babel import gettext


def _(text: str, **values) -> str:
    if has_request_context():
        return gettext(text, **values)
    return text % values if values else text


def problem_text(message) -> str:
    """A core message (bro.scoring, bro.quality) in the reader's language inside a request, else English."""
    if has_request_context():
        from bro.i18n import translate_message
        return translate_message(message)
    return str(message)


def when_text(moment) -> str:
    """A date (or date and time, UTC) written the reader's way by Babel; ISO in the CLI and the demo."""
    from datetime import datetime
    if has_request_context():
        from flask_babel import format_date, format_datetime
        if isinstance(moment, datetime):
            return format_datetime(moment, format="medium", rebase=False) + " UTC"
        return format_date(moment, format="long")
    if isinstance(moment, datetime):
        return moment.strftime("%Y-%m-%d %H:%M UTC")
    return moment.isoformat()


def n_(singular: str, plural: str, num: int, **values) -> str:
    """ngettext inside a request, English outside; ``num`` is also a placeholder, as in Flask-Babel."""
    if has_request_context():
        from flask_babel import ngettext
        return ngettext(singular, plural, num, **values)
    values.setdefault("num", num)
    return (singular if num == 1 else plural) % values
