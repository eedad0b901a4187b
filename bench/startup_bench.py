"""Start-up of everyday commands: `--help`, `content list` and `plan` on the sample station, each in a fresh
interpreter as an operator runs them. Target: median under 0.3 s each. Peak memory is the child's maximum
resident size (where the system reports it).

Run from the repository: ``python bench/startup_bench.py`` (``-n 9`` for more runs; ``--against main`` to time
the package as it is at another commit too, side by side). Prints the median wall time and peak memory of each
command and exits 1 if a target is missed.

The package runs with its bytecode cached, as pip installs it: a child is started without
PYTHONDONTWRITEBYTECODE, and a first run of each command, not counted, writes the cache.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 0.3
COMMANDS = (["--help"], ["content", "list"], ["plan"])
# The command runs as the console script does; the child then reports its own peak memory (KiB on Linux).
RUN = """
import sys
from broadcaster.cli import main
try:
    sys.argv = ["broadcaster", *sys.argv[1:]]
    main()
except SystemExit:
    pass
try:
    import resource
    print("peak-kib", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
except ImportError:  # Windows: no resource module, no memory figure
    pass
"""


def run_once(args: list[str], station: Path, env: dict[str, str]) -> tuple[float, int | None]:
    """Wall time of one run of ``broadcaster ARGS`` and its peak memory in KiB (None where unknown)."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", RUN, "--station", str(station), *args], cwd=station,
                          capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - start
    peaks = [int(line.split()[1]) for line in done.stderr.splitlines() if line.startswith("peak-kib ")]
    return elapsed, (peaks[0] if peaks else None)


def child_env(package_parent: Path | None) -> dict[str, str]:
    """The environment of a child: the package found first in ``package_parent`` (None: the one installed)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if package_parent is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(package_parent), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


def package_at(ref: str, folder: Path) -> Path:
    """The folder holding the broadcaster package as it is at git ``ref`` (extracted into ``folder``)."""
    archive = subprocess.run(["git", "archive", "--format=tar", ref, "broadcaster"], cwd=ROOT, capture_output=True,
                             check=True).stdout
    folder.mkdir()
    with tempfile.TemporaryFile() as tar:
        tar.write(archive)
        tar.seek(0)
        tarfile.open(fileobj=tar).extractall(folder)
    return folder


def sample_station(folder: Path) -> Path:
    """A copy of the repository's sample station."""
    station = folder / "station"
    station.mkdir()
    for name in ("scripts_text", "schedules", "audio"):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, station / name)
    shutil.copy2(ROOT / "station.yaml", station / "station.yaml")
    return station


def measure(args: list[str], station: Path, env: dict[str, str], runs: int) -> tuple[float, str]:
    """The median wall time of ``runs`` runs, and the median peak memory as text."""
    run_once(args, station, env)  # not counted: writes the bytecode cache, brings the files into memory
    results = [run_once(args, station, env) for _ in range(runs)]
    peaks = [r[1] for r in results if r[1] is not None]
    return statistics.median(r[0] for r in results), f"{statistics.median(peaks) / 1024:.0f} MB" if peaks else "n/a"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=5, help="runs of each command (the median is reported)")
    parser.add_argument("--against", metavar="REF", help="also time the package at this git commit or branch")
    options = parser.parse_args()
    missed = False
    with tempfile.TemporaryDirectory() as folder:
        station = sample_station(Path(folder))
        versions = {"this tree": child_env(None)}
        if options.against:
            versions[options.against] = child_env(package_at(options.against, Path(folder) / "ref"))
        # The first plan renders the chime once; a station at work has it cached.
        run_once(["plan"], station, versions["this tree"])
        for args in COMMANDS:
            for name, env in versions.items():
                median, memory = measure(args, station, env, options.n)
                ok = median < TARGET_S
                if name == "this tree":
                    missed |= not ok
                print(f"broadcaster {' '.join(args):<14} {name:<12} median {median:.3f} s  peak {memory:>7}  "
                      f"(target < {TARGET_S} s: {'ok' if ok else 'MISSED'})")
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
