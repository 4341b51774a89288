package io.ustack.ip;

import java.io.ByteArrayOutputStream;

/** Hex text to bytes for golden packets in tests; whitespace and line breaks are ignored. */
public final class Hex
{
    private Hex()
    {
    }

    /** The bytes spelled by {@code hex}, two digits a byte. */
    public static byte[] bytes(final String hex)
    {
        final String digits = hex.replaceAll("\\s+", "");
        if ((digits.length() & 1) != 0)
        {
            throw new IllegalArgumentException("odd number of hex digits: " + digits.length());
        }
        final ByteArrayOutputStream out = new ByteArrayOutputStream(digits.length() / 2);
        for (int i = 0; i < digits.length(); i += 2)
        {
            out.write(Integer.parseInt(digits.substring(i, i + 2), 16));
        }
        return out.toByteArray();
    }

    /** Concatenates byte arrays. */
    public static byte[] concat(final byte[]... parts)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (final byte[] part : parts)
        {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** {@code count} bytes {@code (start + i) & 0xFF}: the payload pattern the capture scripts sent. */
    public static byte[] pattern(final int start, final int count)
    {
        final byte[] bytes = new byte[count];
        for (int i = 0; i < count; i++)
        {
            bytes[i] = (byte)(start + i);
        }
        return bytes;
    }

    /** Lower-case hex of {@code bytes}, for assertion messages. */
    public static String of(final byte[] bytes)
    {
        final StringBuilder sb = new StringBuilder(bytes.length * 2);
        for (final byte b : bytes)
        {
            sb.append(Character.forDigit((b >>> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        return sb.toString();
    }
}
