"""Ed25519 keys (the ``cryptography`` package): a person's kept sealed under their passphrase, a station's
kept plain for ``run`` to use unattended; fingerprints that people read aloud and pin."""

from __future__ import annotations

import base64
import functools
import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from broadcaster.atomic import remove_leftovers, replacing
from broadcaster.errors import InputError, StorageError
from broadcaster.messages import t

SEALED_VERSION = 1
# The key-derivation cost of a sealed key: about 0.1 s and 32 MiB a try. A sealed record names its own
# cost so that it can be raised later, but no record can lower it below this floor.
MIN_SCRYPT = {"n": 2 ** 15, "r": 8, "p": 1}
MAX_SCRYPT_N = 2 ** 20  # and none can raise it so far that opening it eats the PC's memory


class WrongPassphraseError(InputError):
    """A passphrase that does not open a sealed key."""


def b64(data: bytes) -> str:
    """Bytes as text for a JSON record."""
    return base64.b64encode(data).decode("ascii")


def unb64(text: object, what: str) -> bytes:
    """Text from a JSON record back to bytes; a StorageError naming ``what`` when it is not base64."""
    try:
        return base64.b64decode(str(text), validate=True)
    except ValueError:
        raise StorageError(t("{what} is damaged: not base64", what=what)) from None


def new_key() -> Ed25519PrivateKey:
    """A fresh private key."""
    return Ed25519PrivateKey.generate()


def public_raw(key: Ed25519PrivateKey) -> bytes:
    """The 32 bytes of ``key``'s public half."""
    # Imported where keys are written or read whole, not where signatures are checked: its SSH and cipher
    # modules are slow to import, and listing content needs none of them.
    from cryptography.hazmat.primitives import serialization

    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def fingerprint(public: bytes) -> str:
    """A public key's fingerprint, to read aloud and pin: 'SHA256:' and eight groups of four hex digits."""
    digest = hashlib.sha256(public).hexdigest()[:32]
    return "SHA256:" + "-".join(digest[i:i + 4] for i in range(0, 32, 4))


def sign(key: Ed25519PrivateKey, data: bytes) -> bytes:
    """``key``'s signature of ``data``."""
    return key.sign(data)


@functools.lru_cache(maxsize=1 << 14)
def verifies(public: bytes, signature: bytes, data: bytes) -> bool:
    """Whether ``signature`` is the signature of ``data`` by the key whose public half is ``public`` (the
    answer never changes: remembered, since a library is read several times by one command)."""
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, data)
    except (InvalidSignature, ValueError):
        return False
    return True


def _kdf(salt: bytes, cost: dict) -> Scrypt:
    return Scrypt(salt=salt, length=32, n=cost["n"], r=cost["r"], p=cost["p"])


def seal(key: Ed25519PrivateKey, passphrase: str, cost: dict | None = None) -> dict:
    """``key`` encrypted under ``passphrase`` (scrypt, then ChaCha20-Poly1305), as a JSON-ready record."""
    from cryptography.hazmat.primitives import serialization

    cost = dict(cost or MIN_SCRYPT)
    salt, nonce = os.urandom(16), os.urandom(12)
    secret = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                               serialization.NoEncryption())
    box = ChaCha20Poly1305(_kdf(salt, cost).derive(passphrase.encode("utf-8")))
    public = public_raw(key)
    return {"version": SEALED_VERSION, "kdf": "scrypt", **cost, "salt": b64(salt), "nonce": b64(nonce),
            "public": b64(public), "sealed": b64(box.encrypt(nonce, secret, public))}


def spend_unseal_time(passphrase: str) -> None:
    """Take as long as opening a sealed key of the floor cost with ``passphrase`` would, and open nothing: an
    unknown name at a login must not answer faster than a known name's wrong passphrase."""
    _kdf(os.urandom(16), MIN_SCRYPT).derive(passphrase.encode("utf-8"))


def unseal(record: dict, passphrase: str, what: str) -> Ed25519PrivateKey:
    """The private key in ``record`` (made by :func:`seal`) opened with ``passphrase``; a record whose cost
    is under the floor, or that is damaged, is a StorageError naming ``what``."""
    try:
        cost = {name: int(record[name]) for name in MIN_SCRYPT}
        fields = [unb64(record[name], what) for name in ("salt", "nonce", "public", "sealed")]
        version, kdf = record["version"], record["kdf"]
    except (KeyError, TypeError, ValueError):
        raise StorageError(t("{what} is damaged: a sealed key lacks a field", what=what)) from None
    if version != SEALED_VERSION or kdf != "scrypt":
        raise StorageError(t("{what} was sealed by a newer version of broadcaster", what=what))
    if any(cost[name] < MIN_SCRYPT[name] for name in cost) or cost["n"] > MAX_SCRYPT_N:
        raise StorageError(t("{what} is damaged: its key-derivation cost is out of bounds", what=what))
    salt, nonce, public, sealed = fields
    try:
        box = ChaCha20Poly1305(_kdf(salt, cost).derive(passphrase.encode("utf-8")))
        secret = box.decrypt(nonce, sealed, public)
    except (InvalidTag, ValueError):
        raise WrongPassphraseError(t("wrong passphrase for {what}", what=what)) from None
    key = Ed25519PrivateKey.from_private_bytes(secret)
    if public_raw(key) != public:
        raise StorageError(t("{what} is damaged: its public key does not match", what=what))
    return key


def load_station_key(path: Path) -> Ed25519PrivateKey:
    """The station's private key, from its PEM file (made by :func:`write_station_key`)."""
    from cryptography.hazmat.primitives import serialization

    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except FileNotFoundError:
        raise StorageError(t("the station has no key yet"), path=path) from None
    except (OSError, ValueError, TypeError):
        raise StorageError(t("the station key is damaged"), path=path) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise StorageError(t("the station key is damaged"), path=path)
    return key


def write_station_key(path: Path, key: Ed25519PrivateKey) -> None:
    """Keep the station's private key in ``path`` (PKCS#8 PEM, unencrypted: ``run`` signs unattended)."""
    from cryptography.hazmat.primitives import serialization

    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    remove_leftovers(path.parent, lambda name: name == path.name)  # of a writer killed before
    with replacing(path, what=t("the station key")) as f:
        f.write(pem)
