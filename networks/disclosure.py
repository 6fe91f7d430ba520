"""What the public may see of the registry's figures: the one home of statistical disclosure
control. Every public place that shows registry figures (network pages, the home page, any
public export) takes them from here, so the same count is the same everywhere.

Two rules:

1. **Small cells.** A count from 1 to 4 is shown as "fewer than 5" (`selectors.suppress`).
2. **Complementary cells.** Public figures come in sums: a network's members are the sum of its
   women, men and other; of its age bands; of its active and left members; of its members in
   village-level and commune-level groups. If one cell of such a sum is hidden, the total minus
   the others gives it back (75 − 39 − 34 = 2 girls under 18). So after the small cells are
   hidden, we look for any hidden cell that the shown figures still pin down — by interval
   reasoning over every sum (a hidden small cell is 1–4, a hidden larger cell is at least 5) —
   and hide one more cell of that sum (the smallest shown one that is not zero), until none is
   pinned down. Cells hidden this way are shown as "not shown" (they are not small).

Zero stays zero (it is not disclosive), and the number of groups is not about people.
"""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from .models import Group, Member, Membership, Network
from .selectors import SUPPRESSION_THRESHOLD, statistics_by_network

SMALL = "small"
HIDDEN = "hidden"
SHOWN = "shown"
NOT_SHOWN = _("not shown")
FEWER_THAN = _("fewer than 5")
UNBOUNDED = 10**9
LEVEL_LABELS = {"village": _("Village-level groups"), "commune": _("Commune-level groups")}

# The sums a network's public figures form (total, parts). Level sums are added per network.
NETWORK_SUMS = [
    ("members", ["female", "male", "other"]),
    ("members", ["under_18", "age_18_24", "age_25_plus", "age_unknown"]),
    ("members", ["active", "left"]),
]
PEOPLE_CELLS = [
    "members",
    "female",
    "male",
    "other",
    "under_18",
    "age_18_24",
    "age_25_plus",
    "age_unknown",
    "active",
    "left",
]


def _bounds(values: dict, status: dict, sums: list) -> dict:
    """The interval each cell can take given what is shown: exact for shown cells, 1–4 for small
    cells, 5 and over for other hidden cells, narrowed by every sum until nothing changes."""
    low, high = {}, {}
    for name, value in values.items():
        if status[name] == SHOWN:
            low[name] = high[name] = value
        elif status[name] == SMALL:
            low[name], high[name] = 1, SUPPRESSION_THRESHOLD - 1
        else:
            low[name], high[name] = SUPPRESSION_THRESHOLD, UNBOUNDED
    for _round in range(50):
        changed = False
        for total, parts in sums:
            new_low = max(low[total], sum(low[part] for part in parts))
            new_high = min(high[total], sum(high[part] for part in parts))
            if (new_low, new_high) != (low[total], high[total]):
                low[total], high[total], changed = new_low, new_high, True
            for part in parts:
                others_low = sum(low[other] for other in parts if other != part)
                others_high = sum(high[other] for other in parts if other != part)
                part_low = max(low[part], low[total] - others_high)
                part_high = min(high[part], high[total] - others_low)
                if (part_low, part_high) != (low[part], high[part]):
                    low[part], high[part], changed = part_low, part_high, True
        if not changed:
            break
    return {name: (low[name], high[name]) for name in values}


def pinned_cells(values: dict, status: dict, sums: list) -> list[str]:
    """Hidden cells whose value the shown figures determine."""
    bounds = _bounds(values, status, sums)
    return [name for name in values if status[name] != SHOWN and bounds[name][0] == bounds[name][1]]


def protect(values: dict[str, int], sums: list[tuple[str, list[str]]]) -> dict[str, str]:
    """{cell: SHOWN | SMALL | HIDDEN} such that no hidden cell can be worked out from the shown
    cells and the sums. Sums that do not hold exactly (a member in two levels) are ignored: they
    give nobody an equation."""
    sums = [(total, parts) for total, parts in sums if values[total] == sum(values[part] for part in parts)]
    status = {name: SMALL if 0 < value < SUPPRESSION_THRESHOLD else SHOWN for name, value in values.items()}
    while pinned := pinned_cells(values, status, sums):
        for total, parts in sums:
            cells = [total, *parts]
            if not any(name in pinned for name in cells):
                continue
            # Prefer hiding a part to hiding the total (the total appears in more sums).
            candidates = sorted(
                (name for name in cells if status[name] == SHOWN and values[name] > 0),
                key=lambda name: (name == total, values[name]),
            )
            if candidates:
                status[candidates[0]] = HIDDEN
                break
        else:  # every cell of every sum with a pinned cell is hidden or zero: nothing more to do
            break
    return status


