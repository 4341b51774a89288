package io.ustack.tcp.conn;

import io.ustack.api.net.Ipv4Address;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static io.ustack.tcp.conn.ConnectionTable.ANY_ADDRESS;
import static io.ustack.tcp.conn.ConnectionTable.NO_CONNECTION;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("Connection table")
class ConnectionTableTest
{
    private static final int LOCAL = Ipv4Address.parse("198.18.0.1");
    private static final int OTHER_LOCAL = Ipv4Address.parse("198.18.0.2");
    private static final int COUNT = 100_000;

    /** Client {@code i}: 10.x.y.z, ephemeral port from 1024 up, to the server's port 80. */
    private static int remote(final int i)
    {
        return 0x0A000000 | (i / 7);
    }

    private static int remotePort(final int i)
    {
        return 1024 + (i % 7) * 9000 + (i & 7);
    }

    @Test
    @DisplayName("100k connections: inserted, all found, removed; then empty and every lookup misses")
    void hundredThousandConnections()
    {
        final ConnectionTable table = new ConnectionTable(16, 0x1234, 0x5678);
        for (int i = 0; i < COUNT; i++)
        {
            assertEquals(NO_CONNECTION, table.put(LOCAL, 80, remote(i), remotePort(i), i));
        }
        assertEquals(COUNT, table.size());
        assertTrue(table.capacity() >= 2 * COUNT);
        for (int i = 0; i < COUNT; i++)
        {
            assertEquals(i, table.lookup(LOCAL, 80, remote(i), remotePort(i)));
            assertEquals(NO_CONNECTION, table.lookup(LOCAL, 81, remote(i), remotePort(i)));
        }
        for (int i = 0; i < COUNT; i += 2)
        {
            assertTrue(table.remove(LOCAL, 80, remote(i), remotePort(i)));
        }
        for (int i = 1; i < COUNT; i += 2)
        {
            assertEquals(i, table.lookup(LOCAL, 80, remote(i), remotePort(i)), "survivor " + i);
        }
        for (int i = 1; i < COUNT; i += 2)
        {
            assertTrue(table.remove(LOCAL, 80, remote(i), remotePort(i)));
        }
        assertEquals(0, table.size());
        for (int i = 0; i < COUNT; i++)
        {
            assertEquals(NO_CONNECTION, table.lookup(LOCAL, 80, remote(i), remotePort(i)));
            assertFalse(table.remove(LOCAL, 80, remote(i), remotePort(i)));
        }
    }

    @Test
    @DisplayName("RFC 9293 §3.10.7.2: a listener on the exact address wins over 0.0.0.0; 0.0.0.0 catches the rest")
    void listenerPrecedence()
    {
        final ConnectionTable table = new ConnectionTable(4, 1, 2);
        assertEquals(NO_CONNECTION, table.lookupListener(LOCAL, 80));
        table.putListener(ANY_ADDRESS, 80, 7);
        assertEquals(7, table.lookupListener(LOCAL, 80));
        assertEquals(7, table.lookupListener(OTHER_LOCAL, 80));
        assertEquals(7, table.lookupListener(ANY_ADDRESS, 80));
        table.putListener(LOCAL, 80, 9);
        assertEquals(9, table.lookupListener(LOCAL, 80));
        assertEquals(7, table.lookupListener(OTHER_LOCAL, 80));
        assertEquals(NO_CONNECTION, table.lookupListener(LOCAL, 81), "ports are not wildcards");
        assertTrue(table.removeListener(ANY_ADDRESS, 80));
        assertEquals(9, table.lookupListener(LOCAL, 80));
        assertEquals(NO_CONNECTION, table.lookupListener(OTHER_LOCAL, 80));
        assertEquals(1, table.listenerCount());
        assertEquals(0, table.size(), "listeners are not connections");
        assertEquals(NO_CONNECTION, table.lookup(LOCAL, 80, 0, 0));
    }

    @Test
    @DisplayName("bad ports and negative indexes are refused")
    void argumentsChecked()
    {
        final ConnectionTable table = new ConnectionTable(4, 1, 2);
        assertThrows(IllegalArgumentException.class, () -> table.put(LOCAL, 65536, 1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> table.lookup(LOCAL, 80, 1, -1));
        assertThrows(IllegalArgumentException.class, () -> table.put(LOCAL, 80, 1, 1, -1));
        assertThrows(IllegalArgumentException.class, () -> table.putListener(LOCAL, 80, -1));
        assertThrows(IllegalArgumentException.class, () -> new ConnectionTable(-1, 1, 2));
    }

    @Test
    @DisplayName("allocation: lookups, and puts/removes that do not grow the table, allocate nothing")
    void noAllocation()
    {
        final ConnectionTable table = new ConnectionTable(COUNT, 0xCAFE, 0xF00D);
        for (int i = 0; i < COUNT; i++)
        {
            table.put(LOCAL, 80, remote(i), remotePort(i), i);
        }
        table.putListener(ANY_ADDRESS, 80, 1);
        long sink = churn(table, 300_000);
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long before = threads.getCurrentThreadAllocatedBytes();
        sink += churn(table, 1_000_000);
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 1024, "allocated " + allocated + " bytes");
        assertTrue(sink != 0);
    }

    private static long churn(final ConnectionTable table, final int operations)
    {
        long sink = 0;
        for (int n = 0; n < operations; n++)
        {
            final int i = (int)((n * 2654435761L) % COUNT);
            sink += table.lookup(LOCAL, 80, remote(i), remotePort(i));
            sink += table.lookupListener(LOCAL, 80);
            if ((n & 7) == 0)
            {
                table.remove(LOCAL, 80, remote(i), remotePort(i));
                table.put(LOCAL, 80, remote(i), remotePort(i), i);
            }
        }
        return sink;
    }
}
