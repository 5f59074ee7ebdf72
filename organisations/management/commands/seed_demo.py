"""Build the fictional demo partnership used by `make run` and the screenshots.

Runs once: if the demo partnership already exists it only prints the logins.
Everything is generated from a fixed seed, so every machine gets the same people.
"""

from __future__ import annotations

import base64
import hashlib
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from organisations.models import (
    Membership,
    Nation,
    Organisation,
    Partnership,
    PartnershipLead,
    Role,
    Sector,
    SizeBand,
    StaffRecord,
    Unit,
)

PARTNERSHIP_SLUG = "eastbrook"
DOMAIN = "demo.carershub.test"

FIRST = [
    "Aisha",
    "Ben",
    "Chloe",
    "Daniel",
    "Ellie",
    "Farah",
    "George",
    "Hannah",
    "Imran",
    "Jack",
    "Kasia",
    "Liam",
    "Maya",
    "Noah",
    "Olivia",
    "Priya",
    "Quinn",
    "Rhys",
    "Sara",
    "Tom",
    "Uma",
    "Victor",
    "Wendy",
    "Yusuf",
    "Zara",
    "Amir",
    "Bethan",
    "Callum",
    "Deepa",
    "Ewan",
    "Fiona",
    "Gareth",
    "Holly",
    "Ioan",
    "Jade",
    "Kieran",
    "Leah",
    "Mohammed",
    "Niamh",
    "Owen",
    "Poppy",
    "Rosa",
    "Sean",
    "Tariq",
    "Ruth",
    "Grace",
    "Isla",
    "Ffion",
    "Morag",
]
LAST = [
    "Adams",
    "Ahmed",
    "Bell",
    "Brown",
    "Campbell",
    "Chen",
    "Clarke",
    "Davies",
    "Evans",
    "Fraser",
    "Green",
    "Hughes",
    "Hussain",
    "Jones",
    "Kaur",
    "Khan",
    "Lewis",
    "MacLeod",
    "Martin",
    "Morgan",
    "Murray",
    "Nowak",
    "O'Brien",
    "Patel",
    "Price",
    "Roberts",
    "Robertson",
    "Shah",
    "Singh",
    "Smith",
    "Stewart",
    "Taylor",
    "Thomas",
    "Walker",
    "Watson",
    "White",
    "Williams",
    "Wilson",
    "Wright",
    "Young",
]


@dataclass(frozen=True)
class DemoLogin:
    email: str
    name: str
    organisation: str
    roles: tuple[Role, ...]
    staff: bool = True
    lead: bool = False
    superuser: bool = False


LOGINS = (
    DemoLogin("carer", "Cara Lewis", "eastbrook-hospitals", (Role.EMPLOYEE,)),
    DemoLogin("manager", "Marcus Reid", "eastbrook-hospitals", (Role.EMPLOYEE,)),
    DemoLogin("new.manager", "Nadia Shah", "eastbrook-hospitals", (Role.EMPLOYEE,)),
    DemoLogin("hr", "Helen Rowe", "eastbrook-hospitals", (Role.EMPLOYEE, Role.HR_ADMIN)),
    DemoLogin("champion", "Chris Doyle", "eastbrook-hospitals", (Role.EMPLOYEE, Role.CHAMPION)),
    DemoLogin("sponsor", "Sam Okafor", "eastbrook-hospitals", (Role.EMPLOYEE, Role.SPONSOR)),
    DemoLogin("org.admin", "Olu Adeyemi", "eastbrook-hospitals", (Role.EMPLOYEE, Role.ORG_ADMIN)),
    DemoLogin(
        "council.hr",
        "Kim Park",
        "eastbrook-council",
        (Role.EMPLOYEE, Role.HR_ADMIN, Role.ORG_ADMIN),
    ),
    DemoLogin(
        "charity.admin",
        "Morag Fraser",
        "glenbrae-carers",
        (Role.EMPLOYEE, Role.HR_ADMIN, Role.ORG_ADMIN),
    ),
    DemoLogin("lead", "Priya Nair", "", (), staff=False, lead=True),
    DemoLogin("admin", "Deployment Admin", "", (), staff=False, superuser=True),
)
# HR at the trust also runs HR for the small charity, which shows the organisation switcher.
EXTRA_MEMBERSHIPS = (("hr", "glenbrae-carers", (Role.EMPLOYEE, Role.HR_ADMIN)),)

