"""Registry statistics: groups, members by gender and age band, active vs left, joined per year —
per network, group, province and district.

A member counts once per row (distinct), however many memberships they hold there. A group's
place (province, district) is its commune. A member is *active* in a row while one of their
memberships there has not ended; *left* otherwise. Every function runs a fixed number of
queries whatever the number of members (three, plus one to name the rows)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import District, Group, Member, Membership, Network, Province
from .querysets import AgeBand, age_band_q

SUPPRESSION_THRESHOLD = 5

AGE_BAND_LABELS = {
    AgeBand.UNDER_18: _("Under 18"),
    AgeBand.AGE_18_24: _("18–24"),
    AgeBand.AGE_25_PLUS: _("25 and over"),
    AgeBand.UNKNOWN: _("Age unknown"),
}

# Membership lookups that place a row in each breakdown.
SCOPES = {
    "network": "group__network_id",
    "group": "group_id",
    "province": "group__commune__district__province_id",
    "district": "group__commune__district_id",
}
GROUP_SCOPES = {
    "network": "network_id",
    "group": "id",
    "province": "commune__district__province_id",
    "district": "commune__district_id",
}


@dataclass
class Figures:
    label: str = ""
    key: object = None
    groups: int = 0
    members: int = 0
    female: int = 0
    male: int = 0
    other: int = 0
    under_18: int = 0
    age_18_24: int = 0
    age_25_plus: int = 0
    age_unknown: int = 0
    active: int = 0
    joined_per_year: dict[int, int] = field(default_factory=dict)

    @property
    def left(self) -> int:
        return self.members - self.active

    def as_row(self) -> dict:
        return {
            "groups": self.groups,
            "members": self.members,
            "female": self.female,
            "male": self.male,
            "other": self.other,
            "under_18": self.under_18,
            "age_18_24": self.age_18_24,
            "age_25_plus": self.age_25_plus,
            "age_unknown": self.age_unknown,
            "active": self.active,
            "left": self.left,
        }


COLUMNS = [
    ("groups", _("Groups")),
    ("members", _("Members")),
    ("female", _("Women and girls")),
    ("male", _("Men and boys")),
    ("other", _("Other gender")),
    ("under_18", _("Under 18")),
    ("age_18_24", _("18–24")),
    ("age_25_plus", _("25 and over")),
    ("age_unknown", _("Age unknown")),
    ("active", _("Active")),
    ("left", _("Left")),
]


def _distinct_members(condition: Q | None = None) -> Count:
    return Count("member", distinct=True, filter=condition)


def _member_counts(memberships, lookup: str, today: datetime.date) -> dict:
    rows = memberships.values(lookup).annotate(
        members=_distinct_members(),
        female=_distinct_members(Q(member__gender=Member.Gender.FEMALE)),
        male=_distinct_members(Q(member__gender=Member.Gender.MALE)),
        other=_distinct_members(Q(member__gender=Member.Gender.OTHER)),
        under_18=_distinct_members(age_band_q(AgeBand.UNDER_18, today, prefix="member__")),
        age_18_24=_distinct_members(age_band_q(AgeBand.AGE_18_24, today, prefix="member__")),
        age_25_plus=_distinct_members(age_band_q(AgeBand.AGE_25_PLUS, today, prefix="member__")),
        age_unknown=_distinct_members(age_band_q(AgeBand.UNKNOWN, today, prefix="member__")),
        active=_distinct_members(Q(left__isnull=True)),
    )
    return {row.pop(lookup): row for row in rows.order_by()}


def _joined_per_year(memberships, lookup: str) -> dict:
    per_key: dict = defaultdict(dict)
    rows = memberships.annotate(year=ExtractYear("joined")).values(lookup, "year").annotate(count=Count("id"))
    for row in rows.order_by():
        per_key[row[lookup]][row["year"]] = row["count"]
    return per_key


def _group_counts(groups, lookup: str) -> dict:
    return {row[lookup]: row["count"] for row in groups.values(lookup).annotate(count=Count("id")).order_by()}


def _figures(scope: str, *, network: Network | None = None, today: datetime.date | None = None) -> dict:
    """{row key: Figures} for one breakdown, optionally inside one network."""
    today = today or timezone.localdate()
    memberships = Membership.objects.all()
    groups = Group.objects.all()
    if network is not None:
        memberships = memberships.filter(group__network=network)
        groups = groups.filter(network=network)
    lookup = SCOPES[scope]
    counts = _member_counts(memberships, lookup, today)
    joined = _joined_per_year(memberships, lookup)
    group_counts = _group_counts(groups, GROUP_SCOPES[scope])
    result = {}
    for key in set(counts) | set(group_counts):
        figures = Figures(key=key, groups=group_counts.get(key, 0), **counts.get(key, {}))
        figures.joined_per_year = dict(sorted(joined.get(key, {}).items()))
        result[key] = figures
    return result


def _labelled(figures_by_key: dict, objects) -> list[Figures]:
    rows = []
    for obj in objects:
        if obj.pk in figures_by_key:
            figures = figures_by_key[obj.pk]
            figures.label = str(obj)
            figures.key = obj
            rows.append(figures)
    return rows


def statistics_by_network(*, today: datetime.date | None = None) -> list[Figures]:
    by_key = _figures("network", today=today)
    return _labelled(by_key, Network.objects.filter(pk__in=by_key).order_by("name_en"))


def statistics_by_group(*, network: Network | None = None, today: datetime.date | None = None) -> list[Figures]:
    by_key = _figures("group", network=network, today=today)
    groups = Group.objects.filter(pk__in=by_key).select_related("network").order_by("network__name_en", "name_km")
    return _labelled(by_key, groups)


def statistics_by_province(*, network: Network | None = None, today: datetime.date | None = None) -> list[Figures]:
    by_key = _figures("province", network=network, today=today)
    return _labelled(by_key, Province.objects.filter(pk__in=by_key))


def statistics_by_district(*, network: Network | None = None, today: datetime.date | None = None) -> list[Figures]:
    by_key = _figures("district", network=network, today=today)
    return _labelled(by_key, District.objects.filter(pk__in=by_key).select_related("province"))


def network_figures(network: Network, *, today: datetime.date | None = None) -> Figures:
    """The totals of one network (what its public page shows, before suppression)."""
    by_key = _figures("network", network=network, today=today)
    figures = by_key.get(network.pk) or Figures()
    figures.label, figures.key = str(network), network
    return figures


def suppress(count: int):
    """Small-cell suppression for public figures: 0 stays 0, 1–4 becomes "fewer than 5". Public
    pages use networks.disclosure, which adds complementary suppression on top of this."""
    if 0 < count < SUPPRESSION_THRESHOLD:
        return _("fewer than 5")
    return count
