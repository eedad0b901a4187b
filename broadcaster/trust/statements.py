"""Signed statements: plain data made canonical (sorted keys, no spaces, UTF-8), signed with Ed25519, and
checked into a verdict that says why when it does not hold."""

from __future__ import annotations

import json
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from broadcaster.errors import StorageError
from broadcaster.messages import t
from broadcaster.trust import keys

SIGNATURE, SIGNER = "signature", "signer"


def canonical(data: dict) -> bytes:
    """The bytes a signature covers: JSON with sorted keys, no spaces, UTF-8."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def signed(data: dict, key: Ed25519PrivateKey) -> dict:
    """``data`` with the signer's public key and their signature of both."""
    body = {**data, SIGNER: keys.b64(keys.public_raw(key))}
    return {**body, SIGNATURE: keys.b64(keys.sign(key, canonical(body)))}


@dataclass(frozen=True)
class Verdict:
    """Whether a statement holds, and if not, why."""

    ok: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.ok


def check(statement: object, trusted: dict[str, str] | None = None) -> Verdict:
    """Whether ``statement`` carries a valid signature, and (given ``trusted``, public key -> name) whether
    its signer is one of those keys."""
    if not isinstance(statement, dict) or not isinstance(statement.get(SIGNATURE), str) \
            or not isinstance(statement.get(SIGNER), str):
        return Verdict(False, t("it is not signed"))
    body = {k: v for k, v in statement.items() if k != SIGNATURE}
    try:
        public = keys.unb64(statement[SIGNER], "signer")
        signature = keys.unb64(statement[SIGNATURE], "signature")
    except StorageError:
        return Verdict(False, t("its signature is damaged"))
    if not keys.verifies(public, signature, canonical(body)):
        return Verdict(False, t("its signature does not match what it says"))
    if trusted is not None and statement[SIGNER] not in trusted:
        return Verdict(False, t("it is signed by a key that is not a person of this station"))
    return Verdict(True)


def signer_name(statement: dict, trusted: dict[str, str]) -> str:
    """The name of the person whose key signed ``statement`` (checked by :func:`check`)."""
    return trusted[statement[SIGNER]]
