"""Training pages: my learning, courses, lessons, quizzes, reviews, certificates; team views; item analysis."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime, format_decimal, get_locale
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from bro import clock
from bro.access import can_see_staff, can_see_team, roles_required, visible_team_ids
from bro.curricula import Quiz, credit
from bro.curricula.questions import is_blank, problem
from bro.database import begin_writes, commit_side_write, commit_when_unlocked
from bro.i18n import translate_message
from bro.extensions import db
from bro.models.curricula import Course, CourseModule, CourseVersion
from bro.models.people import Role, Team, User
from bro.models.training import Certificate, QuizAttempt
from bro.training import queries
from bro.training.forms import AssignForm, GrantAttemptsForm
from bro.training.operations import (
    AttemptLimitReached, ModuleNotInForce, NoQuiz, QuizNotYetAvailable, assign_course, attempt_allowance,
    attempt_score_display, check_submission, clean_response, current_module, expire_certificates, grant_attempts,
    grants_of, mark_lesson_read, may_grant_attempts, module_quiz, record_submission, start_attempt,
    SubmissionOutcome, submission_outcome,
)
from bro.quality.items import FLAG_THRESHOLDS
from bro.submissions import first_submission, saved
from bro.templating import format_score

bp = Blueprint("training", __name__, url_prefix="/learning", template_folder="templates")


def who_can_grant(user: User) -> str:
    """The sentence telling a learner whom to ask for another attempt: their team's supervisors, or a trainer."""
    names = [s.name for s in user.team.supervisors] if user.team is not None else []
    if not names:
        return _("Ask a trainer: they can grant you another attempt.")
    return ngettext("Ask your supervisor %(names)s or a trainer: they can grant you another attempt.",
                    "Ask one of your supervisors (%(names)s) or a trainer: they can grant you another attempt.",
                    len(names), names=", ".join(names))


def wait_message(wait) -> str:
    """Why a quiz is not open yet, and until when."""
    parts = []
    if wait.until is not None:
        parts.append(_("You can retake this quiz from %(when)s.", when=format_datetime(wait.until, "short")))
    if wait.lessons:
        parts.append(ngettext("Before retaking it, open the lesson again: it explains what you missed.",
                              "Before retaking it, open the %(num)d lessons again: they explain what you missed.",
                              len(wait.lessons)))
    return " ".join(parts)


def language() -> str:
    return str(get_locale())


@bp.context_processor
def training_helpers():
    return {"score_of": lambda attempt: format_score(attempt_score_display(attempt)), "today": clock.today(),
            "who_can_grant": who_can_grant, "wait_message": wait_message,
            "number_example": format_decimal(1234.5), "decimal_example": format_decimal(2.5)}


@bp.app_template_global("retraining_for_audit")
def retraining_for_audit(audit_id: int):
    """For the audit page's "Retraining it triggered" block (training/_audit_retraining.html)."""
    return queries.retraining_for_audit(audit_id, language(), clock.today())


def expire_lazily(user: User) -> None:
    commit_side_write(lambda: expire_certificates(clock.today(), user_id=user.id))


# --- staff ------------------------------------------------------------------------------------------------


@bp.route("/")
@roles_required(Role.staff)
def my_learning():
    expire_lazily(current_user)
    today = clock.today()
    certificates = queries.user_certificates(current_user.id)
    return render_template(
        "training/my_learning.html", assignments=queries.assignment_views(current_user, language(), today),
        certificates=certificates, expiring=queries.expiring_certificates(certificates, today),
        courses=queries.courses_in_force(include_retired=False))


def _course_or_404(course_id: int) -> Course:
    course = queries.load_course(course_id)
    if course is None or course.current_version is None:
        abort(404)
    return course


@bp.route("/courses/<int:course_id>")
@roles_required(Role.staff)
def course(course_id: int):
    course = _course_or_404(course_id)
    return render_template("training/course.html", course=course, version=course.current_version,
                           modules=queries.course_modules_for(current_user, course),
                           certificate=queries.current_certificate(current_user.id, course.id))


