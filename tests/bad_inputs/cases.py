"""The bad-input corpus: every case is a real file (in this folder, or made by the test when it is too big to
check in), the command it is given to, the exact line the command must print, and its exit code
(2 for usage and input errors, 1 for failures at run time).

In ``args`` and ``expected``, '{file}' is the case's file as given to the command and '{station}' the
station folder. A case with ``into`` is copied into the station at that path instead (a station's own
schedule, configuration or database), before the station is hashed.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass


@dataclass(frozen=True)
class Case:
    """One bad input and what a commune operator must be told about it."""

    file: str | None          # 'schedules/tabs.yaml', 'made:<name>' (made at run time), or None
    args: tuple[str, ...]
    expected: str
    code: int = 2
    into: str | None = None

    @property
    def name(self) -> str:
        """The case's name in the test report."""
        return self.file or " ".join(self.args)


CHECK = ("schedule", "check", "{file}")
ADD = ("content", "add", "{file}")
ADD_CLIP = ("content", "add", "{file}", "--id", "ghi-am-rad", "--lang", "rad")
HHMM = "expected HH:MM such as 05:30 or 17:00"
UNKNOWN_SCRIPT = "that a Vietnamese voice cannot read; record a clip for texts in other scripts"
LEGACY = ("the text looks like the old {name} encoding, not Unicode; convert it with Unikey (Công cụ chuyển mã: "
          "from {name} to Unicode) and save it as UTF-8")
NOT_VIETNAMESE = ("not Vietnamese text in a known encoding: not UTF-8 (byte {byte}), nor Windows-1258, TCVN3 or VNI; "
                  "save it as UTF-8")
LOST = ("Vietnamese letters are lost: '?' stands for them in words such as {examples}; the file was saved in an "
        "encoding without them: save it again from the original as UTF-8")
TOPICS = ("the station's topics are: covid-prevention, vaccination, policy, agriculture, general (add more under "
          "'topics:' in station.yaml)")
HEADER_KEYS = "author, id, language, notes, title, topic, valid_from, valid_until"
SESSION_KEYS = ("date, days, from, items, loop_gap, loop_until, max_length, name, on_interrupt, output, outputs, start, "
                "until")
SAVE_AS_DOCX = "open it in Word or LibreOffice and save it as .docx (Word document) or .odt"
DAMAGED_DOCUMENT = "the document is damaged ({reason}): open it in Word or LibreOffice and save it again as .docx or .odt"
BAD_XML = "invalid XML in word/document.xml, line 1"
CLIP_FORMATS = ".wav .mp3 .m4a .aac .mp4 .3gp .amr .ogg .oga .opus .flac .webm"

