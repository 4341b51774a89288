package io.ustack.jni;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Loads {@code libustack.so}, the JNI half of the AF_PACKET and TAP link drivers, once per class loader.
 *
 * <p>The library is built by this module's Maven build on Linux x86_64 and packed into the jar at {@link #RESOURCE}.
 * {@link #load()} copies it to a temporary file unique to this process (deleted when the JVM exits) and passes that to
 * {@link System#load(String)}. Setting the system property {@value #PATH_PROPERTY} to a {@code .so} file loads that
 * file instead, for a library built by hand or a temporary directory mounted {@code noexec}.
 *
 * <p>The first call decides: the library is loaded at most once, and if that fails every later call reports the same
 * reason (a JVM cannot unload a library to retry cleanly). Any thread may call; the JVM's class initialisation lock
 * makes the first attempt happen exactly once.
 */
public final class NativeLibrary
{
    /** System property naming a {@code libustack.so} to load instead of the one in the jar. */
    public static final String PATH_PROPERTY = "ustack.native.path";

    /** Where the build puts the library on the classpath (see {@code native/pom.xml}). */
    public static final String RESOURCE = "/native/linux-x86_64/libustack.so";

    private static final AtomicInteger SYSTEM_LOAD_CALLS = new AtomicInteger();

    private NativeLibrary()
    {
    }

    /**
     * Loads the library if no earlier call has; does nothing after a success.
     *
     * @throws UnsatisfiedLinkError saying why the library cannot be used: a platform other than Linux x86_64, a jar
     *                              built without it, or the underlying I/O or linking failure (as the cause)
     */
    public static void load()
    {
        final Throwable failure = Outcome.FAILURE;
        if (failure != null)
        {
            // A fresh error each time, so the stack trace shows this caller; the first failure is the cause.
            final UnsatisfiedLinkError error = new UnsatisfiedLinkError(failure.getMessage());
            error.initCause(failure);
            throw error;
        }
    }

    /**
     * Loads the library if no earlier call has, without throwing.
     *
     * @return true if the native driver is usable in this JVM; {@link #load()} says why when it is not
     */
    public static boolean isAvailable()
    {
        return Outcome.FAILURE == null;
    }

    /**
     * The file the library was loaded from.
     *
     * @return its absolute path
     * @throws UnsatisfiedLinkError as {@link #load()}
     */
    public static Path path()
    {
        load();
        return Outcome.PATH;
    }

    /** For tests: how many times this class has called {@link System#load(String)}. */
    static int systemLoadCalls()
    {
        return SYSTEM_LOAD_CALLS.get();
    }

    /**
     * Says why a platform has no packed library.
     *
     * @return null if the jar has a library for {@code osName}/{@code osArch} (as in the {@code os.name} and
     *         {@code os.arch} properties), otherwise the message {@link #load()} throws
     */
    static String unsupportedPlatformReason(final String osName, final String osArch)
    {
        final String arch = osArch.toLowerCase(Locale.ROOT);
        if (osName.toLowerCase(Locale.ROOT).startsWith("linux") && (arch.equals("amd64") || arch.equals("x86_64")))
        {
            return null;
        }
        return "native driver not built for " + osName + "/" + osArch +
            "; AF_PACKET and TAP endpoints need Linux x86_64 (use the in-memory link elsewhere)";
    }

    /**
     * Checks the value of {@value #PATH_PROPERTY}.
     *
     * @return the library file as an absolute path, which {@link System#load(String)} requires
     * @throws UnsatisfiedLinkError if it does not name a readable regular file
     */
    static Path overridePath(final String value)
    {
        final Path path = Path.of(value).toAbsolutePath();
        if (!Files.isRegularFile(path) || !Files.isReadable(path))
        {
            throw new UnsatisfiedLinkError("-D" + PATH_PROPERTY + "=" + value + " does not name a readable file (" +
                path + "); point it at a libustack.so built by module native, or unset it to use the one in the jar");
        }
        return path;
    }

    private static Path loadOnce() throws IOException
    {
        final String override = System.getProperty(PATH_PROPERTY);
        final Path path = override != null ? overridePath(override) : extract();
        SYSTEM_LOAD_CALLS.incrementAndGet();
        try
        {
            System.load(path.toString());
        }
        catch (final UnsatisfiedLinkError ex)
        {
            final UnsatisfiedLinkError error = new UnsatisfiedLinkError("cannot load the native driver from " + path +
                ": " + ex.getMessage() + (override != null ? "" : "; if " + path.getParent() + " is mounted noexec, " +
                "set -Djava.io.tmpdir to another directory or -D" + PATH_PROPERTY + " to a copy of the library"));
            error.initCause(ex);
            throw error;
        }
        return path;
    }

    private static Path extract() throws IOException
    {
        final String reason = unsupportedPlatformReason(System.getProperty("os.name"), System.getProperty("os.arch"));
        if (reason != null)
        {
            throw new UnsatisfiedLinkError(reason);
        }

        try (InputStream in = NativeLibrary.class.getResourceAsStream(RESOURCE))
        {
            if (in == null)
            {
                throw new UnsatisfiedLinkError("native driver " + RESOURCE + " is not on the classpath: this jar of " +
                    "module native was built without gcc or off Linux x86_64; rebuild it there, or set -D" +
                    PATH_PROPERTY + "=/path/to/libustack.so");
            }
            // The process id in the name helps whoever finds it in /tmp; createTempFile makes it unique regardless.
            final Path file = Files.createTempFile("libustack-" + ProcessHandle.current().pid() + "-", ".so");
            file.toFile().deleteOnExit();
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            return file;
        }
    }

    /** The outcome of the one load attempt, made when this class is first used (lazy, thread-safe, once). */
    private static final class Outcome
    {
        static final Path PATH;
        static final Throwable FAILURE;

        static
        {
            Path path = null;
            Throwable failure = null;
            try
            {
                path = loadOnce();
            }
            catch (final UnsatisfiedLinkError ex)
            {
                failure = ex;
            }
            catch (final IOException | RuntimeException ex)
            {
                failure = new UnsatisfiedLinkError("cannot extract the native driver " + RESOURCE + ": " + ex);
                failure.initCause(ex);
            }
            PATH = path;
            FAILURE = failure;
        }
    }
}
