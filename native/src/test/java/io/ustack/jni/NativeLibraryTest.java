package io.ustack.jni;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NativeLibraryTest
{
    @Test
    @EnabledOnOs(OS.LINUX)
    @EnabledIfSystemProperty(named = "os.arch", matches = "amd64|x86_64")
    @DisplayName("load() twice and from many threads calls System.load once, from one temp file")
    void loadsOnce() throws Exception
    {
        NativeLibrary.load();
        NativeLibrary.load();
        final Path path = NativeLibrary.path();

        final ExecutorService pool = Executors.newFixedThreadPool(8);
        try
        {
            final List<Future<Path>> paths = new ArrayList<>();
            for (int i = 0; i < 32; i++)
            {
                final Callable<Path> task = NativeLibrary::path;
                paths.add(pool.submit(task));
            }
            for (final Future<Path> each : paths)
            {
                assertEquals(path, each.get());
            }
        }
        finally
        {
            pool.shutdown();
        }

        assertTrue(NativeLibrary.isAvailable());
        assertEquals(1, NativeLibrary.systemLoadCalls());
        assertTrue(Files.isRegularFile(path), () -> path + " should stay until the JVM exits");
        assertTrue(path.getFileName().toString().startsWith("libustack-" + ProcessHandle.current().pid() + "-"),
            () -> path + " should name this process");
    }

    @Test
    @DisplayName("Linux amd64 and x86_64 have a packed library")
    void linuxX8664IsSupported()
    {
        assertNull(NativeLibrary.unsupportedPlatformReason("Linux", "amd64"));
        assertNull(NativeLibrary.unsupportedPlatformReason("Linux", "x86_64"));
    }

    @Test
    @DisplayName("another platform is told the native driver was not built for it and what needs Linux x86_64")
    void otherPlatformsAreExplained()
    {
        assertEquals("native driver not built for Mac OS X/aarch64; AF_PACKET and TAP endpoints need Linux x86_64 " +
            "(use the in-memory link elsewhere)", NativeLibrary.unsupportedPlatformReason("Mac OS X", "aarch64"));
        assertTrue(NativeLibrary.unsupportedPlatformReason("Linux", "aarch64").contains("not built for Linux/aarch64"));
    }

    @Test
    @DisplayName("-Dustack.native.path naming a missing file is rejected with the path and the fix")
    void missingOverrideIsExplained()
    {
        final UnsatisfiedLinkError error = assertThrows(UnsatisfiedLinkError.class,
            () -> NativeLibrary.overridePath("no/such/libustack.so"));
        assertTrue(error.getMessage().contains("-Dustack.native.path=no/such/libustack.so does not name a readable " +
            "file"), error::getMessage);
    }
}
