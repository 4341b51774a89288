package io.ustack.cli;

import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/** Runs the {@code ustack} command line in this JVM, capturing its exit code, stdout and error messages. */
final class CliRun
{
    final int code;
    final String out;
    final String err;

    private CliRun(final int code, final String out, final String err)
    {
        this.code = code;
        this.out = out;
        this.err = err;
    }

    static CliRun run(final String... args)
    {
        final PrintStream stdout = System.out;
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final StringWriter err = new StringWriter();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try
        {
            final CommandLine commandLine = UstackCommand.commandLine();
            commandLine.setErr(new PrintWriter(err, true));
            final int code = commandLine.execute(args);
            return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString());
        }
        finally
        {
            System.setOut(stdout);
        }
    }

    @Override
    public String toString()
    {
        return "exit " + code + "\nstdout:\n" + out + "\nerr:\n" + err;
    }
}
