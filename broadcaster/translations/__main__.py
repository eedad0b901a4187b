"""``python -m broadcaster.translations [--update] [LANG...]``: list the messages a catalogue lacks (exit 1
when any is missing or has wrong placeholders); with --update, also add them to it untranslated."""

from __future__ import annotations

import argparse
import sys

from broadcaster.messages import LANGUAGES
from broadcaster.translations import catalogue_path, check, report, update


def main(argv: list[str] | None = None) -> int:
    """Check (or update) the catalogues named, or all of them."""
    parser = argparse.ArgumentParser(prog="python -m broadcaster.translations", description=__doc__)
    parser.add_argument("languages", nargs="*", metavar="LANG",
                        help=f"a catalogue to check: {', '.join(LANGUAGES[1:])} (default: all)")
    parser.add_argument("--update", action="store_true",
                        help="write new messages into the catalogue, untranslated, and mark unused ones obsolete")
    args = parser.parse_args(argv)
    for lang in set(args.languages) - set(LANGUAGES[1:]):
        parser.error(f"no catalogue for '{lang}'; the catalogues: {', '.join(LANGUAGES[1:])}")
    ok = True
    for lang in args.languages or LANGUAGES[1:]:
        catalogue = catalogue_path(lang)
        found = update(catalogue) if args.update else check(catalogue)
        print(report(catalogue, found))
        ok = ok and found.ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