ORGANISATIONS: dict[str, dict[str, Any]] = {
    "eastbrook-hospitals": {
        "name": "Eastbrook Hospitals NHS Foundation Trust",
        "nation": Nation.ENGLAND,
        "sector": Sector.NHS,
        "size_band": SizeBand.LARGE,
        "prefix": "EHT",
        "staff": 600,
        "units": {
            "MED": (
                "Medicine",
                ["Acute Medical Unit", "Cardiology", "Elderly Care", "Respiratory"],
            ),
            "SUR": ("Surgery", ["Theatres", "Orthopaedics", "General Surgery"]),
            "WCH": ("Women and Children", ["Maternity", "Paediatrics", "Neonatal Unit"]),
            "COR": ("Corporate Services", ["People and Culture", "Finance", "Estates", "Digital"]),
        },
    },
    "eastbrook-council": {
        "name": "Eastbrook City Council",
        "nation": Nation.ENGLAND,
        "sector": Sector.LOCAL_GOVERNMENT,
        "size_band": SizeBand.LARGE,
        "prefix": "ECC",
        "staff": 300,
        "units": {
            "ASC": ("Adults and Health", ["Adult Social Work", "Reablement", "Commissioning"]),
            "CHS": ("Children and Families", ["Early Help", "Fostering", "Schools Support"]),
            "RES": ("Resources", ["Revenues and Benefits", "HR and Payroll", "Customer Contact"]),
        },
    },
    "glenbrae-carers": {
        "name": "Glenbrae Carers Support",
        "nation": Nation.SCOTLAND,
        "sector": Sector.VOLUNTARY,
        "size_band": SizeBand.SMALL,
        "prefix": "GCS",
        "staff": 25,
        "units": {
            "SVC": ("Services", ["Carer Support Workers", "Young Carers"]),
            "OPS": ("Operations", ["Fundraising and Office"]),
        },
    },
}

PATTERNS = (
    (Decimal("5.0"), Decimal("37.50")),
    (Decimal("5.0"), Decimal("37.50")),
    (Decimal("5.0"), Decimal("37.50")),
    (Decimal("4.0"), Decimal("30.00")),
    (Decimal("3.0"), Decimal("22.50")),
    (Decimal("2.5"), Decimal("18.75")),
    (Decimal("3.0"), Decimal("36.00")),
)


def demo_email(local: str) -> str:
    return f"{local}@{DOMAIN}"


def demo_totp_secret(email: str) -> str:
    """A fixed secret per demo account, so the README can list it."""
    digest = hashlib.sha256(f"working-carers-hub-demo:{email}".encode()).digest()[:20]
    return base64.b32encode(digest).decode()


def needs_mfa(login: DemoLogin) -> bool:
    return login.lead or login.superuser or bool({Role.HR_ADMIN, Role.ORG_ADMIN} & set(login.roles))


