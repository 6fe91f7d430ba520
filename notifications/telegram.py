"""The only module that talks HTTP to Telegram (Bot API `sendMessage`), and the one that reads
the updates Telegram posts to the webhook. TELEGRAM_API_BASE points tests and the demo at the
local double (notifications.doubles)."""

import requests
from django.conf import settings

TIMEOUT_SECONDS = 10


class TelegramError(Exception):
    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent  # the chat blocked the bot or does not exist: retrying cannot help


def configured() -> bool:
    return bool(settings.TELEGRAM_BOT_TOKEN)


def deep_link(token: str) -> str:
    return f"https://t.me/{settings.TELEGRAM_BOT_USERNAME}?start={token}"


def send_message(*, chat_id: int, text: str) -> dict:
    url = f"{settings.TELEGRAM_API_BASE.rstrip('/')}/bot{settings.TELEGRAM_BOT_TOKEN}/sendMessage"
    try:
        response = requests.post(url, json={"chat_id": chat_id, "text": text}, timeout=TIMEOUT_SECONDS)
    except requests.RequestException as error:
        raise TelegramError(f"Telegram unreachable: {type(error).__name__}") from error
    try:
        payload = response.json()
    except ValueError:
        payload = {}
    if response.status_code != 200 or not payload.get("ok"):
        description = payload.get("description") or ""
        raise TelegramError(
            f"Telegram refused (HTTP {response.status_code}): {description}"[:300],
            permanent=response.status_code in (400, 403),
        )
    return payload.get("result") or {}


def parse_command(update: object) -> tuple[int, str, str] | None:
    """(chat id, command, argument) of a private text message such as "/start abc"; None for any
    other update. Raises ValueError when the update is not shaped like a Telegram update."""
    if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
        raise ValueError("not a Telegram update")
    message = update.get("message")
    if message is None:
        return None
    if not isinstance(message, dict):
        raise ValueError("message is not an object")
    chat = message.get("chat")
    text = message.get("text")
    if not isinstance(chat, dict) or not isinstance(chat.get("id"), int) or isinstance(chat.get("id"), bool):
        raise ValueError("message without a chat id")
    if not isinstance(text, str) or not text.startswith("/"):
        return None
    command, _, argument = text.strip().partition(" ")
    return chat["id"], command.split("@", 1)[0].lower(), argument.strip()
