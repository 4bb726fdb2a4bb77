#!/usr/bin/env python3
"""Runtime test runner for scry (needs root and kernel BTF; otherwise it prints
the TAP skip plan "1..0 # SKIP ..." and exits 0, which meson counts as SKIP for
a TAP test; exit status 77 would be an ERROR under the TAP protocol).

Cases live in tests/runtime/*.test, in a trimmed form of bpftrace's runtime
directive format. A case starts at NAME and has one of PROG / RUN:

    NAME count openat by comm
    PROG tracepoint:syscalls:sys_enter_openat /comm == "openloop"/ { @[comm] = count(); }
    AFTER {{PROGS}}/openloop 7
    EXPECT @[openloop]: 7
    TIMEOUT 5

Directives:
    NAME x           case name
    PROG p           run `scry -e p`
    RUN cmd          run cmd through bash ({{SCRY}}, {{FIXTURE}}, {{OBJ}},
                     {{BAD_OBJ}}, {{PROGS}}, {{SRC}} are substituted)
    EXPECT line      a whole output line equals this (surrounding blanks ignored)
    EXPECT_REGEX re  re matches somewhere in the output (multi-line mode)
    EXPECT_NONE line no output line equals this
    TIMEOUT s        seconds after the attach marker before SIGINT (default 5)
    AFTER cmd        shell command started once probes are attached
    SIGNAL TERM|INT  signal sent at timeout (default INT)
    RETURN_CODE n    expected exit status
    WILL_FAIL        the exit status must not be 0
    NO_LEAK          no BPF program the case loaded is still loaded afterwards
                     (the ids that appeared between the start and the attach
                     marker, per `bpftool prog list -j`, must all be gone)
    NEEDS x          skip the case unless placeholder {{x}} is available

The tool's stdout and stderr are read together (as a user sees them); the
environment has __BPFTRACE_NOTIFY_PROBES_ATTACHED=1, and AFTER and the timeout
start at that marker line. Output is TAP.
"""

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time

MARKER = "__BPFTRACE_NOTIFY_PROBES_ATTACHED"


class Case:
    def __init__(self, name, origin):
        self.name = name
        self.origin = origin
        self.prog = None
        self.run = None
        self.expects = []
        self.timeout = 5.0
        self.after = None
        self.signal = signal.SIGINT
        self.rc = None
        self.will_fail = False
        self.no_leak = False
        self.needs = []


def parse(path):
    cases = []
    cur = None
    with open(path) as f:
        for n, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            key, _, val = line.partition(" ")
            if key == "NAME":
                cur = Case(val.strip(), "%s:%d" % (os.path.basename(path), n))
                cases.append(cur)
                continue
            if cur is None:
                raise SystemExit("%s:%d: directive before NAME" % (path, n))
            if key == "PROG":
                cur.prog = val
            elif key == "RUN":
                cur.run = val
            elif key == "EXPECT":
                cur.expects.append(("text", val))
            elif key == "EXPECT_REGEX":
                cur.expects.append(("regex", val))
            elif key == "EXPECT_NONE":
                cur.expects.append(("none", val))
            elif key == "TIMEOUT":
                cur.timeout = float(val)
            elif key == "AFTER":
                cur.after = val
            elif key == "SIGNAL":
                cur.signal = signal.SIGTERM if val.strip() == "TERM" else signal.SIGINT
            elif key == "RETURN_CODE":
                cur.rc = int(val)
            elif key == "WILL_FAIL":
                cur.will_fail = True
            elif key == "NO_LEAK":
                cur.no_leak = True
            elif key == "NEEDS":
                cur.needs.append(val.strip())
            else:
                raise SystemExit("%s:%d: unknown directive %s" % (path, n, key))
    return cases


def prog_ids():
    try:
        out = subprocess.run(["bpftool", "-j", "prog", "list"], capture_output=True,
                             text=True, timeout=20).stdout
        return {p["id"] for p in json.loads(out or "[]")}
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return None


