"""Demo registry: the five networks of DESIGN.md with synthetic members and the exact figures
the NGO reports (Good Men Network 457 men; Children and Youth Network 10 groups, 313 members of
whom 198 girls, in two districts; Happy Women Network 140 women; Young Women Network groups of
10–15; Producer Groups 24 village-level groups with 243 members (199 women) and 2 commune-level
groups with 137 members (124 women)).

Deterministic (a seeded random generator) and idempotent: a network that already has members is
left alone."""

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from .geography import (
    SKILLS_CENTER_VILLAGE,
    load_geography,
)
from .models import CollectionPoint, Group, Meeting, Member, Membership, Network, Village
from .querysets import years_before

FAMILY_NAMES = [
    ("សុខ", "Sok"),
    ("ចាន់", "Chan"),
    ("ហេង", "Heng"),
    ("លី", "Ly"),
    ("គឹម", "Kim"),
    ("ម៉ៅ", "Mao"),
    ("អ៊ុក", "Ouk"),
    ("ពៅ", "Pov"),
    ("ស៊ិន", "Sin"),
    ("ជា", "Chea"),
    ("ខៀវ", "Khiev"),
    ("យឹម", "Yim"),
    ("នួន", "Nuon"),
    ("ទេព", "Tep"),
    ("សៀង", "Seang"),
    ("ឈិន", "Chhin"),
]
FEMALE_NAMES = [
    ("ស្រីពៅ", "Sreypov"),
    ("សុភា", "Sophea"),
    ("ចន្ធូ", "Chanthou"),
    ("ស្រីល័ក្ខ", "Sreyleak"),
    ("បុប្ផា", "Bopha"),
    ("ធីតា", "Thida"),
    ("សុខលី", "Sokly"),
    ("ចិន្តា", "Chenda"),
    ("ស្រីមុំ", "Sreymom"),
    ("ម៉ាលីស", "Malis"),
    ("ស្រីនាង", "Sreyneang"),
    ("រស្មី", "Reaksmey"),
    ("សុគន្ធា", "Sokunthea"),
    ("ដាវី", "Davy"),
]
MALE_NAMES = [
    ("សុខា", "Sokha"),
    ("វិចិត្រ", "Vichet"),
    ("ដារ៉ា", "Dara"),
    ("សំណាង", "Samnang"),
    ("វណ្ណៈ", "Vannak"),
    ("ពិសិដ្ឋ", "Piseth"),
    ("បូរ៉ា", "Bora"),
    ("សុផល", "Sophal"),
    ("ចំរើន", "Chamroeun"),
    ("រិទ្ធី", "Rithy"),
    ("សារ៉ុន", "Saron"),
    ("វាសនា", "Veasna"),
]
PHONE_PREFIXES = ["012", "015", "017", "070", "077", "078", "085", "089", "092", "096", "097", "098"]

NETWORKS = {
    "good-men-network": dict(
        name_km="បណ្តាញបុរសល្អ",
        name_en="Good Men Network",
        founded=datetime.date(2017, 11, 1),
        purpose_en="Men who support women's leadership and can facilitate counselling and reporting in "
        "domestic-violence cases.",
        purpose_km="បុរសដែលគាំទ្រភាពជាអ្នកដឹកនាំរបស់ស្ត្រី និងអាចសម្របសម្រួលការប្រឹក្សា និងការរាយការណ៍ករណីអំពើហិង្សាក្នុងគ្រួសារ។",
    ),
    "children-and-youth-network": dict(
        name_km="បណ្តាញកុមារ និងយុវជន",
        name_en="Children and Youth Network",
        founded=datetime.date(2020, 2, 1),
        purpose_en="Orphans, migrants' children, migrants and vulnerable children.",
        purpose_km="កុមារកំព្រា កូនរបស់ជនចំណាកស្រុក ជនចំណាកស្រុក និងកុមារងាយរងគ្រោះ។",
    ),
    "happy-women-network": dict(
        name_km="បណ្តាញស្ត្រីរីករាយ",
        name_en="Happy Women Network",
        founded=datetime.date(2017, 1, 1),
        purpose_en="A safe space to share experiences, meeting at the Safe House.",
        purpose_km="ទីកន្លែងសុវត្ថិភាពដើម្បីចែករំលែកបទពិសោធន៍ ជួបជុំគ្នានៅផ្ទះសុវត្ថិភាព។",
        is_sensitive=True,
    ),
    "young-women-network": dict(
        name_km="បណ្តាញនារីវ័យក្មេង",
        name_en="Young Women Network",
        founded=datetime.date(2018, 1, 1),
        purpose_en="Young female volunteers from various villages: decision-making and advocacy.",
        purpose_km="អ្នកស្ម័គ្រចិត្តនារីវ័យក្មេងមកពីភូមិផ្សេងៗ៖ ការសម្រេចចិត្ត និងការតស៊ូមតិ។",
    ),
    "producer-group": dict(
        name_km="ក្រុមអ្នកផលិត",
        name_en="Producer Group",
        founded=datetime.date(2018, 1, 1),
        purpose_en="Integrated agriculture and nutrition; connects producers, traders and buyers.",
        purpose_km="កសិកម្មចម្រុះ និងអាហារូបត្ថម្ភ ភ្ជាប់អ្នកផលិត ឈ្មួញ និងអ្នកទិញ។",
    ),
}