def _module_or_404(course: Course, module_key: str) -> CourseModule:
    module = next((m for m in course.current_version.modules if m.key == module_key), None)
    return module if module is not None else abort(404)


@bp.route("/courses/<int:course_id>/modules/<module_key>/lessons/<lesson_key>")
@roles_required(Role.staff)
def lesson(course_id: int, module_key: str, lesson_key: str):
    course = _course_or_404(course_id)
    module = _module_or_404(course, module_key)
    keys = [lesson["id"] for lesson in module.lessons]
    if lesson_key not in keys:
        abort(404)
    # Opening a lesson counts as reading it: one rule, no separate "mark as read" step.
    commit_side_write(lambda: mark_lesson_read(current_user, module, lesson_key))
    index = keys.index(lesson_key)
    return render_template(
        "training/lesson.html", course=course, version=course.current_version, module=module,
        lesson=module.lessons[index], number=index + 1,
        previous=keys[index - 1] if index > 0 else None, next=keys[index + 1] if index + 1 < len(keys) else None)


@bp.route("/courses/<int:course_id>/modules/<module_key>/quiz", methods=["POST"])
@roles_required(Role.staff)
def start_quiz(course_id: int, module_key: str):
    def start() -> int:
        # Run again when a second tab opening the same quiz held the lock: then it reuses that tab's attempt.
        return start_attempt(current_user, current_module(course_id, module_key) or abort(404)).id

    try:
        attempt_id = commit_when_unlocked(start)
    except AttemptLimitReached:
        flash(_("You have used every attempt this quiz allows.") + " " + who_can_grant(current_user), "error")
        return redirect(url_for("training.course", course_id=course_id, _anchor=f"module-{module_key}"))
    except QuizNotYetAvailable as error:
        flash(wait_message(error.wait), "warning")
        return redirect(url_for("training.course", course_id=course_id, _anchor=f"module-{module_key}"))
    except (NoQuiz, ModuleNotInForce):
        abort(404)
    return redirect(url_for("training.attempt", attempt_id=attempt_id))


def _own_attempt_or_404(attempt_id: int) -> QuizAttempt:
    attempt = queries.attempt_with_module(attempt_id)
    return attempt if attempt is not None and attempt.user_id == current_user.id else abort(404)


@bp.route("/attempts/<int:attempt_id>")
@roles_required(Role.staff)
def attempt(attempt_id: int):
    attempt = _own_attempt_or_404(attempt_id)
    if attempt.submitted_at is not None:
        return redirect(url_for("training.review", attempt_id=attempt.id))
    return _quiz_page(attempt)


def _quiz_page(attempt: QuizAttempt, given: dict | None = None, check=None, status: int = 200):
    """The quiz form; on a re-shown form, the answers `given` are filled in and `check` says what to settle."""
    version = attempt.module.course_version
    quiz = Quiz.from_dict(attempt.module.quiz, version.language)
    questions = {question.id: question for question in quiz.questions}
    shown = []
    for question_id in attempt.question_order:
        question = questions[question_id]
        options = {option.id: option for option in question.options}
        shown.append((question, [options[o] for o in attempt.option_order.get(question_id, []) if o in options]))
    allowance = attempt_allowance(attempt.user_id, attempt.course_id, attempt.module_key, quiz)
    last_attempt = allowance.left is not None and allowance.left <= 1
    given = {key: ([value] if isinstance(value, str) else list(value or [])) for key, value in (given or {}).items()}
    return render_template("training/quiz.html", attempt=attempt, version=version, quiz=quiz, questions=shown,
                           course=db.session.get(Course, attempt.course_id), given=given, check=check,
                           last_attempt=last_attempt, allowance=allowance), status


def _responses(attempt: QuizAttempt) -> dict:
    responses = {}
    for question_id in attempt.question_order:
        values = request.form.getlist(f"q-{question_id}")
        responses[question_id] = values if len(values) != 1 else values[0]
    return responses