SCHEDULES = [
    Case("schedules/quote-never-closed.yaml", CHECK,
         "Error: {file}:6: invalid YAML: a quote (\" or ') is opened and never closed"),
    Case("schedules/indentation.yaml", CHECK,
         "Error: {file}:4: invalid YAML: expected <block end>, but found '<block mapping start>'"),
    Case("schedules/colon-in-value.yaml", CHECK, "Error: {file}:5: invalid YAML: mapping values are not allowed here"),
    Case("schedules/tabs.yaml", CHECK, "Error: {file}:2: a tab character; indent with spaces"),
    Case("schedules/windows-1258.yaml", CHECK, "Error: {file}:5: not UTF-8 text (byte 0xf4); save the file as UTF-8"),
    Case("schedules/nul-character.yaml", CHECK,
         "Error: {file}: invalid YAML: unacceptable character #x0000: special characters are not allowed"),
    Case("schedules/items-not-a-list.yaml", CHECK, "Error: {file}:8: items must be a list of '- ...' lines"),
    Case("schedules/repeat-not-a-number.yaml", CHECK,
         "Error: {file}:10: repeat 'hai' must be a whole number from 1 to 100"),
    Case("schedules/repeat-zero.yaml", CHECK, "Error: {file}:10: repeat '0' must be a whole number from 1 to 100"),
    Case("schedules/gain-not-a-number.yaml", CHECK, "Error: {file}:4: gain 'to' must be a number of dB from -40 to 12"),
    Case("schedules/days-not-a-list.yaml", CHECK, "Error: {file}:7: days must be a list of '- ...' lines"),
    Case("schedules/day-misspelt.yaml", CHECK,
         "Error: {file}:7: 'fry' is not a day of the week; expected mon, tue, wed, thu, fri, sat, sun "
         "(or t2 ... t7, cn) or 'daily'"),
    Case("schedules/name-is-a-list.yaml", CHECK, "Error: {file}:5: a session's name must be a text, such as 'Buổi sáng'"),
    Case("schedules/start-is-a-number.yaml", CHECK, f"Error: {{file}}:6: start '5.5' is not a time of day; {HHMM}"),
    Case("schedules/item-is-a-number.yaml", CHECK, "Error: {file}:8: an item must be a mapping of 'key: value' lines"),
    Case("schedules/item-is-empty.yaml", CHECK, "Error: {file}:9: an item must be a mapping of 'key: value' lines"),
    Case("schedules/unknown-key.yaml", CHECK,
         f"Error: {{file}}:6: unknown key 'strat' in a session (did you mean 'start'?); expected one of: {SESSION_KEYS}"),
    Case("schedules/unknown-top-key.yaml", CHECK,
         "Error: {file}:4: unknown key 'sesions' in a schedule file (did you mean 'sessions'?); expected one of: "
         "exceptions, max_session, outputs, quiet_hours, sessions"),
    Case("schedules/unknown-output-key.yaml", CHECK,
         "Error: {file}:3: unknown key 'devise' in an output (did you mean 'device'?); expected one of: backup, channel, "
         "channels, device, file, gain, profile"),
    Case("schedules/channel-zero.yaml", CHECK,
         "Error: {file}:5: channel '0' must be a whole number from 1 to 256 (the device's first channel is 1)"),
    Case("schedules/channel-of-a-file.yaml", CHECK,
         "Error: {file}:5: 'channels' is for sound devices; a WAV file output has no channels"),
    Case("schedules/file-not-wav.yaml", CHECK,
         "Error: {file}:3: file 'ban-ghi.mp3' must be the path of a WAV file, ending in .wav"),
    Case("schedules/backup-file-not-wav.yaml", CHECK,
         "Error: {file}:4: file 'du-phong.ogg' must be the path of a WAV file, ending in .wav"),
    Case("schedules/backup-a-map.yaml", CHECK,
         "Error: {file}:4: backup must be a device name, '{{file: PATH.wav}}', or a list of '- ...' lines of these"),
    Case("schedules/channel-shared.yaml", CHECK,
         "Error: {file}:5: channel 2 of device 'Loa USB 7.1' is used by output 'thon-1' ({file}:2) and by output "
         "'thon-2'"),
    Case("schedules/device-whole-and-by-channel.yaml", CHECK,
         "Error: {file}:5: device 'Loa USB 7.1' is used whole by output 'trung-tam' ({file}:2) and by channel by "
         "output 'thon-1'; give every output on it its channels"),
    Case("schedules/unknown-item-key.yaml", CHECK,
         "Error: {file}:9: unknown key 'anouncement' in an item (did you mean 'announcement'?); expected one of: "
         "announcement, chime, gap, languages, relay, repeat, silence, topic"),
    Case("schedules/hour-25.yaml", CHECK, f"Error: {{file}}:6: start '25:00' is not a time of day; {HHMM}"),
    Case("schedules/minute-61.yaml", CHECK, f"Error: {{file}}:6: start '05:61' is not a time of day; {HHMM}"),
    Case("schedules/negative-time.yaml", CHECK, f"Error: {{file}}:6: start '-1:00' is not a time of day; {HHMM}"),
    Case("schedules/unquoted-24-30.yaml", CHECK, f"Error: {{file}}:6: start '24:30' is not a time of day; {HHMM}"),
    Case("schedules/february-30.yaml", CHECK,
         "Error: {file}:7: date '2026-02-30' is not a date; expected YYYY-MM-DD or DD/MM/YYYY "
         "such as 2026-12-31 or 31/12/2026"),
    Case("schedules/month-13.yaml", CHECK,
         "Error: {file}:7: from '2026-13-01' is not a date; expected YYYY-MM-DD or DD/MM/YYYY "
         "such as 2026-12-31 or 31/12/2026"),
    Case("schedules/gap-in-hours.yaml", CHECK,
         "Error: {file}:11: gap '2h' is not a duration; expected seconds such as 5s or minutes such as 2m"),
    Case("schedules/overlapping-sessions.yaml", CHECK,
         "problem: loa-xa: session 'Chen ngang' ({file}:9) starts at 05:30:02 and overlaps session 'Buổi sáng' "
         "({file}:5), which runs until 05:30:03"),
    Case("schedules/unknown-output.yaml", CHECK, "Error: {file}:7: unknown output 'loa-thon'; the outputs are: loa-xa"),
    Case("schedules/unknown-announcement.yaml", CHECK,
         "Error: {file}:8: unknown announcement 'hia' (did you mean 'hai'?); 'broadcaster content list' shows them"),
    Case("schedules/unknown-topic.yaml", CHECK,
         f"Error: {{file}}:10: unknown topic 'vacination' (did you mean 'vaccination'?); {TOPICS}"),
    Case("schedules/unknown-topic.yaml", ("plan", "--date", "2026-12-01"),
         f"Error: {{station}}/schedules/lich.yaml:10: unknown topic 'vacination' (did you mean 'vaccination'?); "
         f"{TOPICS}", into="schedules/lich.yaml"),
    Case("schedules/empty.yaml", CHECK, "Error: {file}: the schedule is empty; it needs 'outputs:' and 'sessions:'"),
    Case("schedules/only-comments.yaml", CHECK,
         "Error: {file}: the schedule is empty; it needs 'outputs:' and 'sessions:'"),
    Case("schedules/a-list.yaml", CHECK, "Error: {file}:1: a schedule file must be a mapping of 'key: value' lines"),
    Case("schedules/duplicate-output.yaml", CHECK,
         "Error: {file}:4: invalid YAML: found duplicate key \"loa-xa\" with value \"{{'device': 'loa-thon'}}\" "
         "(original value: \"{{'device': 'default'}}\")"),
    Case("schedules/no-device.yaml", CHECK,
         "Error: {file}:2: output 'loa-xa' needs either 'device: NAME' or 'file: PATH.wav'"),
    Case("schedules/python-tag.yaml", CHECK, "Error: {file}:1: outputs must be a mapping of 'key: value' lines"),
    Case("schedules/deep-nesting.yaml", CHECK,
         "Error: {file}: lists or mappings are nested inside each other too deeply (hundreds of levels)"),
    Case("schedules/aliases-bomb.yaml", CHECK,
         "Error: {file}: its aliases ('*name', repeating the part marked '&name') repeat parts so often that it holds "
         "more than 1,000,000 values; write the parts out instead"),
    Case("made:ten-megabytes.yaml", CHECK,
         "Error: {file}: the file is 10000000 bytes, more than a schedule or configuration can be"),
    # The station's own schedule, broken: every command that plans or airs refuses it.
    Case("schedules/hour-25.yaml", ("plan", "--date", "2026-12-01"),
         f"Error: {{station}}/schedules/lich.yaml:6: start '25:00' is not a time of day; {HHMM}",
         into="schedules/lich.yaml"),
    Case("schedules/unknown-key.yaml", ("run", "--exit-when-idle"),
         f"Error: {{station}}/schedules/lich.yaml:6: unknown key 'strat' in a session (did you mean 'start'?); "
         f"expected one of: {SESSION_KEYS}", into="schedules/lich.yaml"),
]

