package io.ustack.cli;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Argument mistakes of {@code ustack serve} and {@code ustack get}: exit 2, one line, before any interface opens. */
@DisplayName("ustack serve / get refuse bad arguments in one line")
class ServeArgumentsTest
{
    private static void assertOneLineError(final CliRun result, final String expected)
    {
        assertEquals(2, result.code, result.toString());
        assertEquals(1, result.err.strip().lines().count(), "one line: " + result);
        assertTrue(result.err.contains(expected), result.toString());
        assertTrue(!result.err.contains("\tat "), "no stack trace: " + result);
    }

    @Test
    @DisplayName("serve without --app says to give one")
    void noApp()
    {
        assertOneLineError(CliRun.run("serve", "--iface", "nosuch0", "--addr", "198.18.9.1/24"),
            "give at least one --app");
    }

    @Test
    @DisplayName("serve with an unknown app names the known ones")
    void unknownApp()
    {
        assertOneLineError(CliRun.run("serve", "--iface", "nosuch0", "--addr", "198.18.9.1/24", "--app", "http",
            "--app", "gopher:70"), "unknown app 'gopher'");
    }

    @Test
    @DisplayName("serve with a bad port, an unsupported =ARG or two apps on one port")
    void badAppSpecs()
    {
        assertOneLineError(CliRun.run("serve", "--iface", "nosuch0", "--addr", "198.18.9.1/24", "--app", "echo:0"),
            "1..65535");
        assertOneLineError(CliRun.run("serve", "--iface", "nosuch0", "--addr", "198.18.9.1/24", "--app",
            "echo:7=/srv"), "takes no =ARG");
        assertOneLineError(CliRun.run("serve", "--iface", "nosuch0", "--addr", "198.18.9.1/24", "--app", "http:7",
            "--app", "echo"), "share port 7");
    }

    @Test
    @DisplayName("get refuses a non-http URL and a name without --dns")
    void badUrls()
    {
        assertOneLineError(CliRun.run("get", "ftp://198.18.9.2/x", "--iface", "nosuch0", "--addr", "198.18.9.1/24"),
            "only http");
        assertOneLineError(CliRun.run("get", "http://host.example/", "--iface", "nosuch0", "--addr",
            "198.18.9.1/24"), "--dns");
    }

    @Test
    @DisplayName("the pattern of /bytes/N is the same however it is cut into pieces")
    void patternIsPositional()
    {
        final byte[] whole = new byte[1000];
        BytesPattern.fill(0, whole, 0, whole.length);
        final byte[] pieces = new byte[1000];
        for (int at = 0; at < pieces.length; at += 37)
        {
            BytesPattern.fill(at, pieces, at, Math.min(37, pieces.length - at));
        }
        assertEquals(java.util.Arrays.toString(whole), java.util.Arrays.toString(pieces));
    }

    @Test
    @DisplayName("serve --cc / --rto with an unknown name lists the installed ones; --tcp-buffer must be a power of two")
    void badTcpOptions()
    {
        assertOneLineError(CliRun.run("serve", "--iface", "nosuch0", "--addr", "198.18.9.1/24", "--app", "echo",
            "--cc", "nosuchcc"), "--cc nosuchcc: unknown; installed are ");
        assertTrue(CliRun.run("serve", "--iface", "nosuch0", "--addr", "198.18.9.1/24", "--app", "echo", "--cc",
            "nosuchcc").err.contains("newreno"));
        assertOneLineError(CliRun.run("serve", "--iface", "nosuch0", "--addr", "198.18.9.1/24", "--app", "echo",
            "--rto", "never"), "--rto never: unknown; installed are ");
        assertOneLineError(CliRun.run("serve", "--iface", "nosuch0", "--addr", "198.18.9.1/24", "--app", "echo",
            "--tcp-buffer", "100000"), "power of two");
        assertOneLineError(CliRun.run("get", "http://198.18.9.2/", "--iface", "nosuch0", "--addr", "198.18.9.1/24",
            "--cc", "nosuchcc"), "--cc nosuchcc");
    }

    @Test
    @DisplayName("--tso takes NEVER, LINK or ALWAYS in any case, and names them when given anything else")
    void badSegmentationOffload()
    {
        // A value picocli cannot convert: its one-line message first, then the usage.
        final CliRun result = CliRun.run("serve", "--iface", "nosuch0", "--addr", "198.18.9.1/24", "--app", "echo",
            "--tso", "sometimes");
        assertEquals(2, result.code, result.toString());
        assertTrue(result.err.lines().findFirst().orElse("").contains("expected one of [NEVER, LINK, ALWAYS]"),
            result.toString());
        // Any case will do; this one fails later, at the interface that does not exist, not at --tso.
        final CliRun lowerCase = CliRun.run("serve", "--iface", "nosuch0", "--addr", "198.18.9.1/24", "--app",
            "echo", "--tso", "never");
        assertTrue(!lowerCase.err.contains("--tso"), lowerCase.toString());
    }

    @Test
    @DisplayName("http=DIR needs a readable directory; the other apps take no =ARG; default ports 7, 9, 19, 80")
    void appArguments()
    {
        assertOneLineError(CliRun.run("serve", "--iface", "nosuch0", "--addr", "198.18.9.1/24", "--app",
            "http=/nonexistent/ustack"), "is not a readable directory");
        assertOneLineError(CliRun.run("serve", "--iface", "nosuch0", "--addr", "198.18.9.1/24", "--app",
            "discard=x"), "takes no =ARG");
        assertEquals(7, AppSpec.parse("echo").port());
        assertEquals(9, AppSpec.parse("discard").port());
        assertEquals(19, AppSpec.parse("CHARGEN").port());
        assertEquals(80, AppSpec.parse("http").port());
        assertEquals(8080, AppSpec.parse("http:8080=" + System.getProperty("java.io.tmpdir")).port());
    }

    @Test
    @DisplayName("RFC 864: chargen's 95 lines of 72 characters, each starting one further along")
    void chargenPattern()
    {
        final String text = new String(ChargenApp.PATTERN, java.nio.charset.StandardCharsets.US_ASCII);
        final String[] lines = text.split("\r\n");
        assertEquals(95, lines.length);
        assertEquals(95 * 74, ChargenApp.PATTERN.length);
        assertEquals(" !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefg", lines[0]);
        assertEquals("~ !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdef", lines[94]);
    }
}
