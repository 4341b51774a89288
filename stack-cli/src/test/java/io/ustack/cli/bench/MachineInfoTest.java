package io.ustack.cli.bench;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class MachineInfoTest
{
    @Test
    @DisplayName("the commit recorded is the one the code was built from, whatever the working directory")
    void commitIsTheCodesCheckout() throws Exception
    {
        final Path classes = Path.of(MachineInfo.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        final String head = git(classes, "rev-parse", "HEAD");
        assumeTrue(head != null, "built outside a git checkout");
        final String recorded = MachineInfo.detect().gitCommit();
        assertEquals(head, recorded.replace("+dirty", ""), "the checkout's HEAD, not 'unknown'");
    }

    private static String git(final Path directory, final String... args) throws IOException, InterruptedException
    {
        final String[] command = new String[args.length + 3];
        command[0] = "git";
        command[1] = "-C";
        command[2] = directory.toString();
        System.arraycopy(args, 0, command, 3, args.length);
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        return process.waitFor() == 0 && Files.isDirectory(directory) ? out : null;
    }
}