@dataclass
class GroupPlan:
    name_km: str
    name_en: str
    village: Village | None
    commune_code: str | None
    level: str
    members: int
    women: int
    ages: tuple[int, int]  # youngest, oldest (years today)
    minors_share: float = 0.0  # for the Children and Youth Network
    collection_point: str = ""


def _split(total: int, parts: int) -> list[int]:
    base, extra = divmod(total, parts)
    return [base + (1 if index < extra else 0) for index in range(parts)]


class _Seeder:
    def __init__(self, *, users, log):
        self.rng = random.Random(2026)  # nosec B311  # deterministic demo data, not security
        self.users = users
        self.log = log
        self.today = timezone.localdate()
        self.used_phones: set[str] = set(Member.objects.exclude(phone="").values_list("phone", flat=True))

    # -- synthetic people --------------------------------------------------------------------
    def name(self, gender: str) -> tuple[str, str]:
        family_km, family_latin = self.rng.choice(FAMILY_NAMES)
        given_km, given_latin = self.rng.choice(FEMALE_NAMES if gender == Member.Gender.FEMALE else MALE_NAMES)
        return f"{family_km} {given_km}", f"{family_latin} {given_latin}"

    def phone(self) -> str:
        while True:
            phone = f"{self.rng.choice(PHONE_PREFIXES)}{self.rng.randint(100000, 999999)}"
            if phone not in self.used_phones:
                self.used_phones.add(phone)
                return phone

    def _born(self, age: int, days: int) -> datetime.date:
        return years_before(self.today - datetime.timedelta(days=days), age)

    # -- groups and members ------------------------------------------------------------------
    def seed_network(self, network: Network, plans: list[GroupPlan], joined_years: tuple[int, int]) -> list[Group]:
        groups = []
        members, memberships, group_of_member = [], [], []
        for plan in plans:
            commune = plan.village.commune if plan.village else self.commune(plan.commune_code)
            group, _ = Group.objects.get_or_create(
                network=network,
                name_en=plan.name_en,
                defaults=dict(
                    name_km=plan.name_km,
                    level=plan.level,
                    village=plan.village,
                    commune=commune,
                    founded=datetime.date(joined_years[0], 1, 15),
                ),
            )
            if plan.collection_point:
                CollectionPoint.objects.get_or_create(
                    group=group, defaults={"address": plan.collection_point, "village": plan.village}
                )
            groups.append(group)
            villages = [plan.village] if plan.village else list(commune.villages.all())
            genders = [Member.Gender.FEMALE] * plan.women + [Member.Gender.MALE] * (plan.members - plan.women)
            self.rng.shuffle(genders)
            minors = round(plan.members * plan.minors_share)
            for index, gender in enumerate(genders):
                if index < minors:
                    age = self.rng.randint(10, 17)
                elif plan.minors_share:
                    age = self.rng.randint(18, 24)
                else:
                    age = self.rng.randint(*plan.ages)
                name_km, name_latin = self.name(gender)
                born = self._born(age, self.rng.randint(7, 355))
                know_date = self.rng.random() < 0.7
                member = Member(
                    name_km=name_km,
                    name_latin=name_latin,
                    gender=gender,
                    date_of_birth=born if know_date else None,
                    birth_year=born.year,
                    phone=self.phone() if age >= 16 and self.rng.random() < 0.8 else "",
                    village=self.rng.choice(villages),
                    consent_date=datetime.date(joined_years[0], 3, 1),
                    guardian_name=self.name(Member.Gender.FEMALE)[1] if age < 18 else "",
                )
                if age < 18 and not know_date:
                    # A year of birth alone makes an 18-year-old born late in the year look like
                    # a minor; the demo keeps full dates for the youngest so figures stay exact.
                    member.date_of_birth = born
                members.append(member)
                group_of_member.append(group)
        Member.objects.bulk_create(members, batch_size=500)
        for member, group in zip(members, group_of_member, strict=True):
            joined = datetime.date(self.rng.randint(*joined_years), self.rng.randint(1, 12), self.rng.randint(1, 28))
            joined = min(joined, self.today)
            memberships.append(Membership(member=member, group=group, joined=joined))
        for group in groups:
            # The first woman of each group leads it (the first member in an all-male group).
            in_group = [m for m in memberships if m.group is group]
            leader = next((m for m in in_group if m.member.gender == Member.Gender.FEMALE), in_group[0])
            leader.role = Membership.Role.LEADER
        Membership.objects.bulk_create(memberships, batch_size=500)
        meetings = []
        for group in groups:
            for months_ago in (1, 2):
                size = sum(1 for m in memberships if m.group is group)
                attended = max(1, size - self.rng.randint(0, 3))
                women = sum(1 for m in memberships if m.group is group and m.member.gender == Member.Gender.FEMALE)
                meetings.append(
                    Meeting(
                        group=group,
                        date=self.today - datetime.timedelta(days=30 * months_ago),
                        topic="Monthly meeting",
                        attended_female=min(women, attended),
                        attended_male=max(0, attended - min(women, attended)),
                    )
                )
        Meeting.objects.bulk_create(meetings)
        self.log(f"  {network.name_en}: {len(groups)} groups, {len(members)} members")
        return groups

    def commune(self, code):
        from .models import Commune

        return Commune.objects.get(code=code)

    def villages(self, *district_codes: str, count: int) -> list[Village]:
        pool = list(
            Village.objects.filter(commune__district__code__in=district_codes)
            .exclude(code=SKILLS_CENTER_VILLAGE)
            .select_related("commune")
            .order_by("code")
        )
        return self.rng.sample(pool, count)


