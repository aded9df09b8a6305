"""Every message the code marks for translation has its English in the compiled catalogue the app loads."""
import gettext
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

ROOT = Path(__file__).resolve().parent.parent
METHODS = [("views/**.py", "python"), ("services/**.py", "python"), ("templates/**.html", "jinja2.ext:babel_extract")]
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_pgettext": ((1, "c"), 2)}


def _marked_messages() -> set[tuple[str | None, str | tuple[str, str]]]:
    """(context, message) pairs; a message is a plural's (singular, plural)."""
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(ROOT, METHODS, keywords=KEYWORDS):
        found.add((context, message if isinstance(message, str) else tuple(message)))
    return found


def test_every_marked_message_has_english_in_the_compiled_catalogue():
    english = gettext.GNUTranslations((ROOT / "translations/en/LC_MESSAGES/messages.mo").open("rb"))
    untranslated = []
    for context, message in sorted(_marked_messages(), key=str):
        if isinstance(message, tuple):
            translated = english.ngettext(*message, 2)
            untranslated += [message] if translated == message[1] else []
        elif (english.pgettext(context, message) if context else english.gettext(message)) == message:
            untranslated.append(message)
    assert not untranslated, f"run `make translations` and translate: {untranslated[:10]}"
