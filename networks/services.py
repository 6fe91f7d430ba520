"""Registry workflows: importing members from CSV (all or nothing), anonymising a member, and
the audit trail of who viewed or changed a protected member."""

import csv
import datetime
import io
import uuid
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

from accounts import phone as phones
from cms import cache as page_cache

from .exceptions import ImportRejected
from .models import Group, Member, Membership, Village
from .querysets import can_see_protected

# Custom log actions (registered in wagtail_hooks.py).
LOG_VIEW = "networks.view"
LOG_EXPORT = "networks.export"
LOG_ANONYMISE = "networks.anonymise"
LOG_IMPORT = "networks.import"

IMPORT_MAX_BYTES = 5 * 1024 * 1024
IMPORT_MAX_ROWS = 10_000
# A member's own details, in the order the import, the export and the inspect view list them.
MEMBER_DETAIL_FIELDS = [
    "name_km",
    "name_latin",
    "gender",
    "date_of_birth",
    "birth_year",
    "phone",
]
IMPORT_COLUMNS = [
    *MEMBER_DETAIL_FIELDS,
    "village_code",
    "guardian_name",
    "consent_date",
    "notes",
    "group_id",
    "role",
    "joined",
]
IMPORT_REQUIRED_COLUMNS = {"gender", "village_code"}
GENDER_VALUES = {
    "female": Member.Gender.FEMALE,
    "f": Member.Gender.FEMALE,
    "woman": Member.Gender.FEMALE,
    "ស្រី": Member.Gender.FEMALE,
    "male": Member.Gender.MALE,
    "m": Member.Gender.MALE,
    "man": Member.Gender.MALE,
    "ប្រុស": Member.Gender.MALE,
    "other": Member.Gender.OTHER,
    "ផ្សេងទៀត": Member.Gender.OTHER,
}


# -- audit trail ------------------------------------------------------------------------------
def log_protected_access(*, user, members, action: str = LOG_VIEW) -> int:
    """Record that `user` read these members (one log entry per protected member; others are
    not logged). Returns how many entries were written."""
    now = timezone.now()
    content_type = ContentType.objects.get_for_model(Member)
    batch = uuid.uuid4()
    entries = [
        ModelLogEntry(
            content_type=content_type,
            object_id=str(member.pk),
            label=str(member),
            action=action,
            user=user,
            uuid=batch,
            timestamp=now,
        )
        for member in members
        if member.is_protected
    ]
    ModelLogEntry.objects.bulk_create(entries)
    return len(entries)


# -- anonymise --------------------------------------------------------------------------------
@transaction.atomic
def member_anonymise(*, member: Member, user) -> Member:
    """Erase a member's personal fields (names, date of birth, phone, village, notes, guardian,
    account link). Gender, year of birth and memberships stay, so every statistic keeps its
    count."""
    was_protected = member.is_protected
    for field_name in Member.PERSONAL_FIELDS:
        field = Member._meta.get_field(field_name)
        setattr(member, field_name, None if field.null else "")
    member.village = None
    member.user = None
    member.is_anonymised = True
    member.save()
    log(instance=member, action=LOG_ANONYMISE, user=user, data={"protected": was_protected})
    return member


# -- import -----------------------------------------------------------------------------------
@dataclass
class ImportResult:
    members: int
    memberships: int


