"""The hub's own Ed25519 key, made at first start in the hub's data folder; stations pin its fingerprint."""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from broadcaster.errors import StorageError
from broadcaster.messages import t
from broadcaster.trust.keys import new_key, write_station_key

KEY_FILE = "hub-key.pem"


def hub_key(data: Path) -> Ed25519PrivateKey:
    """The hub's key in ``data``, made there the first time."""
    path = Path(data) / KEY_FILE
    if not path.exists():
        write_station_key(path, new_key())  # the same unencrypted PKCS#8 file: the hub signs unattended
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError):
        raise StorageError(t("the hub key is damaged"), path=path) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise StorageError(t("the hub key is damaged"), path=path)
    return key
