#!/usr/bin/env python3
"""bench/table.py DIR: one markdown table from the harness outputs bench/run.sh left in DIR
(DIR/NAME.txt). Columns: scry / bpftrace / floor medians, scry/floor and scry/bpftrace
ratios, the target from the performance goals and whether it is met."""
import os, re, sys

# benchmark -> rows of (metric, lower is better, target: (peer, max or min ratio, kind))
ROWS = {
    "startup-begin": [("wall_ms", True, [("floor", 1.5, "max"), ("bpftrace", 0.1, "max")]),
                      ("rss_kb", True, [("abs", 30 * 1024, "max")])],
    "startup-tp": [("wall_ms", True, [("floor", 1.5, "max"), ("bpftrace", 0.1, "max")]),
                   ("rss_kb", True, [("abs", 30 * 1024, "max")])],
    "count-comm": [("prog_ns", True, [("floor", 1.1, "max")]), ("overhead_ns", True, [])],
    "count": [("prog_ns", True, [("floor", 1.1, "max")]), ("overhead_ns", True, [])],
    "hist": [("prog_ns", True, [("floor", 1.1, "max")]), ("overhead_ns", True, [])],
    "printf": [("ev_s", False, [("floor", 0.8, "min")]), ("lost", True, [("abs", 0, "max")]),
               ("prog_ns", True, [])],
    "uprobe": [("overhead_ns", True, []), ("prog_ns", True, [])],
    "mapprint": [("print_ms", True, [("floor", 1.5, "max")]), ("keys", False, [])],
    "codesize": [("xlated_B", True, [("bpftrace", 1.0, "max")]), ("insns", True, []),
                 ("jited_B", True, []), ("verified_insns", True, [])],
}
LINE = re.compile(r"^\s*(\S+): (.*)$")


def parse(path):
    """{label: {metric: (median, min)}}, failures as {label: 'FAILED ...'}, load averages"""
    res, loads = {}, []
    for line in open(path, errors="replace"):
        if "load avg" in line:
            loads.append(re.search(r"load avg[^:]*: ([\d.]+)", line).group(1))
            continue
        if line.startswith(("#", "RESULT")):
            continue
        m = LINE.match(line)
        if not m:
            continue
        label, rest = m.groups()
        if rest.startswith("all "):
            res[label] = "FAILED"
            continue
        d = {}
        for k, v in re.findall(r"(\w+)=([\d.eE+-]+/[\d.eE+-]+)", rest):
            a, b = v.split("/")
            d[k] = (float(a), float(b))
        res[label] = d
    return res, loads


def fmt(x):
    if x is None:
        return "—"
    if abs(x) >= 1000:
        return f"{x:,.0f}".replace(",", " ")
    return f"{x:.1f}" if x != int(x) else f"{int(x)}"


def main():
    d = sys.argv[1]
    out = ["| benchmark | metric | scry | bpftrace | floor | scry/floor | scry/bpftrace | target | met | load |",
           "|---|---|---|---|---|---|---|---|---|---|"]
    for name, rows in ROWS.items():
        p = os.path.join(d, name + ".txt")
        if not os.path.exists(p):
            continue
        res, loads = parse(p)
        load = "→".join(loads)
        for metric, lower, targets in rows:
            def get(label):
                v = res.get(label)
                return v.get(metric, (None, None))[0] if isinstance(v, dict) else None
            s, b, f = get("scry"), get("bpftrace"), get("floor")
            if s is None and res.get("scry") == "FAILED":
                scell = "FAILED"
            else:
                scell = fmt(s)
            rf = f"{s / f:.2f}" if s is not None and f else "—"
            rb = f"{s / b:.3f}" if s is not None and b else "—"
            tcells, met = [], []
            for peer, x, kind in targets:
                op = "≤" if kind == "max" else "≥"
                if peer == "abs":
                    tcells.append(f"{op} {fmt(x)}")
                    v = s
                else:
                    tcells.append(f"{op} {x}× {peer}")
                    ref = f if peer == "floor" else b
                    v = s / ref if s is not None and ref else None
                if v is None:
                    met.append("n/a")
                else:
                    met.append("met" if (v <= x if kind == "max" else v >= x) else "MISSED")
            out.append(f"| {name} | {metric} | {scell} | {fmt(b)} | {fmt(f)} | {rf} | {rb} | "
                       f"{'; '.join(tcells)} | {'; '.join(met)} | {load} |")
    print("\n".join(out))


if __name__ == "__main__":
    main()
