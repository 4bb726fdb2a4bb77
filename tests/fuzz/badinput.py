#!/usr/bin/env python3
"""Bad-input corpus: every program ends with a located error or a success,
never a crash, a sanitizer report or a hang.

    badinput.py --scry SCRY --src SOURCE_ROOT [--run] [-n COUNT]

The corpus (deterministic, seed 1): the diagnostic cases tests/diag/*.bt, the
regression inputs tests/fuzz/regress/*, and mutations of the valid programs in
tests/corpus/*.bt: truncations, token swaps, random deletions, duplicated and
dropped lines, flipped brackets. Each is compiled with `--emit-elf /dev/null`
(sema and codegen, no load, no root). Accepted outcomes: exit 0, or exit 1 with
an error on stderr (`file:line:col: ERROR`, or a plain `ERROR:` for errors that
have no place in the script). With --run (root), the programs that compile are
also loaded and attached once (--dry-run), and the kernel log must not gain a
WARNING or BUG line.
"""

import argparse
import concurrent.futures
import os
import random
import re
import subprocess
import sys
import tempfile

TOKEN = re.compile(r'"(?:\\.|[^"\\])*"|[A-Za-z_$@][A-Za-z0-9_]*|\d+|==|!=|<=|>=|&&|\|\||'
                   r'\+\+|--|->|<<|>>|\S')
LOCATED = re.compile(r"^\S+:\d+:\d+(-\d+(:\d+)?)?: ERROR", re.M)
PLAIN = re.compile(r"^ERROR: ", re.M)
# errors in the program's C definitions, located as clang (and bpftrace) print them
CDEF = re.compile(r"^\S+:\d+:\d+: error: ", re.M)
SANITIZER = re.compile(r"AddressSanitizer|UndefinedBehaviorSanitizer|runtime error:|"
                       r"LeakSanitizer|Segmentation fault|core dumped")


def mutations(text, rnd):
    toks = [m.group(0) for m in TOKEN.finditer(text)]
    out = []
    if len(text) > 4:
        out.append(text[:rnd.randrange(1, len(text))])                    # truncation
    if len(toks) > 3:
        t = list(toks)
        i, j = rnd.randrange(len(t)), rnd.randrange(len(t))
        t[i], t[j] = t[j], t[i]
        out.append(" ".join(t))                                            # token swap
        t = list(toks)
        for _ in range(rnd.randint(1, 3)):
            if len(t) > 1:
                del t[rnd.randrange(len(t))]
        out.append(" ".join(t))                                            # deletions
        t = list(toks)
        i = rnd.randrange(len(t))
        t.insert(i, rnd.choice(toks))
        out.append(" ".join(t))                                            # duplication
    if "{" in text:
        out.append(text.replace("{", "(", 1))                              # bracket flip
        out.append(text.replace("}", "", 1))                               # unclosed block
    return out


def corpus(src, n):
    rnd = random.Random(1)
    items = []
    for d in ("tests/diag", "tests/fuzz/regress"):
        p = os.path.join(src, d)
        for f in sorted(os.listdir(p)) if os.path.isdir(p) else []:
            if d.endswith("diag") and not f.endswith(".bt"):
                continue
            with open(os.path.join(p, f), "rb") as fh:
                items.append((d + "/" + f, fh.read().decode("utf-8", "replace")))
    valid = []
    cdir = os.path.join(src, "tests/corpus")
    for f in sorted(os.listdir(cdir)):
        if f.endswith(".bt"):
            with open(os.path.join(cdir, f)) as fh:
                valid.append((f, fh.read()))
    rnd.shuffle(valid)
    k = 0
    while len(items) < n and valid:
        name, text = valid[k % len(valid)]
        for i, m in enumerate(mutations(text, rnd)):
            items.append(("%s~%d.%d" % (name, k, i), m))
        k += 1
    return items[:n]


def check(scry, name, text, run):
    with tempfile.NamedTemporaryFile("w", suffix=".bt", delete=False) as f:
        f.write(text)
        path = f.name
    try:
        argv = [scry, "--emit-elf", "/dev/null", path]
        try:
            r = subprocess.run(argv, capture_output=True, text=True, timeout=30,
                               errors="replace", stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            return "hang (30 s)", ""
        if SANITIZER.search(r.stderr) or r.returncode < 0 or r.returncode > 1:
            return "crash (status %d)" % r.returncode, r.stderr
        if r.returncode == 1 and not (LOCATED.search(r.stderr) or PLAIN.search(r.stderr) or
                                     CDEF.search(r.stderr)):
            return "failed without an error message", r.stderr
        outcome = "compiled" if r.returncode == 0 else "error"
        if r.returncode == 0 and run:
            try:
                r = subprocess.run([scry, "--dry-run", path], capture_output=True, text=True,
                                   timeout=60, errors="replace", stdin=subprocess.DEVNULL)
            except subprocess.TimeoutExpired:
                return "hang in --dry-run (60 s)", ""
            if SANITIZER.search(r.stderr) or r.returncode < 0 or r.returncode > 1:
                return "crash in --dry-run (status %d)" % r.returncode, r.stderr
            outcome = "ran" if r.returncode == 0 else "load error"
        return None, outcome
    finally:
        os.unlink(path)


def dmesg_lines():
    r = subprocess.run(["dmesg"], capture_output=True, text=True, errors="replace")
    return r.stdout.splitlines() if r.returncode == 0 else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scry", required=True)
    ap.add_argument("--src", required=True)
    ap.add_argument("--run", action="store_true")
    ap.add_argument("-n", type=int, default=240)
    a = ap.parse_args()
    run = a.run
    if run and os.geteuid() != 0:
        print("1..0 # SKIP --run needs root")
        return 0
    items = corpus(a.src, a.n)
    before = dmesg_lines() if run else None
    print("1..%d" % (len(items) + (1 if run else 0)))
    failed = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as ex:
        futs = [ex.submit(check, os.path.abspath(a.scry), n, t, run) for n, t in items]
        for i, ((name, text), fut) in enumerate(zip(items, futs), 1):
            why, err = fut.result()
            if why:
                failed += 1
                print("not ok %d - %s: %s" % (i, name, why))
                for l in (text.splitlines()[:5] + err.splitlines()[:20]):
                    print("#   " + l)
            else:
                print("ok %d - %s (%s)" % (i, name, err))
            sys.stdout.flush()
    if run:
        after = dmesg_lines()
        new = after[len(before):] if before is not None and after is not None else []
        bad = [l for l in new if re.search(r"WARNING:|BUG:|Oops|general protection", l)]
        if bad:
            failed += 1
            print("not ok %d - kernel log: %s" % (len(items) + 1, bad[0]))
        else:
            print("ok %d - no kernel warning in dmesg" % (len(items) + 1))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
