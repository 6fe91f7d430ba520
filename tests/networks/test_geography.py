import pytest
from django.core.management import call_command

from networks.geography import load_geography
from networks.models import Commune, District, Province, Village


@pytest.mark.django_db
def test_load_geography_loads_the_ngo_provinces_idempotently():
    first = load_geography(provinces=["17", "02"])
    assert first.provinces == 2
    assert Village.objects.filter(commune__district__province__code="17").count() == 910
    # Battambang: the gazetteer repeats some village codes in two communes; the first one wins.
    assert Village.objects.filter(commune__district__province__code="02").count() > 800
    counts = (Province.objects.count(), District.objects.count(), Commune.objects.count(), Village.objects.count())
    second = load_geography(provinces=["17", "02"])
    assert second.total == 0
    assert counts == (
        Province.objects.count(),
        District.objects.count(),
        Commune.objects.count(),
        Village.objects.count(),
    )


@pytest.mark.django_db
def test_skills_center_village_is_in_its_commune_district_and_province():
    call_command("load_geography", "--province", "17", stdout=open("/dev/null", "w"))
    village = Village.objects.select_related("commune__district__province").get(code="17060208")
    assert village.name_en == "Phnum Trung Bat"
    assert village.commune.code == "170602"
    assert village.commune.district.code == "1706"
    assert village.commune.district.name_en == "Kralanh"
    assert village.commune.district.province.code == "17"  # "Siemreap" in the gazetteer
