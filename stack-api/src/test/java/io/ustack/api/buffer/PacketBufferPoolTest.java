package io.ustack.api.buffer;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("Packet buffer pool")
class PacketBufferPoolTest
{
    @Test
    @DisplayName("hands out every slot once, then -1, and takes them back")
    void exhaustsThenRecovers()
    {
        final PacketBufferPool pool = new PacketBufferPool(16, 2048);
        final Set<Integer> ids = new HashSet<>();
        for (int i = 0; i < 16; i++)
        {
            assertTrue(ids.add(pool.acquire()));
        }
        assertEquals(-1, pool.acquire());
        assertEquals(16, pool.inUse());
        ids.forEach(pool::release);
        assertEquals(0, pool.inUse());
        assertTrue(pool.acquire() >= 0);
    }

    @Test
    @DisplayName("slots are separate memory: writing one never shows in another")
    void slotsDoNotOverlap()
    {
        final PacketBufferPool pool = new PacketBufferPool(4, 128);
        for (int id = 0; id < 4; id++)
        {
            pool.buffer(id).setMemory(0, 128, (byte)id);
        }
        for (int id = 0; id < 4; id++)
        {
            assertEquals(128, pool.buffer(id).capacity());
            assertEquals(id, pool.buffer(id).getByte(0));
            assertEquals(id, pool.buffer(id).getByte(127));
        }
        assertThrows(IndexOutOfBoundsException.class, () -> pool.buffer(0).getByte(128));
    }

    @Test
    @DisplayName("a double release fails loudly instead of giving one buffer two owners")
    void doubleReleaseIsRejected()
    {
        final PacketBufferPool pool = new PacketBufferPool(16, 64);
        final int id = pool.acquire();
        pool.release(id);
        final IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.release(id));
        assertTrue(e.getMessage().contains("released twice"));
        assertThrows(IllegalArgumentException.class, () -> pool.release(16));
    }

    @Test
    @DisplayName("leak detection lists exactly the slots still held")
    void leakDetection()
    {
        final PacketBufferPool pool = new PacketBufferPool(16, 64);
        final int a = pool.acquire();
        final int b = pool.acquire();
        pool.release(a);
        assertEquals(List.of(b), pool.leakedSlots());
    }

    @Test
    @DisplayName("bad sizes are refused with a message saying what to use")
    void badSizesRefused()
    {
        final IllegalArgumentException e =
            assertThrows(IllegalArgumentException.class, () -> new PacketBufferPool(8, 100));
        assertTrue(e.getMessage().contains("multiple of 64"), e.getMessage());
    }

    @Test
    @DisplayName("four threads acquiring and releasing concurrently never share a slot and leak none")
    void concurrentUseNeverSharesASlot() throws InterruptedException
    {
        final PacketBufferPool pool = new PacketBufferPool(64, 64);
        final AtomicReference<String> failure = new AtomicReference<>();
        final Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++)
        {
            final int mark = t + 1;
            threads[t] = new Thread(() ->
            {
                for (int i = 0; i < 200_000 && failure.get() == null; i++)
                {
                    final int id = pool.acquire();
                    if (id < 0)
                    {
                        continue;
                    }
                    pool.buffer(id).putInt(0, mark);
                    Thread.onSpinWait();
                    if (pool.buffer(id).getInt(0) != mark)
                    {
                        failure.compareAndSet(null, "slot " + id + " shared between threads");
                    }
                    pool.release(id);
                }
            });
            threads[t].start();
        }
        for (final Thread t : threads)
        {
            t.join();
        }
        assertNull(failure.get());
        assertEquals(0, pool.inUse());
    }

    @Test
    @DisplayName("a retained buffer survives its first holder's release and is free after the last one's")
    void retainAddsAHolder()
    {
        final PacketBufferPool pool = new PacketBufferPool(2, 128);
        final int id = pool.acquire();
        pool.retain(id);
        pool.release(id);
        assertEquals(1, pool.inUse(), "still held by the second holder");
        assertEquals(List.of(id), pool.leakedSlots());
        pool.release(id);
        assertEquals(0, pool.inUse());
        assertThrows(IllegalStateException.class, () -> pool.release(id), "a third release is a double release");
        assertThrows(IllegalStateException.class, () -> pool.retain(id), "a free buffer cannot be retained");
    }

    @Test
    @DisplayName("idOf finds the id of each slot's own view, and -1 for any other buffer")
    void idOfKnowsOnlyItsOwnViews()
    {
        final PacketBufferPool pool = new PacketBufferPool(8, 256);
        for (int id = 0; id < 8; id++)
        {
            assertEquals(id, pool.idOf(pool.buffer(id)));
        }
        assertEquals(-1, pool.idOf(new org.agrona.concurrent.UnsafeBuffer(new byte[256])));
        assertEquals(-1, pool.idOf(new PacketBufferPool(8, 256).buffer(3)));
        assertEquals(-1, pool.idOf(new org.agrona.concurrent.UnsafeBuffer(pool.buffer(2), 64, 64)),
            "a view into the middle of a slot is not the slot");
    }

    @Test
    @DisplayName("large buffers come from their own free list, numbered after the regular ones, and go back to it")
    void largeBuffersHaveTheirOwnFreeList()
    {
        final PacketBufferPool pool = new PacketBufferPool(4, 256, 2, 4096);
        final int first = pool.acquireLarge();
        final int second = pool.acquireLarge();
        assertEquals(-1, pool.acquireLarge(), "both large buffers are taken");
        assertEquals(Set.of(4, 5), Set.of(first, second));
        assertEquals(4096, pool.capacity(first));
        assertEquals(4096, pool.buffer(first).capacity());
        assertEquals(256, pool.capacity(0));
        for (int i = 0; i < 4; i++)
        {
            assertTrue(pool.acquire() < 4, "a regular acquire never hands out a large buffer");
        }
        assertEquals(-1, pool.acquire());
        assertEquals(List.of(0, 1, 2, 3, 4, 5), pool.leakedSlots());
        pool.release(second);
        assertEquals(-1, pool.acquire(), "a released large buffer does not become a regular one");
        assertEquals(second, pool.acquireLarge());
        assertEquals(first, pool.idOf(pool.buffer(first)));
        assertThrows(IllegalStateException.class, () ->
        {
            pool.release(first);
            pool.release(first);
        });
    }

    @Test
    @DisplayName("a pool without large buffers answers -1, and bad large sizes are refused saying what to use")
    void largeBuffersAreOptionalAndChecked()
    {
        final PacketBufferPool pool = new PacketBufferPool(4, 256);
        assertEquals(-1, pool.acquireLarge());
        assertEquals(0, pool.largeSlots());
        assertEquals(0, pool.largeSlotSize());
        final IllegalArgumentException small =
            assertThrows(IllegalArgumentException.class, () -> new PacketBufferPool(4, 256, 1, 128));
        assertTrue(small.getMessage().contains("no smaller than a regular buffer"), small.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new PacketBufferPool(4, 256, 1, 1000));
        assertThrows(IllegalArgumentException.class, () -> new PacketBufferPool(4, 256, -1, 4096));
    }
}
