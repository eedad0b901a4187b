"""People and roles: operator, officer, supervisor. Each person has an Ed25519 key pair, the private half
sealed under their passphrase; each person's record (name, role, public key) is signed by a supervisor,
back to the admin: the first supervisor, whose key is the station's root of trust."""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import hmac
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from broadcaster.atomic import remove_leftovers, replacing
from broadcaster.content.names import fold
from broadcaster.errors import InputError, StorageError
from broadcaster.messages import marked, t
from broadcaster.storage import Store
from broadcaster.trust import keys, statements

ROLES = (marked("operator"), marked("officer"), marked("supervisor"))
MIN_PASSPHRASE = 8
LEGACY_SCRYPT = {"n": 2 ** 14, "r": 8, "p": 1}  # the cost of passphrase hashes before keys: the floor for upgrade
MAX_TRIES, LOCK_S = 5, 15 * 60  # this many wrong passphrases in a row lock a person out for this long
PERSON = "person"


MAX_NAME = 80  # a person's name, as people write it, with room for a title


def person_name(name: str) -> str:
    """A person's name as typed, made comparable: composed letters (NFC; macOS and Unikey's "Unicode tổ hợp"
    type them decomposed) and single spaces."""
    return " ".join(unicodedata.normalize("NFC", name).split())


def same_person(a: str, b: str) -> bool:
    """Whether two names, as typed, name the same person."""
    return person_name(a).casefold() == person_name(b).casefold()


class AuthError(InputError):
    """A person who is unknown, has the wrong role, or gave the wrong passphrase."""


class LockedError(AuthError):
    """A person locked out for a while after too many wrong passphrases."""


class UnknownPerson(AuthError):
    """A name that fits no person of the station."""


@dataclass(frozen=True)
class Signer:
    """A person who proved who they are: their name, role and opened private key."""

    name: str
    role: str
    key: Ed25519PrivateKey


@dataclass(frozen=True)
class Person:
    """A person as the users file holds them, and whether their record verifies (``reason`` says why not)."""

    name: str
    role: str
    public: str
    reason: str = ""

    @property
    def fingerprint(self) -> str:
        """Their public key's fingerprint, or '' for a record without one."""
        return keys.fingerprint(keys.unb64(self.public, self.name)) if self.public else ""


