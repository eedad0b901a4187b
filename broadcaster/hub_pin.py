"""The hub a station joined, sealed: station.yaml names the hub's URL and key for people to read, and
``data/hub/pin.json`` holds the same two, signed by the station key at join. An edit of station.yaml alone
cannot make the station believe another hub: a bulletin signed by the key it names stays unverified."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from broadcaster.atomic import replacing
from broadcaster.config import CONFIG_FILE, HubSettings
from broadcaster.errors import InputError
from broadcaster.messages import t
from broadcaster.trust import keys
from broadcaster.trust.statements import canonical

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from broadcaster.station import Station

PIN_FILE = "hub/pin.json"  # in the station's data folder, beside the sync state
MAX_PIN_BYTES = 4096


def _said(station: str, url: str, key: str) -> bytes:
    return canonical({"kind": "hub-pin", "station": station, "url": url, "key": key})


def _path(station: Station) -> Path:
    return station.data_dir / PIN_FILE


def pin_hub(station: Station, url: str, key: str, signer: Ed25519PrivateKey | None = None) -> None:
    """Name the hub at ``url`` whose key is ``key`` (base64) in station.yaml's 'hub:' (keeping the rest of the
    file, its comments and the station's other hub settings) and seal the two with the station key (or
    ``signer``, the key the station is changing to)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap

    path = station.root / CONFIG_FILE
    yaml = YAML()
    data = yaml.load(path.read_text(encoding="utf-8")) or CommentedMap()
    kept = [(k, v) for k, v in data["hub"].items() if k not in ("url", "key")] \
        if isinstance(data.get("hub"), dict) else []
    data["hub"] = CommentedMap([("url", url), ("key", key), *kept])
    _seal(station, url, key, signer or station.station_key)
    with replacing(path, "w", encoding="utf-8", what=CONFIG_FILE) as f:
        yaml.dump(data, f)


def _seal(station: Station, url: str, key: str, signer: Ed25519PrivateKey) -> None:
    seal = keys.b64(keys.sign(signer, _said(station.config.id, url, key)))
    with replacing(_path(station), "w", encoding="utf-8", what=t("the seal of the hub")) as f:
        json.dump({"url": url, "key": key, "seal": seal}, f)


def _sealed_by(station: Station, hub: HubSettings, public: bytes) -> bool:
    """Whether the seal kept at join names ``hub`` and is signed by the key ``public``."""
    try:
        path = _path(station)
        pin = json.loads(path.read_bytes()[:MAX_PIN_BYTES]) if path.stat().st_size <= MAX_PIN_BYTES else None
        seal = keys.unb64(pin["seal"], str(path))
    except (OSError, ValueError, TypeError, KeyError, InputError):
        return False
    key = keys.b64(hub.public_key)
    return pin.get("url") == hub.url and pin.get("key") == key and \
        keys.verifies(public, seal, _said(station.config.id, hub.url, key))


def pinned_hub(station: Station) -> HubSettings:
    """The hub station.yaml names, when the station sealed it at join; else an InputError saying what to do."""
    hub = station.config.hub
    if hub is None:
        raise InputError(t("this station has joined no hub (broadcaster hub join HUB_URL CODE)"))
    if not _sealed_by(station, hub, keys.public_raw(station.station_key)):
        raise InputError(t("the hub in station.yaml ({url}, key {fingerprint}) is not the one this station joined: "
                           "its bulletins are not believed; join the hub again (broadcaster hub join HUB_URL CODE)",
                           url=hub.url, fingerprint=hub.fingerprint), path=station.root / CONFIG_FILE)
    return hub


def reseal_hub(station: Station, old: Ed25519PrivateKey, new: Ed25519PrivateKey) -> None:
    """Seal the hub again with ``new`` if ``old`` sealed it (the station's key changed)."""
    hub = station.config.hub
    if hub is not None and _sealed_by(station, hub, keys.public_raw(old)):
        _seal(station, hub.url, keys.b64(hub.public_key), new)
