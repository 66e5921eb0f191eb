"""All models, imported here so Alembic and the app see every table."""
from bro.models.api import ApiToken, IdempotentRequest
from bro.models.audits import (
    Audit, AuditOrgStepWeek, AuditRating, AuditRevision, AuditStaffStepWeek, AuditStaffWeek, AuditStepResult, AuditStepWeek, AuditWeek,
    CalibrationParticipant,
    CalibrationRating, CalibrationSession, Dispute, DisputeStep,
)
from bro.models.base import Base
from bro.models.coaching import CoachingAction, CoachingSession, RetrainingDecision
from bro.models.curricula import (
    Course, CourseModule, CourseVersion, ModuleStep, Standard, StandardStep, StandardVersion,
)
from bro.models.improvement import CorrectiveAction, CorrectiveActionEvent
from bro.models.interactions import (
    Interaction, ReviewItem, SamplingDraw, SamplingPlan, StaffLeave,
)
from bro.models.notifications import Notification, NotificationSetting
from bro.models.people import (
    LoginAttempt, LoginOutcome, PasswordResetLink, Role, Team, User, UserRole, team_supervisors,
)
from bro.models.submissions import FormSubmission
from bro.models.xapi import XapiStatement
from bro.models.training import (
    AttemptAnswer, Assignment, Certificate, LessonRead, QuizAttempt, QuizFirstAttempt, QuizItemSum, QuizItemTally,
    QuizModuleSum,
)

__all__ = [
    "ApiToken", "IdempotentRequest",
    "Audit", "AuditOrgStepWeek", "AuditRating", "AuditRevision", "AuditStaffStepWeek", "AuditStaffWeek", "AuditStepResult", "AuditStepWeek", "AuditWeek",
    "CalibrationParticipant", "CalibrationRating", "CalibrationSession", "Dispute", "DisputeStep",
    "Base", "CoachingAction", "CoachingSession", "RetrainingDecision", "Course", "CourseModule", "CourseVersion", "ModuleStep", "Standard",
    "StandardStep", "StandardVersion",
    "CorrectiveAction", "CorrectiveActionEvent", "Interaction",
    "ReviewItem", "SamplingDraw", "SamplingPlan", "StaffLeave", "Notification", "NotificationSetting",
    "FormSubmission", "LoginAttempt", "LoginOutcome", "PasswordResetLink", "Role", "Team", "User", "UserRole",
    "team_supervisors",
    "AttemptAnswer", "Assignment", "Certificate", "LessonRead", "QuizAttempt", "QuizFirstAttempt", "QuizItemSum",
    "QuizItemTally", "QuizModuleSum", "XapiStatement"]