TEXTS = [
    Case("texts/empty.md", ADD, "Error: {file}:1: there is no text to speak after the header"),
    Case("texts/whitespace-only.md", ADD, "Error: {file}:1: there is no text to speak after the header"),
    Case("texts/header-only.md", ADD, "Error: {file}:6: there is no text to speak after the header"),
    Case("texts/punctuation-only.md", ADD, "Error: {file}:1: there is no text to speak after the header"),
    Case("texts/image.md", ADD, "Error: {file}:3: this is a binary file, not a text"),
    Case("texts/program.txt", ADD, "Error: {file}:1: this is a binary file, not a text"),
    Case("texts/word-document.docx", ADD, f"Error: {{file}}: {DAMAGED_DOCUMENT.format(reason=BAD_XML)}"),
    Case("texts/cut-short.odt", ADD, f"Error: {{file}}: {DAMAGED_DOCUMENT.format(reason='it is not a ZIP archive')}"),
    Case("texts/billion-laughs.docx", ADD,
         f"Error: {{file}}: {DAMAGED_DOCUMENT.format(reason='its XML declares entities or external references')}"),
    Case("made:zip-bomb.docx", ADD, "Error: {file}: " + DAMAGED_DOCUMENT.format(
        reason="its text unpacks to 50000297 bytes, more than 10000000")),
    Case("texts/old-word.doc", ADD, f"Error: {{file}}: an old .doc document cannot be read: {SAVE_AS_DOCX}"),
    Case("texts/password-protected.docx", ADD, "Error: {file}: the document is protected by a password (or in the "
         f"old .doc format): remove the password, or {SAVE_AS_DOCX}"),
    Case("texts/tcvn3.md", ADD, "Error: {file}: " + LEGACY.format(name="TCVN3")),
    Case("texts/vni.md", ADD, "Error: {file}: " + LEGACY.format(name="VNI")),
    Case("texts/damaged-utf8.md", ADD, "Error: {file}:5: not UTF-8 text (byte 0xe1); save the file as UTF-8"),
    Case("texts/shift-jis.md", ADD, f"Error: {{file}}:1: {NOT_VIETNAMESE.format(byte='0x82')}"),
    Case("texts/gbk.md", ADD, f"Error: {{file}}:1: {NOT_VIETNAMESE.format(byte='0xa3')}"),
    # Russian and French in their 8-bit code pages: not Vietnamese, whatever the table they are read with.
    Case("texts/koi8-r.md", ADD, f"Error: {{file}}:5: {NOT_VIETNAMESE.format(byte='0xf0')}"),
    Case("texts/windows-1251.md", ADD, f"Error: {{file}}:5: {NOT_VIETNAMESE.format(byte='0xcf')}"),
    Case("texts/latin-1-french.md", ADD, f"Error: {{file}}:4: {NOT_VIETNAMESE.format(byte='0xe9')}"),
    # Vietnamese saved as 'ANSI' on a Russian and on a Western-European Windows: '?' for every letter lost.
    Case("texts/saved-as-ansi-russian-windows.md", ADD,
         "Error: {file}:4: " + LOST.format(examples="'Ph?ng', 'ch?ng', 'd?ch'")),
    Case("texts/saved-as-ansi-western-windows.md", ADD,
         "Error: {file}:4: " + LOST.format(examples="'ch?ng', 'd?ch', 'nhi?m'")),
    Case("made:one-megabyte.md", ADD,
         "Error: {file}: the file is 1000000 bytes, more than the 200000 an announcement text may have"),
    Case("texts/bell.md", ADD, "Error: {file}:1: a control character (U+0007) that cannot be read aloud"),
    Case("texts/escape-codes.md", ADD, "Error: {file}:5: a control character (U+001B) that cannot be read aloud"),
    Case("texts/windows-quotes-as-c1.md", ADD, "Error: {file}:1: a control character (U+0093) that cannot be read aloud"),
    Case("texts/right-to-left-override.md", ADD,
         "Error: {file}:1: a control character (U+202E) that cannot be read aloud"),
    Case("texts/nul-in-text.md", ADD, "Error: {file}:1: this is a binary file, not a text"),
    Case("texts/mixed-chinese.md", ADD, f"Error: {{file}}:2: letters of another script ('十二月一日') {UNKNOWN_SCRIPT}"),
    Case("texts/mixed-russian.md", ADD, f"Error: {{file}}:5: letters of another script ('Вакцинация') {UNKNOWN_SCRIPT}"),
    Case("texts/mixed-thai.md", ADD, f"Error: {{file}}:1: letters of another script ('ประกาศ') {UNKNOWN_SCRIPT}"),
    Case("texts/header-key-misspelt.md", ADD,
         f"Error: {{file}}:3: unknown key 'tittle' in the header (did you mean 'title'?); expected one of: {HEADER_KEYS}"),
    Case("texts/header-date.md", ADD,
         "Error: {file}:3: valid_from '2026-13-01' is not a date; expected YYYY-MM-DD or DD/MM/YYYY "
         "such as 2026-12-31 or 31/12/2026"),
    Case("texts/header-never-closed.md", ADD,
         "Error: {file}:1: the header that starts with '---' is never closed by another '---' line"),
    Case("texts/header-bad-id.md", ADD,
         "Error: {file}:2: 'Thông Báo' is not a usable id: use lower-case letters without accents, digits and '-' "
         "(e.g. thong-diep-5k)"),
    Case("texts/header-topic-misspelt.md", ADD,
         f"Error: {{file}}:3: unknown topic 'vacination' (did you mean 'vaccination'?); {TOPICS}"),
    Case("texts/header-language-without-voice.md", ADD,
         "Error: {file}:3: no speech engine speaks 'rad': record a clip in that language and add it with "
         "'broadcaster content add CLIP --id ID --lang rad'"),
    Case("texts/header-until-before-from.md", ADD, "Error: {file}:4: valid_until is before valid_from"),
    Case("texts/header-key-twice.md", ADD, "Error: {file}:3: 'id' is given twice (first on line 2)"),
    Case("texts", ADD, "Error: {file}: this is a folder, not a file"),
    Case("texts/khong-co.md", ADD, "Error: {file}: no such file"),
]