def _network(slug: str) -> Network:
    network, _ = Network.objects.update_or_create(slug=slug, defaults=NETWORKS[slug])
    return network


def _plans(seeder: _Seeder) -> dict[str, tuple[list[GroupPlan], tuple[int, int]]]:
    plans = {}
    # Good Men Network: 457 men in 12 village groups, Siem Reap (Kralanh, Puok) and Battambang
    # (Sangkae, Battambang town).
    villages = seeder.villages("1706", "1707", count=7) + seeder.villages("0208", "0203", count=5)
    plans["good-men-network"] = (
        [
            GroupPlan(f"បុរសល្អ {v.name_km}", f"Good Men {v.name_en}", v, None, Group.Level.VILLAGE, n, 0, (25, 60))
            for v, n in zip(villages, _split(457, 12), strict=True)
        ],
        (2017, 2025),
    )
    # Children and Youth Network: 10 groups, 313 members (198 girls), Kralanh and Puok districts.
    villages = seeder.villages("1706", count=5) + seeder.villages("1707", count=5)
    sizes, girls = _split(313, 10), _split(198, 10)
    plans["children-and-youth-network"] = (
        [
            GroupPlan(
                f"កុមារ និងយុវជន {v.name_km}",
                f"Children and Youth {v.name_en}",
                v,
                None,
                Group.Level.VILLAGE,
                n,
                g,
                (10, 24),
                minors_share=0.8,
            )
            for v, n, g in zip(villages, sizes, girls, strict=True)
        ],
        (2020, 2025),
    )
    # Happy Women Network: 140 women, four groups meeting at the Safe House (Siem Reap town).
    plans["happy-women-network"] = (
        [
            GroupPlan(
                f"ស្ត្រីរីករាយ {index}",
                f"Happy Women {index}",
                None,
                "171001",
                Group.Level.COMMUNE,
                n,
                n,
                (20, 60),
            )
            for index, n in enumerate(_split(140, 4), start=1)
        ],
        (2017, 2025),
    )
    # Young Women Network: six groups of 10–15 young female volunteers.
    villages = seeder.villages("1706", "1704", "0201", count=6)
    plans["young-women-network"] = (
        [
            GroupPlan(
                f"នារីវ័យក្មេង {v.name_km}", f"Young Women {v.name_en}", v, None, Group.Level.VILLAGE, n, n, (18, 29)
            )
            for v, n in zip(villages, [12, 15, 10, 13, 14, 11], strict=True)
        ],
        (2018, 2025),
    )
    # Producer Groups: 24 village-level groups (243 members, 199 women), the first in Phnum Trung
    # Bat; 2 commune-level groups (137 members, 124 women).
    skills_village = Village.objects.select_related("commune").get(code=SKILLS_CENTER_VILLAGE)
    villages = [skills_village] + seeder.villages("1706", "1707", "1709", "0208", "0201", count=23)
    village_plans = [
        GroupPlan(
            f"ក្រុមអ្នកផលិត {v.name_km}",
            f"Producers of {v.name_en}",
            v,
            None,
            Group.Level.VILLAGE,
            n,
            w,
            (20, 65),
            collection_point="វត្តភូមិ" if index else "មជ្ឈមណ្ឌលបណ្តុះបណ្តាលជំនាញ ភូមិភ្នំត្រង់បាត",
        )
        for index, (v, n, w) in enumerate(zip(villages, _split(243, 24), _split(199, 24), strict=True))
    ]
    commune_plans = [
        GroupPlan(
            "សហគមន៍អ្នកផលិតកំពង់ថ្កូវ",
            "Kampong Thkouv commune producers",
            None,
            "170602",
            Group.Level.COMMUNE,
            70,
            64,
            (20, 65),
            collection_point="សាលាឃុំកំពង់ថ្កូវ",
        ),
        GroupPlan(
            "សហគមន៍អ្នកផលិតបាណន់",
            "Banan commune producers",
            None,
            "020101",
            Group.Level.COMMUNE,
            67,
            60,
            (20, 65),
            collection_point="សាលាឃុំបាណន់",
        ),
    ]
    plans["producer-group"] = (village_plans + commune_plans, (2018, 2025))
    return plans


