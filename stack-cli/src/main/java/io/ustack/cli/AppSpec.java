package io.ustack.cli;

import java.util.Locale;

/** One {@code --app NAME[:PORT][=ARG]} of {@code ustack serve}. */
record AppSpec(String name, int port, String arg)
{
    /** The applications {@code serve} knows, with their default ports. */
    static final String KNOWN = "http (port 80), echo (port 7)";

    /** Parses and checks {@code text}; a mistake is an {@link IllegalArgumentException} saying what to give. */
    static AppSpec parse(final String text)
    {
        String rest = text;
        String arg = null;
        final int equals = rest.indexOf('=');
        if (equals >= 0)
        {
            arg = rest.substring(equals + 1);
            rest = rest.substring(0, equals);
        }
        String portText = null;
        final int colon = rest.indexOf(':');
        if (colon >= 0)
        {
            portText = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
        }
        final String name = rest.toLowerCase(Locale.ROOT);
        final int defaultPort;
        switch (name)
        {
            case "http":
                defaultPort = 80;
                break;
            case "echo":
                defaultPort = 7;
                break;
            default:
                throw new IllegalArgumentException("unknown app '" + rest + "' in --app " + text + ": known apps are "
                    + KNOWN);
        }
        if (arg != null)
        {
            throw new IllegalArgumentException("--app " + text + ": " + name + " takes no =ARG (http serves generated "
                + "/bytes/N only)");
        }
        int port = defaultPort;
        if (portText != null)
        {
            try
            {
                port = Integer.parseInt(portText);
            }
            catch (final NumberFormatException e)
            {
                port = -1;
            }
            if (port < 1 || port > 65_535)
            {
                throw new IllegalArgumentException("--app " + text + ": the port must be 1..65535");
            }
        }
        return new AppSpec(name, port, null);
    }

    @Override
    public String toString()
    {
        return name + ":" + port;
    }
}
