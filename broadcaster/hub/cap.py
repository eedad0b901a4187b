"""CAP 1.2 alerts (OASIS Common Alerting Protocol) read safely and turned into bulletin drafts: pure, clock-free.

The XML comes from outside: defusedxml parses it with DTDs, entities and external references refused (no
"billion laughs", no quadratic blow-up, no file read through an entity), after a size cap. Then every element
the hub needs is checked, and the alert becomes a :class:`Draft`:

- level from urgency x severity (:data:`LEVELS`): Immediate or Expected with Extreme or Severe is an
  emergency; Immediate or Expected with Moderate, or Future with Extreme or Severe, is priority; the rest
  (Minor, Past, Unknown) is normal;
- stations from the area's geocodes whose valueName is one of :data:`GEOCODE_NAMES`: Vietnamese
  administrative codes, 2 digits for a province, 3 for a district, 5 for a commune;
- title from the headline (else the event), text from the description and the instruction;
- language from the info's language (vi, vi-VN -> vie); of several info blocks the Vietnamese one is taken;
- valid from ``effective`` (else ``sent``) until ``expires`` (else a day after ``onset`` or the start);
- status Actual airs; Test and Exercise make a drill bulletin; System and Draft are refused;
- msgType Alert is a new bulletin, Update a new one that replaces the alerts it references, Cancel withdraws
  them; Ack and Error are refused; scope must be Public (loudspeakers speak to everyone).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from broadcaster.errors import InputError
from broadcaster.messages import t

NS = "urn:oasis:names:tc:emergency:cap:1.2"
MAX_ALERT_BYTES = 512 * 1024  # a CAP alert is a few kilobytes; its resources are referenced, never inlined here
GEOCODE_NAMES = ("vn-gso", "madvhc")  # compared case-insensitively: the GSO's administrative unit codes
YEARS = (2000, 2200)  # the years of a CAP time taken: beyond them, arithmetic on dates overflows
DEFAULT_VALIDITY = dt.timedelta(hours=24)  # an alert without <expires> stays valid a day after it starts
TOPIC = "general"
NEW, UPDATE, CANCEL = "new", "update", "cancel"
MSG_TYPES = {"Alert": NEW, "Update": UPDATE, "Cancel": CANCEL}
DRILL = {"Actual": False, "Exercise": True, "Test": True}
CATEGORIES = ("Geo", "Met", "Safety", "Security", "Rescue", "Fire", "Health", "Env", "Transport", "Infra",
              "CBRNE", "Other")
URGENCIES = ("Immediate", "Expected", "Future", "Past", "Unknown")
SEVERITIES = ("Extreme", "Severe", "Moderate", "Minor", "Unknown")
CERTAINTIES = ("Observed", "Likely", "Possible", "Unlikely", "Unknown")
# (urgency, severity) -> level; a pair not named here is normal.
LEVELS = {**{(u, s): "emergency" for u in ("Immediate", "Expected") for s in ("Extreme", "Severe")},
          **{(u, "Moderate"): "priority" for u in ("Immediate", "Expected")},
          **{("Future", s): "priority" for s in ("Extreme", "Severe")}}
# RFC 3066 primary tags of languages heard on commune radio -> ISO 639-3, as the stations name them.
LANGUAGE_CODES = {"vi": "vie", "en": "eng", "km": "khm", "zh": "zho", "lo": "lao", "th": "tha", "fr": "fra"}
TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d")  # CAP's dateTime: a zone, never "Z"
CODE = re.compile(r"[0-9]{2}|[0-9]{3}|[0-9]{5}")
TOKEN = re.compile(r"[^\s,<&]+")  # identifier and sender: no spaces, commas or XML's restricted characters


@dataclass(frozen=True)
class Draft:
    """What a CAP alert asks of the hub: a bulletin (new, or an update of earlier alerts) or a cancellation."""

    key: str                         # "sender,identifier,sent": the alert, as later alerts reference it
    action: str                      # NEW, UPDATE or CANCEL
    references: tuple[str, ...]      # the keys of the earlier alerts it updates or cancels
    drill: bool
    title: str = ""
    text: str = ""
    language: str = ""
    topic: str = TOPIC
    level: str = "normal"
    valid_from: dt.datetime | None = None
    valid_until: dt.datetime | None = None
    areas: tuple[str, ...] = ()      # administrative codes: 2 digits a province, 3 a district, 5 a commune


def level_of(urgency: str, severity: str) -> str:
    """The bulletin level of an alert's urgency and severity (see :data:`LEVELS`)."""
    return LEVELS.get((urgency, severity), "normal")


