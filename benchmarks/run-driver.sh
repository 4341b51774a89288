#!/usr/bin/env bash
# Reproduces the driver benchmarks of issue 5 (needs root: it creates network namespaces):
#   1. frame rate of the AF_PACKET driver (TPACKET_V2 vs V3 receive, sendto vs sendmmsg transmit) against pcap4j +
#      libpcap on one veth pair (io.ustack.bench.driver.FrameRateHarness);
#   2. end to end against the kernel: one-connection TCP throughput ustack->kernel, kernel->ustack and
#      kernel->kernel, and 64-byte request/response latency (io.ustack.bench.e2e.KernelComparisonHarness).
# Namespaces are named per run and removed on exit (also on failure or Ctrl-C). Results go to
# benchmarks/results/<date>-driver.{env,txt}.
#
#   With --only frames or --only blast (and gcc installed), also benchmarks/src/main/c/frame_blast.c: the same "out"
#   measurement from C without a JVM (TX ring, TX ring with the kernel copying, send, sendmmsg), the floor any
#   user-space driver could reach; into the veth peer with its drop sink, then into a dummy interface (the
#   harness's "sink dummy": no receive path behind the sender, so the sender's own cost shows). And
#   benchmarks/src/main/c/gso_blast.c: the kernel's cost per MiB of TCP segments sent one per frame or merged for
#   the kernel to cut (RING_COPY against RING_GSO).
# Usage: benchmarks/run-driver.sh [--no-build] [--only frames|blast|e2e] [--repeats N] [--seconds S] [--name NAME]
# --name NAME writes benchmarks/results/<date>-NAME.{env,txt} instead (for experiments beside the reference run);
# without it, --only frames and --only blast write <date>-driver-frames and <date>-driver-blast, so a partial run
# does not overwrite a full one.
# Extra JVM options for the harness JVMs (e.g. a JFR recording) go in $HARNESS_JVM_OPTS; extra options of the
# end-to-end harness (e.g. --rx-ring V3, --tx-mode SENDMMSG, --measure throughput|latency,
# --variants base,ack=stretch,socket-ring=4194304 to compare ustack configurations in one run) in $E2E_ARGS; of the
# frame-rate harness (e.g. --generators 2, --directions out, --sinks drop,dummy, --variants pcap4j) in $FRAMES_ARGS.
# End-to-end variant keys (UstackVariant): ack, buffer, socket-ring, idle, rings, link-batch, threads=1 (run to
# completion: one thread polls the stack between its non-blocking socket calls), tx=RING_COPY|RING_GSO|SENDMMSG, ingress-drop=1
# (nftables drops ustack's frames at ingress after the packet socket: the kernel of ustack's namespace skips IP input);
# combine with "/", e.g. E2E_ARGS="--measure throughput --variants base,threads=1/tx=RING_COPY/ingress-drop=1".
set -euo pipefail
cd "$(dirname "$0")/.."

build=1
only=all
repeats=5
seconds=2
name=driver
while [[ $# -gt 0 ]]; do
    case "$1" in
        --no-build) build=0; shift ;;
        --only) only="$2"; shift 2 ;;
        --repeats) repeats="$2"; shift 2 ;;
        --seconds) seconds="$2"; shift 2 ;;
        --name) name="$2"; shift 2 ;;
        *) echo "unknown option $1 (--no-build, --only frames|blast|e2e, --repeats N, --seconds S, --name NAME)" >&2
           exit 2 ;;
    esac
done
[[ $(id -u) -eq 0 ]] || { echo "needs root (network namespaces, AF_PACKET): run as root" >&2; exit 1; }
command -v iperf3 >/dev/null || echo "iperf3 not installed (apt-get install iperf3): kernel->kernel iperf3 reference skipped" >&2
# The frame-rate harness makes the peer a drop sink with an nftables netdev ingress chain.
[[ $only == e2e ]] || command -v nft >/dev/null || { echo "nft missing: apt-get install nftables" >&2; exit 1; }
[[ -e /usr/lib/x86_64-linux-gnu/libpcap.so.0.8 ]] || { echo "libpcap missing: apt-get install libpcap0.8" >&2; exit 1; }

if [[ $build -eq 1 ]]; then
    # Inside the reactor (no install into ~/.m2).
    mvn -B -q package -DskipTests -pl benchmarks -am
fi
jar=${BENCH_JAR:-benchmarks/target/benchmarks.jar}   # BENCH_JAR: another build, for A/B runs

