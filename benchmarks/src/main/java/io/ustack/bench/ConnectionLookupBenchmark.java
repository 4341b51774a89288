package io.ustack.bench;

import io.ustack.tcp.conn.ConnectionTable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@link ConnectionTable} lookup, the first thing done with every received segment, with {@value #CONNECTIONS}
 * connections in the table: a server at 10.0.0.1:443 and clients at random addresses in 10/8 and random ephemeral
 * ports, the table sized for them (SipHash-1-3 keyed hashing, open addressing, load ≤ 1/2).
 *
 * <ul>
 *   <li>{@link #hit} (ns per lookup): the 4-tuple of a connection chosen at random (a precomputed random order over
 *       all of them), as segments of many busy connections arrive;</li>
 *   <li>{@link #miss}: a 4-tuple not in the table (a SYN to a listener, or a stray segment): the probe runs to an
 *       empty slot.</li>
 * </ul>
 * The table's arrays (about 4 MB) exceed L2, so random lookups pay a cache miss; read these as the upper end, a few
 * hot connections cost less. Must allocate 0 B/op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = BenchmarkJvm.FORKS, jvmArgsAppend = { BenchmarkJvm.ADD_EXPORTS, BenchmarkJvm.ENABLE_NATIVE_ACCESS })
@Warmup(iterations = BenchmarkJvm.WARMUP_ITERATIONS, time = BenchmarkJvm.ITERATION_SECONDS)
@Measurement(iterations = BenchmarkJvm.MEASUREMENT_ITERATIONS, time = BenchmarkJvm.ITERATION_SECONDS)
public class ConnectionLookupBenchmark
{
    /** Connections in the table. */
    static final int CONNECTIONS = 100_000;
    private static final int LOCAL = 0x0A00_0001;
    private static final int LOCAL_PORT = 443;
    private static final int ORDER = 1 << 17;

    private ConnectionTable table;
    private final int[] remoteAddresses = new int[CONNECTIONS];
    private final int[] remotePorts = new int[CONNECTIONS];
    private final int[] order = new int[ORDER];
    private final int[] missAddresses = new int[ORDER];
    private int cursor;

    /** Fills the table with distinct random tuples, and makes the random lookup order and the missing tuples. */
    @Setup
    public void setUp()
    {
        table = new ConnectionTable(CONNECTIONS, 0x0123_4567_89AB_CDEFL, 0x0FED_CBA9_8765_4321L);
        final SplittableRandom random = new SplittableRandom(0xC077);
        int n = 0;
        while (n < CONNECTIONS)
        {
            final int address = 0x0A00_0000 | random.nextInt(1 << 24);
            final int port = 32_768 + random.nextInt(28_232);
            if (table.lookup(LOCAL, LOCAL_PORT, address, port) == ConnectionTable.NO_CONNECTION)
            {
                remoteAddresses[n] = address;
                remotePorts[n] = port;
                table.put(LOCAL, LOCAL_PORT, address, port, n);
                n++;
            }
        }
        for (int i = 0; i < ORDER; i++)
        {
            order[i] = random.nextInt(CONNECTIONS);
            missAddresses[i] = 0x0B00_0000 | random.nextInt(1 << 24); // 11/8: never in the table
        }
    }

    /** Looks up a present connection. */
    @Benchmark
    public int hit()
    {
        final int i = order[cursor++ & (ORDER - 1)];
        return table.lookup(LOCAL, LOCAL_PORT, remoteAddresses[i], remotePorts[i]);
    }

    /** Looks up an absent 4-tuple. */
    @Benchmark
    public int miss()
    {
        final int i = cursor++ & (ORDER - 1);
        return table.lookup(LOCAL, LOCAL_PORT, missAddresses[i], remotePorts[order[i]]);
    }
}