def run_case(c, subst):
    for k in c.needs:
        if not subst.get(k):
            return "skip", "needs %s" % k, ""
    def expand(cmd):
        for k, v in subst.items():
            cmd = cmd.replace("{{%s}}" % k, v or "")
        return cmd

    if c.run:
        argv = ["bash", "-c", expand(c.run)]
    else:
        argv = [subst["SCRY"], "-e", c.prog]
    env = dict(os.environ)
    env[MARKER] = "1"
    before = prog_ids() if c.no_leak else None
    t0 = time.time()
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         stdin=subprocess.DEVNULL, env=env, start_new_session=True)
    lines = []
    attached = threading.Event()

    def reader():
        for raw in iter(p.stdout.readline, b""):
            s = raw.decode("utf-8", "backslashreplace")
            if s.rstrip("\n") == MARKER:
                attached.set()
            lines.append(s)
        attached.set()

    th = threading.Thread(target=reader, daemon=True)
    th.start()
    after = None
    # wait for the marker (or the end) for at most 30 s
    attached.wait(30)
    # the programs this case loaded: those that appeared by the attach marker
    during = prog_ids() if c.no_leak else None
    if p.poll() is None and c.after:
        after = subprocess.Popen(["bash", "-c", expand(c.after)], stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        p.wait(c.timeout)
    except subprocess.TimeoutExpired:
        try:
            os.kill(p.pid, c.signal)
        except OSError:
            pass
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
            th.join(2)
            return "fail", "did not stop after signal", "".join(lines)
    th.join(5)
    if after:
        try:
            after.wait(5)
        except subprocess.TimeoutExpired:
            os.killpg(after.pid, signal.SIGKILL)
    out = "".join(lines)
    for kind, text in c.expects:
        if kind == "text":
            ok = re.search(r"^\s*" + re.escape(text) + r"\s*$", out, re.M)
        elif kind == "none":
            ok = not re.search(r"^\s*" + re.escape(text) + r"\s*$", out, re.M)
        else:
            ok = re.search(text, out, re.M)
        if not ok:
            return "fail", "%s not satisfied: %s" % (kind, text), out
    if c.rc is not None and p.returncode != c.rc:
        return "fail", "exit status %d, want %d" % (p.returncode, c.rc), out
    if c.will_fail and p.returncode == 0:
        return "fail", "exit status 0, want a failure", out
    if c.no_leak and before is not None and during is not None:
        ours = during - before
        left = sorted(ours & (prog_ids() or set()))
        if left:
            time.sleep(1.0)  # freeing is asynchronous (RCU)
            left = sorted(ours & (prog_ids() or set()))
        if left:
            return "fail", "programs still loaded: %s" % left, out
    return "ok", "%.1fs" % (time.time() - t0), out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scry", required=True)
    ap.add_argument("--fixture")
    ap.add_argument("--obj")
    ap.add_argument("--bad-obj")
    ap.add_argument("--progs")
    ap.add_argument("--src", default=os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--filter")
    ap.add_argument("-v", action="store_true")
    ap.add_argument("files", nargs="*")
    a = ap.parse_args()

    if os.geteuid() != 0 or not os.path.exists("/sys/kernel/btf/vmlinux"):
        print("1..0 # SKIP needs root and /sys/kernel/btf/vmlinux")
        return 0
    files = a.files or sorted(
        os.path.join(a.src, f) for f in os.listdir(a.src) if f.endswith(".test"))
    subst = {"SCRY": os.path.abspath(a.scry), "FIXTURE": a.fixture, "OBJ": a.obj,
             "BAD_OBJ": a.bad_obj, "PROGS": a.progs, "SRC": os.path.dirname(a.src)}
    cases = [c for f in files for c in parse(f)]
    if a.filter:
        cases = [c for c in cases if re.search(a.filter, c.name)]
    print("1..%d" % len(cases))
    failed = 0
    for i, c in enumerate(cases, 1):
        status, why, out = run_case(c, subst)
        if status == "skip":
            print("ok %d - %s # SKIP %s" % (i, c.name, why))
        elif status == "ok":
            print("ok %d - %s (%s)" % (i, c.name, why))
        else:
            failed += 1
            print("not ok %d - %s (%s): %s" % (i, c.name, c.origin, why))
        if status == "fail" or a.v:
            for l in out.splitlines()[:60]:
                print("#   " + l)
        sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
