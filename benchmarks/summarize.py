#!/usr/bin/env python3
"""Markdown summary of a JMH JSON result of the foundation suite, with ratios to the baseline of the same run.

Usage: summarize.py RESULT.json [RUN.env] > SUMMARY.md
"""
import json
import sys


def fmt(x):
    x = float(x)  # JMH writes "NaN" as a string
    if x != x:  # NaN: too few samples for an error
        return "n/a"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def ratio(a, b):
    """a / b with a first-order error from the two relative errors (independent, added in quadrature)."""
    (sa, ea), (sb, eb) = [(float(s), float(e)) for s, e in (a, b)]
    r = sa / sb
    rel = ((ea / sa) ** 2 + (eb / sb) ** 2) ** 0.5 if ea == ea and eb == eb else float("nan")
    return f"{r:.2f} ± {r * rel:.2f}" if rel == rel else f"{r:.2f}"


def main():
    runs = json.load(open(sys.argv[1]))
    env = open(sys.argv[2]).read().strip().splitlines() if len(sys.argv) > 2 else []
    first = runs[0]
    scores = {}
    out = []
    for r in runs:
        name = r["benchmark"].rsplit(".", 2)
        key = (name[-2], name[-1], tuple(sorted(r.get("params", {}).items())), r["mode"])
        pm = r["primaryMetric"]
        sec = r.get("secondaryMetrics", {})
        scores[key] = (pm["score"], pm["scoreError"], pm["scoreUnit"], sec, r["forks"], r["measurementIterations"],
                       r["warmupIterations"], r["measurementTime"], pm.get("scorePercentiles", {}))
    out.append("## Run")
    for line in env:
        out.append(f"- {line}")
    out.append(f"- JMH {first['jmhVersion']}, VM options `{' '.join(first['jvmArgs'])}`")
    f = sorted({(v[4], v[6], v[5], v[7]) for v in scores.values()})
    out.append("- forks × (warmup + measurement) iterations: " +
               ", ".join(f"{a} × ({b} + {c}) × {d}" for a, b, c, d in f))
    out.append("- errors are JMH's 99.9% confidence half-intervals; ratio errors combine the two relative errors")
    out.append("")

    def get(cls, method, mode, **params):
        return scores.get((cls, method, tuple(sorted(params.items())), mode))

    def alloc(v):
        m = v[3].get("gc.alloc.rate.norm")
        return fmt(m["score"]) if m else "n/a"

    # Checksum
    sizes = sorted({int(dict(k[2])["size"]) for k in scores if k[0] == "ChecksumBenchmark"})
    if sizes:
        out.append("## ChecksumBenchmark (ns/op, lower is better)")
        out.append("")
        out.append("| bytes | fast | plain | copy off-heap | copy heap | fast GB/s | **plain / fast** | fast / copy off-heap |")
        out.append("|---:|---:|---:|---:|---:|---:|---:|---:|")
        for s in sizes:
            v = {m: get("ChecksumBenchmark", m, "avgt", size=str(s)) for m in ("fast", "plain", "copyOffHeap", "copyHeap")}
            if not all(v.values()):
                continue
            cell = {m: f"{fmt(x[0])} ± {fmt(x[1])}" for m, x in v.items()}
            sp = lambda m: (v[m][0], v[m][1])
            out.append(f"| {s} | {cell['fast']} | {cell['plain']} | {cell['copyOffHeap']} | {cell['copyHeap']} | "
                       f"{s / v['fast'][0]:.1f} | **{ratio(sp('plain'), sp('fast'))}×** | "
                       f"{ratio(sp('fast'), sp('copyOffHeap'))} |")
        out.append("")

    # Codec
    payloads = sorted({int(dict(k[2])["payload"]) for k in scores if k[0] == "HeaderCodecBenchmark"})
    if payloads:
        out.append("## HeaderCodecBenchmark (ns/op; gc.alloc.rate.norm from -prof gc)")
        out.append("")
        out.append("| op | TCP payload | frame bytes | ns/op | B/op |")
        out.append("|---|---:|---:|---:|---:|")
        for m in ("encode", "decode"):
            for p in payloads:
                v = get("HeaderCodecBenchmark", m, "avgt", payload=str(p))
                if v:
                    out.append(f"| {m} | {p} | {14 + 20 + 44 + p} | {fmt(v[0])} ± {fmt(v[1])} | {alloc(v)} |")
        out.append("")

    # Rings
    kinds = ("AGRONA", "DISRUPTOR")
    t = {k: get("RingHopBenchmark", "throughput", "thrpt", ring=k) for k in kinds}
    if all(t.values()):
        out.append("## RingHopBenchmark: throughput, 1 producer + 1 consumer thread (descriptors/µs, higher is better)")
        out.append("")
        out.append("| ring | offered /µs | received /µs | B/op | **Disruptor / Agrona** |")
        out.append("|---|---:|---:|---:|---:|")
        sec = {k: (t[k][3]["offer"], t[k][3]["received"]) for k in kinds}
        for k in kinds:
            o, r = sec[k]
            rat = ratio((sec["DISRUPTOR"][1]["score"], sec["DISRUPTOR"][1]["scoreError"]),
                        (sec["AGRONA"][1]["score"], sec["AGRONA"][1]["scoreError"])) if k == "DISRUPTOR" else "1 (baseline)"
            out.append(f"| {k.lower()} | {fmt(o['score'])} ± {fmt(o['scoreError'])} | "
                       f"{fmt(r['score'])} ± {fmt(r['scoreError'])} | {alloc(t[k])} | {rat} |")
        out.append("")
    a = {k: get("RingHopBenchmark", "roundTrip", "avgt", ring=k) for k in kinds}
    s = {k: get("RingHopBenchmark", "roundTrip", "sample", ring=k) for k in kinds}
    if all(a.values()) and all(s.values()):
        out.append("## RingHopBenchmark: round trip over two rings and an echo thread (ns, lower is better)")
        out.append("")
        out.append("| ring | mean (avgt) | p50 | p90 | p99 | p99.9 | B/op (avgt) | **Disruptor / Agrona** (mean) |")
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|")
        for k in kinds:
            pc = s[k][8]
            p = lambda q: fmt(pc[q]) if q in pc else "n/a"
            rat = ratio((a["DISRUPTOR"][0], a["DISRUPTOR"][1]), (a["AGRONA"][0], a["AGRONA"][1])) \
                if k == "DISRUPTOR" else "1 (baseline)"
            out.append(f"| {k.lower()} | {fmt(a[k][0])} ± {fmt(a[k][1])} | {p('50.0')} | {p('90.0')} | "
                       f"{p('99.0')} | {p('99.9')} | {alloc(a[k])} | {rat} |")
        out.append("")
    print("\n".join(out))


if __name__ == "__main__":
    main()