@bp.route("/attempts/<int:attempt_id>/submit", methods=["POST"])
@roles_required(Role.staff)
def submit(attempt_id: int):
    attempt = _own_attempt_or_404(attempt_id)
    if attempt.submitted_at is None:
        # Nothing is scored by accident: blank questions need "submit anyway", unreadable numbers a fix.
        responses = _responses(attempt)
        check = check_submission(attempt, responses, language())
        if check.unreadable or (check.unanswered and request.form.get("confirm_blank") != "1"):
            return _quiz_page(attempt, responses, check, 400 if check.unreadable else 200)

    unread = [attempt]  # the first try uses the attempt read above (the same read transaction)

    def record():
        # A retry (after a rollback) reads the attempt again: another tab may have submitted it meanwhile. Either
        # way the conditional UPDATE of record_submission lets exactly one submission through.
        attempt = unread.pop() if unread else _own_attempt_or_404(attempt_id)
        responses = _responses(attempt)
        begin_writes(db.session)  # the checks above only read: now take the write lock (SQLite) and write
        # The message is read before the commit: afterwards every object is expired, and reading it again
        # would open a second transaction.
        return _outcome_message(submission_outcome(record_submission(attempt, responses, language())))

    flash(*commit_when_unlocked(record))
    return redirect(url_for("training.review", attempt_id=attempt_id))


def _outcome_message(outcome: SubmissionOutcome) -> tuple[str, str]:
    """The flash message (and its category) for a submitted attempt."""
    if not outcome.recorded:
        return _("This attempt was submitted already; here is its result."), "info"
    score = format_score(attempt_score_display(outcome.attempt))
    if outcome.attempt.passed:
        return _("Passed with %(score)s%%.", score=score), "success"
    if outcome.last_attempt_used:
        return _("Not passed: %(score)s%%. That was your last attempt.", score=score) + " " + \
            who_can_grant(current_user), "warning"
    if outcome.wait is not None:
        return _("Not passed this time: %(score)s%%. Read the feedback below.", score=score) + " " + \
            wait_message(outcome.wait), "warning"
    return _("Not passed this time: %(score)s%%. Read the feedback below, then try again.", score=score), "warning"


@bp.route("/attempts/<int:attempt_id>/review")
@roles_required(Role.staff, Role.supervisor)
def review(attempt_id: int):
    attempt = db.session.execute(
        select(QuizAttempt).where(QuizAttempt.id == attempt_id)
        .options(joinedload(QuizAttempt.user), joinedload(QuizAttempt.module).joinedload(CourseModule.course_version),
                 joinedload(QuizAttempt.answers))
    ).unique().scalar_one_or_none()
    if attempt is None or not can_see_staff(current_user, attempt.user):
        abort(404)
    if attempt.submitted_at is None:
        if attempt.user_id == current_user.id:
            return redirect(url_for("training.attempt", attempt_id=attempt.id))
        abort(404)
    version = attempt.module.course_version
    quiz = Quiz.from_dict(attempt.module.quiz, version.language)
    questions = {question.id: question for question in quiz.questions}
    answers = [(questions[a.question_key], a) for a in attempt.answers if a.question_key in questions]

    def ordered_options(question):
        """The options in the order this attempt showed them."""
        shown = attempt.option_order.get(question.id, [])
        return sorted(question.options, key=lambda o: shown.index(o.id) if o.id in shown else len(shown))

    return render_template("training/review.html", attempt=attempt, version=version, quiz=quiz, answers=answers,
                           course=db.session.get(Course, attempt.course_id), ordered_options=ordered_options,
                           reader_language=language())


