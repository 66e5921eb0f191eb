"""All models, imported here so Alembic and the app see every table."""
from bro.models.base import Base
from bro.models.curricula import (
    Course, CourseModule, CourseVersion, ModuleStep, Standard, StandardStep, StandardVersion,
)
from bro.models.people import LoginAttempt, Role, Team, User, UserRole, team_supervisors

__all__ = [
    "Base", "Course", "CourseModule", "CourseVersion", "ModuleStep", "Standard", "StandardStep", "StandardVersion",
    "LoginAttempt", "Role", "Team", "User", "UserRole", "team_supervisors"]
