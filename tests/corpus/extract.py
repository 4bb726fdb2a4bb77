#!/usr/bin/env python3
"""Builds the parse corpus (tests/corpus/*.bt) from the conformance material:

  tools/*.bt                     -> tools__NAME.bt
  public/scripts/*.bt            -> scripts__NAME.bt
  public/SUITE  PROG / RUN -e    -> SUITE__CASE.bt

Cases marked WILL_FAIL and cases whose expectations mention a syntax error are
left out (bpftrace rejects those programs). The output is committed; re-run after
the conformance suites change:

  tests/corpus/extract.py [/work/shared/conformance]
"""
import os
import re
import shlex
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def slug(s):
    s = re.sub(r"[^A-Za-z0-9]+", "_", s).strip("_").lower()
    return s[:60] or "case"


def prog_of_run(run):
    """The program of a RUN line's `-e PROG`, or None."""
    if "$(" in run or "`" in run:
        return None  # shell-built programs
    run = run.replace("{{BPFTRACE}}", "bpftrace").replace("{{BEFORE_PID}}", "1")
    try:
        lex = shlex.shlex(run, posix=True, punctuation_chars=";|&")
        lex.whitespace_split = True
        argv = list(lex)
    except ValueError:
        return None
    in_bpftrace = False
    for i, a in enumerate(argv):
        if a in (";", "|", "||", "&&", "&"):
            in_bpftrace = False
        elif a == "bpftrace":
            in_bpftrace = True
        elif in_bpftrace and a == "-e" and i + 1 < len(argv):
            return argv[i + 1]
    return None


def main():
    conf = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/conformance"
    sys.path.insert(0, conf)
    import run as runner  # the conformance runner's suite reader

    for f in os.listdir(HERE):
        if f.endswith(".bt"):
            os.unlink(os.path.join(HERE, f))
    n = 0
    for f in sorted(os.listdir(os.path.join(conf, "tools"))):
        if f.endswith(".bt"):
            shutil.copy(os.path.join(conf, "tools", f), os.path.join(HERE, "tools__" + f))
            n += 1
    scripts = os.path.join(conf, "public", "scripts")
    for f in sorted(os.listdir(scripts)):
        if f.endswith(".bt"):
            shutil.copy(os.path.join(scripts, f), os.path.join(HERE, "scripts__" + f))
            n += 1
    pub = os.path.join(conf, "public")
    seen = set()
    for suite in sorted(os.listdir(pub)):
        path = os.path.join(pub, suite)
        if not os.path.isfile(path) or "." in suite:
            continue
        for case in runner.parse_suite(path, suite, pub, "modern"):
            if case.error or case.will_fail:
                continue
            if any("syntax" in text for _, text in case.expects):
                continue
            prog = case.prog if case.prog else prog_of_run(case.run)
            if prog:
                prog = prog.replace("{{BEFORE_PID}}", "1")
            if not prog:
                continue
            name = "%s__%s" % (suite, slug(case.name))
            base, k = name, 2
            while name in seen:
                name = "%s_%d" % (base, k)
                k += 1
            seen.add(name)
            with open(os.path.join(HERE, name + ".bt"), "w") as out:
                out.write(prog if prog.endswith("\n") else prog + "\n")
            n += 1
    print("%d files" % n)


if __name__ == "__main__":
    main()