class Command(BaseCommand):
    help = "Create the fictional Eastbrook demo partnership with staff and one login per role."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            # The demo superuser's password and authenticator key are published.
            raise CommandError("seed_demo is for demonstrations and refuses to run in production")
        if Partnership.objects.filter(slug=PARTNERSHIP_SLUG).exists():
            self.stdout.write("Demo data already loaded.")
        else:
            with transaction.atomic():
                self._build()
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self._print_logins()

    def _build(self) -> None:
        rng = random.Random(2026)
        partnership = Partnership.objects.create(
            name="Eastbrook Health and Care Partnership", slug=PARTNERSHIP_SLUG
        )
        organisations: dict[str, Organisation] = {}
        leaders: dict[str, dict[str, StaffRecord]] = {}
        for slug, spec in ORGANISATIONS.items():
            organisation = Organisation.objects.create(
                partnership=partnership,
                slug=slug,
                name=spec["name"],
                nation=spec["nation"],
                sector=spec["sector"],
                size_band=spec["size_band"],
            )
            organisations[slug] = organisation
            leaders[slug] = self._build_staff(organisation, spec, rng)

        users: dict[str, User] = {}
        for login in LOGINS:
            email = demo_email(login.email)
            first, last = login.name.split(" ", 1)
            user = User.objects.create_user(
                email=email,
                password=settings.DEMO_PASSWORD,
                first_name=first,
                last_name=last,
                is_staff=login.superuser,
                is_superuser=login.superuser,
            )
            EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
            if needs_mfa(login):
                TOTP.activate(user, demo_totp_secret(email))
            users[login.email] = user
            if login.lead:
                PartnershipLead.objects.create(user=user, partnership=partnership)
            if login.organisation:
                organisation = organisations[login.organisation]
                for role in login.roles:
                    Membership.objects.create(user=user, organisation=organisation, role=role)
        for local, slug, roles in EXTRA_MEMBERSHIPS:
            for role in roles:
                Membership.objects.create(
                    user=users[local], organisation=organisations[slug], role=role
                )

        self._link_demo_people(organisations, leaders, users)
        self._demo_requests(organisations["eastbrook-hospitals"], users)
        self._demo_passport(organisations["eastbrook-hospitals"], users)
        self._demo_plans(organisations["eastbrook-hospitals"], users)
        self._demo_commitment(organisations["eastbrook-hospitals"], users)
        self._demo_assessments(organisations["eastbrook-hospitals"], users)

    def _build_staff(
        self, organisation: Organisation, spec: dict[str, Any], rng: random.Random
    ) -> dict[str, StaffRecord]:
        """Units in a tree and staff in chains: chief → directors → heads → team managers → staff."""
        prefix = spec["prefix"]
        counter = iter(range(10001, 99999))

        def person(unit: Unit | None, manager: StaffRecord | None, **extra: Any) -> StaffRecord:
            days, hours = rng.choice(PATTERNS)
            first, last = rng.choice(FIRST), rng.choice(LAST)
            number = f"{prefix}{next(counter)}"
            return StaffRecord.objects.create(
                organisation=organisation,
                staff_number=number,
                first_name=extra.pop("first_name", first),
                last_name=extra.pop("last_name", last),
                work_email=f"{first}.{last}.{number}@{organisation.slug}.{DOMAIN}".lower().replace(
                    "'", ""
                ),
                unit=unit,
                line_manager=manager,
                days_per_week=days,
                hours_per_week=hours,
                start_date=date(2026, 1, 5) - timedelta(days=rng.randint(30, 9000)),
                **extra,
            )

        chief = person(None, None)
        directorates: list[tuple[Unit, StaffRecord, list[tuple[Unit, StaffRecord]]]] = []
        for code, (name, children) in spec["units"].items():
            top = Unit.objects.create(organisation=organisation, code=code, name=name)
            director = person(top, chief)
            teams = []
            for index, child in enumerate(children, start=1):
                unit = Unit.objects.create(
                    organisation=organisation, code=f"{code}{index:02d}", name=child, parent=top
                )
                head = person(unit, director)
                teams.append((unit, head))
            directorates.append((top, director, teams))
        created = 1 + sum(1 + len(teams) for _t, _d, teams in directorates)
        all_teams = [team for _t, _d, teams in directorates for team in teams]
        team_managers: list[tuple[Unit, StaffRecord]] = []
        for unit, head in all_teams:
            for _ in range(2 if spec["staff"] > 100 else 1):
                team_managers.append((unit, person(unit, head)))
                created += 1
        for index in range(max(0, spec["staff"] - created)):
            unit, manager = team_managers[index % len(team_managers)]
            person(unit, manager)
        return {"chief": chief, "first_team_manager": team_managers[0][1]}

    def _link_demo_people(
        self,
        organisations: dict[str, Organisation],
        leaders: dict[str, dict[str, StaffRecord]],
        users: dict[str, User],
    ) -> None:
        """Give demo logins staff records in believable places: the carer reports to the manager."""
        trust = organisations["eastbrook-hospitals"]
        team_manager = leaders["eastbrook-hospitals"]["first_team_manager"]
        # The carer's record points at the manager's, so the manager's is made first.
        for login in sorted(LOGINS, key=lambda item: item.email == "carer"):
            if not (login.staff and login.organisation):
                continue
            organisation = organisations[login.organisation]
            user = users[login.email]
            first, last = login.name.split(" ", 1)
            manager = None
            unit = None
            if organisation == trust:
                if login.email == "carer":
                    manager = StaffRecord.objects.get(user=users["manager"], organisation=trust)
                    unit = manager.unit
                elif login.email in {"manager", "new.manager"}:
                    manager, unit = team_manager, team_manager.unit
                else:
                    manager = leaders["eastbrook-hospitals"]["chief"]
            else:
                manager = leaders[login.organisation]["chief"]
            StaffRecord.objects.create(
                organisation=organisation,
                staff_number=f"DEMO-{login.email.upper().replace('.', '-')}",
                first_name=first,
                last_name=last,
                work_email=demo_email(login.email),
                unit=unit,
                line_manager=manager,
                days_per_week=Decimal("5.0"),
                hours_per_week=Decimal("37.50"),
                start_date=date(2019, 9, 2),
                user=user,
            )
        # A few colleagues report to the demo manager, so "Your team" has people in it.
        manager_record = StaffRecord.objects.get(user=users["manager"], organisation=trust)
        others = list(
            StaffRecord.objects.filter(
                organisation=trust, line_manager=team_manager, user__isnull=True
            )[:4]
        )
        for record in others:
            record.line_manager = manager_record
            record.unit = manager_record.unit
        StaffRecord.objects.bulk_update(others, ["line_manager", "unit"])

    def _demo_requests(self, trust: Organisation, users: dict[str, User]) -> None:
        """Something for the demo manager to decide: a carer's leave and a flexible request."""
        from leave.flexible import flexible_request_submit
        from leave.services import carers_leave_request
        from leave.statutory import carers_leave_day_problem

        today = timezone.localdate()
        carer = StaffRecord.objects.get(user=users["carer"], organisation=trust)
        # Two days in a row, at least two weeks ahead, both working days (not bank holidays).
        first = today + timedelta(days=14)
        while any(
            carers_leave_day_problem(
                day=day,
                working_days=carer.working_days,
                nation=trust.nation,
                works_bank_holidays=carer.bank_holidays_worked,
            )
            for day in (first, first + timedelta(days=1))
        ):
            first += timedelta(days=1)
        carers_leave_request(
            staff=carer,
            days=[(first, "am"), (first + timedelta(days=1), "full")],
            note="",
            by=users["carer"],
            today=today,
        )
        flexible_request_submit(
            staff=carer,
            change_requested="Start at 10am on Tuesdays and Thursdays, making the time up on Fridays.",
            start_from=today + timedelta(days=42),
            by=users["carer"],
            today=today,
        )

    def _demo_passport(self, trust: Organisation, users: dict[str, User]) -> None:
        """Cara's passport, agreed with Marcus once, with one new request waiting since."""
        from passports.models import AdjustmentStatus, Passport
        from passports.services import (
            adjustment_add,
            adjustment_update,
            carer_declare,
            conversation_record,
            passport_set_review,
            passport_sign,
            passport_update_about,
        )

        today = timezone.localdate()
        carer, manager = users["carer"], users["manager"]
        carer_record = StaffRecord.objects.get(user=carer, organisation=trust)
        carer_declare(
            staff=carer_record,
            relationship="parent",
            need_kinds=["older_age"],
            hours_band="10_19",
            share_with_manager=True,
            by=carer,
        )
        passport = Passport.objects.get(staff=carer_record)
        passport_update_about(
            passport=passport,
            expected_version=None,
            about_caring="I look after my mum, who lives alone ten minutes away. I call in before "
            "work and most evenings, and take her to hospital appointments.",
            plan_b_contacts="My brother Tom (07700 900123) can go round if I cannot.",
            plan_b_at_work="Tell the ward manager; my handover notes are in the shared folder.",
            by=carer,
        )
        for kind, details in (
            ("flexible_hours", "Start any time between 8:00 and 9:30, finishing later to match."),
            ("phone_access", "Keep my phone with me on shift to take calls from mum's carers."),
        ):
            adjustment = adjustment_add(
                passport=passport,
                expected_version=None,
                kind=kind,
                details=details,
                review_on=today + timedelta(days=180),
                by=carer,
            )
            adjustment_update(
                adjustment=adjustment,
                expected_version=None,
                details=details,
                status=AdjustmentStatus.AGREED,
                review_on=adjustment.review_on,
                by=manager,
            )
        conversation_record(
            passport=passport,
            held_on=today - timedelta(days=3),
            notes="Talked about mornings and appointments. Agreed the flexible start and phone.",
            by=manager,
        )
        passport_set_review(
            passport=passport,
            expected_version=None,
            next_review_on=today + timedelta(days=330),
            by=manager,
        )
        passport.refresh_from_db()
        passport_sign(passport=passport, expected_version=passport.version, by=carer)
        passport_sign(passport=passport, expected_version=passport.version, by=manager)
        adjustment_add(
            passport=passport,
            expected_version=None,
            kind="appointments",
            details="Two hours each month for mum's clinic, made up the same week.",
            review_on=None,
            by=carer,
        )

    def _demo_commitment(self, trust: Organisation, users: dict[str, User]) -> None:
        """The trust's leadership commitment: adopted by Helen, signed by Sam, published."""
        from audit.models import Channel
        from commitments.services import (
            commitment_adopt_template,
            draft_mark_ready,
            draft_update,
            version_publish,
            version_sign,
        )

        hr, sponsor = users["hr"], users["sponsor"]
        draft = commitment_adopt_template(organisation=trust, by=hr, channel=Channel.COMMAND)
        draft = draft_update(
            version=draft,
            expected_revision=draft.revision,
            text=draft.text.replace(
                "## Who is responsible",
                "In our first year, every ward and department will also name a contact "
                "whom working carers can go to for advice.\n\n"
                "## Who is responsible",
            ),
            by=hr,
            channel=Channel.COMMAND,
        )
        draft = draft_mark_ready(
            version=draft, expected_revision=draft.revision, by=hr, channel=Channel.COMMAND
        )
        signed = version_sign(
            version=draft,
            expected_revision=draft.revision,
            name="Sam Okafor",
            role="Chief Executive",
            signed_on=timezone.localdate(),
            authority_confirmed=True,
            by=sponsor,
            channel=Channel.COMMAND,
        )
        version_publish(version=signed, by=hr, channel=Channel.COMMAND)

    def _demo_plans(self, trust: Organisation, users: dict[str, User]) -> None:
        """A carers' strategy plan kept by Helen, with progress, and Marcus's own plan."""
        from audit.models import Channel
        from plans.services import (
            ActionInput,
            RowInput,
            action_create,
            org_plan_create,
            personal_plan_create,
            priority_create,
            progress_add,
        )

        today = timezone.localdate()
        year = today.year if today.month >= 4 else today.year - 1
        hr, manager, champion = users["hr"], users["manager"], users["champion"]
        cmd = Channel.COMMAND
        plan = org_plan_create(
            organisation=trust,
            title="Working carers strategy action plan",
            period_start=date(year, 4, 1),
            period_end=date(year + 3, 3, 31),
            by=hr,
            channel=cmd,
        )
        this_year = plan.periods[0]
        for number, title, aim, actions in (
            (
                "1",
                "Information and communication",
                "Make sure carers on the staff can find good information and support.",
                (
                    (
                        "Raise the profile of working carers",
                        "Posters in every ward and an intranet page, refreshed each Carers Week.",
                        "Competing demands for space in staff news.",
                        champion,
                        60,
                        ("green", "Posters are up on all wards; the intranet page is live."),
                    ),
                    (
                        "Brief line managers on carer's leave",
                        "A 20-minute briefing in each directorate's managers' meeting.",
                        "Managers' meetings are often cut short.",
                        manager,
                        20,
                        ("amber", "Medicine and Surgery briefed; two directorates to go."),
                    ),
                ),
            ),
            (
                "2",
                "Health and wellbeing",
                "Help carers on the staff stay well.",
                (
                    (
                        "Wellbeing drop-ins for staff with caring roles",
                        "Quarterly drop-ins with occupational health, in person and online.",
                        "Funding not yet agreed.",
                        hr,
                        120,
                        ("red", "Waiting for a budget decision."),
                    ),
                ),
            ),
        ):
            priority = priority_create(
                plan=plan, number=number, title=title, aim=aim, by=hr, channel=cmd
            )
            for planned, will_do, risks, owner, due_in, progress in actions:
                action = action_create(
                    priority=priority,
                    data=ActionInput(
                        planned_action=planned,
                        what_we_will_do=will_do,
                        risks=risks,
                        owner=owner,
                        due_on=today + timedelta(days=due_in),
                    ),
                    by=hr,
                    channel=cmd,
                )
                rag, text = progress
                progress_add(
                    action=action, period=this_year, text=text, rag=rag, by=hr, channel=cmd
                )
        personal_plan_create(
            organisation=trust,
            by=manager,
            title="Supporting carers in my team",
            goal="A team where people feel able to say they are carers and get the support they need.",
            first_step="Ask HR this week what our carers policy says about flexible working.",
            first_step_on=today + timedelta(days=3),
            rows=[
                RowInput(
                    criterion_title="Identification of carers",
                    action="Mention carers and the carer's passport at my next team meeting.",
                    help_from="The carer champion",
                    due_note="Next team meeting",
                ),
                RowInput(
                    criterion_title="Peer support",
                    action="Find out when the staff carers' network meets and tell the team.",
                    help_from="The carer champion and the intranet",
                    due_on=today + timedelta(days=21),
                ),
            ],
            channel=cmd,
        )

    def _demo_assessments(self, trust: Organisation, users: dict[str, User]) -> None:
        """Carer Positive: version 1 signed off at Engaged, version 2 a draft working towards
        Established, with the carers policy uploaded."""
        from django.core.files.uploadedfile import SimpleUploadedFile

        from audit.models import Channel
        from benchmarks.frameworks import get_framework
        from benchmarks.services import (
            AnswerInput,
            assessment_sign_off,
            assessment_start,
            criterion_save,
            evidence_upload,
        )

        hr = users["hr"]
        framework = get_framework("carer-positive")
        assert framework is not None
        first = assessment_start(
            organisation=trust, framework_slug=framework.slug, by=hr, channel=Channel.COMMAND
        )
        for criterion in framework.criteria:
            criterion_save(
                assessment=first,
                criterion_key=criterion.key,
                answers={
                    r.key: AnswerInput("met" if r.level == "engaged" else "not_met")
                    for r in criterion.requirements
                },
                narrative=f"How we meet {criterion.title.lower()} at Engaged, with examples.",
                expected_version=None,
                by=hr,
                channel=Channel.COMMAND,
            )
        evidence_upload(
            assessment=first,
            criterion_key="policy",
            upload=SimpleUploadedFile(
                "Carers policy.txt",
                b"Eastbrook Hospitals carers policy (demo).\nWho counts as a carer, carer's "
                b"leave, flexible working and where to find support.\n",
            ),
            is_carers_policy=True,
            by=hr,
            channel=Channel.COMMAND,
        )
        first = assessment_sign_off(
            assessment=first,
            by=hr,
            today=timezone.localdate(),
            role="Head of People",
            channel=Channel.COMMAND,
        )
        second = assessment_start(
            organisation=trust,
            framework_slug=framework.slug,
            based_on=first,
            by=hr,
            channel=Channel.COMMAND,
        )
        criterion_save(
            assessment=second,
            criterion_key="workplace-support",
            answers={
                "support-agreed": AnswerInput("met", "Passports agreed on the hub."),
                "support-range": AnswerInput("partly"),
            },
            expected_version=None,
            by=hr,
            channel=Channel.COMMAND,
        )

    def _print_logins(self) -> None:
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {settings.DEMO_PASSWORD})")
        for login in LOGINS:
            email = demo_email(login.email)
            roles = ", ".join(str(r.label) for r in login.roles) or (
                "Partnership lead" if login.lead else "Deployment admin (Django admin)"
            )
            where = (
                ORGANISATIONS[login.organisation]["name"]
                if login.organisation
                else "Eastbrook Health and Care Partnership"
            )
            line = f"  {email:<40} {roles} — {where}"
            if needs_mfa(login):
                line += f"\n  {'':<40} authenticator key: {demo_totp_secret(email)}"
            self.stdout.write(line)