def _link_demo_users(users: dict, log) -> None:
    """The demo "producer" and "coordinator" accounts are members of the Phnum Trung Bat
    producer group; the coordinator leads it (Membership role leader)."""
    group = Group.objects.get(network__slug="producer-group", village__code=SKILLS_CENTER_VILLAGE)
    for key, role in (("coordinator", Membership.Role.LEADER), ("producer", Membership.Role.MEMBER)):
        user = users.get(key)
        if user is None or Member.objects.filter(user=user).exists():
            continue
        taken = Member.objects.filter(user__isnull=False).values("pk")
        membership = (
            Membership.objects.filter(group=group, left__isnull=True, role=role, member__gender=Member.Gender.FEMALE)
            .exclude(member__in=taken)
            .select_related("member")
            .order_by("pk")
            .first()
        )
        if membership is None:
            continue
        member = membership.member
        member.user = user
        member.phone = user.phone
        member.save(update_fields=["user", "phone"])
        log(f"  {key} is {member.name_latin} ({membership.get_role_display()}, {group.name_en})")


def _bind_pages(networks: dict[str, Network], pages: dict, log) -> None:
    for slug, network in networks.items():
        for page in (pages.get(f"network:{slug}") or {}).values():
            page = page.specific
            if page.network_id == network.pk:
                continue
            page.network = network
            page.save_revision().publish()
            log(f"  page {page.url_path} shows {network.name_en}")


@transaction.atomic
def seed(*, users, pages, log):
    result = load_geography()
    if result.total:
        log(f"  geography: {result.villages} villages")
    seeder = _Seeder(users=users, log=log)
    networks = {slug: _network(slug) for slug in NETWORKS}
    for slug, (plans, joined_years) in _plans(seeder).items():
        network = networks[slug]
        if Membership.objects.filter(group__network=network).exists():
            continue
        seeder.seed_network(network, plans, joined_years)
    _link_demo_users(users, log)
    _bind_pages(networks, pages, log)