@bp.route("/attempts/<int:attempt_id>/practice", methods=["GET", "POST"])
@roles_required(Role.staff)
def practice(attempt_id: int):
    """Practise the questions missed in a submitted attempt: judged here and now, never recorded or scored."""
    attempt = _own_attempt_or_404(attempt_id)
    if attempt.submitted_at is None:
        return redirect(url_for("training.attempt", attempt_id=attempt.id))
    version = attempt.module.course_version
    quiz = Quiz.from_dict(attempt.module.quiz, version.language)
    questions = {question.id: question for question in quiz.questions}
    missed_keys = {answer.question_key for answer in attempt.answers if not answer.correct}
    missed = []
    for question_id in attempt.question_order:
        if question_id in missed_keys and question_id in questions:
            question = questions[question_id]
            options = {option.id: option for option in question.options}
            missed.append((question, [options[o] for o in attempt.option_order.get(question_id, []) if o in options]))
    results = None
    given, problems = {}, {}
    if request.method == "POST":  # CSRFProtect has checked the token
        responses = _responses(attempt)
        given = {key: ([value] if isinstance(value, str) else list(value or [])) for key, value in responses.items()}
        results = {question.id: practice_result(question, responses.get(question.id)) for question, _ in missed}
        problems = {question.id: translate_message(
                        problem(question, clean_response(question, responses.get(question.id)), language()))
                    for question, _ in missed if results[question.id] == "unreadable"}
    return render_template("training/practice.html", attempt=attempt, version=version, quiz=quiz, questions=missed,
                           results=results, given=given, problems=problems,
                           course=db.session.get(Course, attempt.course_id))


def practice_result(question, raw) -> str:
    """"right", "wrong", "blank" or "unreadable" (an answer the type cannot judge yet: a number not written as
    in the learner's language, options sharing a place)."""
    response = clean_response(question, raw)
    if is_blank(question, response):
        return "blank"
    if problem(question, response, language()) is not None:
        return "unreadable"
    return "right" if credit(question, response, language()) == 1 else "wrong"


@bp.route("/certificates/<int:certificate_id>")
@roles_required(Role.staff, Role.supervisor)
def certificate(certificate_id: int):
    certificate = db.session.execute(
        select(Certificate).where(Certificate.id == certificate_id)
        .options(joinedload(Certificate.user), joinedload(Certificate.course_version))
    ).scalar_one_or_none()
    if certificate is None or not can_see_staff(current_user, certificate.user):
        abort(404)
    return render_template("training/certificate.html", certificate=certificate,
                           version=certificate.course_version)


# --- supervisors ------------------------------------------------------------------------------------------


def _visible_teams() -> list[Team]:
    teams = visible_team_ids(current_user)
    query = select(Team).order_by(Team.name)
    if teams is not None:
        query = query.where(Team.id.in_(teams))
    return list(db.session.execute(query).scalars())


@bp.route("/teams")
@roles_required(Role.supervisor)
def teams():
    teams = _visible_teams()
    courses = queries.courses_in_force()
    team = None
    if teams:
        team_id = request.args.get("team", type=int)
        team = next((t for t in teams if t.id == team_id), teams[0])
    course = None
    if courses:
        course_id = request.args.get("course", type=int)
        course = next((c for c in courses if c.id == course_id), courses[0])
    matrix = queries.completion_matrix(team, course, clock.today()) if team and course else None
    return render_template("training/teams.html", teams=teams, courses=courses, team=team, course=course,
                           matrix=matrix, statuses=queries.STATUSES)


@bp.route("/teams/<int:team_id>")
@roles_required(Role.supervisor)
def team_matrix(team_id: int):
    team = db.session.get(Team, team_id)
    if team is None:
        abort(404)
    if not can_see_team(current_user, team.id):
        abort(403)
    return redirect(url_for("training.teams", team=team.id, course=request.args.get("course", type=int)))


def _assign_choices(form: AssignForm, teams: list[Team], courses: list[Course]) -> dict[str, list[User]]:
    lang = language()
    form.course_id.choices = [(c.id, queries.course_title(c, lang)) for c in courses]
    staff = queries.team_staff([t.id for t in teams])
    targets: dict[str, list[User]] = {}
    choices = []
    for team in teams:
        members = [u for u in staff if u.team_id == team.id]
        targets[f"team-{team.id}"] = members
        choices.append((f"team-{team.id}", ngettext("Whole team: %(team)s (%(num)d person)", "Whole team: %(team)s (%(num)d people)",
                                                    len(members), team=team.name)))
    for user in staff:
        targets[f"user-{user.id}"] = [user]
        choices.append((f"user-{user.id}", f"{user.name} · {user.team.name if user.team else ''}"))
    form.who.choices = choices
    return targets


