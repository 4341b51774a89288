package io.ustack.udp.dns;

import io.ustack.udp.dns.DnsMessage.Question;
import io.ustack.udp.dns.DnsMessage.ResourceRecord;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads one untrusted DNS message. Positions are relative to the message start (as compression pointers are);
 * every read goes through {@link #need}, so nothing reads outside the message and every failure is a
 * {@link DnsFormatException}.
 */
final class DnsReader
{
    /** Most compression pointers one name may follow (a loop cannot form anyway: pointers must go backwards). */
    static final int MAX_POINTERS = 32;
    /** Smallest question: the root name (1) + QTYPE + QCLASS. */
    private static final int MIN_QUESTION = 5;
    /** Smallest resource record: the root name (1) + TYPE + CLASS + TTL + RDLENGTH. */
    private static final int MIN_RECORD = 11;
    private static final int POINTER_MASK = 0xC0;

    private final byte[] bytes;
    private final int base;
    private final int length;
    private int position;
    private int nameEnd;

    DnsReader(final byte[] bytes, final int offset, final int length)
    {
        this.bytes = bytes;
        this.base = offset;
        this.length = length;
    }

    DnsMessage read() throws DnsFormatException
    {
        if (bytes == null || base < 0 || length < 0 || base > bytes.length - length)
        {
            throw new DnsFormatException("message range outside the buffer", 0);
        }
        need(DnsMessage.HEADER_LENGTH);
        final int id = u16(0);
        final int flags = u16(2);
        final int questionCount = u16(4);
        final int answerCount = u16(6);
        final int authorityCount = u16(8);
        final int additionalCount = u16(10);
        position = DnsMessage.HEADER_LENGTH;
        // Counts are bounded by the bytes left, so a forged count cannot make us allocate or loop for nothing.
        final long smallest = (long)questionCount * MIN_QUESTION +
            (long)(answerCount + authorityCount + additionalCount) * MIN_RECORD;
        if (smallest > length - DnsMessage.HEADER_LENGTH)
        {
            throw new DnsFormatException("section counts (" + questionCount + "/" + answerCount + "/" +
                authorityCount + "/" + additionalCount + ") need more bytes than the message has", 4);
        }
        final List<Question> questions = new ArrayList<>(questionCount);
        for (int i = 0; i < questionCount; i++)
        {
            final String name = readName(position);
            position = nameEnd;
            need(4);
            questions.add(new Question(name, u16(position), u16(position + 2)));
            position += 4;
        }
        final List<ResourceRecord> answers = readRecords(answerCount);
        final List<ResourceRecord> authorities = readRecords(authorityCount);
        final List<ResourceRecord> additionals = readRecords(additionalCount);
        return new DnsMessage(id, flags, questions, answers, authorities, additionals);
    }

    private List<ResourceRecord> readRecords(final int count) throws DnsFormatException
    {
        final List<ResourceRecord> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            final int recordStart = position;
            final String name = readName(position);
            position = nameEnd;
            need(10);
            final int type = u16(position);
            final int klass = u16(position + 2);
            final long rawTtl = u32(position + 4);
            final int dataLength = u16(position + 8);
            position += 10;
            need(dataLength);
            final int dataStart = position;
            position += dataLength;
            // RFC 2181 §8: a TTL with the most significant bit set is treated as zero.
            final long ttl = rawTtl > Integer.MAX_VALUE ? 0 : rawTtl;
            if (type == DnsMessage.TYPE_A && klass == DnsMessage.CLASS_IN)
            {
                if (dataLength != 4)
                {
                    throw new DnsFormatException("A record with RDLENGTH " + dataLength + " instead of 4",
                        recordStart);
                }
                records.add(ResourceRecord.a(name, ttl, (int)u32(dataStart)));
            }
            else if (type == DnsMessage.TYPE_CNAME)
            {
                final String target = readName(dataStart);
                if (nameEnd != dataStart + dataLength)
                {
                    throw new DnsFormatException("CNAME target does not fill its RDLENGTH " + dataLength, dataStart);
                }
                records.add(new ResourceRecord(name, type, klass, ttl, 0, target));
            }
            // Other types: skipped by RDLENGTH, already checked to fit.
        }
        return records;
    }

    /**
     * Reads the name at {@code start}; sets {@link #nameEnd} to the position after it where it was written (after
     * its first pointer, if any). RFC 1035 §4.1.4: a pointer is two octets whose top two bits are 1; it must point
     * before the start of the labels that led to it, so every jump goes strictly backwards and a loop is
     * impossible; {@link #MAX_POINTERS} bounds the work as well.
     */
    private String readName(final int start) throws DnsFormatException
    {
        final StringBuilder name = new StringBuilder(32);
        int at = start;
        int runStart = start;
        int end = -1;
        int pointers = 0;
        int wireLength = 1;
        while (true)
        {
            if (at >= length)
            {
                throw new DnsFormatException("name runs past the end of the message", at);
            }
            final int labelLength = bytes[base + at] & 0xFF;
            if ((labelLength & POINTER_MASK) == POINTER_MASK)
            {
                if (at + 1 >= length)
                {
                    throw new DnsFormatException("compression pointer cut off by the end of the message", at);
                }
                final int target = ((labelLength & 0x3F) << 8) | (bytes[base + at + 1] & 0xFF);
                if (target >= runStart)
                {
                    throw new DnsFormatException("compression pointer to " + target +
                        " does not point before the name it continues (a loop or forward pointer)", at);
                }
                if (target < DnsMessage.HEADER_LENGTH)
                {
                    throw new DnsFormatException("compression pointer into the header", at);
                }
                if (++pointers > MAX_POINTERS)
                {
                    throw new DnsFormatException("name follows more than " + MAX_POINTERS + " pointers", at);
                }
                if (end < 0)
                {
                    end = at + 2;
                }
                at = target;
                runStart = target;
                continue;
            }
            if ((labelLength & POINTER_MASK) != 0)
            {
                // RFC 6891 §5 / RFC 1035 §4.1.4: 01 and 10 prefixes are extended or reserved label types.
                throw new DnsFormatException("unsupported label type 0x" + Integer.toHexString(labelLength), at);
            }
            if (labelLength == 0)
            {
                nameEnd = end < 0 ? at + 1 : end;
                return name.toString();
            }
            wireLength += labelLength + 1;
            if (wireLength > DnsNames.MAX_WIRE_NAME)
            {
                throw new DnsFormatException("name longer than 255 octets (RFC 1035 §2.3.4)", at);
            }
            if (at + 1 + labelLength > length)
            {
                throw new DnsFormatException("label runs past the end of the message", at);
            }
            if (name.length() > 0)
            {
                name.append('.');
            }
            DnsNames.appendLabel(name, bytes, base + at + 1, labelLength);
            at += 1 + labelLength;
        }
    }

    private void need(final int count) throws DnsFormatException
    {
        if (count > length - position)
        {
            throw new DnsFormatException("needs " + count + " more bytes, " + Math.max(0, length - position) +
                " left", position);
        }
    }

    private int u16(final int at)
    {
        return (bytes[base + at] & 0xFF) << 8 | (bytes[base + at + 1] & 0xFF);
    }

    private long u32(final int at)
    {
        return ((long)u16(at) << 16) | u16(at + 2);
    }
}
