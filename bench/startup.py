#!/usr/bin/env python3
"""bench/startup.py: start-up cost of scry, the libbpf floor and bpftrace, measured in
ways that survive a busy machine. Complements the shared harness's startup-* (wall
time, which on a loaded 2-CPU host is mostly run-queue wait).

usage: bench/startup.py [--scry PATH] [--reps R] [--cold] [--json FILE] [NAME...]
  NAME: startup-begin (BEGIN { exit(); }) and/or startup-tp (the harness's programs)

Per run, from wait4(): wall ms, CPU ms (user+sys of the tool and its waited-for
children), peak RSS KB (ru_maxrss), minor/major page faults. Runs are interleaved
(each rep runs every tool once, order rotated); medians and minimums are printed.
scry runs twice per rep: as is (its compile cache warm after the first run) and
with --no-cache (the compile cache cold: parse, sema, LLVM every time), reported as
"scry" and "scry-nc". --cold first drops the page cache of each tool's binary and shared libraries
(posix_fadvise DONTNEED on those files only: pages still mapped by other processes
stay), so the run pays for reading them again: the "cold start" of a new shell.
"""
import argparse, glob, json, os, statistics, subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
WORK = os.environ.get("BENCH_WORK", "/tmp/scry-bench-harness")
PROGS = {
    "startup-begin": ("BEGIN { exit(); }", ["begin"]),
    "startup-tp": ("tracepoint:syscalls:sys_enter_openat { @[comm] = count(); } BEGIN { exit(); }",
                   ["count_comm", "--tp", "syscalls:sys_enter_openat", "--exit"]),
}


def libs(binary):
    out = subprocess.run(["ldd", binary], capture_output=True, text=True).stdout
    files = [binary]
    for line in out.splitlines():
        parts = line.split("=>")
        path = (parts[1] if len(parts) > 1 else parts[0]).strip().split(" (")[0]
        if path.startswith("/"):
            files.append(path)
    return files


def drop_cache(files):
    for f in files:
        try:
            fd = os.open(f, os.O_RDONLY)
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            os.close(fd)
        except OSError:
            pass


def rusage_bin():
    """bench/rusage.c, built on first use into the work dir"""
    src, exe = os.path.join(HERE, "rusage.c"), os.path.join(WORK, "rusage")
    if not os.path.exists(exe) or os.path.getmtime(exe) < os.path.getmtime(src):
        os.makedirs(WORK, exist_ok=True)
        subprocess.run(["gcc", "-O2", "-o", exe, src], check=True)
    return exe


def run(argv):
    """one run under bench/rusage: its forked child starts small, so ru_maxrss is the
    tool's own (a child forked straight from python would start at python's RSS)"""
    p = subprocess.run([rusage_bin(), *argv], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall, u, s, rss, minflt, majflt, code = map(int, p.stderr.split()[-7:])
    return {"wall_ms": wall / 1e3, "cpu_ms": (u + s) / 1e3, "user_ms": u / 1e3, "sys_ms": s / 1e3,
            "rss_kb": rss, "minflt": minflt, "majflt": majflt, "ok": code == 0}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scry", default=os.environ.get("SCRY", os.path.join(REPO, "build-perf", "scry")))
    ap.add_argument("--floor", default=os.path.join(WORK, "floor", "floor"))
    ap.add_argument("--bpftrace", default=os.environ.get("BPFTRACE", "/usr/bin/bpftrace"))
    ap.add_argument("--reps", type=int, default=15)
    ap.add_argument("--cold", action="store_true")
    ap.add_argument("--json")
    ap.add_argument("names", nargs="*", default=list(PROGS))
    a = ap.parse_args()
    tools = {"scry": a.scry, "scry-nc": a.scry, "floor": a.floor, "bpftrace": a.bpftrace}
    files = {t: libs(b) for t, b in tools.items()}
    # the compiler module scry extracts into its cache directory (opened on a miss)
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    for t in ("scry", "scry-nc"):
        files[t] = files[t] + glob.glob(os.path.join(cache, "scry", "scry-codegen-*.so"))
    for name in a.names:
        prog, mode = PROGS[name]
        argv = {"scry": [a.scry, "-e", prog], "scry-nc": [a.scry, "--no-cache", "-e", prog], "floor": [a.floor] + mode, "bpftrace": [a.bpftrace, "-e", prog]}
        res = {t: [] for t in tools}
        order = list(tools)
        load0 = open("/proc/loadavg").read().split()[0]
        for rep in range(a.reps):
            k = rep % len(order)
            for t in order[k:] + order[:k]:
                if a.cold:
                    drop_cache(files[t])
                res[t].append(run(argv[t]))
        load1 = open("/proc/loadavg").read().split()[0]
        print(f"# {name}{' (cold: page cache of binary + libs dropped before each run)' if a.cold else ''}: "
              f"reps={a.reps}, median/min, load avg {load0}->{load1}")
        med = {}
        for t, rs in res.items():
            good = [r for r in rs if r["ok"]]
            if not good:
                print(f"{t:>10}: all runs failed")
                continue
            keys = [k for k in good[0] if k != "ok"]
            med[t] = {k: statistics.median(r[k] for r in good) for k in keys}
            print(f"{t:>10}: " + "  ".join(f"{k}={med[t][k]:.1f}/{min(r[k] for r in good):.1f}" for k in keys)
                  + (f"  [{len(rs) - len(good)} failed]" if len(good) < len(rs) else ""))
            if a.json:
                with open(a.json, "a") as f:
                    f.write(json.dumps({"bench": name + ("-cold" if a.cold else "-cpu"), "tool": t,
                                        "runs": rs}) + "\n")
        for st in ("scry", "scry-nc"):
            if st not in med or "floor" not in med or "bpftrace" not in med:
                continue
            for k in ("cpu_ms", "wall_ms", "rss_kb"):
                s, f, b = med[st][k], med["floor"][k], med["bpftrace"][k]
                print(f"RESULT {name}{'-cold' if a.cold else ''}: {k} {st}/floor = {s:.1f} / {f:.1f} ratio "
                      f"{s / f:.2f}; {st}/bpftrace = {s / b:.3f}")


if __name__ == "__main__":
    main()
