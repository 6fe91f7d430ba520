import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.models import ModelLogEntry

from accounts import roles
from networks.exceptions import ImportRejected
from networks.models import Member, Membership
from networks.services import IMPORT_COLUMNS, members_import
from tests.factories.networks import VillageFactory

pytestmark = pytest.mark.django_db

URL = "networks_member:import"


def _csv(rows: list[dict], columns=IMPORT_COLUMNS) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns)
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue().encode("utf-8")


def _row(**overrides) -> dict:
    row = {
        "name_km": "ហេង សុភា",
        "name_latin": "Heng Sophea",
        "gender": "female",
        "date_of_birth": "1988-03-04",
        "phone": "+855 12 555 010",
        "village_code": "17060208",
        "consent_date": "2024-01-10",
        "group_id": "",
        "role": "",
        "joined": "",
    }
    row.update(overrides)
    return row


def _upload(client, data: bytes, name="members.csv"):
    return client.post(reverse(URL), {"file": SimpleUploadedFile(name, data, content_type="text/csv")})


def test_template_downloads_and_imports_as_is(client, registry_officer, registry):
    client.force_login(registry_officer)
    response = client.get(reverse("networks_member:import_template"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    header = response.content.decode().splitlines()[0].split(",")
    assert header == IMPORT_COLUMNS
    result = members_import(data=response.content, user=registry_officer)
    assert result.members == 1


def test_good_file_imports_every_row_with_memberships(client, registry_officer, registry):
    client.force_login(registry_officer)
    rows = [
        _row(),
        _row(name_km="", name_latin="Kim Dara", gender="m", date_of_birth="", birth_year="1975", phone=""),
        _row(
            name_latin="Mao Bopha",
            name_km="ម៉ៅ បុប្ផា",
            group_id=str(registry.group.pk),
            role="treasurer",
            joined="2023-05-01",
        ),
    ]
    before = Member.objects.count()
    response = _upload(client, _csv(rows))
    assert response.status_code == 302
    assert Member.objects.count() == before + 3
    sophea = Member.objects.get(name_latin="Heng Sophea")
    assert sophea.phone == "012555010"  # normalised
    assert sophea.birth_year == 1988 and sophea.consent_recorded_by == registry_officer
    membership = Membership.objects.get(member__name_latin="Mao Bopha")
    assert membership.group == registry.group and membership.role == "treasurer"


def test_one_bad_row_imports_nothing_and_every_bad_row_is_named(client, registry_officer, registry):
    client.force_login(registry_officer)
    rows = [
        _row(),  # line 2: fine
        _row(name_latin="Chan Vanna", village_code="99999999"),  # line 3: unknown village
        _row(name_latin="Ouk Dara", phone="12ab"),  # line 4: phone
        _row(name_latin="Sin Davy", date_of_birth="2999-01-01"),  # line 5: future
        _row(name_latin="Tep Malis", gender="x"),  # line 6: gender
        _row(),  # line 7: duplicate of line 2
        _row(name_latin="Adult Sokha", name_km="", date_of_birth="1990-13-01"),  # line 8: bad date
        _row(name_km="", name_latin=""),  # line 9: no name
        _row(name_latin="Sok Chenda", name_km="", date_of_birth="", birth_year="1990"),  # 10: already registered
    ]
    before = Member.objects.count()
    response = _upload(client, _csv(rows))
    assert response.status_code == 400
    assert Member.objects.count() == before
    errors = response.context["import_errors"]
    lines = {line for line, _reason in errors}
    assert lines == {3, 4, 5, 6, 7, 8, 9, 10}
    text = response.content.decode()
    assert "99999999" in text and "Nothing was imported" in text
    reasons = dict(errors)
    assert "line 2" in reasons[7]
    assert "already registered" in reasons[10]


def test_registry_officer_cannot_import_minors_or_sensitive_members(client, registry_officer, registry):
    client.force_login(registry_officer)
    rows = [
        _row(name_latin="Child One", date_of_birth="2018-01-01", guardian_name="Parent One"),
        _row(name_latin="Survivor One", group_id=str(registry.sensitive_group.pk)),
    ]
    response = _upload(client, _csv(rows))
    assert response.status_code == 400
    assert {line for line, _reason in response.context["import_errors"]} == {2, 3}
    assert not Member.objects.filter(name_latin__in=["Child One", "Survivor One"]).exists()


def test_safeguarding_officer_imports_minors_and_the_import_is_logged(client, safeguarding_officer, registry):
    client.force_login(safeguarding_officer)
    rows = [
        _row(name_latin="Child One", date_of_birth="2018-01-01", guardian_name="Parent One"),
        _row(name_latin="Child Two", date_of_birth="2018-01-01"),  # a minor needs a guardian
    ]
    response = _upload(client, _csv(rows))
    assert response.status_code == 400
    assert response.context["import_errors"] == [(3, "A minor needs a guardian's name.")]
    rows[1]["guardian_name"] = "Parent Two"
    rows.append(_row(name_latin="Survivor One", group_id=str(registry.sensitive_group.pk)))
    response = _upload(client, _csv(rows))
    assert response.status_code == 302
    imported = Member.objects.filter(name_latin__in=["Child One", "Child Two", "Survivor One"])
    assert imported.count() == 3
    logged = ModelLogEntry.objects.filter(action="networks.import", user=safeguarding_officer)
    assert {int(entry.object_id) for entry in logged} == set(imported.values_list("pk", flat=True))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"name_latin,gender,village_code\n", "no rows"),
        (b"name_latin,gender\nSok,female\n", "Missing column"),
        (b"name_latin,gender,village_code,shoe_size\nSok,female,17060208,40\n", "Unknown column"),
        (b'name_latin,gender,village_code\n"Sok,female,17060208\n', "not valid CSV"),
        (b"name_latin,gender,village_code\nSok Vanna,female,17060208,extra\n", "more cells"),
        ("name_latin,gender,village_code\nSök Vanna,female,17060208\n".encode("cp1252"), "UTF-8"),
        ("name_km,gender,village_code\nសុខ,female,17060208\n".encode("utf-16"), "CSV"),
        (b"PK\x03\x04\x00\x00binary spreadsheet", "CSV"),
    ],
)
def test_malformed_files_get_a_clear_message(client, registry_officer, registry, data, message):
    client.force_login(registry_officer)
    before = Member.objects.count()
    response = _upload(client, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Member.objects.count() == before


def test_a_10_mb_file_is_refused_with_a_message(client, registry_officer, registry):
    client.force_login(registry_officer)
    line = ",".join(["Sok Vanna", "female", "17060208"]) + "\n"
    data = b"name_latin,gender,village_code\n" + line.encode() * (10 * 1024 * 1024 // len(line) + 1)
    assert len(data) > 10 * 1024 * 1024
    response = _upload(client, data)
    assert response.status_code == 400
    assert "larger than 5 MB" in response.content.decode()
    with pytest.raises(ImportRejected, match="larger"):
        members_import(data=data, user=registry_officer)


def test_import_is_refused_to_roles_without_the_permission(client, make_user, registry):
    for role in (roles.TRAINER, roles.EDITOR):
        client.force_login(make_user(role, is_staff=True))
        assert client.get(reverse(URL)).status_code in {302, 403}
        assert _upload(client, _csv([_row()])).status_code in {302, 403}
        assert client.get(reverse("networks_member:import_template")).status_code in {302, 403}
    client.logout()
    assert _upload(client, _csv([_row()])).status_code == 302
    assert not Member.objects.filter(name_latin="Heng Sophea").exists()


def test_five_thousand_rows_import_in_a_bounded_number_of_queries(
    registry_officer, registry, django_assert_max_num_queries
):
    villages = [registry.village] + [VillageFactory(code=f"170602{n:02d}") for n in range(10, 20)]
    rows = [
        _row(
            name_latin=f"Member {index}",
            name_km="",
            date_of_birth="",
            birth_year=str(1950 + index % 50),
            phone="",
            village_code=villages[index % len(villages)].code,
            group_id=str(registry.group.pk),
            role="member",
            joined="2024-02-01",
        )
        for index in range(5000)
    ]
    # No query per row: the lookups are prefetched and inserts batched (SQLite caps the number
    # of parameters per statement, so batches are smaller there than on PostgreSQL).
    with django_assert_max_num_queries(150):
        result = members_import(data=_csv(rows), user=registry_officer)
    assert result.members == 5000 and result.memberships == 5000


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_imports_of_the_same_file_create_the_members_once():
    from accounts.demo import ensure_roles
    from tests.concurrency import run_concurrently
    from tests.factories.accounts import UserFactory

    ensure_roles()
    VillageFactory(code="17060208")
    officer = UserFactory(roles=[roles.REGISTRY_OFFICER])
    data = _csv([_row(name_latin=f"Member {index}", phone="") for index in range(200)])

    def run(index):
        try:
            members_import(data=data, user=officer)
            return "imported"
        except ImportRejected as rejected:
            return rejected.errors[0][1]

    outcomes = run_concurrently(2, run)
    assert "imported" in outcomes
    assert len(outcomes) == 2
    assert "already registered" in next(outcome for outcome in outcomes if outcome != "imported")
    assert Member.objects.filter(name_latin__startswith="Member ").count() == 200
