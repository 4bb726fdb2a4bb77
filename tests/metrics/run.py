#!/usr/bin/env python3
"""scry --metrics scraped by a real Prometheus server.

Starts scry with a program whose maps reach known values (a begin block fills
counters and a histogram, an interval probe counts to 5 and stops), starts
Prometheus on loopback with a temporary config and storage (scrape interval
1s), waits until the samples arrive, and checks series names, labels and
values through Prometheus's HTTP API (/api/v1/query). Also checks the classic
text format, the HTTP errors, and the --metrics bind errors.

Usage: run.py SCRY   (exit 77 = skipped: not root, or no prometheus binary)
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

PROGRAM = r'''
begin {
	@k["a\"b\\c"] = count(); @k["a\"b\\c"] = count(); @k["plain"] = count();
	@t[1, "x"] = count();
	@h = hist(0); @h = hist(1); @h = hist(5);
	@l = lhist(3, 0, 10, 5);
	@g = 42;
	@st = stats(10); @st = stats(20);
}
interval:ms:100 /@ticks < 5/ { @ticks++; @c = count(); }
'''

failures = 0
n = 0


def check(cond, what, detail=""):
    global failures, n
    n += 1
    if cond:
        print(f"ok {n} - {what}")
    else:
        failures += 1
        print(f"FAIL {n} - {what} {detail}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(url, headers=None, timeout=5):
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, dict(r.headers), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode()


def query(prom, q):
    url = f"http://{prom}/api/v1/query?" + urllib.parse.urlencode({"query": q})
    try:
        _, _, body = http_get(url)
    except (OSError, urllib.error.URLError):
        return None
    d = json.loads(body)
    if d.get("status") != "success":
        return None
    return d["data"]["result"]


def value_of(prom, q):
    r = query(prom, q)
    if not r or len(r) != 1:
        return None
    return float(r[0]["value"][1])


def main():
    if len(sys.argv) < 2:
        print("usage: run.py SCRY", file=sys.stderr)
        return 2
    scry = os.path.abspath(sys.argv[1])
    prom_bin = shutil.which("prometheus")
    if os.geteuid() != 0 or not prom_bin:
        print("skipping: needs root and the prometheus binary")
        return 77

    mport, pport = free_port(), free_port()
    maddr, prom = f"127.0.0.1:{mport}", f"127.0.0.1:{pport}"
    tmp = tempfile.mkdtemp(prefix="scry-metrics-")
    procs = []
    try:
        scry_p = subprocess.Popen([scry, "--metrics", maddr, "-e", PROGRAM],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        procs.append(scry_p)
        # the listener is up before anything is attached; wait for the probes
        deadline = time.time() + 15
        up = False
        while time.time() < deadline and scry_p.poll() is None:
            try:
                st, _, body = http_get(f"http://{maddr}/metrics", timeout=2)
                if st == 200 and "scry_c_total 5" in body:
                    up = True
                    break
            except OSError:
                pass
            time.sleep(0.2)
        check(up, "scry serves /metrics and @c reaches 5")
        if not up:
            return 1

        # the classic text format without an Accept header
        st, hdrs, body = http_get(f"http://{maddr}/metrics")
        check(st == 200 and hdrs.get("Content-Type", "").startswith("text/plain; version=0.0.4"),
              "classic text format by default", hdrs.get("Content-Type"))
        check("# TYPE scry_c_total counter\nscry_c_total 5\n" in body,
              "classic counter family named with _total")
        st, hdrs, body = http_get(f"http://{maddr}/metrics",
                                  {"Accept": "application/openmetrics-text;version=1.0.0"})
        check(st == 200 and hdrs.get("Content-Type", "").startswith("application/openmetrics-text")
              and body.endswith("# EOF\n") and "# TYPE scry_c counter\n" in body,
              "OpenMetrics when asked for")
        with socket.create_connection(("127.0.0.1", mport)) as c:
            c.sendall(b"GET /metrics HTTP/1.1\r\nAccept: application/openmetrics-text\r\n\r\n")
            raw = b""
            while True:
                d = c.recv(65536)
                if not d:
                    break
                raw += d
        check(b"application/openmetrics-text" in raw.split(b"\r\n\r\n")[0] and raw.endswith(b"# EOF\n"),
              "Accept as the first header line")
        st, _, _ = http_get(f"http://{maddr}/nope")
        check(st == 404, "unknown path: 404")
        req = urllib.request.Request(f"http://{maddr}/metrics", data=b"x", method="POST")
        try:
            urllib.request.urlopen(req, timeout=5)
            st = 200
        except urllib.error.HTTPError as e:
            st = e.code
        check(st == 405, "POST: 405")

        # idle connections do not hold up a scrape
        idle = [socket.create_connection(("127.0.0.1", mport)) for _ in range(8)]
        t0 = time.time()
        st, _, body = http_get(f"http://{maddr}/metrics")
        check(st == 200 and "scry_c_total 5" in body and time.time() - t0 < 2,
              "scrape answered while 8 idle connections are open")
        for c in idle:
            c.close()

        # at most 16 connections: a 17th waits until one closes
        idle = [socket.create_connection(("127.0.0.1", mport)) for _ in range(16)]
        time.sleep(0.5)
        result = {}

        def scrape():
            try:
                result["st"] = http_get(f"http://{maddr}/metrics", timeout=10)[0]
            except OSError as e:
                result["err"] = str(e)
        th = threading.Thread(target=scrape)
        th.start()
        th.join(1.5)
        waited = th.is_alive()
        for c in idle:
            c.close()
        th.join(5)
        check(waited and result.get("st") == 200,
              "connections are bounded: the 17th is served once others close", str(result))

        # the port is taken: one line, exit 1, nothing attached
        r = subprocess.run([scry, "--metrics", maddr, "-e", "begin { printf(\"x\\n\"); }"],
                           capture_output=True, text=True, timeout=60)
        check(r.returncode == 1 and r.stdout == "" and
              r.stderr.strip().count("\n") == 0 and "Address already in use" in r.stderr,
              "port in use: one-line error, exit 1, begin not run", repr(r.stderr))
        r = subprocess.run([scry, "--metrics", "127.0.0.1:99999", "-e", "begin { }"],
                           capture_output=True, text=True, timeout=60)
        check(r.returncode == 1 and "invalid --metrics address" in r.stderr,
              "bad address: error, exit 1", repr(r.stderr))

        cfg = os.path.join(tmp, "prometheus.yml")
        with open(cfg, "w") as f:
            f.write("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                    "scrape_configs:\n  - job_name: scry\n    static_configs:\n"
                    f"      - targets: ['{maddr}']\n")
        prom_p = subprocess.Popen(
            [prom_bin, f"--config.file={cfg}", f"--storage.tsdb.path={tmp}/data",
             f"--web.listen-address={prom}", "--log.level=warn"],
            stdout=subprocess.DEVNULL, stderr=open(os.path.join(tmp, "prom.log"), "w"))
        procs.append(prom_p)
        deadline = time.time() + 25
        got = None
        while time.time() < deadline:
            got = value_of(prom, 'scry_c_total{job="scry"}')
            if got is not None:
                break
            time.sleep(0.5)
        check(got == 5, "Prometheus scraped scry_c_total = 5", str(got))
        if got is None:
            with open(os.path.join(tmp, "prom.log")) as f:
                print("# prometheus log:\n# " + f.read().replace("\n", "\n# "))
            return 1
        check(value_of(prom, 'up{job="scry"}') == 1, "target up")
        r = query(prom, 'scry_k_total')
        labels = {x["metric"].get("key"): float(x["value"][1]) for x in (r or [])}
        check(labels == {'a"b\\c': 2.0, "plain": 1.0}, "string key label, escaped and read back",
              str(labels))
        r = query(prom, 'scry_t_total')
        check(r and r[0]["metric"].get("key0") == "1" and r[0]["metric"].get("key1") == "x"
              and float(r[0]["value"][1]) == 1, "tuple key labels key0, key1", str(r))
        buckets = {x["metric"]["le"]: float(x["value"][1]) for x in (query(prom, 'scry_h_bucket') or [])}
        check(buckets == {"0": 1, "1": 2, "3": 2, "7": 3, "+Inf": 3}, "hist cumulative buckets",
              str(buckets))
        check(value_of(prom, 'scry_h_count') == 3, "hist _count")
        check(value_of(prom, 'scry_h_sum') == 5, "hist _sum from lower bounds (0 + 1 + 4)")
        q = value_of(prom, 'histogram_quantile(0.5, scry_h_bucket)')
        check(q is not None and 0 <= q <= 1, "histogram_quantile works on the buckets", str(q))
        lb = {x["metric"]["le"]: float(x["value"][1]) for x in (query(prom, 'scry_l_bucket') or [])}
        check(lb == {"-1": 0, "4": 1, "9": 1, "+Inf": 1}, "lhist buckets", str(lb))
        check(value_of(prom, 'scry_g') == 42, "integer map: gauge")
        check(value_of(prom, 'scry_ticks') == 5, "@ticks++ map: gauge 5")
        check(value_of(prom, 'scry_st_count') == 2 and value_of(prom, 'scry_st_sum') == 30,
              "stats: summary _count and _sum")
        st, _, body = http_get(f"http://{prom}/api/v1/metadata?metric=scry_h")
        meta = json.loads(body).get("data", {}).get("scry_h", [{}])[0]
        check(meta.get("type") == "histogram", "Prometheus sees scry_h as a histogram", str(meta))
        st, _, body = http_get(f"http://{prom}/api/v1/targets")
        tg = json.loads(body)["data"]["activeTargets"]
        check(len(tg) == 1 and tg[0]["health"] == "up" and tg[0]["lastError"] == "",
              "scrape without errors", str(tg and tg[0].get("lastError")))

        # Ctrl-C: scry stops and prints its maps as usual
        scry_p.send_signal(signal.SIGINT)
        out, err = scry_p.communicate(timeout=20)
        check(scry_p.returncode == 0 and "@c: 5" in out, "SIGINT ends the run, maps printed",
              repr(out[-200:]))
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{n - failures}/{n} passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