CLIPS = [
    Case("clips/zero-bytes.mp3", ADD_CLIP, "Error: {file}: the clip is empty (0 bytes)"),
    Case("clips/truncated.mp3", ADD_CLIP,
         "Error: {file}: the clip is cut short: it should last 1.5 s, but the file ends after 0.2 s; copy it again "
         "from the phone or recorder"),
    Case("clips/truncated-header.mp3", ADD_CLIP,
         "Error: {file}: the clip is cut short: it ends in the middle of an MP3 frame, after 0.1 s; copy it again "
         "from the phone or recorder"),
    Case("clips/text-renamed.mp3", ADD_CLIP,
         "Error: {file}: not a readable audio clip (Invalid data found when processing input)"),
    Case("clips/tenth-of-a-second.wav", ADD_CLIP,
         "Error: {file}: the clip lasts 0.10 s: too short to be an announcement (at least 0.5 s)"),
    Case("made:three-hours.flac", ADD_CLIP,
         "Error: {file}: the clip lasts 180 minutes; an announcement may last at most 60"),
    Case("clips/silent.wav", ADD_CLIP,
         "Error: {file}: the clip is silent (its loudest sample is below -50 dBFS): was the microphone on?"),
    Case("clips/not-a-number.wav", ADD_CLIP, "Error: {file}: the clip is damaged: some of its samples are not numbers"),
    Case("clips/wav-header-only.wav", ADD_CLIP,
         "Error: {file}: the clip is cut short: it should last 1.0 s, but the file ends after 0.0 s; copy it again "
         "from the phone or recorder"),
    Case("clips/truncated.wav", ADD_CLIP,  # a LIST chunk, then a data chunk that declares 10 s
         "Error: {file}: the clip is cut short: it should last 10.0 s, but the file ends after 3.2 s; copy it again "
         "from the phone or recorder"),
    Case("clips/truncated-without-length.mp3", ADD_CLIP,  # no Xing header: its length is not written anywhere
         "Error: {file}: the clip is cut short: it ends in the middle of an MP3 frame, after 1.5 s; copy it again "
         "from the phone or recorder"),
    Case("clips/damaged.flac", ADD_CLIP, "Error: {file}: the clip is damaged: Internal psf_fseek() failed."),
    Case("clips/topic-misspelt.wav", ADD_CLIP,  # the topic is in its sidecar file, topic-misspelt.wav.yaml
         f"Error: {{file}}.yaml:4: unknown topic 'nong-nhiep'; {TOPICS}"),
    Case("clips/windows-media.wma", ADD_CLIP,
         f"Error: {{file}}: '.wma' is not an audio format broadcaster takes; use one of: {CLIP_FORMATS}"),
    Case("clips/silent.wav", ("content", "add", "{file}"),
         "Error: {file}: say which language the clip is in: --lang rad (Ê Đê), jra (J'rai), vie, ..."),
    Case("clips/silent.wav", ("content", "add", "{file}", "--lang", "Ê Đê"),
         "Error: {file}: language 'Ê Đê' must be an ISO 639-3 code such as vie, rad (Ê Đê), jra (J'rai)"),
]

