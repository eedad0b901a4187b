"""Start-up of everyday commands: `--help`, `content list` and `plan` on the sample station, each in a fresh
interpreter as an operator runs them. Target: median under 0.3 s each. Peak memory is the child's maximum
resident size (where the system reports it).

Run from the repository: ``python bench/startup_bench.py`` (``-n 9`` for more runs). Prints the median wall
time and peak memory of each command and exits 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
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


def run_once(args: list[str], station: Path) -> tuple[float, int | None]:
    """Wall time of one run of ``broadcaster ARGS`` and its peak memory in KiB (None where unknown)."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", RUN, "--station", str(station), *args], cwd=ROOT,
                          capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    peaks = [int(line.split()[1]) for line in done.stderr.splitlines() if line.startswith("peak-kib ")]
    return elapsed, (peaks[0] if peaks else None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=5, help="runs of each command (the median is reported)")
    runs = parser.parse_args().n
    missed = False
    with tempfile.TemporaryDirectory() as folder:
        station = Path(folder) / "station"
        station.mkdir()
        for name in ("scripts_text", "schedules", "audio"):
            if (ROOT / name).is_dir():
                shutil.copytree(ROOT / name, station / name)
        shutil.copy2(ROOT / "station.yaml", station / "station.yaml")
        run_once(["plan"], station)  # the first plan renders the chime once; a station at work has it cached
        for args in COMMANDS:
            results = [run_once(args, station) for _ in range(runs)]
            median = statistics.median(r[0] for r in results)
            peaks = [r[1] for r in results if r[1] is not None]
            memory = f"{statistics.median(peaks) / 1024:.0f} MB" if peaks else "n/a"
            ok = median < TARGET_S
            missed |= not ok
            print(f"broadcaster {' '.join(args):<14} median {median:.3f} s  peak {memory:>7}  "
                  f"(target < {TARGET_S} s: {'ok' if ok else 'MISSED'})")
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