def import_template_csv() -> str:
    """The header row and one example row of the import file."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(IMPORT_COLUMNS)
    writer.writerow(
        [
            "ហេង ស្រីមុំ",
            "Heng Sreymom",
            "female",
            "1991-04-12",
            "",
            "012345678",
            "17060208",
            "",
            timezone.localdate().isoformat(),
            "",
            "",
            "",
            "",
        ]
    )
    return buffer.getvalue()


def _decode(data: bytes) -> str:
    if not data.strip():
        raise ImportRejected([(None, _("The file is empty."))])
    if b"\x00" in data:
        raise ImportRejected([(None, _("This is not a CSV text file. Save the spreadsheet as “CSV UTF-8”."))])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRejected(
            [(None, _("The file is not UTF-8 encoded. In your spreadsheet, save it as “CSV UTF-8” and try again."))]
        ) from None


def _parse_date(value: str, column: str, errors: list, *, not_future: bool = True) -> datetime.date | None:
    if not value:
        return None
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        errors.append(_("%(column)s “%(value)s” is not a date (use YYYY-MM-DD).") % {"column": column, "value": value})
        return None
    if day.year < 1900:
        errors.append(_("%(column)s is before 1900.") % {"column": column})
    elif not_future and day > timezone.localdate():
        errors.append(_("%(column)s is in the future.") % {"column": column})
    return day


def _name_key(name_km: str, name_latin: str) -> str:
    return " ".join((name_latin or name_km).casefold().split())


def _is_minor(date_of_birth, birth_year) -> bool:
    return Member(date_of_birth=date_of_birth, birth_year=birth_year).is_minor


def members_import(*, data: bytes, user) -> ImportResult:
    """Validate every row of a members CSV, then create all members (and their memberships) in
    one transaction — or nothing, raising ImportRejected with every bad row.

    People who may not see protected members (registry officers) may not create them either:
    a minor, or a membership of a sensitive network's group, is a bad row for them."""
    if len(data) > IMPORT_MAX_BYTES:
        raise ImportRejected(
            [(None, _("The file is larger than %(size)s MB. Split it into smaller files.") % {"size": 5})]
        )
    text = _decode(data)
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
        header = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
    except csv.Error as error:
        raise ImportRejected([(1, _("The file is not valid CSV: %(error)s") % {"error": error})]) from None
    if not header:
        raise ImportRejected([(None, _("The file is empty."))])
    missing = IMPORT_REQUIRED_COLUMNS.difference(header)
    if missing or not ({"name_km", "name_latin"} & set(header)):
        needed = sorted(missing) + ([] if {"name_km", "name_latin"} & set(header) else ["name_km / name_latin"])
        raise ImportRejected(
            [(1, _("Missing column(s): %(columns)s. Download the template.") % {"columns": ", ".join(needed)})]
        )
    unknown = [name for name in header if name and name not in IMPORT_COLUMNS]
    if unknown:
        raise ImportRejected([(1, _("Unknown column(s): %(columns)s.") % {"columns": ", ".join(unknown)})])
    reader.fieldnames = header

    try:
        rows = []
        for row in reader:
            rows.append((reader.line_num, row))
            if len(rows) > IMPORT_MAX_ROWS:
                raise ImportRejected(
                    [(None, _("The file has more than %(count)s rows. Split it.") % {"count": IMPORT_MAX_ROWS})]
                )
    except csv.Error as error:
        raise ImportRejected(
            [(reader.line_num, _("The file is not valid CSV: %(error)s") % {"error": error})]
        ) from None
    if not rows:
        raise ImportRejected([(None, _("The file has a header but no rows."))])
    return _import_rows(rows, user)