def display(value: int, state: str):
    if state == SMALL:
        return FEWER_THAN
    if state == HIDDEN:
        return NOT_SHOWN
    return value


@dataclass
class LevelFigures:
    level: str
    label: str
    groups: int
    members: object
    female: object


def _level_counts(network_ids) -> dict:
    """{network id: {level: {"groups", "members", "female"}}} in two queries."""
    counts: dict = {}
    rows = (
        Membership.objects.filter(group__network_id__in=network_ids)
        .values("group__network_id", "group__level")
        .annotate(
            members=Count("member", distinct=True),
            female=Count("member", distinct=True, filter=Q(member__gender=Member.Gender.FEMALE)),
        )
        .order_by()
    )
    for row in rows:
        level = counts.setdefault(row["group__network_id"], {}).setdefault(row["group__level"], {"groups": 0})
        level.update(members=row["members"], female=row["female"])
    groups = Group.objects.filter(network_id__in=network_ids).values("network_id", "level").annotate(n=Count("id"))
    for row in groups.order_by():
        level = counts.setdefault(row["network_id"], {}).setdefault(row["level"], {"members": 0, "female": 0})
        level["groups"] = row["n"]
    return counts


def _public(figures, levels: dict) -> dict:
    row = figures.as_row()
    values = {name: row[name] for name in PEOPLE_CELLS}
    sums = list(NETWORK_SUMS)
    level_names = [level for level, _label in Group.Level.choices if level in levels]
    for level in level_names:
        values[f"{level}_members"] = levels[level].get("members", 0)
        values[f"{level}_female"] = levels[level].get("female", 0)
    if len(level_names) > 1:
        sums.append(("members", [f"{level}_members" for level in level_names]))
        sums.append(("female", [f"{level}_female" for level in level_names]))
    status = protect(values, sums)
    public = {name: display(values[name], status[name]) for name in PEOPLE_CELLS}
    public["groups"] = row["groups"]
    labels = {**dict(Group.Level.choices), **LEVEL_LABELS}
    public["levels"] = (
        [
            LevelFigures(
                level=level,
                label=labels[level],
                groups=levels[level].get("groups", 0),
                members=display(values[f"{level}_members"], status[f"{level}_members"]),
                female=display(values[f"{level}_female"], status[f"{level}_female"]),
            )
            for level in level_names
        ]
        if len(level_names) > 1
        else []
    )
    return public


def public_network_figures(networks=None) -> dict:
    """{network id: public figures} for every network with members (or the given ones): the
    only source of registry figures for public pages."""
    rows = statistics_by_network()
    if networks is not None:
        wanted = {network.pk for network in networks}
        rows = [figures for figures in rows if figures.key.pk in wanted]
    levels = _level_counts([figures.key.pk for figures in rows])
    return {
        figures.key.pk: {**_public(figures, levels.get(figures.key.pk, {})), "label": figures.label} for figures in rows
    }


def public_figures(network: Network) -> dict:
    """One network's public figures (see the module's rules)."""
    from .selectors import Figures

    figures = public_network_figures([network]).get(network.pk)
    if figures is None:
        empty = Figures(label=str(network), key=network)
        return {**_public(empty, {}), "label": empty.label}
    return figures


@dataclass
class SingleFigure:
    """A public count that is part of no sum: `value` is the number, or "fewer than 5"."""

    value: object
    shown: bool


def single_figure(count: int) -> SingleFigure:
    """The small-cell rule for a count shown on its own (no sum can give it back): 1–4 becomes
    "fewer than 5", 0 stays 0. Public pages outside the network pages use this, e.g. "N graduates
    now sell on the market" on a course page."""
    state = protect({"count": count}, [])["count"]
    return SingleFigure(value=display(count, state), shown=state == SHOWN)