USAGE = [
    Case(None, ("content", "add"), "Error: Missing argument 'FILES...'."),
    Case(None, ("plan", "--date", "2026-13-01"),
         "Error: Invalid value for '--date': '2026-13-01' is not a date; expected YYYY-MM-DD or DD/MM/YYYY "
         "such as 2026-11-26 or 26/11/2026"),
    Case(None, ("plan", "--date", "31/11/2026"),
         "Error: Invalid value for '--date': '31/11/2026' is not a date; expected YYYY-MM-DD or DD/MM/YYYY "
         "such as 2026-11-26 or 26/11/2026"),
    Case(None, ("content", "approve", "mott", "--by", "Trần Văn Bình"),
         "Error: unknown announcement 'mott' (did you mean 'mot'?); 'broadcaster content list' shows them"),
    Case(None, ("log", "--status", "heard"),
         "Error: Invalid value for '--status': 'heard' is not one of 'aired', 'partial', 'interrupted', 'failed', "
         "'missed', 'skipped'."),
    Case(None, ("urgent", "mot"), "Error: broadcaster run is not running on this station: start it first", code=1),
    Case(None, ("run", "--probe-every", "0"), "Error: Invalid value for '--probe-every': 0.0 is not in the range "
         "1<=x<=50."),
    Case(None, ("service", "install", "--user", "root", "--dry-run"),
         "Error: the service must not run as root: choose a user with --user"),
    Case(None, ("service", "install", "--user", "Lê Thị\nHoa", "--dry-run"),
         "Error: 'Lê Thị\\nHoa' cannot be a user name"),
    Case("texts/empty.md", ("log", "import", "{file}"),
         "Error: {file}: not a log bundle (not the JSON that 'broadcaster log export' writes)"),
    Case("made:altered-bundle.json", ("log", "import", "{file}"),
         "Error: {file}: the bundle's signature does not verify: it was altered after it was exported; nothing was "
         "imported"),
]

