"""The demo wiring: seed_demo links the demo producer's Telegram; the doubles' HTTP controls."""

import pytest
import requests

from notifications.demo import DEMO_PRODUCER_CHAT_ID, seed
from notifications.doubles import BotApiDouble, SmsGatewayDouble
from notifications.models import Contact


@pytest.mark.django_db
def test_seed_links_the_demo_producer_idempotently(make_user):
    producer = make_user(phone="012000002")
    seed(users={"producer": producer}, pages={}, log=lambda *_: None)
    seed(users={"producer": producer}, pages={}, log=lambda *_: None)
    assert Contact.objects.get(user=producer).telegram_chat_id == DEMO_PRODUCER_CHAT_ID
    assert Contact.objects.count() == 1


def test_bot_double_records_fails_on_request_and_lists_calls():
    double = BotApiDouble().start()
    try:
        url = f"{double.url}/botT/sendMessage"
        assert requests.post(f"{double.url}/_fail?count=1&status=500", timeout=5).status_code == 200
        assert requests.post(url, json={"chat_id": 1, "text": "a"}, timeout=5).status_code == 500
        assert requests.post(url, json={"chat_id": 1, "text": "a"}, timeout=5).json()["ok"] is True
        assert requests.post(url, json={"chat_id": "x"}, timeout=5).status_code == 400
        assert requests.post(url, data=b"{not json", timeout=5).status_code == 400
        assert requests.post(f"{double.url}/botT/getMe", json={}, timeout=5).status_code == 404
        assert requests.get(f"{double.url}/calls", timeout=5).json() == [{"token": "T", "chat_id": 1, "text": "a"}]
        assert double.server_address[0] == "127.0.0.1"
    finally:
        double.stop()


def test_sms_double_records():
    double = SmsGatewayDouble().start()
    try:
        response = requests.post(f"{double.url}/send", json={"from": "S", "to": "+855", "text": "x"}, timeout=5)
        assert response.status_code == 200
        assert requests.post(f"{double.url}/send", json={"to": ""}, timeout=5).status_code == 400
        assert [call["to"] for call in requests.get(f"{double.url}/calls", timeout=5).json()] == ["+855"]
    finally:
        double.stop()
