package io.ustack.tcp.conn;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Random put / remove / lookup sequences against a {@link HashMap}. Addresses and ports come from small sets so keys
 * repeat (re-puts, removes of present keys) and the table starts tiny so it grows and its probe runs cluster, which
 * exercises backward-shift deletion.
 */
class ConnectionTablePropertiesTest
{
    /** kind 0 put, 1 remove, 2 lookup; 3..5 the same on listeners. */
    record Op(int kind, int localAddress, int localPort, int remoteAddress, int remotePort, int index)
    {
    }

    private record Tuple(int localAddress, int localPort, int remoteAddress, int remotePort)
    {
    }

    @Property(tries = 500)
    @Label("the table agrees with a HashMap after every step; listeners fall back to 0.0.0.0")
    void matchesHashMap(@ForAll("ops") final List<Op> ops, @ForAll final long secret0, @ForAll final long secret1)
    {
        final ConnectionTable table = new ConnectionTable(1, secret0, secret1);
        final Map<Tuple, Integer> connections = new HashMap<>();
        final Map<Tuple, Integer> listeners = new HashMap<>();
        for (final Op op : ops)
        {
            final Tuple tuple = new Tuple(op.localAddress(), op.localPort(), op.remoteAddress(), op.remotePort());
            final Tuple bound = new Tuple(op.localAddress(), op.localPort(), 0, 0);
            switch (op.kind())
            {
                case 0 -> assertEquals(connections.getOrDefault(tuple, -1), table.put(
                    op.localAddress(), op.localPort(), op.remoteAddress(), op.remotePort(), op.index()));
                case 1 -> assertEquals(connections.containsKey(tuple),
                    table.remove(op.localAddress(), op.localPort(), op.remoteAddress(), op.remotePort()));
                case 3 -> assertEquals(listeners.getOrDefault(bound, -1),
                    table.putListener(op.localAddress(), op.localPort(), op.index()));
                case 4 -> assertEquals(listeners.containsKey(bound),
                    table.removeListener(op.localAddress(), op.localPort()));
                default ->
                {
                }
            }
            switch (op.kind())
            {
                case 0 -> connections.put(tuple, op.index());
                case 1 -> connections.remove(tuple);
                case 3 -> listeners.put(bound, op.index());
                case 4 -> listeners.remove(bound);
                default ->
                {
                }
            }
            assertEquals(connections.size(), table.size());
            assertEquals(listeners.size(), table.listenerCount());
            assertEquals(connections.getOrDefault(tuple, -1),
                table.lookup(op.localAddress(), op.localPort(), op.remoteAddress(), op.remotePort()));
            final int expectedListener = listeners.getOrDefault(bound,
                listeners.getOrDefault(new Tuple(0, op.localPort(), 0, 0), -1));
            assertEquals(expectedListener, table.lookupListener(op.localAddress(), op.localPort()));
        }
        for (final Map.Entry<Tuple, Integer> entry : connections.entrySet())
        {
            final Tuple t = entry.getKey();
            assertEquals(entry.getValue(), table.lookup(t.localAddress(), t.localPort(), t.remoteAddress(),
                t.remotePort()));
        }
        assertEquals(0, table.capacity() & (table.capacity() - 1), "power of two");
        assertEquals(true, table.capacity() >= 2 * table.size(), "load factor at most 1/2");
    }

    @Provide
    Arbitrary<List<Op>> ops()
    {
        final Arbitrary<Integer> address = Arbitraries.of(0, 0x0A000001, 0x0A000002, 0xC0A80001, 0xFFFFFFFF);
        final Arbitrary<Integer> port = Arbitraries.of(0, 80, 443, 8080, 65535, 49152, 1);
        final Arbitrary<Integer> kind = Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(5, Arbitraries.just(0)),
            net.jqwik.api.Tuple.of(3, Arbitraries.just(1)),
            net.jqwik.api.Tuple.of(2, Arbitraries.just(2)),
            net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(3, 5)));
        return Combinators.combine(kind, address, port, address, port, Arbitraries.integers().between(0, 1 << 20))
            .as(Op::new).list().ofMaxSize(300);
    }
}
