"""The base of the demo partnership: organisations, units, staff, logins and roles.

Each feature app adds its own part in its ``demo.py``; the site's ``seed_demo`` command
calls them in turn with the organisation and people made here. Everything comes from a
fixed seed, so every machine gets the same people.
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

from accounts.models import User
from organisations.models import (
    HR_ROLES,
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
    return login.lead or login.superuser or bool(HR_ROLES & set(login.roles))


@dataclass(frozen=True)
class DemoBase:
    """What the feature apps' demo parts build on."""

    partnership: Partnership
    organisations: dict[str, Organisation]
    #: The demo logins' accounts, by the local part of their email ("carer", "hr"…).
    users: dict[str, User]

    @property
    def trust(self) -> Organisation:
        """The large employer where the feature demos happen."""
        return self.organisations["eastbrook-hospitals"]


def demo_loaded() -> bool:
    return Partnership.objects.filter(slug=PARTNERSHIP_SLUG).exists()


def seed_base() -> DemoBase:
    """The partnership, its three employers with their staff, and one login per role."""
    # A fixed seed, not a secret: the same demo people on every machine.
    rng = random.Random(2026)  # noqa: S311
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
        leaders[slug] = _build_staff(organisation, spec, rng)

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

    _link_demo_people(organisations, leaders, users)
    return DemoBase(partnership=partnership, organisations=organisations, users=users)


def login_lines() -> list[str]:
    """One entry per demo login: email, roles, where, and the authenticator key if it has one."""
    lines = []
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
        lines.append(line)
    return lines


def _build_staff(
    organisation: Organisation, spec: dict[str, Any], rng: random.Random
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
