"""Changing the station's key (after the hub revoked a stolen one): the new key is kept beside the old one, sent
to the hub, and marked taken when the hub took it; then the airing log hands its chain over to it, the rendered
audio and the signals are sealed again with it, and it takes the old one's place. A change cut off after the
hub took the key is finished by the next `run` or join, never left half done: every step can be done again."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from broadcaster.hub_pin import reseal_hub
from broadcaster.errors import StorageError
from broadcaster.trust.keys import fingerprint, load_station_key, new_key, public_raw, write_station_key

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from broadcaster.station import Station

PENDING = "station.next.pem"   # made, sent to the hub: not yet taken
TAKEN = "station.taken.pem"    # the hub took it: the station changes to it


def pending_path(station: Station) -> Path:
    """Where the key the station is changing to waits for the hub."""
    return station.keys_dir / PENDING


def next_key(station: Station) -> Ed25519PrivateKey:
    """The key the station changes to: the one a join cut off had sent, or a new one, kept now."""
    path = pending_path(station)
    if path.exists():
        try:
            return load_station_key(path)
        except StorageError:
            pass  # written half by a power cut: nothing was signed with it yet, make another
    key = new_key()
    write_station_key(path, key)
    return key


def abandon(station: Station) -> None:
    """Forget the key the station was to change to (the hub refused it, or took the key in use)."""
    pending_path(station).unlink(missing_ok=True)


def taken(station: Station) -> None:
    """Mark the waiting key as taken by the hub (renamed at once): only then does :func:`finish` change to it."""
    os.replace(pending_path(station), station.keys_dir / TAKEN)


def finish(station: Station) -> str | None:
    """Change to the key the hub took: the log's hand-over record, the seals made again, the key in place; its
    fingerprint, or None when none waits (a key the hub has not taken is never changed to)."""
    path = station.keys_dir / TAKEN
    if not path.exists():
        return None
    new = load_station_key(path)
    old = station.station_key
    station.airing_log.hand_over(new)
    station.cache.reseal(old, new)
    station.renders.signals.reseal(old, new)
    reseal_hub(station, old, new)
    write_station_key(station.station_key_path, new)
    path.unlink()
    return fingerprint(public_raw(new))
