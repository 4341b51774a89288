package io.ustack.udp.dns;

import io.ustack.udp.dns.DnsMessage.Question;
import io.ustack.udp.dns.DnsMessage.ResourceRecord;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DnsMessageTest
{
    /**
     * Hand-built per RFC 1035 §4.1: id 0x1234, RD, one question: example.com A IN.
     */
    static final String QUERY = "1234 0100 0001 0000 0000 0000 07 6578616d706c65 03 636f6d 00 0001 0001";

    /**
     * Hand-built per RFC 1035 §4.1 and §4.1.4, offsets checked by hand: id 0x1234, QR RD RA, the question above at
     * offset 12; answer 1 at 29: example.com (pointer to 12) CNAME, TTL 3600, RDATA at 41 = "www" + pointer to 12;
     * answer 2 at 47: www.example.com (pointer to 41) A 93.184.216.34, TTL 300.
     */
    static final String RESPONSE = "1234 8180 0001 0002 0000 0000" +
        " 07 6578616d706c65 03 636f6d 00 0001 0001" +
        " c00c 0005 0001 00000e10 0006 03 777777 c00c" +
        " c029 0001 0001 0000012c 0004 5db8d822";

    static byte[] hex(final String spaced)
    {
        final String hex = spaced.replace(" ", "");
        final byte[] out = new byte[hex.length() / 2];
        for (int i = 0; i < out.length; i++)
        {
            out[i] = (byte)Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }

    static DnsMessage parse(final byte[] bytes) throws DnsFormatException
    {
        return DnsMessage.parse(bytes, 0, bytes.length);
    }

    static DnsFormatException rejects(final String spaced)
    {
        final byte[] bytes = hex(spaced);
        return assertThrows(DnsFormatException.class, () -> parse(bytes));
    }

    @Test
    @DisplayName("RFC 1035 §4.1: a standard A query encodes to the hand-built bytes")
    void encodesQuery()
    {
        assertArrayEquals(hex(QUERY), DnsMessage.query(0x1234, "Example.COM.", DnsMessage.TYPE_A).encode());
    }

    @Test
    @DisplayName("RFC 1035 §4.1: the hand-built query decodes to its header and question")
    void decodesQuery() throws Exception
    {
        final DnsMessage m = parse(hex(QUERY));
        assertEquals(0x1234, m.id());
        assertEquals(DnsMessage.FLAG_RD, m.flags());
        assertEquals(List.of(new Question("example.com", DnsMessage.TYPE_A, DnsMessage.CLASS_IN)), m.questions());
    }

    @Test
    @DisplayName("RFC 1035 §4.1.4: a response with compressed names and a CNAME chain decodes record by record")
    void decodesCompressedResponse() throws Exception
    {
        final DnsMessage m = parse(hex(RESPONSE));
        assertTrue(m.isResponse());
        assertEquals(DnsMessage.RCODE_NO_ERROR, m.rcode());
        assertEquals(List.of(
            ResourceRecord.cname("example.com", 3600, "www.example.com"),
            ResourceRecord.a("www.example.com", 300, 0x5DB8_D822)), m.answers());
    }

    @Test
    @DisplayName("RFC 1035 §4.1.4: our encoder compresses, and what it writes reads back the same")
    void encodeRoundTrip() throws Exception
    {
        final DnsMessage m = new DnsMessage(0x1234, 0x8180,
            List.of(new Question("example.com", DnsMessage.TYPE_A, DnsMessage.CLASS_IN)),
            List.of(ResourceRecord.cname("example.com", 3600, "www.example.com"),
                ResourceRecord.a("www.example.com", 300, 0x5DB8_D822)), List.of(), List.of());
        final byte[] bytes = m.encode();
        assertArrayEquals(hex(RESPONSE), bytes, "the encoder makes the same choices as the hand-built response");
        assertEquals(m.answers(), parse(bytes).answers());
    }

    @Test
    @DisplayName("RFC 1035 §3.2.1: records of other types are skipped by RDLENGTH")
    void skipsOtherTypes() throws Exception
    {
        // an MX record (type 15) then an A record
        final DnsMessage m = parse(hex("0001 8000 0000 0002 0000 0000" +
            " 01 61 00 000f 0001 00000010 0005 0001 01 62 00" +
            " 01 61 00 0001 0001 00000010 0004 0a000001"));
        assertEquals(List.of(ResourceRecord.a("a", 16, 0x0A00_0001)), m.answers());
    }

    @Test
    @DisplayName("RFC 2181 §8: a TTL with the top bit set is read as zero")
    void hugeTtlIsZero() throws Exception
    {
        final DnsMessage m = parse(hex("0001 8000 0000 0001 0000 0000 01 61 00 0001 0001 80000000 0004 0a000001"));
        assertEquals(0, m.answers().get(0).ttlSeconds());
    }

    @Test
    @DisplayName("RFC 1035 §4.1.4: a pointer to itself is rejected")
    void selfPointer()
    {
        rejects("0001 0000 0001 0000 0000 0000 c00c 0001 0001");
    }

    @Test
    @DisplayName("RFC 1035 §4.1.4: a pointer back into the name that leads to it (a loop) is rejected")
    void loopThroughOwnLabels()
    {
        rejects("0001 0000 0001 0000 0000 0000 01 61 c00c 0001 0001");
    }

    @Test
    @DisplayName("RFC 1035 §4.1.4: a two-pointer cycle is rejected")
    void twoPointerCycle()
    {
        // question at 12: "a" then pointer to 17; at 17 a pointer back to 12
        rejects("0001 0000 0002 0000 0000 0000 01 61 c011 0001 0001 c00c 0001 0001");
    }

    @Test
    @DisplayName("RFC 1035 §4.1.4: a forward pointer is rejected")
    void forwardPointer()
    {
        rejects("0001 0000 0001 0000 0000 0000 c012 0001 0001 01 61 00");
    }

    @Test
    @DisplayName("RFC 1035 §4.1.4: a pointer into the header is rejected")
    void pointerIntoHeader()
    {
        rejects("0001 0000 0001 0000 0000 0000 c002 0001 0001");
    }

    /**
     * A message whose second answer's name is a pointer into a chain of {@code chain} pointers (hidden in the
     * RDATA of a TXT record), each to the one before, the first to "a" at offset 12: {@code chain + 1} pointers.
     */
    static byte[] pointerChain(final int chain)
    {
        final StringBuilder m = new StringBuilder("0001 8000 0001 0002 0000 0000 01 61 00 0001 0001");
        final int rdataStart = 30;
        m.append(String.format(" 00 0010 0001 00000010 %04x", 2 * chain));
        for (int i = 0; i < chain; i++)
        {
            m.append(String.format(" %04x", 0xC000 | (i == 0 ? 12 : rdataStart + 2 * (i - 1))));
        }
        m.append(String.format(" %04x 0001 0001 00000010 0004 0a000001", 0xC000 | rdataStart + 2 * (chain - 1)));
        return hex(m.toString());
    }

    @Test
    @DisplayName("RFC 1035 §4.1.4: a name may follow at most 32 pointers, even if each one goes backwards")
    void tooManyPointers() throws Exception
    {
        assertEquals("a", parse(pointerChain(31)).answers().get(0).name(), "32 pointers are fine");
        final byte[] tooMany = pointerChain(32);
        final DnsFormatException e = assertThrows(DnsFormatException.class, () -> parse(tooMany));
        assertTrue(e.getMessage().contains("more than 32 pointers"), e.getMessage());
    }

    @Test
    @DisplayName("RFC 1035 §4.1: lengths past the end are rejected: header, label, name, RDLENGTH, counts")
    void lengthsPastTheEnd()
    {
        rejects("0001 0000 0001 0000 0000");
        rejects("0001 0000 0001 0000 0000 0000 05 61 62");
        rejects("0001 0000 0001 0000 0000 0000 01 61");
        rejects("0001 0000 0001 0000 0000 0000 01 61 00 0001");
        rejects("0001 8000 0000 0001 0000 0000 01 61 00 0001 0001 00000010 0008 0a000001");
        rejects("0001 8000 ffff ffff ffff ffff 01 61 00 0001 0001");
        rejects("0001 8000 0000 0001 0000 0000 c0");
    }

    @Test
    @DisplayName("RFC 1035 §3.4.1/§3.3.1: an A record must hold 4 bytes, a CNAME exactly fill its RDLENGTH")
    void rdataMustFit()
    {
        rejects("0001 8000 0000 0001 0000 0000 01 61 00 0001 0001 00000010 0005 0a00000100");
        rejects("0001 8000 0000 0001 0000 0000 01 61 00 0005 0001 00000010 0004 01 62 00 00");
        rejects("0001 8000 0000 0001 0000 0000 01 61 00 0005 0001 00000010 0000");
    }

    @Test
    @DisplayName("RFC 1035 §2.3.4: names over 255 octets and extended label types are rejected")
    void nameLimits()
    {
        final StringBuilder longName = new StringBuilder("0001 0000 0001 0000 0000 0000");
        for (int i = 0; i < 5; i++)
        {
            longName.append(" 3f").append("61".repeat(63));
        }
        longName.append(" 00 0001 0001");
        rejects(longName.toString());
        rejects("0001 0000 0001 0000 0000 0000 41 61 00 0001 0001");
        rejects("0001 0000 0001 0000 0000 0000 81 61 00 0001 0001");
    }

    @Test
    @DisplayName("RFC 1035 §5.1: a label holding a dot cannot pass for two labels")
    void dotInLabelEscaped() throws Exception
    {
        final DnsMessage m = parse(hex("0001 0000 0001 0000 0000 0000 03 612e62 00 0001 0001"));
        assertEquals("a\\.b", m.questions().get(0).name());
    }

    @Test
    @DisplayName("a message range outside the array is a DnsFormatException too")
    void badRange()
    {
        assertThrows(DnsFormatException.class, () -> DnsMessage.parse(new byte[20], 10, 20));
        assertThrows(DnsFormatException.class, () -> DnsMessage.parse(null, 0, 0));
    }

    @Property(tries = 2000)
    @Label("random bytes never throw anything but DnsFormatException, and parsing always ends")
    void randomBytes(@ForAll @Size(max = 600) final byte[] bytes)
    {
        parsesOrRejects(bytes);
    }

    @Property(tries = 3000)
    @Label("mutated valid responses never throw anything but DnsFormatException, and parsing always ends")
    void mutatedResponses(@ForAll("mutations") final byte[] bytes)
    {
        parsesOrRejects(bytes);
    }

    @Provide
    Arbitrary<byte[]> mutations()
    {
        final byte[] valid = hex(RESPONSE);
        return Arbitraries.integers().between(0, valid.length - 1).list().ofMaxSize(6)
            .flatMap(positions -> Arbitraries.bytes().list().ofSize(positions.size())
                .flatMap(values -> Arbitraries.integers().between(1, valid.length).map(cut ->
                {
                    final byte[] mutated = Arrays.copyOf(valid, valid.length);
                    for (int i = 0; i < positions.size(); i++)
                    {
                        mutated[positions.get(i)] = values.get(i);
                    }
                    return Arrays.copyOf(mutated, cut);
                })));
    }

    private static void parsesOrRejects(final byte[] bytes)
    {
        assertTimeoutPreemptively(Duration.ofSeconds(2), () ->
        {
            try
            {
                DnsMessage.parse(bytes, 0, bytes.length);
            }
            catch (final DnsFormatException expected)
            {
                // the one defined failure
            }
        });
    }
}
