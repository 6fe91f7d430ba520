"""PDF certificates drawn with fpdf2. Khmer needs a text shaper: subscript consonants (coeng)
and vowel signs are reordered and positioned by HarfBuzz (fpdf2's set_text_shaping, through the
uharfbuzz wheel), with Noto Sans Khmer (OFL, training/fonts/) embedded as a subset."""

import logging
from pathlib import Path

from django.utils import formats, translation
from django.utils.translation import gettext as _
from fpdf import FPDF

from cms.khmer import contains_khmer

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT_FAMILY = "NotoSansKhmer"
# fontTools logs every subsetting step at INFO.
logging.getLogger("fontTools").setLevel(logging.WARNING)


def _pdf() -> FPDF:
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.add_font(FONT_FAMILY, "", str(FONT_DIR / "NotoSansKhmer-Regular.ttf"))
    pdf.add_font(FONT_FAMILY, "B", str(FONT_DIR / "NotoSansKhmer-Bold.ttf"))
    pdf.set_text_shaping(True)
    pdf.set_auto_page_break(False)
    return pdf


def certificate_pdf(certificate, verify_url: str, language: str = "km") -> bytes:
    enrolment = certificate.enrolment
    session = enrolment.session
    with translation.override(language):
        course = session.course.localized
        pdf = _pdf()
        pdf.set_title(_("Certificate of completion"))
        pdf.set_author("Sahakum Skills Center")
        pdf.add_page()
        width = pdf.w - 2 * pdf.l_margin
        pdf.set_draw_color(10, 107, 79)
        pdf.set_line_width(1.5)
        pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)

        def line(text, size, style="", gap=4):
            # HarfBuzz guesses one script per line from its first letters: a Latin-first line
            # with a Khmer run ("… at មជ្ឈមណ្ឌល… / Skills Center") would be shaped as Latin and
            # draw bare COENG signs. Any Khmer in the line: shape it as Khmer (Latin letters
            # pass through the Khmer shaper unchanged).
            if contains_khmer(text):
                pdf.set_text_shaping(True, script="khmr", language="khm")
            else:
                pdf.set_text_shaping(True)
            pdf.set_font(FONT_FAMILY, style, size)
            pdf.multi_cell(width, size * 0.6, text, align="C", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(gap)

        pdf.set_y(28)
        line(_("Sahakum Skills Center"), 16, "B")
        line(_("Certificate of completion"), 28, "B", gap=8)
        line(_("This certifies that"), 14)
        line(enrolment.name, 30, "B", gap=6)
        line(_("has completed the course"), 14)
        line(course.title, 22, "B", gap=6)
        dates = _("%(start)s to %(end)s at %(venue)s") % {
            "start": formats.date_format(session.start_date, "DATE_FORMAT"),
            "end": formats.date_format(session.end_date, "DATE_FORMAT"),
            "venue": f"{session.venue_name}, {session.venue_village.name}",
        }
        line(dates, 13, gap=14)
        line(_("Verification code: %(code)s") % {"code": certificate.code}, 13, "B", gap=2)
        line(_("Check this certificate at %(url)s") % {"url": verify_url}, 10)
        return bytes(pdf.output())
