"""The Vietnamese catalogue against the code: every message translated, placeholders kept; and the
check that finds the messages, which the translator runs when the code changes."""

from __future__ import annotations

import re
import shutil
import string
from pathlib import Path

import polib
import pytest

from broadcaster.messages import LANGUAGES, catalogue, counted, read_catalogue, speaking
from broadcaster.translations import catalogue_path, check, placeholders, report, source_messages, update
from broadcaster.translations.__main__ import main

VI = catalogue_path("vi")


@pytest.fixture(scope="module")
def findings():
    return check(VI)


def test_vietnamese_is_a_language_with_its_catalogue():
    assert LANGUAGES == ("en", "vi")
    assert VI.is_file()


def test_every_message_in_the_code_has_a_vietnamese_translation(findings):
    assert not findings.missing, report(VI, findings)


def test_every_translation_has_the_placeholders_of_its_english(findings):
    assert not findings.mismatched, report(VI, findings)


def test_no_message_is_built_at_run_time(findings):
    assert not findings.computed, report(VI, findings)


SAMPLE_PO = r'''msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"

#: broadcaster/cli/planning.py:1
msgid "one"
msgstr "một"

#, fuzzy, python-brace-format
msgid "changed {n}"
msgstr "đổi {n}"

msgid "untranslated"
msgstr ""

msgid ""
"a \"quoted\" text\n"
"on two lines\t\\"
msgstr ""
"một \"văn bản\"\n"
"hai dòng\t\\"

#~ msgid "gone"
#~ msgstr "đã bỏ"
'''


def test_the_catalogue_is_read_as_polib_reads_it(tmp_path):
    # The commands read the catalogue without polib (faster): the same messages, from the real catalogue and from
    # one with every case (the header, fuzzy, untranslated, obsolete, escapes, a text on several lines).
    sample = tmp_path / "xx.po"
    sample.write_text(SAMPLE_PO, encoding="utf-8")
    for path in (VI, sample):
        assert read_catalogue(path) == {e.msgid: e.msgstr for e in polib.pofile(str(path)).translated_entries()}
    assert read_catalogue(sample) == {"one": "một", 'a "quoted" text\non two lines\t\\': 'một "văn bản"\nhai dòng\t\\'}


def test_the_catalogue_loads_with_every_message_of_the_code():
    messages, _ = source_messages()
    loaded = catalogue("vi")
    assert set(messages) <= set(loaded)
    assert loaded["the schedule is fine"] == "lịch phát không có lỗi"
    assert "" not in loaded  # the header entry is no message
    assert catalogue("en") == {}


def test_no_translation_is_the_english_left_as_it_was():
    def words(text: str) -> str:
        return "".join(literal for literal, *_ in string.Formatter().parse(text))

    left = [m for m, s in catalogue("vi").items() if s == m and re.search("[a-z]{2}", words(m))]
    assert left == []


def test_placeholders_compare_names_and_formats():
    assert placeholders("{n} mục, {s:.1f} giây") == placeholders("{s:.1f} s, {n} items")
    assert placeholders("{s:.0f} giây") != placeholders("{s:.1f} s")
    assert placeholders("{n} mục") != placeholders("{n} items of {m}")
    assert placeholders("{n mục") is None


def _package(root: Path, source: str) -> Path:
    package = root / "pkg"
    package.mkdir()
    (package / "mod.py").write_text(source, encoding="utf-8")
    return package


def test_the_check_finds_literals_joined_literals_marked_words_and_built_texts(tmp_path):
    package = _package(tmp_path, 'def f(t, marked, x, word):\n'
                                 '    t("one {x}", x=x)\n'
                                 '    t("joined "\n'
                                 '      "literal")\n'
                                 '    STATUS = marked("draft")\n'
                                 '    t(word)\n'
                                 '    t(f"built {x}")\n'
                                 '    t("one {x}", x=1)\n')
    messages, computed = source_messages(package)
    assert messages == {"one {x}": ["pkg/mod.py:2", "pkg/mod.py:8"], "joined literal": ["pkg/mod.py:3"],
                        "draft": ["pkg/mod.py:5"]}
    assert computed == ["pkg/mod.py:7"]


def test_update_adds_new_messages_untranslated_and_the_check_lists_them(tmp_path):
    po = tmp_path / "vi.po"
    shutil.copy(VI, po)
    package = _package(tmp_path, 'def f(t):\n    t("the schedule is fine")\n    t("{n} new message", n=1)\n')
    found = update(po, package)
    assert list(found.missing) == ["{n} new message"]
    text = report(po, found)
    assert "1 message(s) without a translation" in text
    assert "pkg/mod.py:3\n    '{n} new message'" in text
    entries = {e.msgid: e for e in polib.pofile(str(po))}
    assert entries["{n} new message"].msgstr == "" and "python-brace-format" in entries["{n} new message"].flags
    assert entries["the schedule is fine"].msgstr == "lịch phát không có lỗi"
    assert entries["the schedule is fine"].occurrences == [("pkg/mod.py", "")]
    assert entries["a session"].obsolete  # no longer in this code: kept for Poedit, not used


def test_a_fuzzy_or_wrong_translation_is_reported(tmp_path):
    po_path = tmp_path / "vi.po"
    shutil.copy(VI, po_path)
    package = _package(tmp_path, 'def f(t):\n    t("the schedule is fine")\n    t("{n} rendered", n=1)\n')
    po = polib.pofile(str(po_path))
    po.find("the schedule is fine").flags.append("fuzzy")
    po.find("{n} rendered").msgstr = "đã tạo âm thanh cho {m} mục"
    po.save()
    found = check(po_path, package)
    assert list(found.missing) == ["the schedule is fine"] and found.fuzzy == {"the schedule is fine"}
    assert found.mismatched == {"{n} rendered": "đã tạo âm thanh cho {m} mục"}
    assert "marked fuzzy" in report(po_path, found) and not found.ok


def test_the_command_checks_the_shipped_catalogue(capsys):
    assert main(["vi"]) == 0
    assert capsys.readouterr().out.strip().endswith("vi.po: every message has a translation")
    with pytest.raises(SystemExit) as stopped:
        main(["fr"])
    assert stopped.value.code == 2
    assert "no catalogue for 'fr'" in capsys.readouterr().err


def test_both_forms_given_to_counted_are_messages_to_translate(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "m.py").write_text('counted(n, "{n} record", "{n} records")\n', encoding="utf-8")
    found, _ = source_messages(package)
    assert sorted(found) == ["{n} record", "{n} records"]


def test_plurals_are_translated_too():
    with speaking("vi"):
        assert counted(9, "{n} record", "{n} records") == "9 bản ghi"


def test_the_check_finds_the_help_of_commands_and_options(tmp_path):
    package = _package(tmp_path, '@cli.command("x")\n'
                                 '@click.option("--y", help="Only "\n'
                                 '              "this.")\n'
                                 'def x(y):\n'
                                 '    """Do x,\n'
                                 '    well."""\n'
                                 'parser.add_argument("--z", help="a developer tool: English")\n')
    messages, _ = source_messages(package)
    assert messages == {"Only this.": ["pkg/mod.py:2"], "Do x,\nwell.": ["pkg/mod.py:4"]}


def test_click_words_are_messages_of_the_catalogue():
    messages, _ = source_messages()
    assert messages["Usage:"][0].startswith("click/formatting.py:")
    assert messages["Missing argument"][0].startswith("click/exceptions.py:")
    assert {"Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"} <= set(messages)
    assert catalogue("vi")["Usage:"] == "Cách dùng:"