class _LineBuilder(ET.TreeBuilder):
    """A tree builder that notes the line each element starts on, for messages."""

    def __init__(self):
        super().__init__()
        self.lines: dict[ET.Element, int] = {}
        self.parser: DefusedXMLParser | None = None

    def start(self, tag, attrs):
        element = super().start(tag, attrs)
        self.lines[element] = self.parser.parser.CurrentLineNumber
        return element


class _Reader:
    """Reads the elements of one parsed alert, each problem an InputError naming ``where`` and the line."""

    def __init__(self, where: str, lines: dict):
        self.where, self.lines = where, lines

    def fail(self, element: ET.Element, message: str) -> InputError:
        return InputError(message, path=self.where, line=self.lines.get(element))

    def all(self, parent: ET.Element, name: str) -> list[ET.Element]:
        return parent.findall(f"{{{NS}}}{name}")

    def optional(self, parent: ET.Element, name: str) -> str:
        found = parent.find(f"{{{NS}}}{name}")
        return unicodedata.normalize("NFC", (found.text or "").strip()) if found is not None else ""

    def required(self, parent: ET.Element, name: str, choices: tuple[str, ...] = ()) -> str:
        value = self.optional(parent, name)
        if not value:
            raise self.fail(parent, t("the alert has no <{name}> in <{parent}>", name=name,
                                      parent=parent.tag.rpartition("}")[2]))
        if choices and value not in choices:
            raise self.fail(parent.find(f"{{{NS}}}{name}"), t(
                "<{name}> is '{value}'; CAP 1.2 allows: {choices}", name=name, value=value,
                choices=", ".join(choices)))
        return value

    def time(self, parent: ET.Element, name: str, required: bool = False) -> dt.datetime | None:
        value = self.required(parent, name) if required else self.optional(parent, name)
        if not value:
            return None
        if TIME.fullmatch(value):
            try:
                moment = dt.datetime.fromisoformat(value)
            except ValueError:
                moment = None
            if moment is not None and YEARS[0] <= moment.year <= YEARS[1]:  # else out of any bulletin's reach
                return moment
        raise self.fail(parent.find(f"{{{NS}}}{name}"), t(
            "<{name}> is '{value}', not a CAP time such as 2026-11-06T05:00:00+07:00", name=name, value=value))


