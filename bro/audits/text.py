"""Messages of the audits operations: translated inside a request, plain English in the CLI and the demo."""
from flask import has_request_context
from flask_babel import gettext


def _(text: str, **values) -> str:
    if has_request_context():
        return gettext(text, **values)
    return text % values if values else text
