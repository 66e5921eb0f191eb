from sqlalchemy import select
from sqlalchemy.orm import joinedload

from bro.extensions import db
from bro.models.people import User


def load_user(session_token: str) -> User | None:
    """Both cookies (session and remember-me) carry the user's session token, never the numeric id: a token
    rotated on logout, "log out everywhere", a new password or deactivation turns every old cookie away."""
    if not session_token or len(session_token) > 64:
        return None
    # One query: the user with their roles and supervised teams (which most pages read), instead of the two
    # selectin loads the relationships make when users are listed.
    user = db.session.execute(
        select(User).where(User.session_token == session_token)
        .options(joinedload(User.role_rows), joinedload(User.supervised_teams))).unique().scalar_one_or_none()
    return user if user is not None and user.active else None
