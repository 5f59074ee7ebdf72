from __future__ import annotations

from typing import Any, ClassVar

import rules
from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    """People sign in with their email address; there is no username."""

    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create(email, password, **extra)


class DigestFrequency(models.TextChoices):
    """How often someone is emailed the list of what waits for them, if at all."""

    NEVER = "never", _("Never")
    DAILY = "daily", _("Every morning, when something is waiting")
    WEEKLY = "weekly", _("On Monday mornings, when something is waiting")


class User(AbstractUser):
    username = None  # type: ignore[assignment]
    email = models.EmailField(_("email address"), unique=True)
    #: Bumped when the user gains a role that needs MFA, so signed-in sessions check again.
    role_stamp = models.PositiveIntegerField(default=0, editable=False)
    #: Moved on by the database itself (triggers, organisations migration 0017) whenever
    #: anything that decides this person's organisations, roles or leads changes, however it
    #: changed: a page, the API, an import, a bulk update, a cascade, the admin. The person's
    #: access is cached under it (organisations.selectors), so a change reaches the very next
    #: request. Never written by the application.
    access_version = models.BigIntegerField(default=0, db_default=0, editable=False)
    #: The person's choice of an email of what waits for them (organisations.digest).
    waiting_digest = models.CharField(
        _("email me what is waiting for me"),
        max_length=10,
        choices=DigestFrequency.choices,
        default=DigestFrequency.NEVER,
    )
    #: The last day a digest was claimed, so a second run that day sends nothing.
    waiting_digest_sent_on = models.DateField(null=True, blank=True, editable=False)
    #: The language the person chose for pages, emails and documents; empty follows their
    #: organisation's default (organisations.languages).
    language = models.CharField(
        _("language"),
        max_length=10,
        blank=True,
        default="",
        db_default="",
        choices=settings.LANGUAGES,
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        indexes = [
            # The morning email job reads only the few who asked for it, not every account.
            models.Index(
                fields=["waiting_digest"],
                condition=~models.Q(waiting_digest="never"),
                name="user_waiting_digest_idx",
            )
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        """The product's own permissions are decided by ``rules`` alone.

        Django lets superusers through every check; here a deployment admin gets no
        shortcut into organisations or carers' records (trust rule 1). Django's model
        permissions, used by the admin site, keep their usual behaviour.
        """
        if rules.perm_exists(perm):
            return self.is_active and rules.has_perm(perm, self, obj)
        return super().has_perm(perm, obj)