@bp.route("/assign", methods=["GET", "POST"])
@roles_required(Role.supervisor)
def assign():
    teams = _visible_teams()
    courses = queries.courses_in_force(include_retired=False)
    form = AssignForm()
    targets = _assign_choices(form, teams, courses)
    if request.method == "GET":
        form.course_id.data = request.args.get("course", type=int)
        team_id = request.args.get("team", type=int)
        if team_id:
            form.who.data = f"team-{team_id}"
    if form.validate_on_submit():
        if (earlier := first_submission(form)) is not None:
            return redirect(earlier)
        course = next(c for c in courses if c.id == form.course_id.data)
        people = targets[form.who.data]
        for person in people:
            assign_course(person, course, form.due_date.data, current_user)
        team_id = people[0].team_id if people else None
        return saved(form, url_for("training.teams", team=team_id, course=course.id),
                     ngettext("%(course)s assigned to %(num)d person.", "%(course)s assigned to %(num)d people.",
                              len(people), course=queries.course_title(course, language())))
    return render_template("training/assign.html", form=form, courses=courses), 400 if form.errors else 200


# --- extra attempts (supervisors of the person's team, trainers) -------------------------------------------


@bp.route("/attempts-used-up")
@roles_required(Role.supervisor, Role.trainer)
def out_of_attempts():
    team_ids = None if current_user.is_admin or current_user.has_role(Role.trainer) else visible_team_ids(current_user)
    return render_template("training/out_of_attempts.html", stuck=queries.out_of_attempts(team_ids))


@bp.route("/people/<int:user_id>/courses/<int:course_id>/modules/<module_key>/attempts", methods=["GET", "POST"])
@roles_required(Role.supervisor, Role.trainer)
def allowance(user_id: int, course_id: int, module_key: str):
    staff = db.session.get(User, user_id)
    if staff is None or not may_grant_attempts(current_user, staff):
        abort(404)
    course = _course_or_404(course_id)
    module = _module_or_404(course, module_key)
    quiz = module_quiz(module)
    if quiz is None:
        abort(404)
    form = GrantAttemptsForm()
    if form.validate_on_submit():
        grant_attempts(staff, course.id, module.key, form.extra_attempts.data, form.reason.data, current_user)
        db.session.commit()
        flash(ngettext("%(num)d extra attempt granted to %(name)s.", "%(num)d extra attempts granted to %(name)s.",
                       form.extra_attempts.data, name=staff.name), "success")
        return redirect(url_for("training.allowance", user_id=staff.id, course_id=course.id, module_key=module.key))
    attempts = db.session.execute(
        select(QuizAttempt).where(QuizAttempt.user_id == staff.id, QuizAttempt.course_id == course.id,
                                  QuizAttempt.module_key == module.key).order_by(QuizAttempt.number)).scalars().all()
    return render_template(
        "training/allowance.html", staff=staff, course=course, version=course.current_version, module=module,
        quiz=quiz, allowance=attempt_allowance(staff.id, course.id, module.key, quiz), attempts=attempts,
        grants=grants_of(staff.id, course.id, module.key), form=form,
        may_review=can_see_staff(current_user, staff) and (current_user.is_admin or current_user.has_role(Role.supervisor)),
    ), 400 if form.errors else 200


# --- trainers ---------------------------------------------------------------------------------------------


@bp.route("/items")
@roles_required(Role.trainer)
def items():
    return render_template("training/items.html", stats=queries.quiz_module_stats())


@bp.route("/items/<int:module_id>")
@roles_required(Role.trainer)
def item_analysis(module_id: int):
    module = db.session.execute(
        select(CourseModule).where(CourseModule.id == module_id)
        .options(joinedload(CourseModule.course_version).joinedload(CourseVersion.course))
    ).scalar_one_or_none()
    if module is None or module.quiz is None:
        abort(404)
    all_attempts = request.args.get("attempts") == "all"
    return render_template("training/item_analysis.html", report=queries.item_report(module, all_attempts),
                           module=module, version=module.course_version, thresholds=FLAG_THRESHOLDS)
