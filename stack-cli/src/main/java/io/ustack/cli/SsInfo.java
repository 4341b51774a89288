package io.ustack.cli;

/**
 * Reads the numbers out of a connection's {@code ss -ti}-style summary ({@link io.ustack.api.socket.TcpSocket#info()}):
 * the state first, then {@code key:value} fields such as {@code cwnd:14600 srtt:85us rto:200ms}. Fields are found
 * by key, so a summary that gains fields still reads; a unit suffix ({@code us}, {@code ms}) is dropped.
 */
final class SsInfo
{
    private final String line;

    SsInfo(final String line)
    {
        this.line = line;
    }

    /** The state, the summary's first word (e.g. {@code ESTABLISHED}). */
    String state()
    {
        final int space = line.indexOf(' ');
        return space < 0 ? line : line.substring(0, space);
    }

    /** The number of field {@code key}, or -1 when the summary has no such field or it is not a number. */
    long value(final String key)
    {
        final String prefix = key + ":";
        int start = line.startsWith(prefix) ? 0 : line.indexOf(" " + prefix);
        if (start < 0)
        {
            return -1;
        }
        start += line.charAt(start) == ' ' ? prefix.length() + 1 : prefix.length();
        int end = start;
        while (end < line.length() && Character.isDigit(line.charAt(end)))
        {
            end++;
        }
        if (end == start || end - start > 18)
        {
            return -1;
        }
        return Long.parseLong(line.substring(start, end));
    }
}