run=$$
a=ub-a-$run; b=ub-b-$run; c=ub-c-$run; d=ub-d-$run
cleanup() { for ns in "$a" "$b" "$c" "$d"; do ip netns del "$ns" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM
for ns in "$a" "$b" "$c" "$d"; do ip netns add "$ns"; ip -n "$ns" link set lo up; done
# ustack (no address on ua: the stack owns 198.18.0.1) <-> kernel 198.18.0.2
ip link add ua netns "$a" type veth peer name ub netns "$b"
ip -n "$a" link set ua up
ip -n "$b" addr add 198.18.0.2/24 dev ub; ip -n "$b" link set ub up
# kernel 198.18.1.1 <-> kernel 198.18.1.2, the yardstick, configured the same way
ip link add kc netns "$c" type veth peer name kd netns "$d"
ip -n "$c" addr add 198.18.1.1/24 dev kc; ip -n "$c" link set kc up
ip -n "$d" addr add 198.18.1.2/24 dev kd; ip -n "$d" link set kd up
# Offloads off on every end, ustack's too: real 1500-byte frames with full checksums; a merged RING_GSO frame is cut
# by the kernel before the veth, as the kernel's own TCP (which always builds GSO packets) is cut.
for pair in "$a ua" "$b ub" "$c kc" "$d kd"; do
    set -- $pair
    ip netns exec "$1" ethtool -K "$2" tso off gso off gro off tx off >/dev/null
    # Each connection starts afresh: no ssthresh or RTT carried over from the previous one to the same peer.
    ip netns exec "$1" sysctl -qw net.ipv4.tcp_no_metrics_save=1
done

results=benchmarks/results
out="$results/$(date -u +%Y-%m-%d)-$name"
[[ $name == driver && $only == frames ]] && out="$out-frames"
[[ $name == driver && $only == blast ]] && out="$out-blast"
mkdir -p "$results"
{
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown) ($(git describe --always --dirty 2>/dev/null || echo unknown))"
    echo "jdk: $(java -version 2>&1 | tr '\n' ' ')"
    echo "cpu: $(lscpu | sed -n 's/^Model name: *//p') ($(nproc) CPUs)"
    echo "kernel: $(uname -srm)"
    echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$out.env"

jvm=(java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC -Xms256m
    -Xmx256m ${HARNESS_JVM_OPTS:-} -cp "$jar")
{
    if [[ $only == all || $only == frames ]]; then
        ip netns exec "$a" "${jvm[@]}" io.ustack.bench.driver.FrameRateHarness --iface ua --peer-namespace "$b" \
            --peer-iface ub --repeats "$repeats" --seconds "$seconds" ${FRAMES_ARGS:-}
    fi
    if [[ $only == frames || $only == blast ]] && command -v gcc >/dev/null; then
        mkdir -p benchmarks/target
        gcc -O2 -Wall -Wextra -Werror -o benchmarks/target/frame_blast benchmarks/src/main/c/frame_blast.c
        gcc -O2 -Wall -Wextra -Werror -o benchmarks/target/gso_blast benchmarks/src/main/c/gso_blast.c
        # The same drop sink as the harness's "sink drop": an nftables netdev ingress chain on the peer.
        ip netns exec "$b" nft add table netdev frame_blast_sink
        ip netns exec "$b" nft add chain netdev frame_blast_sink in \
            "{ type filter hook ingress device ub priority 0; policy drop; }"
        for ((repeat = 1; repeat <= repeats; repeat++)); do
            for size in 64 1514; do
                for mode in ring ring-linear send sendmmsg; do
                    before=$(ip netns exec "$b" cat /sys/class/net/ub/statistics/rx_packets)
                    line=$(ip netns exec "$a" benchmarks/target/frame_blast ua "$mode" "$size" "$seconds")
                    after=$(ip netns exec "$b" cat /sys/class/net/ub/statistics/rx_packets)
                    echo "frame_blast repeat $repeat: $line; peer rx_packets +$((after - before))"
                done
            done
            # TCP segments one per frame (RING_COPY) or merged into frames the kernel cuts (RING_GSO): the kernel's
            # system time per MiB, which is what merging saves.
            for mode in "linear 1" "gso 16" "gso 44"; do
                line=$(ip netns exec "$a" benchmarks/target/gso_blast ua $mode "$seconds")
                echo "gso_blast repeat $repeat: $line"
            done
        done
        ip netns exec "$b" nft delete table netdev frame_blast_sink
        # The harness's "sink dummy": an interface in ustack's namespace whose transmit frees every frame (dummy, or
        # ifb where the kernel has no dummy: see DummySink.java), so no receive path runs behind the sender.
        sink=fbsink0; sink_counter=tx_packets
        if ! ip -n "$a" link add "$sink" txqueuelen 0 type dummy 2>/dev/null; then
            ip -n "$a" link add "$sink" txqueuelen 0 type ifb; sink_counter=rx_packets
        fi
        ip -n "$a" link set "$sink" up
        for ((repeat = 1; repeat <= repeats; repeat++)); do
            for size in 64 1514; do
                for mode in ring ring-linear send sendmmsg; do
                    before=$(ip netns exec "$a" cat "/sys/class/net/$sink/statistics/$sink_counter")
                    line=$(ip netns exec "$a" benchmarks/target/frame_blast "$sink" "$mode" "$size" "$seconds")
                    after=$(ip netns exec "$a" cat "/sys/class/net/$sink/statistics/$sink_counter")
                    echo "frame_blast sink dummy repeat $repeat: $line; $sink $sink_counter +$((after - before))"
                done
            done
        done
        ip -n "$a" link del "$sink"
    fi
    if [[ $only == all || $only == e2e ]]; then
        ip netns exec "$a" "${jvm[@]}" io.ustack.bench.e2e.KernelComparisonHarness --jar "$jar" --iface ua \
            --kernel-namespace "$b" --pair-namespaces "$c,$d" --repeats "$repeats" --seconds "$seconds" ${E2E_ARGS:-}
    fi
} 2>&1 | tee "$out.txt"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out.env"
echo "results: $out.txt"
