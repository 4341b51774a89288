package io.ustack.udp.dns;

import io.ustack.udp.dns.DnsMessage.Question;
import io.ustack.udp.dns.DnsMessage.ResourceRecord;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link DnsMessage}. Names are compressed (RFC 1035 §4.1.4): each name suffix written once is remembered
 * by its offset, and a later name ending in it points there.
 */
final class DnsWriter
{
    private static final int MAX_POINTER_TARGET = 0x3FFF;

    private final Map<String, Integer> suffixes = new HashMap<>();
    private byte[] out = new byte[DnsMessage.MAX_UDP_MESSAGE];
    private int size;

    byte[] write(final DnsMessage message)
    {
        u16(message.id());
        u16(message.flags());
        u16(message.questions().size());
        u16(message.answers().size());
        u16(message.authorities().size());
        u16(message.additionals().size());
        for (final Question q : message.questions())
        {
            name(q.name());
            u16(q.type());
            u16(q.klass());
        }
        records(message.answers());
        records(message.authorities());
        records(message.additionals());
        return Arrays.copyOf(out, size);
    }

    private void records(final List<ResourceRecord> records)
    {
        for (final ResourceRecord r : records)
        {
            name(r.name());
            u16(r.type());
            u16(r.klass());
            u32(r.ttlSeconds());
            if (r.type() == DnsMessage.TYPE_A)
            {
                u16(4);
                u32(r.address() & 0xFFFF_FFFFL);
            }
            else if (r.type() == DnsMessage.TYPE_CNAME)
            {
                final int lengthAt = size;
                u16(0);
                name(r.target());
                final int dataLength = size - lengthAt - 2;
                out[lengthAt] = (byte)(dataLength >>> 8);
                out[lengthAt + 1] = (byte)dataLength;
            }
            else
            {
                throw new IllegalArgumentException("cannot write a record of type " + r.type());
            }
        }
    }

    private void name(final String name)
    {
        final String canonical = DnsNames.canonical(name);
        String rest = canonical;
        while (!rest.isEmpty())
        {
            final Integer earlier = suffixes.get(rest);
            if (earlier != null)
            {
                u16(0xC000 | earlier);
                return;
            }
            if (size <= MAX_POINTER_TARGET)
            {
                suffixes.put(rest, size);
            }
            final int dot = rest.indexOf('.');
            final String label = dot < 0 ? rest : rest.substring(0, dot);
            final byte[] labelBytes = label.getBytes(StandardCharsets.US_ASCII);
            u8(labelBytes.length);
            for (final byte b : labelBytes)
            {
                u8(b);
            }
            rest = dot < 0 ? "" : rest.substring(dot + 1);
        }
        u8(0);
    }

    private void u8(final int value)
    {
        if (size == out.length)
        {
            out = Arrays.copyOf(out, size * 2);
        }
        out[size++] = (byte)value;
    }

    private void u16(final int value)
    {
        u8(value >>> 8);
        u8(value);
    }

    private void u32(final long value)
    {
        u16((int)(value >>> 16) & 0xFFFF);
        u16((int)value & 0xFFFF);
    }
}
