import signal
import threading

from django.core.management.base import BaseCommand

from notifications.doubles import BotApiDouble, SmsGatewayDouble


class Command(BaseCommand):
    help = (
        "Run local doubles of the Telegram Bot API and of the SMS gateway on 127.0.0.1 (demo and "
        "manual tests; nothing leaves the machine). Ctrl-C stops them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--telegram-port", type=int, default=8081)
        parser.add_argument("--sms-port", type=int, default=8082)

    def handle(self, *args, telegram_port, sms_port, **options):
        bot = BotApiDouble(telegram_port).start()
        gateway = SmsGatewayDouble(sms_port).start()
        self.stdout.write("Telegram Bot API double: " + bot.url)
        self.stdout.write("SMS gateway double:      " + gateway.url + "/send")
        self.stdout.write("Point the site at them, e.g. in .env:")
        self.stdout.write(f"  TELEGRAM_API_BASE={bot.url}\n  TELEGRAM_BOT_TOKEN=demo-token")
        self.stdout.write(f"  SMS_BACKEND=notifications.sms.GatewaySmsBackend\n  SMS_GATEWAY_URL={gateway.url}/send")
        self.stdout.write(f"Messages received: curl {bot.url}/calls ; curl {gateway.url}/calls")
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            stop.wait()
        except KeyboardInterrupt:
            pass
        bot.stop()
        gateway.stop()
