package io.ustack.cli;

import picocli.CommandLine;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * {@code ustack demo --kernel-peer}: ustack against the Linux kernel as a real peer, on a private {@link DemoNetwork}.
 * Data goes both ways, each checked by SHA-256: curl in the kernel's namespace downloads {@code /bytes/N} from
 * {@code ustack serve --app http}, and {@code ustack get} downloads a random file from {@code python3 -m http.server}
 * in the kernel's namespace. Prints both transfers side by side. The namespaces are removed at the end, on a failure,
 * and on Ctrl-C (a shutdown hook).
 */
final class KernelPeerDemo
{
    private static final long TRANSFER_TIMEOUT_S = 600;

    /** One checked transfer. */
    private record Transfer(String direction, long bytes, double seconds, String sent, String received)
    {
        boolean intact()
        {
            return sent.equals(received);
        }
    }

    private final PrintStream out;
    private final long bytes;
    private final List<String> ringArguments;

    KernelPeerDemo(final PrintStream out, final long bytes)
    {
        this(out, bytes, List.of());
    }

    /** @param ringArguments AF_PACKET ring options ({@link RingOptions}) for ustack's serve and get */
    KernelPeerDemo(final PrintStream out, final long bytes, final List<String> ringArguments)
    {
        if (bytes < 1)
        {
            throw new IllegalArgumentException("--kernel-bytes " + bytes + ": give at least 1");
        }
        this.out = out;
        this.bytes = bytes;
        this.ringArguments = List.copyOf(ringArguments);
    }

