"""The adversary: for each public page, read the registry figures it shows, write down every sum
they form, and solve. No cell shown as "fewer than 5" or "not shown" may come out determined.

The solver here is deliberately independent of networks.disclosure: an exhaustive integer search
(small cells 1–4, other hidden cells 5 and over, zeros are shown), so it also finds what interval
reasoning would miss."""

import datetime
import random
import re
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from networks.models import Group, Member, Membership
from tests.factories.networks import CommuneFactory, GroupFactory, NetworkFactory, VillageFactory

NETWORK_SLUGS = ["good-men-network", "children-and-youth-network", "happy-women-network", "young-women-network",
                 "producer-group"]  # fmt: skip
KHMER_DIGITS = str.maketrans("០១២៣៤៥៦៧៨៩", "0123456789")
SEARCH_LIMIT = 200_000


class _FigureParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.figures, self._name, self._text = {}, None, []
        self.occurrences = []

    def handle_starttag(self, tag, attrs):
        name = dict(attrs).get("data-figure")
        if name:
            self._name, self._text = name, []

    def handle_data(self, data):
        if self._name:
            self._text.append(data)

    def handle_endtag(self, tag):
        if self._name:
            text = " ".join("".join(self._text).split())
            self.occurrences.append((self._name, text))
            self.figures.setdefault(self._name, text)
            self._name = None


def read_figures(html: str) -> dict:
    parser = _FigureParser()
    parser.feed(html)
    return parser.figures


def as_domain(text: str, upper: int):
    """What the adversary knows of one shown figure: a value, or a range."""
    digits = text.translate(KHMER_DIGITS).replace(",", "")
    if re.fullmatch(r"\d+", digits):
        return int(digits)
    if text in ("fewer than 5", "តិចជាង ៥"):
        return range(1, 5)
    return range(5, upper + 1)  # hidden but not small, and not zero (zeros are shown)


def page_sums(figures: dict) -> list[tuple[str, list[str]]]:
    sums = [
        ("members", ["female", "male", "other"]),
        ("members", ["under_18", "age_18_24", "age_25_plus", "age_unknown"]),
        ("members", ["active", "left"]),
    ]
    levels = sorted({name.split("_")[0] for name in figures if name.endswith("_members")})
    if levels:
        sums.append(("members", [f"{level}_members" for level in levels]))
        sums.append(("female", [f"{level}_female" for level in levels]))
    return [(total, parts) for total, parts in sums if total in figures and all(p in figures for p in parts)]


def determined_cells(figures: dict) -> dict:
    """{hidden cell: its only possible value} by exhaustive search over the page's sums."""
    sums = page_sums(figures)
    cells = {name for total, parts in sums for name in (total, *parts)}
    known, unknown = {}, {}
    shown_numbers = [int(t.translate(KHMER_DIGITS)) for t in figures.values() if t.translate(KHMER_DIGITS).isdigit()]
    upper = max(shown_numbers + [5]) + 5
    for name in cells:
        domain = as_domain(figures[name], upper)
        if isinstance(domain, int):
            known[name] = domain
        else:
            unknown[name] = domain
    if not unknown:
        return {}
    order = sorted(unknown, key=lambda name: len(unknown[name]))
    seen: dict[str, set] = {name: set() for name in unknown}
    steps = 0

    def consistent(values):
        for total, parts in sums:
            names = [total, *parts]
            if all(name in values for name in names) and values[total] != sum(values[p] for p in parts):
                return False
            missing = [name for name in names if name not in values]
            if len(missing) == 1:
                name = missing[0]
                other = sum(values[p] for p in parts if p in values)
                forced = other if name == total else values[total] - (other - 0)
                if name != total:
                    forced = values[total] - sum(values[p] for p in parts if p in values)
                if forced not in unknown.get(name, range(forced, forced + 1)):
                    return False
        return True

    def search(index, values):
        nonlocal steps
        steps += 1
        assert steps < SEARCH_LIMIT, "the adversary's search did not finish"
        if all(len(found) > 1 for found in seen.values()):
            return True  # nothing can be determined any more
        if index == len(order):
            for name in unknown:
                seen[name].add(values[name])
            return False
        name = order[index]
        for value in unknown[name]:
            values[name] = value
            if consistent(values) and search(index + 1, values):
                return True
            del values[name]
        return False

    search(0, dict(known))
    assert any(seen.values()), f"no solution: the page's figures contradict their sums {figures}"
    return {name: next(iter(found)) for name, found in seen.items() if len(found) == 1}


def test_the_adversary_recovers_the_issue_examples():
    """The solver is not toothless: with only small-cell suppression, the figures from issue 11
    give the hidden cells back."""
    young_women = {"members": "75", "female": "75", "male": "0", "other": "0", "under_18": "fewer than 5",
                   "age_18_24": "39", "age_25_plus": "34", "age_unknown": "0", "active": "75", "left": "0"}  # fmt: skip
    assert determined_cells(young_women) == {"under_18": 2}
    children = {"members": "313", "female": "198", "male": "115", "other": "0", "under_18": "257",
                "age_18_24": "55", "age_25_plus": "fewer than 5", "age_unknown": "0", "active": "313", "left": "0"}  # fmt: skip
    assert determined_cells(children) == {"age_25_plus": 1}
    # A larger hidden cell next to a small one, summing to 6: the small one must be 1.
    tight = {**young_women, "age_18_24": "69", "age_25_plus": "not shown"}
    assert determined_cells(tight) == {"under_18": 1, "age_25_plus": 5}


