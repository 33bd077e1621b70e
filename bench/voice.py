"""Voice notes benchmark: the time to make one note for a 20-word sentence (eSpeak NG speaks,
libsndfile encodes OGG/Opus at 48 kHz), per language, and the bytes per second of speech. The
first note of a process also loads eSpeak NG and its voice: that start is printed apart. Times
(wall clock, and CPU time beside it: the machine may be shared) are the median of `--runs`
notes, made without the cache (the sender caches; this measures a miss). Prints figures; exits
non-zero only when a language makes no sound.

    python -m bench.voice [--runs N] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

from bot.voice import notes

TARGET_SECONDS = 0.3
# 20 words each, in the plain style of the bot's texts.
SENTENCES = {
    "nl": "Lees vanavond samen een boek met je kind en vraag daarna wat het mooiste plaatje "
    "was voor jullie allebei vandaag.",
    "en": "Read a book with your child tonight and then ask which picture they liked best in "
    "the whole story today.",
    "ar": "اقرأ كتابا مع طفلك هذا المساء ثم اسأله عن الصورة التي أحبها أكثر في القصة كلها اليوم "
    "معا في البيت.",
    "tr": "Bu akşam çocuğunla birlikte bir kitap oku ve sonra ona hikayedeki en güzel resmin "
    "hangisi olduğunu sor lütfen bugün hemen.",
    "pl": "Przeczytaj dziś wieczorem książkę z dzieckiem i zapytaj potem, który obrazek w całej "
    "historii podobał mu się najbardziej w domu.",
    "uk": "Прочитай сьогодні ввечері книжку з дитиною і потім запитай, який малюнок у всій "
    "історії їй сподобався найбільше сьогодні вдома разом.",
}


def measure(locale: str, text: str, runs: int) -> dict[str, float]:
    times: list[float] = []
    cpu: list[float] = []
    note = None
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        note = notes.make_note(text, locale)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    assert note is not None
    seconds = note.duration_ms / 1000
    return {
        "words": len(text.split()),
        "make_s": statistics.median(times),
        "cpu_s": statistics.median(cpu),
        "speech_s": seconds,
        "bytes": len(note.data),
        "bytes_per_s": len(note.data) / seconds if seconds else 0.0,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    notes.make_note("Hallo.", "nl")
    first = time.perf_counter() - start
    results = {loc: measure(loc, text, max(1, args.runs)) for loc, text in SENTENCES.items()}
    if args.json:
        print(json.dumps({"first_note_s": first, "languages": results}, indent=2))
    else:
        print(f"first note of the process (loads eSpeak NG): {first:.3f} s")
        print("lang  words  make (s)  cpu (s)  speech (s)  bytes   bytes/s of speech")
        for loc, r in results.items():
            print(
                f"{loc:4}  {r['words']:5}  {r['make_s']:8.3f}  {r['cpu_s']:7.3f}  "
                f"{r['speech_s']:10.2f}  {r['bytes']:6}  {r['bytes_per_s']:8.0f}"
            )
        worst = max(r["make_s"] for r in results.values())
        rate = statistics.mean(r["bytes_per_s"] for r in results.values())
        verdict = "under" if worst < TARGET_SECONDS else "OVER"
        print(f"slowest 20-word note: {worst:.3f} s ({verdict} the {TARGET_SECONDS} s target)")
        print(f"mean: {rate:.0f} bytes per second of speech ({rate * 8 / 1000:.1f} kbit/s)")
    return 0 if all(r["bytes"] > 0 and r["speech_s"] > 1 for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
