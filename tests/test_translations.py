"""The Finnish and Swedish catalogs: complete, consistent with the source, compiled, and in use."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings

from tests.conftest import require_or_fail

LANGUAGES = ("fi", "sv")
LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
PLURAL_FORMS = "nplurals=2; plural=(n != 1);"

# The --ignore options the committed catalogs are made with (makemessages -l fi -l sv ...).
IGNORE_PATTERNS = [".venv/*", "tests/*", "var/*"]
# What is copied for the extraction: the files makemessages reads for the "django" domain.
SOURCE_SUFFIXES = {".py", ".html", ".txt"}
SKIPPED_DIRS = {".venv", "tests", "var", "locale", "node_modules", "__pycache__"}

# %(name)s in python-format strings (blocktranslate turns {{ name }} into it), bare %s / %d,
# and any {{ variable }} left verbatim in a string.
NAMED_PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
BARE_PLACEHOLDER = re.compile(r"%[sd]")
TEMPLATE_VARIABLE = re.compile(r"\{\{\s*(.*?)\s*\}\}")


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / "django.po"


def mo_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / "django.mo"


def live_entries(catalog: polib.POFile) -> list[polib.POEntry]:
    return [entry for entry in catalog if not entry.obsolete]


def placeholders(text: str) -> Counter[str]:
    found: Counter[str] = Counter(NAMED_PLACEHOLDER.findall(text))
    found.update(BARE_PLACEHOLDER.findall(NAMED_PLACEHOLDER.sub("", text.replace("%%", ""))))
    found.update(f"{{{{ {name} }}}}" for name in TEMPLATE_VARIABLE.findall(text))
    return found


def catalog_pairs(catalog: polib.POFile | polib.MOFile) -> dict[tuple[str | None, str], object]:
    """msgid -> msgstr (or its plural forms) of every entry, keyed with the context."""
    pairs: dict[tuple[str | None, str], object] = {}
    for entry in catalog:
        if entry.msgid_plural:
            forms = {int(index): text for index, text in entry.msgstr_plural.items()}
            pairs[(entry.msgctxt, entry.msgid)] = (entry.msgid_plural, forms)
        else:
            pairs[(entry.msgctxt, entry.msgid)] = entry.msgstr
    return pairs


def test_every_offered_language_has_a_catalog() -> None:
    offered = {code for code, _name in settings.LANGUAGES} - {settings.LANGUAGE_CODE}
    assert offered == set(LANGUAGES)
    for language in LANGUAGES:
        assert po_path(language).is_file()
        assert mo_path(language).is_file()


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_entry_is_translated(language: str) -> None:
    catalog = polib.pofile(str(po_path(language)))
    assert catalog.metadata.get("Language") == language
    assert catalog.metadata.get("Plural-Forms") == PLURAL_FORMS
    assert "charset=UTF-8" in catalog.metadata.get("Content-Type", "")
    assert not catalog.metadata_is_fuzzy

    entries = live_entries(catalog)
    assert entries, "the catalog is empty"
    fuzzy = [entry.msgid for entry in entries if "fuzzy" in entry.flags]
    untranslated = [
        entry.msgid
        for entry in entries
        if (
            (entry.msgid_plural and sorted(entry.msgstr_plural) != [0, 1])
            or (entry.msgid_plural and not all(entry.msgstr_plural.values()))
            or (not entry.msgid_plural and not entry.msgstr)
        )
    ]
    assert fuzzy == [], f"fuzzy entries in {language}"
    assert untranslated == [], f"untranslated entries in {language}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_are_kept(language: str) -> None:
    mismatched = []
    for entry in live_entries(polib.pofile(str(po_path(language)))):
        if entry.msgid_plural:
            # Both forms name the same variables as the English plural.
            expected = placeholders(entry.msgid_plural)
            assert placeholders(entry.msgid) == expected, entry.msgid
            translations = list(entry.msgstr_plural.values())
        else:
            expected = placeholders(entry.msgid)
            translations = [entry.msgstr]
        mismatched += [
            (entry.msgid, text) for text in translations if placeholders(text) != expected
        ]
    assert mismatched == [], f"placeholders differ in {language}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalog_is_up_to_date(language: str, tmp_path: Path) -> None:
    fresh = tmp_path / "django.mo"
    source = polib.pofile(str(po_path(language)))
    source.save_as_mofile(str(fresh))
    compiled = polib.mofile(str(fresh))
    committed = polib.mofile(str(mo_path(language)))
    expected, actual = catalog_pairs(compiled), catalog_pairs(committed)
    stale = sorted(
        msgid
        for (context, msgid) in expected.keys() | actual.keys()
        if expected.get((context, msgid)) != actual.get((context, msgid))
    )
    assert stale == [], (
        f"locale/{language}/LC_MESSAGES/django.mo is stale: run "
        "manage.py compilemessages --ignore '.venv/*' and commit the .mo"
    )
    assert committed.metadata.get("Plural-Forms") == PLURAL_FORMS


def _copy_sources(destination: Path) -> None:
    """Copy the files makemessages would read, so its temporary files never touch the project."""
    base = Path(settings.BASE_DIR)

    def ignored(directory: str, names: list[str]) -> set[str]:
        skipped = set()
        for name in names:
            path = Path(directory) / name
            if path.is_dir():
                if name in SKIPPED_DIRS or name.startswith("."):
                    skipped.add(name)
            elif path.suffix not in SOURCE_SUFFIXES or name.startswith("."):
                skipped.add(name)
        return skipped

    shutil.copytree(base, destination, ignore=ignored)


@pytest.fixture(scope="module")
def extracted_catalog(tmp_path_factory: pytest.TempPathFactory) -> polib.POFile:
    """What makemessages extracts from today's source, written to a temporary locale dir."""
    require_or_fail(
        shutil.which("xgettext") is not None and shutil.which("msguniq") is not None,
        "needs GNU gettext (xgettext) to extract the UI strings",
    )
    source = tmp_path_factory.mktemp("i18n") / "src"
    _copy_sources(source)
    locale = source / "locale"
    locale.mkdir()
    with pytest.MonkeyPatch.context() as patch, override_settings(LOCALE_PATHS=[str(locale)]):
        patch.chdir(source)
        call_command(
            "makemessages",
            locale=["fi"],
            ignore_patterns=IGNORE_PATTERNS,
            no_obsolete=True,
            no_location=True,
            verbosity=0,
        )
    return polib.pofile(str(locale / "fi" / "LC_MESSAGES" / "django.po"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_ui_string_is_missing_from_the_catalog(
    language: str, extracted_catalog: polib.POFile
) -> None:
    extracted = live_entries(extracted_catalog)
    assert len(extracted) > 100, "the extraction found suspiciously few strings"
    committed = {
        (entry.msgctxt, entry.msgid): entry.msgid_plural
        for entry in live_entries(polib.pofile(str(po_path(language))))
    }
    # A string is missing when its msgid (or, for plurals, its plural form) is not committed.
    missing = [
        entry.msgid
        for entry in extracted
        if (entry.msgctxt, entry.msgid) not in committed
        or committed[(entry.msgctxt, entry.msgid)] != entry.msgid_plural
    ]
    assert missing == [], (
        f"strings missing from locale/{language}: run makemessages -l fi -l sv "
        "--no-obsolete --no-location --ignore '.venv/*' --ignore 'tests/*' --ignore 'var/*', "
        "translate, and compilemessages"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "heading"),
    [("fi", "Kirjaudu sisään"), ("sv", "Logga in"), ("en", "Log in")],
)
def test_login_page_is_shown_in_the_chosen_language(language: str, heading: str) -> None:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert f"<h1>{heading}</h1>" in html
