"""My shop screens of group trade: pooled lots and contributions, the member ledger, the group
fee, payouts and the payout slip. The role matrix (who may see and do what, and what each must
NOT be able to do), bad input (a message next to the field, a 4xx, nothing written), constant
query counts and the slip's content."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.roles import GROUP_COORDINATOR, PRODUCER
from marketplace.grouptrade.models import Contribution, GroupFee, Payout, PooledLot
from marketplace.grouptrade.selectors import member_ledger
from marketplace.grouptrade.services import group_fee_set, payout_record
from marketplace.models import Order, Product
from marketplace.services import fulfilment_set_status
from networks.models import Member
from tests.factories.grouptrade import contribute, contributor, pooled_lot
from tests.factories.marketplace import ProductFactory, place_order
from tests.factories.networks import GroupFactory, MemberFactory, MembershipFactory

pytestmark = pytest.mark.django_db

EN = "/en/my-shop/"
KM = "/km/my-shop/"
TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)


def deliver(order):
    for fulfilment in order.fulfilments.all():
        fulfilment_set_status(fulfilment=fulfilment, status="ready")
        fulfilment_set_status(fulfilment=fulfilment, status="delivered")
    order.refresh_from_db()
    assert order.status == Order.Status.DELIVERED
    return order


class Trade:
    """Group A: a coordinator (leader), a treasurer (producer role), a producer who signs in, a
    member without a phone and a minor; a rice lot with the producer's 10 kg and the member's
    5 kg, 6 kg of it sold and delivered. Group B: its coordinator and a lot."""

    def __init__(self, make_user):
        self.group_a = GroupFactory(name_km="ក្រុមស្រូវ", name_en="Rice group")
        self.group_b = GroupFactory(name_km="ក្រុមសូត្រ", name_en="Silk group")
        self.coordinator_user = make_user(GROUP_COORDINATOR)
        self.coordinator = MemberFactory(user=self.coordinator_user, name_km="ស្រីមុំ")
        MembershipFactory(member=self.coordinator, group=self.group_a, role="leader")
        self.treasurer_user = make_user(PRODUCER)
        self.treasurer = MemberFactory(user=self.treasurer_user, name_km="សុភា")
        MembershipFactory(member=self.treasurer, group=self.group_a, role="treasurer")
        self.producer_user = make_user(PRODUCER)
        self.producer = MemberFactory(user=self.producer_user, name_km="ចិន្តា", name_latin="Chenda")
        MembershipFactory(member=self.producer, group=self.group_a)
        self.member_a2 = contributor(self.group_a, name_km="ធីតា", name_latin="Thida", phone="")
        self.minor = contributor(self.group_a, name_km="ក្មេង", birth_year=TODAY.year - 15)
        self.coordinator_b_user = make_user(GROUP_COORDINATOR)
        self.coordinator_b = MemberFactory(user=self.coordinator_b_user)
        MembershipFactory(member=self.coordinator_b, group=self.group_b, role="leader")
        self.buyer_user = make_user("Buyer")

        self.lot = pooled_lot(group=self.group_a, price="1.00", title_km="អង្ករ", title_en="Rice")
        self.mine = contribute(self.lot, self.producer, "10", day=YESTERDAY)
        self.theirs = contribute(self.lot, self.member_a2, "5", day=TODAY)
        self.order = deliver(place_order((self.lot.product, "6")))  # all from the producer's 10 kg
        self.lot_b = pooled_lot(group=self.group_b, title_en="Silk lot")
        self.theirs_b = contribute(self.lot_b, contributor(self.group_b), "3")

    def login(self, client, who):
        if who != "anonymous":
            client.force_login(getattr(self, f"{who}_user"))


@pytest.fixture
def trade(make_user):
    return Trade(make_user)


def contribution_data(member, **overrides):
    return {"member": member.pk, "quantity": "4", "grade": "B", "contributed_on": TODAY.isoformat(), **overrides}


def state():
    """Everything these screens may write, to show that a refusal wrote nothing."""
    return (
        list(Contribution.objects.order_by("pk").values_list("pk", "quantity", "grade", "quantity_sold")),
        list(Product.objects.order_by("pk").values_list("pk", "stock")),
        PooledLot.objects.count(),
        GroupFee.objects.count(),
        Payout.objects.count(),
    )


# --- Who may enter --------------------------------------------------------------------------

PAGES = ("lots/", "lots/add/", "ledger/")


@pytest.mark.parametrize("who, status", [("anonymous", 302), ("buyer", 403)])
def test_only_producers_and_coordinators_enter(client, trade, who, status):
    trade.login(client, who)
    for page in PAGES:
        assert client.get(EN + page).status_code == status
    assert client.get(f"{EN}lots/{trade.lot.pk}/").status_code == status
    before = state()
    response = client.post(f"{EN}lots/{trade.lot.pk}/", contribution_data(trade.producer))
    assert response.status_code == status
    assert state() == before


# --- Lots -----------------------------------------------------------------------------------


def test_lot_list_shows_stock_contributors_and_sold(client, trade):
    trade.login(client, "producer")
    html = client.get(EN + "lots/").content.decode()
    assert "Rice" in html and "Silk lot" not in html
    assert "In stock: <strong>9 kilogram</strong>" in html
    assert "2 contributors" in html and "Sold: 6 kilogram" in html
    assert "New pooled lot" not in html  # a plain producer manages nothing


def test_plain_producer_sees_only_her_own_contributions_read_only(client, trade):
    trade.login(client, "producer")
    response = client.get(f"{EN}lots/{trade.lot.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "ចិន្តា" in html and "ធីតា" not in html
    assert response.context["form"] is None and "Record what a member brought" not in html
    before = state()
    assert client.post(f"{EN}lots/{trade.lot.pk}/", contribution_data(trade.producer)).status_code == 403
    contribution_url = f"{EN}lots/{trade.lot.pk}/contributions/{trade.mine.pk}/"
    assert client.get(contribution_url).status_code == 403
    assert client.post(contribution_url, {"quantity": "50", "grade": "A"}).status_code == 403
    theirs_delete = f"{EN}lots/{trade.lot.pk}/contributions/{trade.theirs.pk}/delete/"
    assert client.post(theirs_delete).status_code == 403
    assert client.post(EN + "lots/from-product/", {"product": "1"}).status_code == 403
    assert client.get(EN + "lots/add/").status_code == 403
    assert state() == before


def test_treasurer_without_the_coordinator_role_does_not_manage_lots(client, trade):
    trade.login(client, "treasurer")
    assert client.get(f"{EN}lots/{trade.lot.pk}/").context["form"] is None
    assert client.post(f"{EN}lots/{trade.lot.pk}/", contribution_data(trade.producer)).status_code == 403


def test_coordinator_sees_every_contribution_with_what_was_sold(client, trade):
    trade.login(client, "coordinator")
    html = client.get(f"{EN}lots/{trade.lot.pk}/").content.decode()
    assert "ចិន្តា" in html and "ធីតា" in html
    assert "Brought: 10 · Sold: 6 · Left: <strong>4</strong>" in html
    assert html.count(" · Grade A") == 2 and " · Grade B" not in html


def test_another_groups_lot_and_contributions_are_404(client, trade):
    trade.login(client, "coordinator")
    before = state()
    lot_b = f"{EN}lots/{trade.lot_b.pk}/"
    assert client.get(lot_b).status_code == 404
    assert client.post(lot_b, contribution_data(trade.coordinator_b)).status_code == 404
    assert client.get(f"{lot_b}contributions/{trade.theirs_b.pk}/").status_code == 404
    assert client.post(f"{lot_b}contributions/{trade.theirs_b.pk}/delete/").status_code == 404
    # ...nor through the own lot's address.
    own = f"{EN}lots/{trade.lot.pk}/contributions/{trade.theirs_b.pk}/"
    assert client.post(own, {"quantity": "1", "grade": "A"}).status_code == 404
    assert client.post(own + "delete/").status_code == 404
    assert state() == before


def test_coordinator_records_a_contribution_for_a_member_without_a_phone(client, trade):
    trade.login(client, "coordinator")
    response = client.post(f"{EN}lots/{trade.lot.pk}/", contribution_data(trade.member_a2, quantity="2.5"))
    assert response.status_code == 302
    added = Contribution.objects.latest("pk")
    assert (added.member, added.quantity, added.grade, added.recorded_by) == (
        trade.member_a2,
        Decimal("2.5"),
        "B",
        trade.coordinator_user,
    )
    trade.lot.product.refresh_from_db()
    assert trade.lot.product.stock == Decimal("11.5")


@pytest.mark.parametrize(
    "who, overrides, field, message",
    [
        ("minor", {}, "member", "A minor (under 18 in the registry) cannot contribute goods or receive payouts."),
        ("left", {}, "member", "This person is not an active member of the group."),
        ("outsider", {}, "member", "Select a valid choice."),
        ("producer", {"quantity": "lots"}, "quantity", "Enter a number, for example 2 or 0.5."),
        ("producer", {"quantity": "0"}, "quantity", "The quantity must be more than zero."),
        ("producer", {"quantity": "1e99"}, "quantity", "That quantity is too large."),
        ("producer", {"grade": "Z"}, "grade", "Select a valid choice."),
        ("producer", {"contributed_on": "2099-01-01"}, "contributed_on", "The date brought cannot be in the future."),
    ],
)
def test_bad_contributions_show_the_message_next_to_the_field_and_write_nothing(
    client, trade, who, overrides, field, message
):
    member = {
        "minor": trade.minor,
        "producer": trade.producer,
        "outsider": trade.coordinator_b,
    }.get(who)
    if who == "left":
        member = contributor(trade.group_a)
        member.memberships.update(left=TODAY, joined=YESTERDAY)
    trade.login(client, "coordinator")
    before = state()
    response = client.post(f"{EN}lots/{trade.lot.pk}/", contribution_data(member, **overrides))
    assert response.status_code == 400
    assert message in response.context["form"].errors[field][0]
    assert message in response.content.decode()
    assert state() == before


def test_minors_are_not_offered_in_the_member_list(client, trade):
    trade.login(client, "coordinator")
    choices = dict(client.get(f"{EN}lots/{trade.lot.pk}/").context["form"].fields["member"].widget.choices)
    assert trade.member_a2.pk in choices and trade.producer.pk in choices
    assert trade.minor.pk not in choices and trade.coordinator_b.pk not in choices


def test_correcting_below_what_was_sold_is_refused_with_the_models_message(client, trade):
    trade.login(client, "coordinator")
    url = f"{EN}lots/{trade.lot.pk}/contributions/{trade.mine.pk}/"
    assert client.get(url).status_code == 200
    before = state()
    response = client.post(url, {"quantity": "5", "grade": "C"})
    assert response.status_code == 400
    assert response.context["form"].errors["quantity"] == [
        "6 of this contribution has been sold: it cannot be less than that."
    ]
    response = client.post(url, {"quantity": "many", "grade": "C"})
    assert response.status_code == 400 and "quantity" in response.context["form"].errors
    assert state() == before
    assert client.post(url, {"quantity": "6", "grade": "C"}).status_code == 302
    trade.mine.refresh_from_db()
    trade.lot.product.refresh_from_db()
    assert (trade.mine.quantity, trade.mine.grade, trade.lot.product.stock) == (Decimal("6"), "C", Decimal("5"))


def test_only_an_unsold_contribution_can_be_deleted(client, trade):
    trade.login(client, "coordinator")
    before = state()
    response = client.post(f"{EN}lots/{trade.lot.pk}/contributions/{trade.mine.pk}/delete/", follow=True)
    assert "This contribution has been sold and cannot be deleted." in response.content.decode()
    assert state() == before
    assert client.post(f"{EN}lots/{trade.lot.pk}/contributions/{trade.theirs.pk}/delete/").status_code == 302
    assert not Contribution.objects.filter(pk=trade.theirs.pk).exists()
    trade.lot.product.refresh_from_db()
    assert trade.lot.product.stock == Decimal("4")
    html = client.get(f"{EN}lots/{trade.lot.pk}/").content.decode()
    assert "/delete/" not in html  # the sold one offers no delete button


def test_coordinator_turns_a_product_with_stock_0_into_a_lot(client, trade):
    empty = ProductFactory(group=trade.group_a, producer=trade.producer, stock=Decimal("0"), title_en="Beans")
    stocked = ProductFactory(group=trade.group_a, producer=trade.producer, stock=Decimal("3"))
    other = ProductFactory(group=trade.group_b, producer=trade.coordinator_b, stock=Decimal("0"))
    trade.login(client, "coordinator")
    offered = client.get(EN + "lots/").context["from_product_form"].fields["product"].queryset
    assert empty in offered and stocked not in offered and other not in offered
    assert trade.lot.product not in offered
    before = state()
    for product in (stocked, other, trade.lot.product):
        response = client.post(EN + "lots/from-product/", {"product": product.pk})
        assert response.status_code == 400 and "product" in response.context["from_product_form"].errors
    assert state() == before
    response = client.post(EN + "lots/from-product/", {"product": empty.pk})
    lot = PooledLot.objects.get(product=empty)
    assert response.status_code == 302 and response["Location"] == f"{EN}lots/{lot.pk}/"
    assert lot.group == trade.group_a and lot.created_by == trade.coordinator_user


def test_coordinator_creates_a_new_product_as_a_lot(client, trade):
    trade.login(client, "coordinator")
    form = client.get(EN + "lots/add/").context["form"]
    assert "stock" not in form.fields
    assert list(form.fields["group"].queryset) == [trade.group_a]
    data = {
        "group": trade.group_a.pk,
        "producer": trade.coordinator.pk,
        "category": trade.lot.product.category.pk,
        "title_km": "ស្វាយ",
        "title_en": "Mango",
        "unit": "kg",
        "price": "0.80",
        "minimum_order": "1",
    }
    response = client.post(EN + "lots/add/", {**data, "group": trade.group_b.pk})
    assert response.status_code == 400 and "group" in response.context["form"].errors
    assert not Product.objects.filter(title_en="Mango").exists()
    assert client.post(EN + "lots/add/", data).status_code == 302
    product = Product.objects.get(title_en="Mango")
    assert product.status == "draft" and product.stock == 0 and product.pooled_lot.group == trade.group_a


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_lot_pages_run_a_constant_number_of_queries(client, trade):
    trade.login(client, "coordinator")
    client.get(EN + "lots/")  # warm the session and the site
    lot_url = f"{EN}lots/{trade.lot.pk}/"
    few = count_queries(client, EN + "lots/"), count_queries(client, lot_url)
    for _ in range(8):
        contribute(trade.lot, contributor(trade.group_a), "1")
        contribute(pooled_lot(group=trade.group_a), contributor(trade.group_a), "2")
    many = count_queries(client, EN + "lots/"), count_queries(client, lot_url)
    assert many == few and max(many) <= 20


# --- Ledger ---------------------------------------------------------------------------------


def test_coordinator_sees_the_whole_ledger_and_totals_that_balance(client, trade):
    group_fee_set(group=trade.group_a, percent="10", effective_from=TODAY)
    trade.login(client, "coordinator")
    response = client.get(EN + "ledger/")
    (section,) = response.context["sections"]
    totals = section["totals"]
    assert totals.attributed - totals.fee == totals.paid_out + totals.owed
    rows = member_ledger(trade.group_a.pk)
    assert [row.member_id for row in section["rows"]] == [trade.producer.pk]
    assert section["rows"][0].owed == rows[trade.producer.pk].owed == Decimal("6.00")
    html = response.content.decode()
    assert "Group fee now: <strong>10 %</strong>" in html
    assert "Set the group fee" in html and "Record a payout" in html  # a leader also pays


def test_plain_producer_sees_only_her_own_line_and_no_forms(client, trade):
    place_order((trade.lot.product, "5"))  # 4 kg from her, 1 from Thida: pending
    trade.login(client, "producer")
    response = client.get(EN + "ledger/")
    (section,) = response.context["sections"]
    assert [row.member_id for row in section["rows"]] == [trade.producer.pk]
    assert section["totals"] is None and section["fee_form"] is None and section["payout_form"] is None
    html = response.content.decode()
    assert "ធីតា" not in html and "Group totals" not in html
    before = state()
    assert (
        client.post(f"{EN}ledger/{trade.group_a.pk}/fee/", {f"fee-{trade.group_a.pk}-percent": "5"}).status_code == 403
    )
    payout = {f"payout-{trade.group_a.pk}-member": trade.producer.pk, f"payout-{trade.group_a.pk}-amount": "1"}
    assert client.post(f"{EN}ledger/{trade.group_a.pk}/payouts/", payout).status_code == 403
    assert state() == before


def test_another_groups_ledger_actions_are_404(client, trade):
    trade.login(client, "coordinator_b")
    html = client.get(EN + "ledger/").content.decode()
    assert "ចិន្តា" not in html
    before = state()
    fee = {f"fee-{trade.group_a.pk}-percent": "5", f"fee-{trade.group_a.pk}-effective_from": TODAY.isoformat()}
    assert client.post(f"{EN}ledger/{trade.group_a.pk}/fee/", fee).status_code == 404
    prefix = f"payout-{trade.group_a.pk}-"
    payout = {prefix + "member": trade.producer.pk, prefix + "amount": "1", prefix + "method": "cash"}
    assert client.post(f"{EN}ledger/{trade.group_a.pk}/payouts/", payout).status_code == 404
    assert state() == before


def fee_post(client, trade, percent, day):
    prefix = f"fee-{trade.group_a.pk}-"
    return client.post(
        f"{EN}ledger/{trade.group_a.pk}/fee/", {prefix + "percent": percent, prefix + "effective_from": day}
    )


def test_coordinator_sets_a_fee_from_a_date_but_never_back_dated(client, trade):
    trade.login(client, "coordinator")
    before = state()
    for percent, day, field, message in [
        ("5", YESTERDAY.isoformat(), "effective_from", "A fee cannot start in the past."),
        ("150", TODAY.isoformat(), "percent", "The fee must be between 0 and 100 %."),
        ("five", TODAY.isoformat(), "percent", "Enter the fee as a number."),
        ("5", "someday", "effective_from", "Enter a valid date."),
    ]:
        response = fee_post(client, trade, percent, day)
        assert response.status_code == 400
        (section,) = response.context["sections"]
        assert message in section["fee_form"].errors[field][0]
        assert message in response.content.decode()
    assert state() == before
    tomorrow = TODAY + datetime.timedelta(days=1)
    assert fee_post(client, trade, "7.5", tomorrow.isoformat()).status_code == 302
    assert GroupFee.objects.get(group=trade.group_a).percent == Decimal("7.5")
    html = client.get(EN + "ledger/").content.decode()
    assert f"7.5 % from {tomorrow.isoformat()}" in html  # the history


def test_deputy_coordinator_sets_fees_but_does_not_record_payouts(client, trade, make_user):
    user = make_user(GROUP_COORDINATOR)
    MembershipFactory(member=MemberFactory(user=user), group=trade.group_a, role="deputy")
    client.force_login(user)
    (section,) = client.get(EN + "ledger/").context["sections"]
    assert section["fee_form"] is not None and section["payout_form"] is None and section["totals"] is not None
    prefix = f"payout-{trade.group_a.pk}-"
    payout = {prefix + "member": trade.producer.pk, prefix + "amount": "1", prefix + "method": "cash"}
    assert client.post(f"{EN}ledger/{trade.group_a.pk}/payouts/", payout).status_code == 403
    assert not Payout.objects.exists()


def payout_post(client, trade, member, amount, **extra):
    prefix = f"payout-{trade.group_a.pk}-"
    data = {
        prefix + "member": member.pk,
        prefix + "amount": amount,
        prefix + "method": "cash",
        prefix + "paid_on": TODAY.isoformat(),
        **{prefix + key: value for key, value in extra.items()},
    }
    return client.post(f"{EN}ledger/{trade.group_a.pk}/payouts/", data)


def test_treasurer_records_a_payout_and_is_paid_by(client, trade):
    trade.login(client, "treasurer")
    (section,) = client.get(EN + "ledger/").context["sections"]
    assert section["fee_form"] is None  # the fee is the coordinator's
    assert dict(section["payout_form"].fields["member"].widget.choices).keys() == {"", trade.producer.pk}
    response = payout_post(client, trade, trade.producer, "4.00", method="transfer", reference="ABA 77")
    payout = Payout.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{EN}ledger/payouts/{payout.pk}/slip/"
    assert (payout.member, payout.amount, payout.method, payout.paid_by, payout.recorded_by) == (
        trade.producer,
        Decimal("4.00"),
        "transfer",
        trade.treasurer,
        trade.treasurer_user,
    )
    assert member_ledger(trade.group_a.pk)[trade.producer.pk].owed == Decimal("2.00")


@pytest.mark.parametrize(
    "who, amount, extra, field, message",
    [
        ("producer", "6.01", {}, "amount", "is owed $6.00: a payout cannot be more than that."),
        ("member_a2", "1", {}, "amount", "is owed $0.00: a payout cannot be more than that."),
        ("minor", "1", {}, "member", "A minor (under 18 in the registry) cannot contribute goods"),
        ("producer", "abc", {}, "amount", "Enter the amount as a number."),
        ("producer", "0", {}, "amount", "The amount must be more than zero."),
        ("producer", "1.005", {}, "amount", "Enter the amount with at most two decimals."),
        ("producer", "1", {"method": "gold"}, "method", "Select a valid choice."),
        ("producer", "1", {"paid_on": "2099-01-01"}, "paid_on", "The payout date cannot be in the future."),
        ("coordinator_b", "1", {}, "member", "Select a valid choice."),
    ],
)
def test_bad_payouts_show_the_message_and_write_nothing(client, trade, who, amount, extra, field, message):
    trade.login(client, "treasurer")
    before = state()
    response = payout_post(client, trade, getattr(trade, who), amount, **extra)
    assert response.status_code == 400
    (section,) = response.context["sections"]
    assert message in section["payout_form"].errors[field][0]
    assert state() == before


def test_ledger_runs_a_constant_number_of_queries(client, trade):
    trade.login(client, "coordinator")
    payout_record(member=trade.producer, group=trade.group_a, amount="1", paid_by=trade.treasurer)
    client.get(EN + "ledger/")
    few = count_queries(client, EN + "ledger/")
    for _ in range(8):
        member = contributor(trade.group_a)
        contribute(trade.lot, member, "1", day=YESTERDAY - datetime.timedelta(days=3))
    deliver(place_order((trade.lot.product, "8")))
    group_fee_set(group=trade.group_a, percent="5", effective_from=TODAY)
    for row in member_ledger(trade.group_a.pk).values():
        member = Member.objects.get(pk=row.member_id)
        payout_record(member=member, group=trade.group_a, amount=row.owed / 2, paid_by=trade.treasurer)
    many = count_queries(client, EN + "ledger/")
    assert many == few and many <= 30
    (section,) = client.get(EN + "ledger/").context["sections"]
    assert len(section["rows"]) == 9 and len(section["payouts"]) == 10


# --- The payout slip ------------------------------------------------------------------------


@pytest.fixture
def payout(trade):
    return payout_record(
        member=trade.producer,
        group=trade.group_a,
        amount=Decimal("5.50"),
        method="cash",
        paid_by=trade.treasurer,
        reference="R-12",
    )


def test_slip_in_khmer_names_the_member_and_the_amount(client, trade, payout):
    trade.login(client, "treasurer")
    response = client.get(f"{KM}ledger/payouts/{payout.pk}/slip/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="km"' in html
    assert "ចិន្តា" in html and "ក្រុមស្រូវ" in html and "សុភា" in html  # member, group, treasurer
    assert "$5.50" in html and "R-12" in html
    assert "អង្ករ" in html  # the sales it covers
    assert "css/slip.css" in html and "noto-sans-khmer-khmer-400-normal.woff2" in html
    assert "ហត្ថលេខា" in html  # the signature lines


def test_slip_summarises_the_sales_it_covers(client, trade, payout):
    trade.login(client, "coordinator")
    response = client.get(f"{EN}ledger/payouts/{payout.pk}/slip/")
    assert response.context["sales"] == [
        {"title": "Rice", "unit": "kg", "quantity": Decimal("6.000"), "amount": Decimal("6.00")}
    ]


def test_slip_is_seen_by_the_member_but_not_by_another_producer_or_group(client, trade, payout, make_user):
    trade.login(client, "producer")  # her own slip
    assert client.get(f"{EN}ledger/payouts/{payout.pk}/slip/").status_code == 200
    other = payout_record(member=trade.producer, group=trade.group_a, amount=Decimal("0.50"))
    fellow = make_user(PRODUCER)
    MembershipFactory(member=MemberFactory(user=fellow), group=trade.group_a)
    client.force_login(fellow)
    assert client.get(f"{EN}ledger/payouts/{other.pk}/slip/").status_code == 404
    trade.login(client, "coordinator_b")
    assert client.get(f"{EN}ledger/payouts/{payout.pk}/slip/").status_code == 404
    trade.login(client, "buyer")
    assert client.get(f"{EN}ledger/payouts/{payout.pk}/slip/").status_code == 403
