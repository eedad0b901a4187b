"""People and roles: operator, officer, supervisor, each proved by a passphrase kept as a scrypt hash."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import unicodedata
from pathlib import Path

from broadcaster.errors import InputError
from broadcaster.messages import marked, t
from broadcaster.storage import Store

ROLES = (marked("operator"), marked("officer"), marked("supervisor"))
MIN_PASSPHRASE = 8
# scrypt cost: about 50 ms a check, 16 MiB of memory; stored with each hash so it can be raised later.
SCRYPT = {"n": 2 ** 14, "r": 8, "p": 1}


def person_name(name: str) -> str:
    """A person's name as typed, made comparable: composed letters (NFC; macOS and Unikey's "Unicode tổ hợp"
    type them decomposed) and single spaces."""
    return " ".join(unicodedata.normalize("NFC", name).split())


def same_person(a: str, b: str) -> bool:
    """Whether two names, as typed, name the same person."""
    return person_name(a).casefold() == person_name(b).casefold()


class AuthError(InputError):
    """A person who is unknown, has the wrong role, or gave the wrong passphrase."""


def _hash(passphrase: str, salt: bytes, params: dict) -> bytes:
    return hashlib.scrypt(passphrase.encode("utf-8"), salt=salt, dklen=32, maxmem=64 * 1024 * 1024, **params)


class Users:
    """The people of a station, in one TinyDB file."""

    def __init__(self, path: Path):
        self.store = Store(path)

    def names(self) -> list[tuple[str, str]]:
        """(name, role) of everyone, by name."""
        with self.store.transaction() as db:
            return sorted((u["name"], u["role"]) for u in db.table("users").all())

    def add(self, name: str, role: str, passphrase: str, now: dt.datetime, admin: tuple[str, str] | None) -> None:
        """Add a person; once anyone exists, a supervisor (``admin``: name and passphrase) must allow it."""
        name = person_name(name)
        if role not in ROLES:
            raise InputError(t("role '{role}' is not one of: {roles}", role=role, roles=", ".join(ROLES)))
        if not name:
            raise InputError(t("a person needs a name"))
        if len(passphrase) < MIN_PASSPHRASE:
            raise InputError(t("the passphrase must have at least {n} characters", n=MIN_PASSPHRASE))
        with self.store.transaction() as db:
            table = db.table("users")
            self._refuse_new(table, name, admin[0] if admin else None)
            if admin is not None and table.all():
                self._check(table, admin[0], admin[1], {"supervisor"}, t("add people"))
            salt = os.urandom(16)
            table.insert({"v": 1, "name": name, "role": role, "salt": salt.hex(), "scrypt": SCRYPT,
                          "hash": _hash(passphrase, salt, SCRYPT).hex(), "added": now.isoformat(timespec="seconds")})

    def check_new(self, name: str, admin: str | None) -> None:
        """Refuse, before anyone types a passphrase, a person who cannot be added: no name, a name taken, or
        no supervisor (``admin``) to allow it once anyone exists."""
        if not person_name(name):
            raise InputError(t("a person needs a name"))
        with self.store.transaction() as db:
            self._refuse_new(db.table("users"), person_name(name), admin)

    def _refuse_new(self, table, name: str, admin: str | None) -> None:
        if table.all():
            if not admin:
                raise AuthError(t("adding a person needs a supervisor: give --admin NAME"))
            self._person(table, admin, {"supervisor"}, t("add people"))
        if any(same_person(u["name"], name) for u in table.all()):
            raise InputError(t("'{name}' is already a person of this station", name=name))

    def authenticate(self, name: str, passphrase: str, roles: set[str], action: str) -> str:
        """The person's name as stored, when they exist, hold one of ``roles`` and gave their passphrase."""
        with self.store.transaction() as db:
            return self._check(db.table("users"), name, passphrase, roles, action)

    def _check(self, table, name: str, passphrase: str, roles: set[str], action: str) -> str:
        person = self._person(table, name, roles, action)
        expected = bytes.fromhex(person["hash"])
        if not hmac.compare_digest(_hash(passphrase, bytes.fromhex(person["salt"]), person["scrypt"]), expected):
            raise AuthError(t("wrong passphrase for {name}", name=person["name"]))
        return person["name"]

    @staticmethod
    def _person(table, name: str, roles: set[str], action: str) -> dict:
        """The stored person named ``name``, when they hold one of ``roles``."""
        person = next((u for u in table.all() if same_person(u["name"], name)), None)
        if person is None:
            raise AuthError(t("'{name}' is not a person of this station ('broadcaster user list' shows them)",
                              name=person_name(name)))
        if person["role"] not in roles:
            raise AuthError(t("{name} is {role}; only a {allowed} may {action}", name=person["name"],
                              role=t(person["role"]), allowed=t(" or ").join(t(r) for r in sorted(roles)),
                              action=action))
        return person