def parse(data: bytes, where: str) -> tuple[ET.Element, _Reader]:
    """The root element of the XML ``data`` (from ``where``, a file or a request), parsed with DTDs, entities and
    external references refused."""
    if len(data) > MAX_ALERT_BYTES:
        raise InputError(t("the alert is {size} KB, more than the {limit} KB a CAP alert may have",
                           size=len(data) // 1024, limit=MAX_ALERT_BYTES // 1024), path=where)
    builder = _LineBuilder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    builder.parser = parser
    try:
        parser.feed(data)
        root = parser.close()
    except DefusedXmlException:
        raise InputError(t("the alert declares a DTD or entities (<!DOCTYPE>, <!ENTITY>), which a CAP alert never "
                           "has: refused, nothing was taken"), path=where,
                         line=parser.parser.CurrentLineNumber) from None
    except ET.ParseError as exc:
        raise InputError(t("the alert is not well-formed XML: {reason}", reason=str(exc).partition(":")[0]),
                         path=where, line=exc.position[0]) from None
    return root, _Reader(where, builder.lines)


def read_alert(data: bytes, where: str) -> Draft:
    """The draft of the CAP 1.2 alert in ``data`` (from ``where``); an InputError naming what is wrong."""
    root, r = parse(data, where)
    if root.tag != f"{{{NS}}}alert":
        raise r.fail(root, t("not a CAP 1.2 alert: the root element is not <alert> of {ns}", ns=NS))
    identifier, sender = r.required(root, "identifier"), r.required(root, "sender")
    for name, value in (("identifier", identifier), ("sender", sender)):
        if not TOKEN.fullmatch(value):
            raise r.fail(root.find(f"{{{NS}}}{name}"), t(
                "<{name}> '{value}' has spaces, commas, '<' or '&', which CAP forbids", name=name, value=value))
    sent_text = r.required(root, "sent")
    sent = r.time(root, "sent", required=True)
    status = r.required(root, "status", ("Actual", "Exercise", "System", "Test", "Draft"))
    msg_type = r.required(root, "msgType", ("Alert", "Update", "Cancel", "Ack", "Error"))
    scope = r.required(root, "scope", ("Public", "Restricted", "Private"))
    if status not in DRILL:
        raise r.fail(root, t("the alert's status is {status}: nothing is aired for it", status=status))
    if msg_type not in MSG_TYPES:
        raise r.fail(root, t("the alert is an {type} message: nothing is aired for it", type=msg_type))
    if scope != "Public":
        raise r.fail(root, t("the alert's scope is {scope}: loudspeakers speak to everyone, so only Public alerts "
                             "are aired", scope=scope))
    action, key = MSG_TYPES[msg_type], f"{sender},{identifier},{sent_text}"
    references = _references(r, root, action)
    infos = r.all(root, "info")
    if action == CANCEL:
        return Draft(key, action, references, DRILL[status])
    if not infos:
        raise r.fail(root, t("the alert has no <info>: nothing to say"))
    info = _chosen(r, infos)
    return _draft(r, info, key, action, references, DRILL[status], sent)


def _references(r: _Reader, root: ET.Element, action: str) -> tuple[str, ...]:
    """The keys of the alerts ``root`` references (required for an Update or a Cancel)."""
    text = r.optional(root, "references")
    keys = tuple(text.split())
    for key in keys:
        parts = key.split(",")
        if len(parts) != 3 or not all(parts) or not TIME.fullmatch(parts[2]):
            raise r.fail(root.find(f"{{{NS}}}references"), t(
                "<references> holds '{key}', not sender,identifier,sent", key=key))
    if action != NEW and not keys:
        raise r.fail(root, t("an Update or a Cancel must name the alerts it concerns in <references>"))
    return keys


def _language(r: _Reader, info: ET.Element) -> str:
    """The ISO 639-3 code of an info block's language (CAP's default is en-US)."""
    tag = r.optional(info, "language") or "en-US"
    primary = tag.split("-")[0].lower()
    if primary in LANGUAGE_CODES:
        return LANGUAGE_CODES[primary]
    if re.fullmatch(r"[a-z]{3}", primary):
        return primary
    raise r.fail(info.find(f"{{{NS}}}language"), t("<language> '{tag}' is not a language the stations know",
                                                   tag=tag))


def _chosen(r: _Reader, infos: list[ET.Element]) -> ET.Element:
    """The info block to air: the first in Vietnamese, else the first."""
    return next((info for info in infos if _language(r, info) == "vie"), infos[0])


def _draft(r: _Reader, info: ET.Element, key: str, action: str, references: tuple[str, ...], drill: bool,
           sent: dt.datetime) -> Draft:
    """The bulletin draft of the info block chosen."""
    for category in r.all(info, "category"):
        if (category.text or "").strip() not in CATEGORIES:
            raise r.fail(category, t("<category> is '{value}'; CAP 1.2 allows: {choices}",
                                     value=(category.text or "").strip(), choices=", ".join(CATEGORIES)))
    r.required(info, "category")
    event = r.required(info, "event")
    urgency = r.required(info, "urgency", URGENCIES)
    severity = r.required(info, "severity", SEVERITIES)
    r.required(info, "certainty", CERTAINTIES)
    start = r.time(info, "effective") or sent
    onset, expires = r.time(info, "onset"), r.time(info, "expires")
    until = expires or (max(start, onset or start) + DEFAULT_VALIDITY)
    if until <= start:
        raise r.fail(info, t("the alert expires ({expires}) before it takes effect ({start})",
                             expires=until.isoformat(), start=start.isoformat()))
    text = "\n\n".join(part for part in (r.optional(info, "description"), r.optional(info, "instruction")) if part)
    title = r.optional(info, "headline") or event
    return Draft(key, action, references, drill, title, text or title, _language(r, info), TOPIC,
                 level_of(urgency, severity), start, until, _areas(r, info))


def _areas(r: _Reader, info: ET.Element) -> tuple[str, ...]:
    """The administrative codes of an info block's areas (geocodes of the names accepted)."""
    codes = []
    for area in r.all(info, "area"):
        r.required(area, "areaDesc")
        for geocode in r.all(area, "geocode"):
            if r.optional(geocode, "valueName").lower() not in GEOCODE_NAMES:
                continue  # another coding (FIPS, polygons' names...): not one this hub can place
            value = r.optional(geocode, "value")
            if not CODE.fullmatch(value):
                raise r.fail(geocode, t("geocode '{value}' is not an administrative code (2 digits a province, "
                                        "3 a district, 5 a commune)", value=value))
            codes.append(value)
    if not codes:
        raise r.fail(info, t("the alert names no area by Vietnamese administrative code (<geocode> with "
                             "<valueName>VN-GSO</valueName>)"))
    return tuple(dict.fromkeys(codes))
