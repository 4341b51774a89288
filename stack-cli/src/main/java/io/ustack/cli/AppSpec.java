package io.ustack.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * One {@code --app NAME[:PORT][=ARG]} of {@code ustack serve}: which application, on which port, with which argument
 * (only {@code http} takes one: the directory to serve files from).
 */
record AppSpec(String name, int port, Path directory)
{
    /** The applications {@code serve} knows, with their default ports. */
    static final String KNOWN = "echo (port 7, TCP and UDP), discard (9), chargen (19), http (80; http=DIR serves "
        + "the files under DIR)";

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
        final int defaultPort = defaultPort(name);
        if (defaultPort < 0)
        {
            throw new IllegalArgumentException("unknown app '" + rest + "' in --app " + text + ": known apps are "
                + KNOWN);
        }
        Path directory = null;
        if (arg != null)
        {
            if (!name.equals("http"))
            {
                throw new IllegalArgumentException("--app " + text + ": " + name + " takes no =ARG (only http=DIR "
                    + "does)");
            }
            directory = Path.of(arg).toAbsolutePath().normalize();
            if (!Files.isDirectory(directory) || !Files.isReadable(directory))
            {
                throw new IllegalArgumentException("--app " + text + ": " + directory + " is not a readable "
                    + "directory");
            }
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
        return new AppSpec(name, port, directory);
    }

    /** The well-known port: echo RFC 862, discard RFC 863, chargen RFC 864, http RFC 9110; -1 for no such app. */
    private static int defaultPort(final String name)
    {
        switch (name)
        {
            case "echo":
                return 7;
            case "discard":
                return 9;
            case "chargen":
                return 19;
            case "http":
                return 80;
            default:
                return -1;
        }
    }

    @Override
    public String toString()
    {
        return name + ":" + port + (directory == null ? "" : "=" + directory);
    }
}
