"""t(): English by default, Vietnamese when chosen, placeholders filled in either way."""

from __future__ import annotations

import pytest

import threading

from broadcaster.messages import catalogue, choose, language, one_command, speaking, t


@pytest.fixture(autouse=True)
def no_language_variable(monkeypatch):
    monkeypatch.delenv("BROADCASTER_LANG", raising=False)


def test_english_is_the_default():
    assert language() == "en"
    assert t("{n} rendered", n=3) == "3 rendered"


def test_vietnamese_when_chosen_for_a_block_then_english_again():
    with speaking("vi"):
        assert language() == "vi"
        assert t("{n} rendered", n=3) == "đã tạo âm thanh cho 3 mục"
        assert t("lowpass_hz {low:g} must be above highpass_hz {high:g}", low=150.0, high=200.0) == \
            "lowpass_hz 150 phải lớn hơn highpass_hz 200"
    assert t("{n} rendered", n=3) == "3 rendered"


def test_the_language_variable_chooses_vietnamese_and_a_choice_overrides_it(monkeypatch):
    monkeypatch.setenv("BROADCASTER_LANG", "vi")
    assert t("the schedule is fine") == "lịch phát không có lỗi"
    with speaking("en"):
        assert t("the schedule is fine") == "the schedule is fine"
    with speaking(None):  # nothing chosen by the command line: the variable holds
        assert t("the schedule is fine") == "lịch phát không có lỗi"


def test_the_threads_a_command_starts_speak_its_language_until_it_ends():
    heard = []

    def speak() -> None:
        heard.append(t("the schedule is fine"))
        with speaking("en"):  # a thread that chooses (a web request) keeps its own
            heard.append(t("the schedule is fine"))

    with one_command():
        choose("vi")
        thread = threading.Thread(target=speak)
        thread.start()
        thread.join()
    assert heard == ["lịch phát không có lỗi", "the schedule is fine"]
    thread = threading.Thread(target=speak)
    thread.start()
    thread.join()
    assert heard[2:] == ["the schedule is fine"] * 2


def test_a_language_without_a_catalogue_stays_english(monkeypatch):
    monkeypatch.setenv("BROADCASTER_LANG", "fr")
    assert t("the schedule is fine") == "the schedule is fine"
    monkeypatch.setenv("BROADCASTER_LANG", "../vi")
    assert t("the schedule is fine") == "the schedule is fine"


def test_a_message_without_a_translation_is_shown_in_english():
    with speaking("vi"):
        assert t("no such message {x}", x=1) == "no such message 1"


def test_a_translation_with_a_mistyped_placeholder_falls_back_to_english(monkeypatch):
    monkeypatch.setitem(catalogue("vi"), "{n} rendered", "đã tạo âm thanh cho {m} mục")
    with speaking("vi"):
        assert t("{n} rendered", n=3) == "3 rendered"