@transaction.atomic
def _import_rows(rows: list[tuple[int, dict]], user) -> ImportResult:
    today = timezone.localdate()
    may_import_protected = can_see_protected(user)
    # Lock the villages the file touches (in primary-key order): two imports of overlapping
    # files — a double-clicked "Import" on a slow connection — run one after the other, and the
    # second one's duplicate check sees the first one's members.
    villages = {
        village.code: village
        for village in Village.objects.select_for_update()
        .filter(code__in={(row.get("village_code") or "").strip() for _, row in rows})
        .order_by("pk")
    }
    group_ids = {(row.get("group_id") or "").strip() for _, row in rows} - {""}
    groups = {
        str(group.pk): group
        for group in Group.objects.filter(pk__in=[g for g in group_ids if g.isdigit()]).select_related("network")
    }
    existing = {
        (_name_key(name_km, name_latin), birth_year, village_id)
        for name_km, name_latin, birth_year, village_id in Member.objects.filter(
            village__in=list(villages.values()), is_anonymised=False
        ).values_list("name_km", "name_latin", "birth_year", "village_id")
    }
    seen: dict[tuple, int] = {}
    roles = {choice.value for choice in Membership.Role}
    errors: list[tuple[int, str]] = []
    members, memberships = [], []

    for line, row in rows:
        if None in row:
            errors.append((line, _("The row has more cells than the header.")))
            continue
        cell = {key: (value or "").strip() for key, value in row.items()}
        problems: list[str] = []
        name_km, name_latin = cell.get("name_km", ""), cell.get("name_latin", "")
        if not (name_km or name_latin):
            problems.append(_("A name (Khmer or Latin) is required."))
        if len(name_km) > 120 or len(name_latin) > 120:
            problems.append(_("A name is longer than 120 characters."))
        gender = GENDER_VALUES.get(cell.get("gender", "").casefold())
        if gender is None:
            problems.append(_("Gender “%(value)s” is not female, male or other.") % {"value": cell.get("gender", "")})
        date_of_birth = _parse_date(cell.get("date_of_birth", ""), "date_of_birth", problems)
        birth_year = None
        if cell.get("birth_year"):
            if cell["birth_year"].isdigit() and 1900 <= int(cell["birth_year"]) <= today.year:
                birth_year = int(cell["birth_year"])
            else:
                problems.append(_("birth_year must be a year between 1900 and this year."))
        if date_of_birth and birth_year and date_of_birth.year != birth_year:
            problems.append(_("birth_year does not match date_of_birth."))
        birth_year = birth_year or (date_of_birth.year if date_of_birth else None)
        phone = ""
        if cell.get("phone"):
            phone = phones.normalise(cell["phone"]) or ""
            if not phone:
                problems.append(_("Phone “%(value)s” is not a phone number.") % {"value": cell["phone"]})
        village = villages.get(cell.get("village_code", ""))
        if not cell.get("village_code"):
            problems.append(_("village_code is required."))
        elif village is None:
            problems.append(_("No village has the code “%(code)s”.") % {"code": cell["village_code"]})
        consent_date = _parse_date(cell.get("consent_date", ""), "consent_date", problems)
        minor = _is_minor(date_of_birth, birth_year)
        if minor and not cell.get("guardian_name"):
            problems.append(_("A minor needs a guardian's name."))

        group, role, joined = None, Membership.Role.MEMBER, None
        if cell.get("group_id"):
            group = groups.get(cell["group_id"])
            if group is None:
                problems.append(_("No group has the id “%(id)s”.") % {"id": cell["group_id"]})
            if cell.get("role"):
                if cell["role"].lower() in roles:
                    role = cell["role"].lower()
                else:
                    problems.append(_("Role “%(value)s” is not valid.") % {"value": cell["role"]})
            joined = _parse_date(cell.get("joined", ""), "joined", problems) or today
        elif cell.get("role") or cell.get("joined"):
            problems.append(_("role and joined need a group_id."))

        if not may_import_protected and (minor or (group and group.network.is_sensitive)):
            problems.append(_("Only safeguarding officers can import minors or members of a sensitive network."))

        if village and birth_year and (name_km or name_latin):
            key = (_name_key(name_km, name_latin), birth_year, village.pk)
            if key in existing:
                problems.append(_("This person (name, birth year, village) is already registered."))
            elif key in seen:
                problems.append(_("Same name, birth year and village as line %(line)s.") % {"line": seen[key]})
            else:
                seen[key] = line

        if problems:
            errors.extend((line, problem) for problem in problems)
            continue
        member = Member(
            name_km=name_km,
            name_latin=name_latin,
            gender=gender,
            date_of_birth=date_of_birth,
            birth_year=birth_year,
            phone=phone,
            village=village,
            guardian_name=cell.get("guardian_name", ""),
            notes=cell.get("notes", ""),
            consent_date=consent_date,
            consent_recorded_by=user if consent_date else None,
        )
        members.append(member)
        if group:
            memberships.append(Membership(member=member, group=group, role=role, joined=joined))

    if errors:
        raise ImportRejected(errors)

    Member.objects.bulk_create(members, batch_size=1000)
    for membership in memberships:
        membership.member_id = membership.member.pk
    Membership.objects.bulk_create(memberships, batch_size=1000)
    sensitive = {membership.member_id for membership in memberships if membership.group.network.is_sensitive}
    for member in members:
        member.in_sensitive_network = member.pk in sensitive
    log_protected_access(user=user, members=members, action=LOG_IMPORT)
    page_cache.purge_registry()  # bulk_create sends no signals
    return ImportResult(members=len(members), memberships=len(memberships))
