"""`check`'s wall time, two builds compared (BENCHMARKS.md, "The command line
on clap, rayon and ignore"): each runs `check --format json DIR` RUNS times,
alternating with the other, with the default threads and with
SPS_PLUGIN_LS_THREADS=1; prints the median and the minimum of each.

    python3 bench/check_before_after.py BEFORE_BIN AFTER_BIN DIR [RUNS]
"""
import os
import statistics
import subprocess
import sys
import time

before, after, target = sys.argv[1:4]
runs = int(sys.argv[4]) if len(sys.argv) > 4 else 11
bins = {"before": before, "after": after}
res = {(k, t): [] for k in bins for t in ("all", "1")}
for _ in range(runs):
    for k, b in bins.items():
        for t in ("all", "1"):
            env = dict(os.environ)
            if t == "1":
                env["SPS_PLUGIN_LS_THREADS"] = "1"
            start = time.perf_counter()
            p = subprocess.run([b, "check", "--format", "json", target],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
            res[(k, t)].append(time.perf_counter() - start)
            assert p.returncode in (0, 1), (k, p.returncode)
for (k, t), v in res.items():
    print(f"{k:6} threads={t:3} median {statistics.median(v) * 1000:7.1f} ms"
          f"  min {min(v) * 1000:7.1f} ms  ({runs} runs)")