def _bind(site_pages, network, slug):
    for language in ("km", "en"):
        page = site_pages[f"network:{slug}"][language].specific
        page.network = network
        page.save_revision().publish()


def _add_members(group, rows, *, today):
    """rows: (gender, age or None, left) tuples."""
    members = Member.objects.bulk_create(
        [
            Member(
                name_km="សមាជិក",
                name_latin="Member",
                gender=gender,
                birth_year=None if age is None else today.year - age,
                village=group.village or VillageFactory(),
            )
            for gender, age, _left in rows
        ]
    )
    Membership.objects.bulk_create(
        [
            Membership(
                member=member,
                group=group,
                joined=datetime.date(2020, 1, 1),
                left=datetime.date(2024, 1, 1) if left else None,
            )
            for member, (_gender, _age, left) in zip(members, rows, strict=True)
        ]
    )


F, M, OTHER = Member.Gender.FEMALE, Member.Gender.MALE, Member.Gender.OTHER


def _synthetic_networks(site_pages, seed):
    """Five small networks bound to the five network pages: the issue's two cases, a two-level
    network with a small level, and random small ones."""
    today = timezone.localdate()
    rng = random.Random(seed)
    commune = CommuneFactory()
    networks = []
    for index, slug in enumerate(NETWORK_SLUGS):
        network = NetworkFactory(slug=slug, name_en=slug, name_km=slug)
        village_group = GroupFactory(network=network, village=VillageFactory(commune=commune))
        if seed == 0 and index == 0:  # Young Women: 2 under 18, 39 aged 18–24, 34 aged 25+
            rows = [(F, 15, False)] * 2 + [(F, 20, False)] * 39 + [(F, 30, False)] * 34
        elif seed == 0 and index == 1:  # Children and Youth: 1 aged 25+
            rows = [(F, 12, False)] * 150 + [(M, 12, False)] * 107 + [(F, 20, False)] * 48 + [(M, 20, False)] * 7
            rows += [(M, 30, False)]
        elif seed == 0 and index == 2:  # a small cell next to a cell of 5
            rows = [(F, 15, False)] + [(F, 30, False)] * 5 + [(F, 20, False)] * 20 + [(M, 40, True)] * 3
        else:
            size = rng.randint(1, 40)
            rows = [
                (rng.choice([F, F, F, M, OTHER]), rng.choice([None, 10, 16, 20, 23, 30, 60]), rng.random() < 0.15)
                for _ in range(size)
            ]
        _add_members(village_group, rows, today=today)
        if index >= 3:  # two levels: a commune-level group as well
            commune_group = GroupFactory(network=network, level=Group.Level.COMMUNE, village=None, commune=commune)
            size = rng.choice([1, 2, 3, 6, 12])
            _add_members(commune_group, [(rng.choice([F, M]), 30, False) for _ in range(size)], today=today)
        _bind(site_pages, network, slug)
        networks.append(network)
    return networks


def _assert_nothing_determined(client, slugs):
    for language in ("en", "km"):
        home = read_figures(client.get(f"/{language}/").content.decode())
        for slug in slugs:
            html = client.get(f"/{language}/networks/{slug}/").content.decode()
            figures = read_figures(html)
            assert "members" in figures, f"{slug}: no figures on the page"
            assert determined_cells(figures) == {}, (
                f"/{language}/networks/{slug}/ gives away {determined_cells(figures)}"
            )
        # The home page shows each network's members exactly as its page does (else two
        # different roundings of one count would narrow it down).
        parser = _FigureParser()
        parser.feed(client.get(f"/{language}/").content.decode())
        home_members = [text for name, text in parser.occurrences if name == "members"]
        page_members = [
            read_figures(client.get(f"/{language}/networks/{slug}/").content.decode())["members"] for slug in slugs
        ]
        assert sorted(home_members) == sorted(page_members), (home, page_members)


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_no_suppressed_cell_is_determined_on_small_networks(client, site_pages, seed):
    _synthetic_networks(site_pages, seed)
    _assert_nothing_determined(client, NETWORK_SLUGS)


@pytest.fixture
def demo_registry(db, site_pages):
    from accounts.demo import ensure_roles, seed_accounts
    from networks import demo

    ensure_roles()
    users = seed_accounts(log=lambda *args: None)
    demo.seed(users=users, pages=site_pages, log=lambda *args: None)


def test_no_suppressed_cell_is_determined_on_the_demo(client, demo_registry):
    _assert_nothing_determined(client, NETWORK_SLUGS)
    # The Producer Group shows its figures by group level (DESIGN.md's facts).
    figures = read_figures(client.get("/en/networks/producer-group/").content.decode())
    assert (figures["members"], figures["female"]) == ("380", "323")
    assert (figures["village_groups"], figures["village_members"], figures["village_female"]) == ("24", "243", "199")
    assert (figures["commune_groups"], figures["commune_members"], figures["commune_female"]) == ("2", "137", "124")
