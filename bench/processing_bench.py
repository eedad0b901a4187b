"""Audio processing benchmark: ten minutes of speech processed (filtered, measured, brought to loudness,
true-peak limited) beside ffmpeg's ebur128 measurement of the same file; and our compressor beside
pydub's compress_dynamic_range on a minute of it.

Run from the repository: ``python bench/processing_bench.py`` (about half a minute; ``--minutes 2`` for a
shorter run). It prints the figures and exits 1 if a target is missed: the whole processing takes at
most twice as long as ffmpeg's ebur128 takes to measure loudness alone (its quicker mode: without
true peak), and our compressor is at least 50 times quicker than pydub's.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import soundfile

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from broadcaster.config import Profile  # noqa: E402
from broadcaster.content.textfile import read_announcement  # noqa: E402
from broadcaster.render.cache import resample  # noqa: E402
from broadcaster.render.filters import compress  # noqa: E402
from broadcaster.render.processing import process  # noqa: E402
from broadcaster.speech.espeak import EspeakEngine  # noqa: E402
from broadcaster.speech.normalise import TextNormaliser  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
RATE = Profile().sample_rate
RUNS = 3
# Our processing in a fresh process, as `broadcaster render` does it (in place: the samples are its own):
# reading the file and processing it are timed, starting Python and importing numpy and scipy are not.
FRESH = """
import sys, time
sys.path.insert(0, {root!r})
import soundfile
from broadcaster.config import Profile
from broadcaster.render.processing import process
started = time.perf_counter()
samples, rate = soundfile.read({path!r}, dtype="float32")
done = process(samples, Profile(), overwrite=True)
print(time.perf_counter() - started, done.lufs, done.true_peak_dbtp)
"""


def speech(minutes: float) -> np.ndarray:
    """``minutes`` of the sample station's texts, read by espeak-ng, at the broadcast rate."""
    normaliser = TextNormaliser(None)
    texts = [normaliser.normalise(read_announcement(p).variants[0].text)
             for p in sorted((ROOT / "scripts_text").glob("*.md"))]
    engine, parts, total, i = EspeakEngine(), [], 0, 0
    while total < minutes * 60 * RATE:
        part = resample(engine.synthesize(texts[i % len(texts)]), RATE)
        parts.append(part)
        total += len(part)
        i += 1
    return np.concatenate(parts)[: int(minutes * 60 * RATE)]


def ffmpeg_ebur128(path: Path, peak: bool) -> tuple[float, str]:
    """Seconds that ffmpeg's ebur128 filter takes over the file (process start and decoding included),
    and its summary line of integrated loudness."""
    import imageio_ffmpeg

    options = "framelog=quiet" + (":peak=true" if peak else "")
    started = time.perf_counter()
    result = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-hide_banner", "-nostats", "-i", str(path),
                             "-af", f"ebur128={options}", "-f", "null", "-"], capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - started
    summary = result.stderr[result.stderr.rindex("Summary:"):].split("\n")
    found = [line.strip() for line in summary if line.strip().startswith(("I:", "Peak:"))]
    return seconds, ", ".join(found)


def ours_fresh(path: Path) -> tuple[float, str]:
    """Seconds that reading and processing the file take in a fresh Python process, and what it made."""
    code = FRESH.format(root=str(ROOT), path=str(path))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), f"{float(out[1]):.2f} LUFS, true peak {float(out[2]):.2f} dBTP"


def pydub_compressor(samples: np.ndarray) -> float:
    """Seconds that pydub.effects.compress_dynamic_range takes (its defaults: -20 dBFS, 4:1, 5 ms, 50 ms)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pydub import AudioSegment
        from pydub.effects import compress_dynamic_range
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes()
    segment = AudioSegment(data=pcm, sample_width=2, frame_rate=RATE, channels=1)
    started = time.perf_counter()
    compress_dynamic_range(segment)
    return time.perf_counter() - started


def main() -> int:
    """Run the benchmark; 1 if a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="length of the speech (default 10)")
    args = parser.parse_args()
    samples = speech(args.minutes)
    length_s = len(samples) / RATE
    failed = False
    with tempfile.TemporaryDirectory(prefix="broadcaster-bench-") as folder:
        path = Path(folder) / "loi-doc.wav"
        soundfile.write(path, samples, RATE, subtype="PCM_16")
        print(f"{length_s / 60:.1f} minutes of speech (espeak-ng, {RATE} Hz), median of {RUNS} runs each:")
        plain = [ffmpeg_ebur128(path, peak=False) for _ in range(RUNS)]
        peak = [ffmpeg_ebur128(path, peak=True) for _ in range(RUNS)]
        fresh = [ours_fresh(path) for _ in range(RUNS)]
        ours_s = statistics.median(s for s, _ in fresh)
        plain_s = statistics.median(s for s, _ in plain)
        peak_s = statistics.median(s for s, _ in peak)
        warm = []
        for _ in range(RUNS + 1):  # the first run warms the process up and is not counted
            started = time.perf_counter()
            process(soundfile.read(path, dtype="float32")[0], Profile(), overwrite=True)
            warm.append(time.perf_counter() - started)
        warm_s = statistics.median(warm[1:])
        print(f"  ffmpeg ebur128, loudness only:           {plain_s:6.2f} s ({length_s / plain_s:5.0f}x real time)"
              f"  {plain[0][1]}")
        print(f"  ffmpeg ebur128, loudness and true peak:  {peak_s:6.2f} s ({length_s / peak_s:5.0f}x real time)"
              f"  {peak[0][1]}")
        print(f"  ours, whole processing, fresh process:   {ours_s:6.2f} s ({length_s / ours_s:5.0f}x real time)"
              f"  made {fresh[0][1]}")
        print(f"  ours, whole processing, warm process:    {warm_s:6.2f} s ({length_s / warm_s:5.0f}x real time)")
        print(f"  ratio, ours (fresh) to ffmpeg measuring loudness only: {ours_s / plain_s:.2f} (target at most 2); "
              f"to loudness and true peak: {ours_s / peak_s:.2f}")
        if ours_s > 2 * plain_s:
            print("  FAIL: more than twice ffmpeg's time to measure loudness")
            failed = True
    minute = samples[: 60 * RATE]
    pydub_s = pydub_compressor(minute)
    started = time.perf_counter()
    compress(minute, RATE, -20.0, 4.0)
    ours_compressor_s = time.perf_counter() - started
    print(f"Compressor on 60 s: pydub compress_dynamic_range {pydub_s:.2f} s, ours {ours_compressor_s:.3f} s "
          f"({pydub_s / ours_compressor_s:.0f}x quicker)")
    if pydub_s < 50 * ours_compressor_s:
        print("  FAIL: less than 50 times quicker than pydub")
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
