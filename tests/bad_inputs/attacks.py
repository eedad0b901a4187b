"""The attack corpus of #12 (the issue's "Why"): what someone with write access to the station folder, or a file
from elsewhere, tries; what is done to the station; and the one line that says it was caught.

Each attack's ``probe`` runs one command (``("exit", args)``: the CLI, its exit code and its last line) or asks
the station what would reach a device (``("outcome", name)``: a function of test_attacks.py). In ``expected``,
'{station}' is the station folder and '{tmp}' the folder of files from elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass

NOT_SIGNED = "the urgent order does not verify: it is not signed"


@dataclass(frozen=True)
class Attack:
    """One attack: its name, what is done (a function of test_attacks.py), how it is seen, and what is said."""

    name: str
    done: str
    probe: tuple
    expected: str


WITNESS = ("exit", ("log", "verify", "--against", "{tmp}/witness.json"))
# The alert is refused before the hub's database is opened: the URL leads nowhere, and is never tried.
CAP = ("exit", ("hub", "cap", "{tmp}/alert.xml", "--by", "he-thong", "--db", "postgresql://nobody@127.0.0.1:9/none"))
CAP_REFUSED = "exit 2: Error: {tmp}/alert.xml:2: the alert declares a DTD or entities (<!DOCTYPE>, <!ENTITY>), which " \
              "a CAP alert never has: refused, nothing was taken"

ATTACKS = [
    Attack("library JSON edit approves a draft in a supervisor's name", "forge_approval",
           ("outcome", "entry"),
           "unverified: the record says something else than its signed decision"),
    Attack("rendered WAV replaced by other approved audio", "swap_render", ("outcome", "gate"),
           "its rendered audio was changed on disk: render it again ('broadcaster render')"),
    Attack("rendered WAV replaced after the gate, before the play", "swap_render", ("outcome", "play"),
           "skipped: its rendered audio was changed on disk: render it again ('broadcaster render')"),
    Attack("station chime replaced", "swap_chime", ("outcome", "chime"),
           "the station signal audio/chuong.wav may not air: the file was replaced since it was sealed: have a "
           "supervisor accept it ('broadcaster signal accept')"),
    Attack("request file dropped: an unapproved text as an emergency in a supervisor's name", "drop_request",
           ("outcome", "request"), NOT_SIGNED),
    Attack("request file holding []", "request_list", ("outcome", "request"), NOT_SIGNED),
    Attack("request file with a negative interval", "request_negative", ("outcome", "request"),
           "the urgent order does not verify: its signature does not match what it says"),
    Attack("urgent every 0.01 s for an hour", "nothing", ("outcome", "repeats"),
           "12 airings: urgent 'mot': repeats every 300 s, not 0 s (the item with its chime, and at most 12 an hour)"),
    Attack("clip changed outside the program has no maker and cannot be approved", "edit_clip",
           ("exit", ("content", "approve", "mot", "--by", "Trần Văn Bình")),
           "exit 2: Error: nobody signed the current version of 'mot' (changed outside the program, or added without "
           "--by): an officer claims it first: broadcaster content claim mot --by NAME"),
    Attack("content added in the name of someone who is not a user", "new_text",
           ("exit", ("content", "add", "{tmp}/nam.md", "--by", "Người Lạ")),
           "exit 2: Error: 'Người Lạ' is not a person of this station ('broadcaster user list' shows them)"),
    Attack("log: newest records deleted", "log_drop", WITNESS,
           "exit 1: against {tmp}/witness.json: ALTERED: record 3 (khau-hieu-5k planned 2026-11-03 05:30 on loa-xa), seen by the witness, is no longer in the log"),
    Attack("log: newest record changed, rehashed and signed with the station key", "log_rewrite", WITNESS,
           "exit 1: against {tmp}/witness.json: ALTERED: record 3 (khau-hieu-5k planned 2026-11-03 05:30 on loa-xa) is not the one "
           "the witness saw: it was altered"),
    Attack("log: a forged airing appended", "log_append", WITNESS,
           "exit 1: against {tmp}/witness.json: ALTERED: record 4 (khau-hieu-5k planned 2026-11-02 06:00 on loa-xa) was written "
           "after record 3, which the witness saw, but is dated before it: it was added afterwards"),
    Attack("bundle whose station name is a path (../../..)", "bundle_traversal",
           ("exit", ("log", "import", "{tmp}/bundle.json")),
           "exit 2: Error: {tmp}/bundle.json: the bundle names a station '../../../tmp/x' that is not a station id "
           "(lower-case letters a-z, digits and '-'); nothing was imported"),
    Attack("bundle of a station pinned to another key", "bundle_unknown_key",
           ("exit", ("log", "import", "{tmp}/bundle.json")),
           "exit 2: Error: {tmp}/bundle.json: xe-loa-1 is signed by key {key}, not by the key {pin} pinned for it; "
           "nothing was imported"),
    Attack("forged next record of a known station", "bundle_forged_next",
           ("exit", ("log", "import", "{tmp}/bundle.json")),
           "exit 2: Error: {tmp}/bundle.json: xe-loa-1 is signed by key {key}, but the key pinned for it is {pin}; "
           "nothing was imported (if the station really has a new key, pin it: broadcaster log pin xe-loa-1 {key})"),
    Attack("deeply nested JSON as a bundle", "bundle_nested", ("exit", ("log", "import", "{tmp}/bundle.json")),
           "exit 2: Error: {tmp}/bundle.json: not a log bundle (not the JSON that 'broadcaster log export' writes)"),
    Attack("huge file as a bundle", "bundle_huge", ("exit", ("log", "import", "{tmp}/bundle.json")),
           "exit 2: Error: {tmp}/bundle.json: the bundle is 256 MB, more than the 256 MB a bundle may have; export a "
           "shorter date range"),
    Attack("CAP alert: billion laughs (nested entities)", "cap_billion_laughs", CAP, CAP_REFUSED),
    Attack("CAP alert: quadratic blow-up (one big entity used many times)", "cap_quadratic", CAP, CAP_REFUSED),
    Attack("CAP alert: external entity reading /etc/passwd", "cap_external_entity", CAP, CAP_REFUSED),
]