    /** Runs the demo; 0 when both transfers arrived intact and the kernel holds no stuck connection, 1 otherwise. */
    int run() throws IOException, InterruptedException
    {
        out.printf("ustack demo --kernel-peer: ustack (AF_PACKET, %s) <-> Linux kernel (%s), %,d bytes each way%n",
            DemoNetwork.USTACK_ADDRESS, DemoNetwork.KERNEL_ADDRESS, bytes);
        if (!ringArguments.isEmpty())
        {
            out.println("AF_PACKET ring options: " + String.join(" ", ringArguments));
        }
        final DemoNetwork network = DemoNetwork.create();
        final Path dir = Files.createTempDirectory("ustack-demo-");
        final Thread hook = new Thread(() ->
        {
            network.close(); // kills curl and python first, so nothing writes into dir any more
            deleteQuietly(dir);
        }, "ustack-demo-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        try
        {
            out.printf("network namespaces %s (ustack) and %s-b (kernel), veth %s <-> %s, kernel offloads off%n%n",
                network.ustackNamespace(), network.ustackNamespace().replaceAll("-a$", ""), DemoNetwork.USTACK_END,
                DemoNetwork.KERNEL_END);
            final List<Transfer> transfers = new ArrayList<>();
            transfers.add(ustackToKernel(network, dir));
            transfers.add(kernelToUstack(network, dir));
            final String stuck = stuckConnections(network);
            print(transfers, stuck);
            return transfers.stream().allMatch(Transfer::intact) && stuck.isEmpty() ? 0 : 1;
        }
        finally
        {
            network.close();
            deleteQuietly(dir);
            try
            {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
            catch (final IllegalStateException e)
            {
                // the JVM is shutting down (Ctrl-C): the hook removes the namespaces
            }
            out.println("network namespaces removed");
        }
    }

    /** curl in the kernel's namespace downloads /bytes/N from {@code ustack serve --app http}. */
    private Transfer ustackToKernel(final DemoNetwork network, final Path dir) throws InterruptedException
    {
        out.println("== ustack -> kernel: curl downloads /bytes/" + bytes + " from ustack serve --app http");
        final CommandLine commandLine = UstackCommand.commandLine();
        final ServeCommand serve = (ServeCommand)commandLine.getSubcommands().get("serve").getCommand();
        final AtomicInteger code = new AtomicInteger(-1);
        final String[] arguments = withRing("serve", "--iface", DemoNetwork.USTACK_END, "--netns",
            network.ustackNamespace(), "--addr", DemoNetwork.USTACK_ADDRESS + "/24", "--app", "http", "--status-s",
            "2");
        final Thread thread = new Thread(() -> code.set(commandLine.execute(arguments)), "ustack-demo-serve");
        thread.start();
        try
        {
            if (!serve.awaitReady(Duration.ofSeconds(30)))
            {
                throw new IllegalStateException("ustack serve did not start (exit " + code.get() + ")");
            }
            final Path body = dir.resolve("from-ustack");
            final long startNs = System.nanoTime();
            network.inKernelWithin(TRANSFER_TIMEOUT_S, "curl", "-sS", "--fail", "--max-time",
                Long.toString(TRANSFER_TIMEOUT_S - 10), "-o", body.toString(), "http://" + DemoNetwork.USTACK_ADDRESS
                    + "/bytes/" + bytes);
            final double seconds = (System.nanoTime() - startNs) / 1e9;
            return new Transfer("ustack -> kernel (curl <- ustack serve)", bytes, seconds, Sha256.pattern(bytes),
                Sha256.of(body));
        }
        finally
        {
            serve.stop(Duration.ofSeconds(20));
            thread.join(20_000);
            out.println();
        }
    }

    /** {@code ustack get} downloads a random file from {@code python3 -m http.server} in the kernel's namespace. */
    private Transfer kernelToUstack(final DemoNetwork network, final Path dir) throws IOException
    {
        out.println("== kernel -> ustack: ustack get downloads a random file from python3 -m http.server");
        final Path served = dir.resolve("served");
        final SecureRandom random = new SecureRandom();
        final byte[] block = new byte[1 << 20];
        try (OutputStream file = Files.newOutputStream(served))
        {
            for (long written = 0; written < bytes; written += block.length)
            {
                random.nextBytes(block);
                file.write(block, 0, (int)Math.min(block.length, bytes - written));
            }
        }
        network.startInKernel("python3", "-u", "-m", "http.server", "8000", "--bind", DemoNetwork.KERNEL_ADDRESS,
            "--directory", dir.toString());
        final Path got = dir.resolve("got");
        final long startNs = System.nanoTime();
        final int code = UstackCommand.commandLine().execute(withRing("get", "http://" + DemoNetwork.KERNEL_ADDRESS
            + ":8000/served", "--iface", DemoNetwork.USTACK_END, "--netns", network.ustackNamespace(), "--addr",
            DemoNetwork.USTACK_ADDRESS + "/24", "-o", got.toString()));
        final double seconds = (System.nanoTime() - startNs) / 1e9;
        out.println();
        return new Transfer("kernel -> ustack (ustack get <- python)", bytes, seconds, Sha256.of(served),
            code == 0 && Files.exists(got) ? Sha256.of(got) : "(get exited " + code + ")");
    }

    /** A command's arguments followed by the ring options this demo was given. */
    private String[] withRing(final String... arguments)
    {
        final List<String> all = new ArrayList<>(List.of(arguments));
        all.addAll(ringArguments);
        return all.toArray(new String[0]);
    }

    /** The kernel's connections in any state but LISTEN and TIME-WAIT, a few seconds after the transfers. */
    private static String stuckConnections(final DemoNetwork network) throws InterruptedException
    {
        String stuck = "";
        for (int i = 0; i < 50; i++)
        {
            stuck = network.inKernel("ss", "-tan").lines().skip(1)
                .filter(l -> !l.startsWith("LISTEN") && !l.startsWith("TIME-WAIT"))
                .reduce("", (a, b) -> a + b + "\n");
            if (stuck.isEmpty())
            {
                return stuck;
            }
            Thread.sleep(100);
        }
        return stuck;
    }

    private void print(final List<Transfer> transfers, final String stuck)
    {
        out.printf("%-42s %15s %9s %11s  %s%n", "direction", "bytes", "seconds", "Mbit/s", "SHA-256 sent / received");
        for (final Transfer t : transfers)
        {
            out.printf("%-42s %,15d %9.2f %11.1f  %s%n%-42s %15s %9s %11s  %s  %s%n", t.direction(), t.bytes(),
                t.seconds(), t.bytes() * 8 / t.seconds() / 1e6, t.sent(), "", "", "", "", t.received(),
                t.intact() ? "equal" : "DIFFERENT");
        }
        out.println(stuck.isEmpty() ? "kernel's ss -tan: only LISTEN/TIME-WAIT left"
            : "kernel's ss -tan: connections stuck:\n" + stuck);
        final boolean ok = transfers.stream().allMatch(Transfer::intact) && stuck.isEmpty();
        out.println(ok ? "result: OK, every byte arrived intact both ways" : "result: FAILED (see above)");
    }

    /** Deletes the demo's temporary directory; a failure is reported, not thrown (this also runs in the hook). */
    private static void deleteQuietly(final Path dir)
    {
        if (!Files.exists(dir))
        {
            return;
        }
        try (Stream<Path> files = Files.walk(dir))
        {
            for (final Path file : files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList())
            {
                Files.deleteIfExists(file);
            }
        }
        catch (final IOException | UncheckedIOException e)
        {
            System.err.println("ustack demo: could not delete " + dir + ": " + e.getMessage());
        }
    }
}
