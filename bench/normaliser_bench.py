"""Text normaliser benchmarks: agreement with a public test suite, and speed on the seed documents.

    python bench/normaliser_bench.py agreement PATH...   # pyvinorm's tests/ (files or folders): words agreeing
    python bench/normaliser_bench.py speed [DIR]         # the seed documents (default ../shared/seeds)

Agreement reads every pair of strings ``("written", "spoken")`` in the given Python test files (without
running them, and nothing of them is kept here; pyvinorm's are in the tests/ folder of its repository,
github.com/hoang1007/pyvinorm, or of its source distribution) and compares words, punctuation and case aside:
exactly, and after folding "mồng/mùng/ngày" before a day and a "phút" that ends a time (conventions
on which announcers differ). Target: 90% folded, 75% exact. Speed: normalising the four seed documents
whole, best of 5; target < 0.5 s.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
import time
from pathlib import Path

from broadcaster.speech.normalise import TextNormaliser
from broadcaster.speech.numbers import DIGITS

NUMBER_WORDS = {*DIGITS, "mười", "mươi", "mốt", "tư", "lăm", "linh", "trăm", "nghìn", "triệu", "tỷ"}


def pairs_in(path: Path) -> list[tuple[str, str]]:
    """Every literal 2-tuple of strings in a Python file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Tuple) and len(node.elts) == 2 and all(
                isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts):
            found.append((node.elts[0].value, node.elts[1].value))
    return found


def words(text: str) -> list[str]:
    """Lower-case words, punctuation dropped."""
    return re.findall(r"[^\W_]+", text.lower())


def fold(said: list[str]) -> list[str]:
    """Drop 'mồng/mùng/ngày' before a number and a 'phút' not followed by one."""
    kept = []
    for i, word in enumerate(said):
        after = said[i + 1] if i + 1 < len(said) else ""
        if word in ("mồng", "mùng", "ngày") and (after in NUMBER_WORDS or after in ("mồng", "mùng")):
            continue
        if word == "phút" and after not in NUMBER_WORDS:
            continue
        kept.append(word)
    return kept


def agreement(paths: list[Path], verbose: bool) -> None:
    files = [p for path in paths for p in (sorted(path.rglob("*.py")) if path.is_dir() else [path])]
    cases = list(dict.fromkeys(pair for f in files for pair in pairs_in(f)))
    normaliser, exact, folded = TextNormaliser(), 0, 0
    for written, expected in cases:
        got = words(normaliser.normalise(written))
        want = words(expected)
        exact += got == want
        folded += fold(got) == fold(want)
        if verbose and fold(got) != fold(want):
            print(f"{written!r}\n  want {' '.join(want)}\n  got  {' '.join(got)}")
    n = len(cases)
    print(f"{n} sentences: {exact} agree word for word ({exact / n:.0%}), {folded} after folding ({folded / n:.0%})")


def speed(folder: Path) -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]
    if not texts:
        print(f"{folder}: no .txt documents to normalise", file=sys.stderr)
        sys.exit(2)
    normaliser = TextNormaliser()
    best = min(_timed(normaliser, texts) for _ in range(5))
    size = sum(len(t) for t in texts)
    print(f"{len(texts)} documents, {size} characters: {best:.3f} s (target < 0.5 s)")


def _timed(normaliser: TextNormaliser, texts: list[str]) -> float:
    start = time.perf_counter()
    for text in texts:
        normaliser.normalise(text)
    return time.perf_counter() - start


def _seeds() -> Path:
    """The seed documents beside the repository (or beside a worktree's parent folders): shared/seeds."""
    here = Path(__file__).resolve().parent
    found = [p / "shared" / "seeds" for p in here.parents if (p / "shared" / "seeds").is_dir()]
    return found[0] if found else here.parent.parent / "shared" / "seeds"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    agree = sub.add_parser("agreement")
    agree.add_argument("paths", nargs="+", type=Path)
    agree.add_argument("-v", "--verbose", action="store_true", help="show the sentences that differ")
    fast = sub.add_parser("speed")
    fast.add_argument("folder", nargs="?", type=Path, default=_seeds())
    args = parser.parse_args()
    if args.what == "agreement":
        agreement(args.paths, args.verbose)
    else:
        speed(args.folder)


if __name__ == "__main__":
    sys.exit(main())
