package io.ustack.link.packet;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 5: a process without CAP_NET_RAW gets an error that says how to get it. A child JVM opens the loopback
 * interface; as root it runs under {@code setpriv} with CAP_NET_RAW taken out of its bounding set (it then lacks
 * it, as any unprivileged user does), otherwise it runs as the unprivileged user it is.
 */
@DisplayName("AF_PACKET without CAP_NET_RAW")
class AfPacketPrivilegeTest
{
    @Test
    @DisplayName("opening an interface without CAP_NET_RAW says: run as root or grant CAP_NET_RAW")
    void missingCapabilityIsExplained() throws Exception
    {
        final List<String> command = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name")))
        {
            command.addAll(List.of("setpriv", "--bounding-set=-net_raw", "--inh-caps=-net_raw"));
        }
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
            OpenLoopback.class.getName()));
        final Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child JVM finished");
        assertEquals(3, child.exitValue(), output);
        assertTrue(output.contains("needs CAP_NET_RAW: run as root or grant CAP_NET_RAW") &&
            output.contains("socket(AF_PACKET, SOCK_RAW) on lo"), output);
    }

    /** The child: opens {@code lo} and prints the error; exit 3 when it was refused with an IOException. */
    public static final class OpenLoopback
    {
        private OpenLoopback()
        {
        }

        public static void main(final String[] args)
        {
            // Slots large enough for the loopback MTU (64 KiB), so that the MTU check passes and socket() is reached.
            try (AfPacketEndpoint endpoint = AfPacketEndpoint.open(AfPacketConfig.builder("lo").frameSize(1 << 17)
                .blockSize(1 << 17).frameCount(2).build()))
            {
                System.out.println("opened " + endpoint + " although CAP_NET_RAW was dropped");
                System.exit(2);
            }
            catch (final IOException e)
            {
                System.out.println(e.getMessage());
                System.exit(3);
            }
        }
    }
}
