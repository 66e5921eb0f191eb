from flask_babel import lazy_gettext as _l

from bro.extensions import db, login_manager
from bro.models.people import User

login_manager.login_message = _l("Please log in to see this page.")


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    return user if user is not None and user.active else None
