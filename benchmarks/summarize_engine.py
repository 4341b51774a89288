#!/usr/bin/env python3
"""Markdown summary of a JMH JSON result of the TCP engine benchmarks (Segmentation, AckProcessing, TimerService,
ConnectionLookup, and ChecksumBenchmark.fast at 1500/9000 bytes when run in the same invocation), with ratios to a
baseline measured in the same run.

Usage: summarize_engine.py RESULT.json [RUN.env] > SUMMARY.md
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from summarize import fmt, ratio  # noqa: E402

WRITE_BITS = 65536 * 8


def main():
    runs = json.load(open(sys.argv[1]))
    env = open(sys.argv[2]).read().strip().splitlines() if len(sys.argv) > 2 else []
    res = {}
    for r in runs:
        cls, method = r["benchmark"].rsplit(".", 2)[-2:]
        params = tuple(sorted(r.get("params", {}).items()))
        pm = r["primaryMetric"]
        res[(cls, method, params)] = (float(pm["score"]), float(pm["scoreError"]), r.get("secondaryMetrics", {}),
                                      r["forks"], r["warmupIterations"], r["measurementIterations"],
                                      r["measurementTime"])

    def get(cls, method, **params):
        return res.get((cls, method, tuple(sorted((k, str(v)) for k, v in params.items()))))

    def sec(v, name):
        m = v[2].get(name)
        return float(m["score"]) if m else float("nan")

    out = ["## Run"]
    out += [f"- {line}" for line in env]
    f = sorted({(v[3], v[4], v[5], v[6]) for v in res.values()})
    out.append("- forks × (warmup + measurement) iterations: " +
               ", ".join(f"{a} × ({b} + {c}) × {d}" for a, b, c, d in f))
    out.append("- errors: JMH's 99.9% confidence half-intervals; ratio errors combine the two relative errors;"
               " B/op is `gc.alloc.rate.norm` from `-prof gc`")
    out.append("")

    out.append("### SegmentationBenchmark: one 64 KiB write → segments with Ethernet + IPv4 + TCP headers and checksums")
    out.append("")
    out.append("| MSS | segments | ns per 64 KiB write | Gbit/s | ns per segment | B/op | checksum-only ns (⌈64 KiB/MSS⌉ × `fast`) "
               "| **write / checksum-only** |")
    out.append("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for mss, size in ((1460, 1500), (8960, 9000)):
        v = get("SegmentationBenchmark", "write64KiB", mss=mss)
        if not v:
            continue
        segs = sec(v, "segments") / sec(v, "acks")
        c = get("ChecksumBenchmark", "fast", size=size)
        n = -(-65536 // mss)
        if c:
            cs = (c[0] * n, c[1] * n)
            cs_txt = f"{fmt(cs[0])} ± {fmt(cs[1])} ({n} × {size} B)"
            rat = f"**{ratio((v[0], v[1]), cs)}×**"
        else:
            cs_txt, rat = "not run", "n/a"
        out.append(f"| {mss} | {segs:.1f} | {fmt(v[0])} ± {fmt(v[1])} | {WRITE_BITS / v[0]:.1f} "
                   f"({WRITE_BITS / (v[0] + v[1]):.1f}–{WRITE_BITS / max(v[0] - v[1], 1e-9):.1f}) | "
                   f"{fmt(v[0] / segs)} | {fmt(sec(v, 'gc.alloc.rate.norm'))} | {cs_txt} | {rat} |")
    out.append("")

    out.append("### AckProcessingBenchmark: in-order 1460-byte data segments received, ACKs sent (ns per data segment)")
    out.append("")
    out.append("| policy | segments per duty cycle | ns per segment | ACKs per data segment | B/op | **ns vs delayed** "
               "| **ACKs vs delayed** |")
    out.append("|---|---:|---:|---:|---:|---:|---:|")
    for cycle in (1, 8):
        base = get("AckProcessingBenchmark", "receive", policy="delayed", segmentsPerCycle=cycle)
        for policy in ("delayed", "immediate", "quickack"):
            v = get("AckProcessingBenchmark", "receive", policy=policy, segmentsPerCycle=cycle)
            if not v:
                continue
            apseg = sec(v, "acks") / sec(v, "segments")
            bapseg = sec(base, "acks") / sec(base, "segments") if base else float("nan")
            rn = "1 (baseline)" if policy == "delayed" else ratio((v[0], v[1]), (base[0], base[1])) + "×"
            ra = "1 (baseline)" if policy == "delayed" else f"{apseg / bapseg:.2f}×"
            out.append(f"| {policy} | {cycle} | {fmt(v[0])} ± {fmt(v[1])} | {apseg:.3f} | "
                       f"{fmt(sec(v, 'gc.alloc.rate.norm'))} | {rn} | {ra} |")
    out.append("")

    out.append("### TimerServiceBenchmark: 100,000 pending timers (ns per op)")
    out.append("")
    out.append("| op | wheel (1 ms ticks) | wheel-fine (66 µs ticks) | heap | B/op (wheel, fine, heap) "
               "| **heap / wheel** | **heap / wheel-fine** |")
    out.append("|---|---:|---:|---:|---:|---:|---:|")
    for op in ("cancelAndSchedule", "expireAndRearm"):
        w = get("TimerServiceBenchmark", op, service="wheel")
        wf = get("TimerServiceBenchmark", op, service="wheel-fine")
        h = get("TimerServiceBenchmark", op, service="heap")
        if w and h:
            fine = f"{fmt(wf[0])} ± {fmt(wf[1])}" if wf else "not run"
            out.append(f"| {op} | {fmt(w[0])} ± {fmt(w[1])} | {fine} | {fmt(h[0])} ± {fmt(h[1])} | "
                       f"{fmt(sec(w, 'gc.alloc.rate.norm'))}, {fmt(sec(wf, 'gc.alloc.rate.norm')) if wf else 'n/a'}, "
                       f"{fmt(sec(h, 'gc.alloc.rate.norm'))} | **{ratio((h[0], h[1]), (w[0], w[1]))}×** | "
                       f"**{ratio((h[0], h[1]), (wf[0], wf[1])) + '×' if wf else 'n/a'}** |")
    out.append("")

    out.append("### ConnectionLookupBenchmark: 100,000 connections (ns per lookup)")
    out.append("")
    out.append("| lookup | ns | B/op |")
    out.append("|---|---:|---:|")
    for op in ("hit", "miss"):
        v = get("ConnectionLookupBenchmark", op)
        if v:
            out.append(f"| {op} | {fmt(v[0])} ± {fmt(v[1])} | {fmt(sec(v, 'gc.alloc.rate.norm'))} |")
    out.append("")
    print("\n".join(out))


if __name__ == "__main__":
    main()
