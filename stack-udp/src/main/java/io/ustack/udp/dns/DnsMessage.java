package io.ustack.udp.dns;

import java.util.List;
import java.util.Objects;

/**
 * A DNS message (RFC 1035 §4.1): header, questions and the A (type 1) and CNAME (type 5) records of its answer,
 * authority and additional sections. Records of other types are skipped when reading, by their RDLENGTH.
 *
 * <pre>
 *                                     1  1  1  1  1  1
 *       0  1  2  3  4  5  6  7  8  9  0  1  2  3  4  5
 *     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *     |                      ID                       |
 *     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *     |QR|   Opcode  |AA|TC|RD|RA|   Z    |   RCODE   |
 *     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *     |         QDCOUNT / ANCOUNT / NSCOUNT / ARCOUNT  |
 *     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 * </pre>
 *
 * <p>{@link #parse} reads untrusted bytes defensively (the Ripple20 and name-compression bug classes): every read is
 * bounds checked, compression pointers must point strictly backwards of where the name being read started, names
 * follow at most {@link DnsReader#MAX_POINTERS} pointers, labels are at most 63 octets and names at most 255, and
 * counts and RDLENGTHs must fit the bytes left. Any violation is a {@link DnsFormatException}, nothing else.
 * {@link #encode} writes names with compression.
 */
public final class DnsMessage
{
    /** Header length (RFC 1035 §4.1.1). */
    public static final int HEADER_LENGTH = 12;
    /** Largest message over UDP without EDNS (RFC 1035 §2.3.4). */
    public static final int MAX_UDP_MESSAGE = 512;
    /** TYPE A: a host address. */
    public static final int TYPE_A = 1;
    /** TYPE CNAME: the canonical name for an alias. */
    public static final int TYPE_CNAME = 5;
    /** CLASS IN: the Internet. */
    public static final int CLASS_IN = 1;

    /** RCODE: no error. */
    public static final int RCODE_NO_ERROR = 0;
    /** RCODE: format error. */
    public static final int RCODE_FORMAT_ERROR = 1;
    /** RCODE: server failure. */
    public static final int RCODE_SERVER_FAILURE = 2;
    /** RCODE: name error (NXDOMAIN): the name does not exist. */
    public static final int RCODE_NAME_ERROR = 3;
    /** RCODE: not implemented. */
    public static final int RCODE_NOT_IMPLEMENTED = 4;
    /** RCODE: refused. */
    public static final int RCODE_REFUSED = 5;

    /** Header flag bits. */
    public static final int FLAG_QR = 0x8000;
    /** Authoritative answer. */
    public static final int FLAG_AA = 0x0400;
    /** Truncated. */
    public static final int FLAG_TC = 0x0200;
    /** Recursion desired. */
    public static final int FLAG_RD = 0x0100;
    /** Recursion available. */
    public static final int FLAG_RA = 0x0080;

    private final int id;
    private final int flags;
    private final List<Question> questions;
    private final List<ResourceRecord> answers;
    private final List<ResourceRecord> authorities;
    private final List<ResourceRecord> additionals;

    /**
     * @param id          the query id
     * @param flags       the second header word: QR, opcode, AA, TC, RD, RA, Z, RCODE
     * @param questions   the question section
     * @param answers     the answer section
     * @param authorities the authority section
     * @param additionals the additional section
     */
    public DnsMessage(final int id, final int flags, final List<Question> questions,
        final List<ResourceRecord> answers, final List<ResourceRecord> authorities,
        final List<ResourceRecord> additionals)
    {
        this.id = id & 0xFFFF;
        this.flags = flags & 0xFFFF;
        this.questions = List.copyOf(questions);
        this.answers = List.copyOf(answers);
        this.authorities = List.copyOf(authorities);
        this.additionals = List.copyOf(additionals);
    }

    /** A standard query with recursion desired for the {@code type} records of {@code name}. */
    public static DnsMessage query(final int id, final String name, final int type)
    {
        return new DnsMessage(id, FLAG_RD, List.of(new Question(name, type, CLASS_IN)), List.of(), List.of(),
            List.of());
    }

    /**
     * Reads a message from {@code bytes[offset, offset + length)}.
     *
     * @throws DnsFormatException if the bytes are not a well-formed message; never any other exception
     */
    public static DnsMessage parse(final byte[] bytes, final int offset, final int length) throws DnsFormatException
    {
        return new DnsReader(bytes, offset, length).read();
    }

    /**
     * Writes the message with name compression (RFC 1035 §4.1.4).
     *
     * @throws IllegalArgumentException if a name is not a valid host name
     */
    public byte[] encode()
    {
        return new DnsWriter().write(this);
    }

    /** The query id. */
    public int id()
    {
        return id;
    }

    /** The second header word. */
    public int flags()
    {
        return flags;
    }

    /** Whether this is a response (QR). */
    public boolean isResponse()
    {
        return (flags & FLAG_QR) != 0;
    }

    /** The opcode (0: standard query). */
    public int opcode()
    {
        return (flags >>> 11) & 0xF;
    }

    /** Whether the response was truncated (TC). */
    public boolean truncated()
    {
        return (flags & FLAG_TC) != 0;
    }

    /** The response code. */
    public int rcode()
    {
        return flags & 0xF;
    }

    /** The question section. */
    public List<Question> questions()
    {
        return questions;
    }

    /** The A and CNAME records of the answer section, in order. */
    public List<ResourceRecord> answers()
    {
        return answers;
    }

    /** The A and CNAME records of the authority section. */
    public List<ResourceRecord> authorities()
    {
        return authorities;
    }

    /** The A and CNAME records of the additional section. */
    public List<ResourceRecord> additionals()
    {
        return additionals;
    }

    @Override
    public String toString()
    {
        return "DnsMessage{id=" + id + ", flags=0x" + Integer.toHexString(flags) + ", questions=" + questions +
            ", answers=" + answers + ", authorities=" + authorities + ", additionals=" + additionals + '}';
    }

    /**
     * One question (RFC 1035 §4.1.2).
     *
     * @param name  the name asked about (lower case, no trailing dot)
     * @param type  QTYPE
     * @param klass QCLASS
     */
    public record Question(String name, int type, int klass)
    {
        /** Checks the fields. */
        public Question
        {
            Objects.requireNonNull(name, "name");
        }
    }

    /**
     * One resource record of a type this resolver understands (RFC 1035 §4.1.3).
     *
     * @param name       the owner name (lower case, no trailing dot)
     * @param type       {@link #TYPE_A} or {@link #TYPE_CNAME}
     * @param klass      the class
     * @param ttlSeconds the time to live; RFC 2181 §8: a value with the top bit set is read as 0
     * @param address    for A: the address
     * @param target     for CNAME: the canonical name; null for A
     */
    public record ResourceRecord(String name, int type, int klass, long ttlSeconds, int address, String target)
    {
        /** Checks the fields. */
        public ResourceRecord
        {
            Objects.requireNonNull(name, "name");
            if (type == TYPE_CNAME)
            {
                Objects.requireNonNull(target, "target of a CNAME");
            }
        }

        /** An A record. */
        public static ResourceRecord a(final String name, final long ttlSeconds, final int address)
        {
            return new ResourceRecord(name, TYPE_A, CLASS_IN, ttlSeconds, address, null);
        }

        /** A CNAME record. */
        public static ResourceRecord cname(final String name, final long ttlSeconds, final String target)
        {
            return new ResourceRecord(name, TYPE_CNAME, CLASS_IN, ttlSeconds, 0, target);
        }
    }
}