RUNTIME = [
    Case("station/library-damaged.json", ("content", "list"),
         "Error: {station}/data/library.json:1: the database is damaged (unexpected end of data); it was left as it "
         "is, restore it from a backup", code=1, into="data/library.json"),
    Case("station/library-newer.json", ("content", "list"),
         "Error: {station}/data/library.json: the database was written by a newer broadcaster (schema 99, this one "
         "reads 1); upgrade broadcaster", code=1, into="data/library.json"),
    Case("station/station-timezone.yaml", ("plan",),
         "Error: {station}/station.yaml:2: unknown time zone 'Asia/Hanoi'; for Vietnam use Asia/Ho_Chi_Minh",
         into="station.yaml"),
    Case("station/station-sample-rate.yaml", ("plan",),
         "Error: {station}/station.yaml:3: 'sample_rate' is 1000; expected a value from 8000 to 96000",
         into="station.yaml"),
    Case("station/station-unknown-key.yaml", ("plan",),
         "Error: {station}/station.yaml:2: unknown key 'speach' in the station file (did you mean 'speech'?); "
         "expected one of: audio, chime, grace, hub, id, language, log, name, profiles, speech, timezone, topics, "
         "urgent_per_hour",
         into="station.yaml"),
    Case("station/station-urgent-per-hour.yaml", ("plan",),
         "Error: {station}/station.yaml:2: 'urgent_per_hour' is 0; expected a value from 1 to 60", into="station.yaml"),
    Case("station/library-wrong-shape.json", ("content", "list"),
         "Error: {station}/data/library.json: the database is damaged (table 'entries' is not a table of records); "
         "it was left as it is, restore it from a backup", code=1, into="data/library.json"),
    Case("station/users-wrong-shape.json", ("user", "list"),
         "Error: {station}/data/users.json: the database is damaged (table '_default' is not a table of records); "
         "it was left as it is, restore it from a backup", code=1, into="data/users.json"),
    Case("station/station-language.yaml", ("plan",),
         "Error: {station}/station.yaml:2: unknown language 'vn'; expected one of: en, vi", into="station.yaml"),
    Case("station/station-hub-url.yaml", ("sync",),
         "Error: {station}/station.yaml:3: the hub's url 'ftp://hub.tinh.gov.vn' must start with https:// or http://",
         into="station.yaml"),
    Case("station/station-hub-key.yaml", ("sync",),
         "Error: {station}/station.yaml:4: the hub's key is not an Ed25519 public key in base64 (join the hub again)",
         into="station.yaml"),
    Case("station/station-hub-no-key.yaml", ("plan",),
         "Error: {station}/station.yaml:2: 'hub:' lacks 'key' (join the hub with 'broadcaster hub join HUB_URL "
         "CODE')", into="station.yaml"),
]

NOT_PLAIN = "this is not a plain file (a device, a pipe, or a link to one); only plain files are read"
# A link to /dev/zero and a named pipe (made by the test, POSIX only) would hang a reader or fill its memory.
SPECIAL = [
    Case("made:zero.md", ADD, f"Error: {{file}}: {NOT_PLAIN}"),
    Case("made:pipe.yaml", CHECK, f"Error: {{file}}: {NOT_PLAIN}"),
    Case("made:zero.wav", ADD_CLIP, f"Error: {{file}}: {NOT_PLAIN}"),
] if sys.platform != "win32" else []

CASES = SCHEDULES + TEXTS + CLIPS + USAGE + RUNTIME + SPECIAL
