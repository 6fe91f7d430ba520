"""Fill empty Khmer msgstr entries from a dict T = {msgid: msgstr} in a Python file, then list what is still untranslated.

Usage: .venv/bin/python scripts/po_fill.py locale/km/LC_MESSAGES/django.po translations.py
"""

import runpy
import sys

import polib

po = polib.pofile(sys.argv[1])
T = runpy.run_path(sys.argv[2])["T"]
for entry in po:
    if entry.msgid in T:
        if entry.msgid_plural:
            value = T[entry.msgid]
            forms = value if isinstance(value, (list, tuple)) else [value]
            entry.msgstr_plural = {
                i: forms[min(i, len(forms) - 1)] for i in range(max(1, len(entry.msgstr_plural) or 1))
            }
        else:
            entry.msgstr = T[entry.msgid]
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
po.save()
missing = [e.msgid for e in po if not e.obsolete and not (e.msgstr or any(e.msgstr_plural.values()))]
print("missing:", len(missing))
for m in missing:
    print("  ", repr(m))
