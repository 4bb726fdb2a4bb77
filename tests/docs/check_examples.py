#!/usr/bin/env python3
"""Checks that the programs in the documentation and the installed tools work.

Every fenced block whose info string starts with `bt` in docs/*.md and
docs/probes/*.md is a program:

    ```bt              parsed (scry -d ast); as root also loaded and attached
                       (scry --dry-run)
    ```bt run          parsed; as root run to its end (it must stop by itself,
                       within 20 s) and exit 0
    ```bt parse        only parsed: the probe type does not work on every
                       kernel (kprobe, fentry, hardware)

Extra words after `run`: args="1 two" (arguments after the program),
exit=N (the expected exit status), flags="-f json" (scry options).
A ```output block right after a `bt run` block is the exact standard output
(trailing blank lines and trailing spaces are ignored).
tools/*.bt are parsed; as root they are loaded with --dry-run, then run for a
second and stopped with SIGINT (they must exit 0 without errors).

Usage: check_examples.py SCRY SOURCE_ROOT     (TAP on stdout)
"""
import glob
import os
import re
import shlex
import signal
import subprocess
import sys
import time

FENCE = re.compile(r"^```(.*)$")


def blocks(path):
    """(line, info, text) for every fenced block of @path."""
    out = []
    with open(path) as f:
        lines = f.read().split("\n")
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        info, start = m.group(1).strip(), i + 1
        j = start
        while j < len(lines) and not lines[j].startswith("```"):
            j += 1
        out.append((start, info, "\n".join(lines[start:j]) + "\n", j))
        i = j + 1
    return out, lines


def normalize(s):
    return "\n".join(line.rstrip() for line in s.strip("\n").split("\n")).strip("\n")


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, name, detail=""):
        self.n += 1
        print(("ok" if cond else "not ok") + f" {self.n} - {name}")
        if not cond:
            self.failed += 1
            for line in detail.rstrip().split("\n"):
                print(f"#   {line}")


def run(cmd, timeout):
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        return r.returncode, r.stdout, r.stderr
    except subprocess.TimeoutExpired:
        return None, "", "timed out"

def run_for(scry, path, seconds):
    """Runs @path until probes are attached, then @seconds more, then SIGINT."""
    env = dict(os.environ, __BPFTRACE_NOTIFY_PROBES_ATTACHED="1")
    p = subprocess.Popen([scry, "-q", path], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, env=env)
    deadline = time.time() + 60
    first = ""
    while time.time() < deadline and p.poll() is None:
        line = p.stdout.readline()
        first += line
        if line.startswith("__BPFTRACE_NOTIFY_PROBES_ATTACHED"):
            break
    time.sleep(seconds)
    p.send_signal(signal.SIGINT)
    try:
        out, err = p.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        return None, first + out, err + "\n(no exit after SIGINT)"
    return p.returncode, first + out, err


def main():
    if len(sys.argv) != 3:
        print("usage: check_examples.py SCRY SOURCE_ROOT", file=sys.stderr)
        return 2
    scry, root = os.path.abspath(sys.argv[1]), sys.argv[2]
    is_root = os.geteuid() == 0
    tap = Tap()
    docs = sorted(glob.glob(os.path.join(root, "docs", "*.md")) +
                  glob.glob(os.path.join(root, "docs", "probes", "*.md")))
    for path in docs:
        rel = os.path.relpath(path, root)
        bl, lines = blocks(path)
        for k, (line, info, text, end) in enumerate(bl):
            words = shlex.split(info) if info else []
            if not words or words[0] != "bt":
                continue
            mode = words[1] if len(words) > 1 and "=" not in words[1] else "load"
            opts = dict(w.split("=", 1) for w in words[1:] if "=" in w)
            args = shlex.split(opts.get("args", ""))
            flags = shlex.split(opts.get("flags", ""))
            where = f"{rel}:{line}"
            rc, out, err = run([scry, "-d", "ast", "-e", text], 60)
            tap.ok(rc == 0, f"{where} parses", err)
            if not is_root or mode == "parse" or rc != 0:
                continue
            if mode == "load":
                rc, out, err = run([scry, "-q", "--dry-run"] + flags + ["-e", text] + args, 60)
                tap.ok(rc == 0, f"{where} loads and attaches", err)
                continue
            want_rc = int(opts.get("exit", "0"))
            rc, out, err = run([scry, "-q"] + flags + ["-e", text] + args, 20)
            tap.ok(rc == want_rc, f"{where} runs (exit {want_rc})",
                   f"exit {rc}\nstderr: {err}\nstdout: {out[-2000:]}")
            # an ```output block right after (only blank lines between)
            nxt = bl[k + 1] if k + 1 < len(bl) else None
            if nxt and nxt[1] == "output" and all(not l.strip() for l in lines[end + 1:nxt[0] - 1]):
                want = normalize(nxt[2])
                got = normalize(out)
                tap.ok(got == want, f"{where} prints the documented output",
                       "want:\n" + want + "\ngot:\n" + got)
    for path in sorted(glob.glob(os.path.join(root, "tools", "*.bt"))):
        rel = os.path.relpath(path, root)
        rc, out, err = run([scry, "-d", "ast", path], 60)
        tap.ok(rc == 0, f"{rel} parses", err)
        if is_root and rc == 0:
            rc, out, err = run([scry, "-q", "--dry-run", path], 60)
            tap.ok(rc == 0, f"{rel} loads and attaches", err)
            if rc == 0:
                rc, out, err = run_for(scry, path, 1.0)
                tap.ok(rc == 0 and "ERROR" not in err, f"{rel} runs and stops on SIGINT",
                       f"exit {rc}\nstderr: {err}\nstdout: {out[-1000:]}")
    print(f"1..{tap.n}")
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