class Users:
    """The people of a station, in one TinyDB file; the admin's public key beside it in ``root``; failed
    passphrase tries in a file of their own (a wrong passphrase changes nothing else)."""

    def __init__(self, path: Path, root: Path, clock: Callable[[], float] = time.time, tz: dt.tzinfo | None = None):
        self.store = Store(path)
        self.root = root
        self.tries = Store(path.with_name("tries.json"))
        self.clock = clock
        self.tz = tz  # the station's, in which a lock's end is told (not the computer's)

    def names(self) -> list[tuple[str, str]]:
        """(name, role) of everyone, by name."""
        return sorted((p.name, p.role) for p in self.people())

    def people(self) -> list[Person]:
        """Everyone, by name, each with why their record does not verify ('' when it does)."""
        with self.store.transaction() as db:
            records = db.table("users").all()
        return sorted(_verified(records, self.root_public()).values(), key=lambda p: p.name)

    def trusted(self) -> dict[str, Person]:
        """The people whose records verify, by public key (base64); with the keys retired by a passphrase
        reset, so that what was signed with them still verifies."""
        with self.store.transaction() as db:
            records = db.table("users").all()
        retired: dict[str, Person] = {}
        people = _verified(records, self.root_public(), retired)
        return {**retired, **{p.public: p for p in people.values() if not p.reason}}

    def root_public(self) -> str:
        """The admin's public key (base64), the station's root of trust; '' before the first person."""
        try:
            return self.root.read_text(encoding="ascii").strip()
        except FileNotFoundError:
            return ""
        except (OSError, UnicodeDecodeError):
            raise StorageError(t("the admin key is damaged"), path=self.root) from None

    def admin_fingerprint(self) -> str:
        """The fingerprint of the admin's key, or '' before the first person."""
        public = self.root_public()
        return keys.fingerprint(keys.unb64(public, str(self.root))) if public else ""

    def add(self, name: str, role: str, passphrase: str, now: dt.datetime, admin: tuple[str, str] | None) -> None:
        """Add a person with a new key sealed under ``passphrase``; once anyone exists, a supervisor
        (``admin``: name and passphrase) signs them in; the first person must be a supervisor: the admin."""
        name = person_name(name)
        if role not in ROLES:
            raise InputError(t("role '{role}' is not one of: {roles}", role=role, roles=", ".join(ROLES)))
        if not name:
            raise InputError(t("a person needs a name"))
        if len(name) > MAX_NAME or any(unicodedata.category(c).startswith("C") for c in name) \
                or any(c in name for c in "<>/\\"):
            raise InputError(t("a name has at most {n} letters, spaces and punctuation, and no control characters, "
                               "'<', '>', '/' or '\\'", n=MAX_NAME))
        if len(passphrase) < MIN_PASSPHRASE:
            raise InputError(t("the passphrase must have at least {n} characters", n=MIN_PASSPHRASE))
        self.check_new(name, admin[0] if admin else None)
        first = not self.names()
        if first and role != "supervisor":
            raise InputError(t("the first person of a station is its admin and must be a supervisor"))
        signer = None if first else self.unlock(admin[0], admin[1], {"supervisor"}, t("add people"))
        key = keys.new_key()
        person = {"kind": PERSON, "name": name, "role": role, "public": keys.b64(keys.public_raw(key)),
                  "added": now.isoformat(timespec="seconds"), "by": signer.name if signer else name}
        with self.store.transaction() as db:
            table = db.table("users")
            self._refuse_new(table, name, admin[0] if admin else None)
            if first:  # written before the users file: a cut-off add leaves no person, and is made again
                remove_leftovers(self.root.parent, lambda n: n == self.root.name)
                with replacing(self.root, "w", encoding="ascii", what=t("the admin key")) as f:
                    f.write(person["public"] + "\n")
            table.remove(lambda r: isinstance(r.get("name"), str) and same_person(r["name"], name))  # before keys
            table.insert({"v": 2, PERSON: statements.signed(person, signer.key if signer else key),
                          "key": keys.seal(key, passphrase)})

    def reset(self, name: str, passphrase: str, now: dt.datetime, admin: tuple[str, str]) -> None:
        """Give ``name``, whose passphrase is forgotten, a new key sealed under a new ``passphrase``, signed by a
        supervisor (``admin``: name and passphrase). Their old key is kept, retired: what they signed with it
        still verifies, but nobody can open it any more. The admin's own key is the root of trust: not reset."""
        if len(passphrase) < MIN_PASSPHRASE:
            raise InputError(t("the passphrase must have at least {n} characters", n=MIN_PASSPHRASE))
        signer = self.unlock(admin[0], admin[1], {"supervisor"}, t("reset passphrases"))
        key = keys.new_key()
        with self.store.transaction() as db:
            table = db.table("users")
            person = _person(_verified(table.all(), self.root_public()), name, set(ROLES), t("have a passphrase"))
            if person.reason or person.public == self.root_public():
                raise InputError(t("the passphrase of {name} cannot be reset here: {why}", name=person.name,
                                   why=person.reason or t("the admin's key is the station's root of trust")))
            old = next(r for r in table.all() if r.get(PERSON, {}).get("public") == person.public)
            statement = {"kind": PERSON, "name": person.name, "role": person.role,
                         "public": keys.b64(keys.public_raw(key)), "added": now.isoformat(timespec="seconds"),
                         "by": signer.name, "replaces": person.public}
            table.update({"retired": now.isoformat(timespec="seconds"), "key": None}, doc_ids=[old.doc_id])
            table.insert({"v": 2, PERSON: statements.signed(statement, signer.key), "key": keys.seal(key, passphrase)})
        with self.tries.transaction() as db:  # a new passphrase ends the lock of the old one
            db.table("failures").update({"cleared": True}, lambda r: r.get("name") == person.name)

    def upgrade_admin(self, name: str, passphrase: str, now: dt.datetime) -> Signer:
        """Make a supervisor of a station set up before keys its admin: their passphrase, checked against the
        old scrypt hash (at no less than its old cost), seals their new key, which becomes the root of trust."""
        with self.store.transaction() as db:
            table = db.table("users")
            if self.root_public() and any(isinstance(r.get(PERSON), dict) for r in table.all()):
                raise InputError(t("this station already has an admin: {fingerprint}",
                                   fingerprint=self.admin_fingerprint()))
            old = next((r for r in table.all() if isinstance(r.get("name"), str) and same_person(r["name"], name)),
                       None)
            if old is None or old.get("role") != "supervisor":
                raise AuthError(t("'{name}' is not a supervisor of this station from before keys", name=name))
            try:
                cost = {k: max(int(old["scrypt"][k]), LEGACY_SCRYPT[k]) for k in LEGACY_SCRYPT}
                expected, salt = bytes.fromhex(old["hash"]), bytes.fromhex(old["salt"])
            except (KeyError, TypeError, ValueError):
                raise StorageError(t("the record of {name} is damaged", name=name), path=self.store.path) from None
            got = hashlib.scrypt(passphrase.encode("utf-8"), salt=salt, dklen=32, maxmem=64 * 1024 * 1024, **cost)
            if not hmac.compare_digest(got, expected):
                raise AuthError(t("wrong passphrase for {name}", name=old["name"]))
            key = keys.new_key()
            person = {"kind": PERSON, "name": old["name"], "role": "supervisor",
                      "public": keys.b64(keys.public_raw(key)), "added": now.isoformat(timespec="seconds"),
                      "by": old["name"]}
            remove_leftovers(self.root.parent, lambda n: n == self.root.name)  # of a writer killed before
            with replacing(self.root, "w", encoding="ascii", what=t("the admin key")) as f:
                f.write(person["public"] + "\n")
            table.remove(doc_ids=[old.doc_id])
            table.insert({"v": 2, PERSON: statements.signed(person, key), "key": keys.seal(key, passphrase)})
        return Signer(old["name"], "supervisor", key)

    def check_new(self, name: str, admin: str | None) -> None:
        """Refuse, before anyone types a passphrase, a person who cannot be added: no name, a name taken, or
        no supervisor (``admin``) to allow it once anyone exists."""
        if not person_name(name):
            raise InputError(t("a person needs a name"))
        with self.store.transaction() as db:
            self._refuse_new(db.table("users"), person_name(name), admin)

    def _refuse_new(self, table, name: str, admin: str | None) -> None:
        people = _verified(table.all(), self.root_public())
        if people:
            if not admin:
                raise AuthError(t("adding a person needs a supervisor: give --admin NAME"))
            _person(people, admin, {"supervisor"}, t("add people"))
        if any(same_person(n, name) and p.public for n, p in people.items()):
            raise InputError(t("'{name}' is already a person of this station", name=name))

    def find(self, name: str) -> Person:
        """The person named ``name`` as typed (see :func:`find_person`)."""
        return find_person({p.name: p for p in self.people()}, name)

    def authenticate(self, name: str, passphrase: str, roles: set[str], action: str) -> str:
        """The person's name as stored, when they exist, hold one of ``roles`` and gave their passphrase."""
        return self.unlock(name, passphrase, roles, action).name

    def unlock(self, name: str, passphrase: str, roles: set[str], action: str) -> Signer:
        """The person, with their private key opened by their passphrase; a wrong passphrase is recorded,
        and after MAX_TRIES of them in a row the person is locked out for LOCK_S seconds."""
        return self._unlock(name, passphrase, roles, action, counted=True)

    def sign_in(self, name: str, passphrase: str) -> Signer:
        """A login: the person (any role) with their key opened, or an AuthError that tells an unknown name and
        a wrong passphrase apart neither by its words nor by its time. Nothing is counted or locked here: the
        caller keeps its own count (the web login's is per name and computer, so that a stranger's guesses
        cannot lock a person out)."""
        try:
            return self._unlock(name, passphrase, set(ROLES), t("log in"), counted=False)
        except AuthError:
            raise AuthError(t("wrong name or passphrase")) from None

    def _unlock(self, name: str, passphrase: str, roles: set[str], action: str, counted: bool) -> Signer:
        with self.store.transaction() as db:
            records = db.table("users").all()
        try:
            person = _person(_verified(records, self.root_public()), name, roles, action)
            if person.reason:
                raise AuthError(t("{name} cannot sign: their record does not verify ({reason})", name=person.name,
                                  reason=person.reason))
        except AuthError:
            if not counted:
                keys.spend_unseal_time(passphrase)  # as long as a wrong passphrase takes
            raise
        record = next(r for r in records if r.get(PERSON, {}).get("public") == person.public)
        now = self.clock()
        failures = self._failures(person.name) if counted else []
        if len(failures) >= MAX_TRIES and now - failures[-1] < LOCK_S:
            raise self._locked(person.name, len(failures), failures[-1])
        sealed = record.get("key")
        if not isinstance(sealed, dict) or sealed.get("public") != person.public:
            raise StorageError(t("the sealed key of {name} is damaged", name=person.name), path=self.store.path)
        try:
            key = keys.unseal(sealed, passphrase, person.name)
        except keys.WrongPassphraseError:
            if counted:
                with self.tries.transaction() as db:
                    db.table("failures").insert({"name": person.name, "at": now})
            left = MAX_TRIES - len(failures) - 1
            if counted and left <= 0:
                raise self._locked(person.name, len(failures) + 1, now) from None
            if not counted or not failures:
                raise AuthError(t("wrong passphrase for {name}", name=person.name)) from None
            # from the second wrong try in a row: how near the lock is
            raise AuthError(t("wrong passphrase for {name}; {tries} before it is locked for {m} minutes",
                              name=person.name, tries=t("{n} more try", n=left) if left == 1 else t("{n} more tries", n=left),
                              m=LOCK_S // 60)) from None
        if failures:
            with self.tries.transaction() as db:  # a right passphrase ends a run of wrong ones; they stay recorded
                db.table("failures").update({"cleared": True}, lambda r: r.get("name") == person.name)
        return Signer(person.name, person.role, key)

    def _locked(self, name: str, n: int, last: float) -> LockedError:
        """The lock after ``n`` wrong passphrases, the last at ``last``: until when (station time), and what to do."""
        until = dt.datetime.fromtimestamp(last + LOCK_S, dt.timezone.utc).astimezone(self.tz)
        return LockedError(t("{name} gave a wrong passphrase {n} times: locked until {time}; try again then, or ask "
                             "a supervisor to reset it (broadcaster user reset \"{name}\" --admin NAME)",
                             name=name, n=n, time=until.strftime("%H:%M")))

    def _failures(self, name: str) -> list[float]:
        """When ``name`` gave wrong passphrases since their last right one, oldest first."""
        with self.tries.transaction() as db:
            rows = db.table("failures").all()
        return sorted(float(r["at"]) for r in rows if r.get("name") == name and not r.get("cleared")
                      and isinstance(r.get("at"), (int, float)))


def _verified(records: list, root: str, retired: dict[str, Person] | None = None) -> dict[str, Person]:
    """Every person of ``records`` by name; a record verifies when the admin (``root``) signed it, or a
    supervisor whose own record verifies did. Keys retired by a reset that verify go into ``retired``, by
    public key (they still vouch for what they signed, people included)."""
    people, persons = {}, []
    retired = {} if retired is None else retired
    for record in records:
        person = record.get(PERSON) if isinstance(record, dict) else None
        if not isinstance(person, dict) or not all(isinstance(person.get(f), str) for f in ("name", "role", "public")):
            if isinstance(record, dict) and isinstance(record.get("name"), str):
                people[record["name"]] = Person(record["name"], str(record.get("role", "")), "",
                                                t("made before keys: run 'broadcaster upgrade --admin NAME'"))
            continue
        persons.append((person, bool(record.get("retired"))))
    supervisors: dict[str, str] = {}
    changed = True
    while changed:
        changed = False
        for person, old in persons:
            if person["public"] in supervisors or person["public"] in retired \
                    or not old and person["name"] in people and not people[person["name"]].reason:
                continue
            self_signed = person["public"] == root and person.get(statements.SIGNER) == root
            verdict = statements.check(person)
            if verdict and (self_signed or person.get(statements.SIGNER) in supervisors) \
                    and person.get("kind") == PERSON and person["role"] in ROLES:
                if old:
                    retired[person["public"]] = Person(person["name"], person["role"], person["public"])
                else:
                    people[person["name"]] = Person(person["name"], person["role"], person["public"])
                if person["role"] == "supervisor":
                    supervisors[person["public"]] = person["name"]
                    changed = True
            elif not old and person["name"] not in people:
                reason = verdict.reason or t("not signed by a supervisor of this station")
                people[person["name"]] = Person(person["name"], person["role"], person["public"], reason)
    return people


def find_person(people: dict[str, Person], name: str) -> Person:
    """The person named ``name`` as typed: exactly (case aside), else by the one name that matches it without
    accents ('tran van binh' finds Trần Văn Bình); an unknown or ambiguous name is refused with the candidates."""
    exact = [p for n, p in people.items() if same_person(n, name)]
    if exact:
        return exact[0]
    folded = fold(person_name(name))
    matches = [p for n, p in people.items() if fold(person_name(n)) == folded]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise AuthError(t("'{name}' could be any of: {names}; type the name with its accents", name=person_name(name),
                          names=", ".join(p.name for p in matches)))
    by_fold = {fold(person_name(n)): n for n in people}
    near = difflib.get_close_matches(folded, list(by_fold), n=5, cutoff=0.8)
    near += [f for f in by_fold if folded and folded in f and f not in near]
    if near:
        raise UnknownPerson(t("'{name}' is not a person of this station; did you mean: {names}?",
                              name=person_name(name), names=", ".join(by_fold[f] for f in near[:5])))
    raise UnknownPerson(t("'{name}' is not a person of this station ('broadcaster user list' shows them)",
                          name=person_name(name)))


def _person(people: dict[str, Person], name: str, roles: set[str], action: str) -> Person:
    """The person named ``name`` (see :func:`find_person`), when they hold one of ``roles``."""
    person = find_person(people, name)
    if person.role not in roles:
        raise AuthError(t("{name} is {role}; only a {allowed} may {action}", name=person.name,
                          role=t(person.role), allowed=t(" or ").join(t(r) for r in sorted(roles)), action=action))
    return person
