"""All models, imported here so Alembic and the app see every table."""
from bro.models.base import Base
from bro.models.people import LoginAttempt, Role, Team, User, UserRole, team_supervisors

__all__ = ["Base", "LoginAttempt", "Role", "Team", "User", "UserRole", "team_supervisors"]
