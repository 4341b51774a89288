package io.ustack.udp.dns;

/**
 * A DNS message that breaks RFC 1035's format: the one failure {@link DnsMessage#parse} reports, whatever the bytes.
 */
public final class DnsFormatException extends Exception
{
    private static final long serialVersionUID = 1L;

    private final int offset;

    /**
     * @param reason what is wrong
     * @param offset where in the message it was found
     */
    public DnsFormatException(final String reason, final int offset)
    {
        super(reason + " (at offset " + offset + ")");
        this.offset = offset;
    }

    /** Where in the message the problem was found. */
    public int offset()
    {
        return offset;
    }
}
