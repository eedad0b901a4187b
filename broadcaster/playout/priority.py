"""Priority levels of commune radio (Circular 39/2020/TT-BTTTT) and interrupt policies, as data."""

from __future__ import annotations

import re
from dataclasses import dataclass

from broadcaster.errors import InputError
from broadcaster.messages import marked, t

NORMAL, PRIORITY, EMERGENCY = marked("normal"), marked("priority"), marked("emergency")
RANK = {NORMAL: 0, PRIORITY: 1, EMERGENCY: 2}


@dataclass(frozen=True)
class Policy:
    """How an item gets on air over what is playing: 'now' (fade it out), 'next' (after it), or
    'wait' up to ``wait_s`` seconds for it to end, then cut in."""

    mode: str
    wait_s: float = 0.0

    def __str__(self) -> str:
        return f"wait:{self.wait_s:g}" if self.mode == "wait" else self.mode


DEFAULT_POLICY = {NORMAL: Policy("next"), PRIORITY: Policy("next"), EMERGENCY: Policy("now")}
_WAIT = re.compile(r"^wait[: ]?(\d+(?:\.\d+)?)\s*(s|m)?$")


def parse_policy(text: str) -> Policy:
    """'now', 'next' or 'wait:30' (seconds; 'wait:2m' for minutes)."""
    text = text.strip().lower()
    if text in ("now", "next"):
        return Policy(text)
    match = _WAIT.match(text)
    if match:
        return Policy("wait", float(match[1]) * (60 if match[2] == "m" else 1))
    raise InputError(t("interrupt policy '{text}' is not one of: now, next, wait:SECONDS", text=text))
