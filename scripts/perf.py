#!/usr/bin/env python3
"""Whole-process timings and peak memory of the release binary.

Prints, for each workload, the median and minimum wall time over repeated runs and the
peak resident set size, next to `cat` printing the same output (the floor any renderer
is compared against). Usage: cargo build --release && python3 scripts/perf.py [RUNS]
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "authflow")
RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 30


def generated_flow(messages, participants):
    """Message i from p(i*7 mod n) to p((i*13+1) mod n), label "msg i" (the issue's recipe)."""
    lines = []
    for i in range(messages):
        a, b = (i * 7) % participants, (i * 13 + 1) % participants
        lines.append(f'p{a} -> p{b}: "msg {i}"')
    return "\n".join(lines) + "\n"


def measure(argv, runs):
    """Median and min wall seconds, and peak RSS in KiB, of `argv` with stdout discarded.

    Peak RSS comes from GNU time in a separate run: a child forked from Python inherits
    Python's high-water mark, which would hide the program's own figure.
    """
    times = []
    with open(os.devnull, "wb") as sink:
        for _ in range(runs):
            start = time.perf_counter()
            code = subprocess.call(argv, stdout=sink, stderr=subprocess.DEVNULL)
            times.append(time.perf_counter() - start)
            if code not in (0, 1):
                sys.exit(f"{' '.join(argv)} exited {code}")
        peak = 0
        if os.path.exists("/usr/bin/time"):
            timed = subprocess.run(["/usr/bin/time", "-f", "%M", *argv], stdout=sink, stderr=subprocess.PIPE, text=True)
            peak = int(timed.stderr.strip().splitlines()[-1])
    return statistics.median(times), min(times), peak


def row(name, argv, runs):
    median, best, peak = measure(argv, runs)
    print(f"{name:<34} median {median * 1000:8.2f} ms   min {best * 1000:8.2f} ms   peak RSS {peak / 1024:7.1f} MiB")
    return median


def main():
    if not os.path.exists(BIN):
        sys.exit("build first: cargo build --release")
    with tempfile.TemporaryDirectory() as tmp:
        seed = os.path.join(ROOT, "flows", "authorization_code.flow")
        workloads = [("seed", seed, RUNS)]
        for messages, participants in [(1000, 20), (10000, 50)]:
            path = os.path.join(tmp, f"gen_{messages}.flow")
            with open(path, "w") as f:
                f.write(generated_flow(messages, participants))
            workloads.append((f"{messages} msgs / {participants} participants", path, RUNS if messages < 10000 else max(5, RUNS // 3)))
        print(f"runs per workload: up to {RUNS}\n")
        for name, path, runs in workloads:
            out = os.path.join(tmp, "out.txt")
            with open(out, "wb") as f:
                subprocess.run([BIN, "render", path], stdout=f, check=True)
            size = os.path.getsize(out)
            print(f"render {name}: output {size / 1e6:.2f} MB")
            ours = row("  authflow render", [BIN, "render", path], runs)
            floor = row("  cat (same output)", ["cat", out], runs)
            print(f"  ratio to cat: {ours / floor:.1f}x\n")
        print("check")
        row("  authflow check flows/", [BIN, "check", os.path.join(ROOT, "flows")], RUNS)
        path = os.path.join(tmp, "check_10k.flow")
        with open(path, "w") as f:
            f.write(long_conformant_flow(10000))
        row("  authflow check 10k-message flow", [BIN, "check", path], max(5, RUNS // 3))


def long_conformant_flow(messages):
    """The seed's login, then API calls until the flow has `messages` messages."""
    head = open(os.path.join(ROOT, "flows", "authorization_code.flow")).read().splitlines()
    body = []
    while len(head) + len(body) < messages:
        body += ['fe -> be: "api call"', 'be -> fe: "response"']
    return "\n".join(head + body[: messages - len(head)]) + "\n"


if __name__ == "__main__":
    main()
