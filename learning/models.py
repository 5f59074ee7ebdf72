"""A learner's progress through a module and their quiz attempts.

A learner is a person in one organisation: the same person in two organisations learns in
each. Modules live in files (``learning.content``), so rows name a module by its slug and keep
the version the learner read or was tested on: a passed attempt stays what it was when the
module changes, and is what a badge will later be issued for.

A reflection on one of the Core Principles (``learning.principles``) is the learner's alone,
like their personal plan: no page, report or admin screen shows it to anyone else.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from organisations.models import Organisation


class ModuleProgress(models.Model):
    """How far a learner has come in one module."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    module = models.SlugField(max_length=50)
    #: The module version the lessons were read in.
    module_version = models.PositiveIntegerField()
    #: Slugs of the lessons marked as done, in the order they were done.
    lessons_done = models.JSONField(default=list)
    started_at = models.DateTimeField(auto_now_add=True)
    #: When the learner first passed the quiz; the attempt that did it.
    completed_at = models.DateTimeField(null=True, blank=True)
    passed_attempt = models.ForeignKey(
        "QuizAttempt", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user", "module"], name="learning_one_progress_per_module"
            )
        ]

    def __str__(self) -> str:
        return f"{self.module} progress {self.pk}"


class QuizAttempt(models.Model):
    """One go at a module's quiz. The questions are drawn and stored when it starts, so the
    answers are scored against what was asked, on the server; it is scored once."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    module = models.SlugField(max_length=50)
    module_version = models.PositiveIntegerField()
    #: The ids of the questions asked, in the order shown.
    questions = models.JSONField()
    #: Question id to the option ids chosen; empty until submitted.
    answers = models.JSONField(default=dict)
    score = models.PositiveIntegerField(null=True, blank=True)
    passed = models.BooleanField(null=True, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user", "module"],
                condition=Q(submitted_at__isnull=True),
                name="learning_one_open_attempt_per_module",
            ),
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True, score__isnull=True, passed__isnull=True)
                | Q(submitted_at__isnull=False, score__isnull=False, passed__isnull=False),
                name="learning_attempt_scored_when_submitted",
            ),
        ]
        indexes = [
            models.Index(
                fields=["organisation", "user", "module", "-started_at"],
                name="learning_attempts_latest",
            )
        ]

    def __str__(self) -> str:
        return f"{self.module} attempt {self.pk}"

    @property
    def submitted(self) -> bool:
        return self.submitted_at is not None


class Badge(models.Model):
    """An Open Badges 3.0 credential issued for passing a module, as it was signed.

    The signed token is kept so that every download is the same credential. The public page
    (``public_id``) shows only what the holder chooses; a badge whose module version has been
    withdrawn, or that has expired, is shown as no longer valid.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    module = models.SlugField(max_length=50)
    module_version = models.PositiveIntegerField()
    #: Deleting the attempt (with its learner's account) deletes the badge: it is theirs.
    attempt = models.OneToOneField(QuizAttempt, on_delete=models.CASCADE, related_name="badge")
    #: In the credential's id and the public page's address: random, so not guessable.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    issued_at = models.DateTimeField()
    valid_until = models.DateTimeField()
    #: The compact JWS, exactly as signed.
    token = models.TextField(editable=False)
    #: The holder's choices for the public page: whether it exists, and whether it names them.
    shared = models.BooleanField(default=True)
    show_name = models.BooleanField(default=False)

    class Meta:
        # One badge per passing attempt (the one-to-one above); a learner whose badge was
        # withdrawn or has expired can earn another on a later pass.
        indexes = [models.Index(fields=["user", "-issued_at"], name="learning_badges_of_user")]

    def __str__(self) -> str:
        return f"{self.module} badge {self.pk}"


#: Longest reflection notes and first step, in characters: room for a few paragraphs, and a
#: step short enough to be one row of a personal plan.
NOTES_MAX = 4000
FIRST_STEP_MAX = 1000


class ReflectionEntry(models.Model):
    """A learner's own notes on one Core Principle and the first step they will take."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    #: A ``learning.principles.Principle`` slug.
    principle = models.SlugField(max_length=50)
    notes = models.TextField(max_length=NOTES_MAX, blank=True)
    first_step = models.TextField(max_length=FIRST_STEP_MAX, blank=True)
    #: Goes up with every save, so a save from an older copy (another tab) is caught.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user", "principle"],
                name="learning_one_reflection_per_principle",
            )
        ]

    def __str__(self) -> str:
        return f"Reflection {self.pk}"


#: Longest text an organisation may put in place of a lesson, in characters: several times
#: the longest shipped lesson, and short enough to read in one sitting.
LESSON_TEXT_MAX = 20_000


class LessonText(models.Model):
    """An organisation's own text for one lesson of a shipped module, shown to its learners in
    place of the standard text (typically its own policy or contacts). Organisation content,
    not anyone's own: HR writes it and its audit entries are ordinary ones."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    module = models.SlugField(max_length=50)
    lesson = models.SlugField(max_length=50)
    markdown = models.TextField(max_length=LESSON_TEXT_MAX)
    #: The module version the text was written against: a later version means the standard
    #: lesson may have changed, and HR is asked to check their text.
    module_version = models.PositiveIntegerField()
    #: Goes up with every save, so a save from an older copy (another tab) is caught.
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "module", "lesson"], name="learning_one_text_per_lesson"
            )
        ]

    def __str__(self) -> str:
        return f"{self.module}/{self.lesson} text {self.pk}"


class OwnModule(models.Model):
    """A module an organisation wrote itself through pages (``learning.own_modules``).

    HR edits a draft: the module as ``module.yaml`` and ``quiz.yaml`` would hold it, with each
    lesson's Markdown beside its entry. Publishing checks the draft against the same schemas as
    the shipped modules and keeps it as a new ``OwnModuleVersion``, which is what learners
    read; the draft can then change without touching anyone's module until it is published
    again. Organisation content: its audit entries are ordinary ones.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    #: Always starts ``our-`` (``learning.own_modules.OWN_PREFIX``), which no shipped module
    #: may, so progress, attempts and badges name one module whatever a later release ships.
    slug = models.SlugField(max_length=50)
    draft = models.JSONField()
    #: Goes up with every change to the draft, so a save from an older copy is caught.
    version = models.PositiveIntegerField(default=1)
    #: The version learners read; 0 until the first publish.
    published_version = models.PositiveIntegerField(default=0)
    #: When HR took the module away from learners; badges earned on it still stand.
    retired_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "slug"], name="learning_own_module_slug_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.slug} {self.pk}"


class OwnModuleVersion(models.Model):
    """One published version of an organisation's own module, kept as it was published, so a
    learner's result and badge are read against the version they took."""

    module = models.ForeignKey(OwnModule, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    #: ``{"module": <module.yaml>, "quiz": <quiz.yaml>, "lessons": [<Markdown>, …]}``.
    content = models.JSONField()
    published_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["module", "version"], name="learning_own_module_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.module_id} v{self.version}"
