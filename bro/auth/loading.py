from sqlalchemy import select

from bro.extensions import db
from bro.models.people import User


def load_user(session_token: str) -> User | None:
    """Both cookies (session and remember-me) carry the user's session token, never the numeric id: a token
    rotated on logout, "log out everywhere", a new password or deactivation turns every old cookie away."""
    if not session_token or len(session_token) > 64:
        return None
    user = db.session.execute(select(User).where(User.session_token == session_token)).scalar_one_or_none()
    return user if user is not None and user.active else None
