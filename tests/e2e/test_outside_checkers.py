"""Every public page type and My shop, in both languages, checked by tools nobody here wrote
(issue 10 #4 and #9): the Nu HTML checker (vnu.jar from npm) on the HTML the server sent, and
axe-core in Chromium on the page as shown — 0 errors, 0 violations of any impact. The Khmer
pages, and each public form's error state, carry no interface text in Latin script.

The pages come from `manage.py seed_demo`, walked as a visitor does (tests/e2e/public_pages.py)."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.e2e.public_pages import VISIBLE_TEXT_JS, latin_words, walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


@pytest.fixture
def demo(transactional_db, settings, tmp_path):
    from django.core.management import call_command

    from marketplace.payments.models import PaymentSettings
    from training.models import Certificate

    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", force=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    certificate = Certificate.objects.order_by("pk").first()
    merchant = PaymentSettings.objects.first()
    return {
        "verify_code": certificate.code if certificate else None,
        # The KHQR merchant name is Latin by the KHQR standard; the page asks the buyer to match it.
        "merchant_name": merchant.merchant_name,
    }


def _nu_errors(files: list[Path]) -> list[str]:
    result = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode in (0, 1), result.stderr[-2000:]
    messages = json.loads(result.stderr)["messages"]
    return [f"{Path(m['url']).name}: {m['message']} [{m.get('extract', '').strip()[:80]}]" for m in messages]


def test_every_public_page_passes_the_nu_checker_and_axe_in_both_languages(live_server, page, demo, tmp_path):
    if shutil.which("java") is None:
        pytest.skip("java not found: the Nu HTML checker needs a Java runtime (apt-get install default-jre-headless)")
    if not VNU_JAR.exists():
        pytest.skip(f"{VNU_JAR} not found: run `npm ci` (package.json pins vnu-jar)")
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    files, names, violations, failed, no_description = [], {}, [], [], []
    for number, visit in enumerate(walk(page, live_server.url, verify_code=demo["verify_code"], failed=failed)):
        path = tmp_path / f"{number:02d}-{visit.language}.html"
        path.write_text(visit.html, encoding="utf-8")
        files.append(path)
        names[path.name] = f"{visit.language} {visit.name} ({visit.status})"
        if not re.search(r'<meta name="description" content="[^"]{20,}">', visit.html):
            no_description.append(names[path.name])
        if visit.name == "product":
            # The first photo is the largest paint: it must not wait for lazy loading.
            first_photo = re.search(r'<div class="product-photos">.*?<img [^>]*>', visit.html, re.S).group(0)
            assert 'loading="lazy"' not in first_photo and 'fetchpriority="high"' in first_photo, first_photo
        result = axe.run(page)
        for violation in result.response.get("violations", []):
            targets = [node["target"] for node in violation["nodes"]][:3]
            violations.append(f"{names[path.name]}: {violation['id']} ({violation['impact']}) {targets}")
    favicon = page.request.get(f"{live_server.url}/favicon.ico")
    assert favicon.ok and favicon.headers["content-type"].startswith("image/"), favicon.status
    assert not failed, f"resources that failed to load: {sorted(set(failed))}"
    assert not no_description, f"pages without a meta description: {no_description}"
    page_types = {name.split(" ", 1)[1].split(" (")[0] for name in names.values()}
    assert {"home", "product", "KHQR", "bank transfer", "order", "enrolment", "403", "404", "My shop"} <= page_types
    errors = [f"{names.get(line.split(':', 1)[0], '')} {line}" for line in _nu_errors(files)]
    assert not errors, f"{len(errors)} Nu HTML checker errors:\n" + "\n".join(errors)
    assert not violations, f"{len(violations)} axe-core violations:\n" + "\n".join(violations)


def test_khmer_pages_and_form_errors_have_no_english_interface_text(live_server, page, demo):
    found = []
    for visit in walk(page, live_server.url, verify_code=demo["verify_code"], languages=("km",)):
        # What the visitor typed is hers, not the interface's.
        words = latin_words(page.evaluate(VISIBLE_TEXT_JS), ignore=("NOSUCHCODE", demo["merchant_name"]))
        if words:
            found.append(f"{visit.name} {visit.url}: {' '.join(sorted(set(words)))}")
    assert not found, "Latin-script text on Khmer pages:\n" + "\n".join(found)
