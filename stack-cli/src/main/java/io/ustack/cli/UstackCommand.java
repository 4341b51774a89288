package io.ustack.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ustack} command: entry point of the launcher script. */
@Command(
    name = "ustack",
    mixinStandardHelpOptions = true,
    versionProvider = UstackCommand.Version.class,
    description = "A user-space TCP/IP stack for the JVM.",
    subcommands = {io.ustack.cli.bench.BenchCommand.class, DemoCommand.class, GetCommand.class, PingCommand.class, ServeCommand.class, CommandLine.HelpCommand.class})
public final class UstackCommand implements Runnable
{
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run()
    {
        spec.commandLine().usage(System.out);
    }

    /** Runs the command line and exits with its status. */
    public static void main(final String[] args)
    {
        System.exit(commandLine().execute(args));
    }

    /** The command line with ustack's error handling: a clear message, not a stack trace, for a user's mistake. */
    static CommandLine commandLine()
    {
        final CommandLine commandLine = new CommandLine(new UstackCommand());
        commandLine.setCaseInsensitiveEnumValuesAllowed(true); // --tso never, --tx-mode ring_gso
        commandLine.setExecutionExceptionHandler((e, cmd, parseResult) ->
        {
            if (e instanceof IllegalArgumentException || e instanceof IllegalStateException)
            {
                cmd.getErr().println("ustack " + cmd.getCommandName() + ": " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return commandLine;
    }

    /** Version from the jar manifest, or "development" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider
    {
        @Override
        public String[] getVersion()
        {
            final String v = UstackCommand.class.getPackage().getImplementationVersion();
            return new String[]{"ustack " + (v == null ? "development" : v),
                "JVM " + System.getProperty("java.vm.name") + " " + System.getProperty("java.version")};
        }
    }
}
