"""The certificate PDF embeds Noto Sans Khmer and the glyphs HarfBuzz chose. Unshaped, a
subscript consonant would be drawn as the separate COENG sign (U+17D2) and a full consonant;
shaped, the font's single subscript glyph is used, which the PDF's ToUnicode map records as
one glyph standing for the pair or the whole cluster (e.g. <179F17D2179A>, SA + COENG RO)."""

import io
import re

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from tests.factories.training import EnrolmentFactory
from training import services
from training.certificates import certificate_pdf

pytestmark = pytest.mark.django_db


def embedded_fonts(pdf_bytes: bytes) -> dict[str, tuple[TTFont, dict[str, str]]]:
    """{BaseFont: (embedded TrueType subset, {glyph id hex: unicode hex})}"""
    reader = PdfReader(io.BytesIO(pdf_bytes))
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            data = descendant["/FontDescriptor"]["/FontFile2"].get_object().get_data()
            to_unicode = font["/ToUnicode"].get_object().get_data().decode()
            mapping = dict(re.findall(r"<([0-9A-F]{4})> <([0-9A-F]+)>", to_unicode))
            fonts[str(font["/BaseFont"])] = (TTFont(io.BytesIO(data)), mapping)
    return fonts


def test_certificate_embeds_the_khmer_font_with_shaped_glyphs(session, trainer):
    enrolment = EnrolmentFactory(session=session, name="ពៅ ស្រីល័ក្ខ")  # COENG RO and COENG KHO
    services.enrolment_complete(enrolment=enrolment)
    certificate = services.certificate_issue(enrolment=enrolment, issued_by=trainer)
    pdf = certificate_pdf(certificate, "https://example.org/verify/", language="km")
    assert pdf.startswith(b"%PDF")

    fonts = embedded_fonts(pdf)
    assert fonts and all(name.endswith(("NotoSansKhmer", "NotoSansKhmerBold")) for name in fonts)
    bold_font, bold_map = next(value for name, value in fonts.items() if name.endswith("Bold"))
    # The name is set in bold: its subscripts are single shaped glyphs, embedded in the subset.
    targets = set(bold_map.values())
    assert any("17D2179A" in target for target in targets)  # ្រ (here ស្រ: one glyph for the cluster)
    assert "17D21781" in targets  # ្ខ
    assert "17D2" not in targets  # never a bare COENG sign
    assert len(bold_font.getGlyphOrder()) >= len(bold_map)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert certificate.code in text


def test_english_certificate_shapes_the_khmer_inside_a_mixed_line(session, trainer):
    """Issue 10 #6: "… at មជ្ឈមណ្ឌលបណ្តុះបណ្តាលជំនាញ / Skills Center" was shaped as Latin (the
    script HarfBuzz guessed for the line), so the Khmer showed bare COENG signs."""
    session.venue_name = "មជ្ឈមណ្ឌលបណ្តុះបណ្តាលជំនាញ / Skills Center"
    session.save(update_fields=["venue_name"])
    enrolment = EnrolmentFactory(session=session, name="Sok Dara")
    services.enrolment_complete(enrolment=enrolment)
    certificate = services.certificate_issue(enrolment=enrolment, issued_by=trainer)
    pdf = certificate_pdf(certificate, "https://example.org/en/skills-center/verify/X/", language="en")

    regular_font, regular_map = next(value for name, value in embedded_fonts(pdf).items() if not name.endswith("Bold"))
    targets = set(regular_map.values())
    assert "17D2" not in targets  # no bare COENG: every subscript is the font's shaped glyph
    assert any("17D21788" in target for target in targets)  # ្ឈ of មជ្ឈ
    assert any("17D2178C" in target for target in targets)  # ្ឌ of មណ្ឌល
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Skills Center" in text and "has completed the course" in text


ADMIN = "/admin/training_sessions/"


@pytest.fixture
def completed(session):
    enrolment = EnrolmentFactory(session=session, name="ពៅ ស្រីល័ក្ខ")
    services.enrolment_complete(enrolment=enrolment)
    return enrolment


def test_a_get_never_issues_a_certificate(client, trainer, session, completed):
    """Issue 9: certificates were issued on a GET (a prefetch or a crawler could issue one)."""
    from training.models import Certificate

    client.force_login(trainer)
    url = f"{ADMIN}roster/{session.pk}/certificate/{completed.pk}/"
    assert client.get(url).status_code == 404
    assert not Certificate.objects.exists()
    issued = client.post(url)
    assert issued.status_code == 200 and issued.content.startswith(b"%PDF")
    certificate = Certificate.objects.get(enrolment=completed)
    assert certificate.issued_by == trainer
    # Once issued, a GET downloads the same certificate again (in either language) and writes nothing.
    again = client.get(url + "?lang=en")
    assert again.status_code == 200 and again.content.startswith(b"%PDF")
    assert Certificate.objects.count() == 1


def test_roster_offers_no_undo_once_a_certificate_exists(client, trainer, session, completed):
    """Issue 10 #8: "Undo" stood beside an issued certificate and then failed with a 400."""
    client.force_login(trainer)
    roster = f"{ADMIN}roster/{session.pk}/"
    assert 'value="uncomplete"' in client.get(roster).content.decode()
    services.certificate_issue(enrolment=completed, issued_by=trainer)
    content = client.get(roster).content.decode()
    assert 'value="uncomplete"' not in content
    assert f"/certificate/{completed.pk}/" in content


@pytest.mark.parametrize("language", ["km", "en"])
def test_certificate_links_to_verification_in_its_own_language(client, trainer, session, completed, language, settings):
    """Issue 10 #5: the Khmer certificate's verification link went to /en/ (the admin's language)."""
    from pypdf import PdfReader as Reader

    settings.PUBLIC_BASE_URL = "https://sahakum.example"
    client.force_login(trainer)
    pdf = client.post(f"{ADMIN}roster/{session.pk}/certificate/{completed.pk}/?lang={language}").content
    text = "".join(page.extract_text() for page in Reader(io.BytesIO(pdf)).pages).replace("\n", "")
    assert f"https://sahakum.example/{language}/skills-center/verify/" in text
