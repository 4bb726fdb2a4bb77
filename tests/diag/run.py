#!/usr/bin/env python3
"""Golden diagnostics: for every tests/diag/NAME.bt, run scry on it and compare
its stderr with NAME.err. Prints TAP.

The program runs from tests/diag/ as `scry [ARGS] NAME.bt`, so messages name the
file "NAME.bt". ARGS are read from NAME.args if it exists (one line, shell
words), else `--mode codegen`: compile only, so no root is needed and nothing
is loaded. An empty NAME.err means "no diagnostics at all".

Usage: run.py SCRY [--update] [--dir SUB] [--no-args] [NAME...]
  --update   rewrite the .err files from the current output (review the diff!)
  --dir SUB  take the cases from tests/diag/SUB/ (run from there)
  --no-args  no default arguments (for tools other than scry, e.g. parse_check)
"""
import os
import shlex
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    args = sys.argv[1:]
    if not args:
        print(__doc__, file=sys.stderr)
        return 2
    scry = os.path.abspath(args.pop(0))
    update = "--update" in args
    default_args = ["--mode", "codegen"]
    here = HERE
    names = []
    while args:
        a = args.pop(0)
        if a == "--update":
            continue
        if a == "--dir" and args:
            here = os.path.join(HERE, args.pop(0))
        elif a == "--no-args":
            default_args = []
        else:
            names.append(a)
    if not names:
        names = sorted(f[:-3] for f in os.listdir(here) if f.endswith(".bt"))
    if not names:
        print("1..0 # SKIP no diag cases")
        return 0
    failed = 0
    print("1..%d" % len(names))
    for i, name in enumerate(names, 1):
        argsfile = os.path.join(here, name + ".args")
        extra = list(default_args)
        if os.path.exists(argsfile):
            with open(argsfile) as f:
                extra = shlex.split(f.read())
        cmd = [scry] + extra + [name + ".bt"]
        try:
            p = subprocess.run(cmd, cwd=here, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               timeout=30)
            got = p.stderr.decode("utf-8", "replace")
        except subprocess.TimeoutExpired:
            print("not ok %d - %s # timed out" % (i, name))
            failed += 1
            continue
        if p.returncode < 0:
            print("not ok %d - %s # killed by signal %d" % (i, name, -p.returncode))
            failed += 1
            continue
        errfile = os.path.join(here, name + ".err")
        if update:
            with open(errfile, "w") as f:
                f.write(got)
        want = open(errfile).read() if os.path.exists(errfile) else None
        if want is None:
            print("not ok %d - %s # missing %s.err" % (i, name, name))
            failed += 1
        elif got != want:
            print("not ok %d - %s" % (i, name))
            print("# command: %s" % " ".join(shlex.quote(c) for c in cmd[1:]))
            for line in want.splitlines():
                print("# want: " + line)
            for line in got.splitlines():
                print("# got:  " + line)
            failed += 1
        else:
            print("ok %d - %s" % (i, name))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
