package io.ustack.cli.bench;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The kernel reference's peers: the command that starts them and the lines they print. */
@DisplayName("bench kernel reference: peer command and output")
class KernelReferenceTest
{
    @Test
    @DisplayName("the numbers of the keyed line are read, other lines ignored")
    void readsTheKeyedLine() throws IOException
    {
        final String output = "sender stopped: Broken pipe\np50us 41.250 39.000\np99us 90.5 101.0\n";
        assertArrayEquals(new double[]{41.25, 39.0}, KernelReference.numbers(output, "p50us"));
        assertArrayEquals(new double[]{90.5, 101.0}, KernelReference.numbers(output, "p99us"));
    }

    @Test
    @DisplayName("a peer that printed no figures is an error that quotes what it printed")
    void missingFiguresAreAnErrorWithTheOutput()
    {
        final IOException e = assertThrows(IOException.class, () -> KernelReference.numbers("failed: " +
            "java.net.ConnectException: Connection refused\n", "mbps"));
        assertTrue(e.getMessage().contains("no 'mbps' line") && e.getMessage().contains("Connection refused"),
            e.getMessage());
    }

    @Test
    @DisplayName("the peer runs on this JVM's java with this code on the class path, role and address last")
    void peerCommandUsesThisJvmAndCode()
    {
        final String[] command = KernelReference.peer("echo", KernelReference.RECEIVER_ADDRESS, 5002);
        assertTrue(command[0].startsWith(System.getProperty("java.home")), command[0]);
        assertEquals(KernelTcpPeer.class.getName(), command[command.length - 4]);
        assertArrayEquals(new String[]{"echo", "198.18.2.2", "5002"},
            java.util.Arrays.copyOfRange(command, command.length - 3, command.length));
    }
}
