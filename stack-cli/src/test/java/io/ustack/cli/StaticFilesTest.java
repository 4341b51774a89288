package io.ustack.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** {@code http=DIR}: request paths map to files under DIR only (RFC 3986 §2.1 percent-decoding, then checks). */
@DisplayName("serve http=DIR path lookup")
class StaticFilesTest
{
    private Path base;
    private Path root;
    private StaticFiles files;

    @BeforeEach
    void tree() throws Exception
    {
        base = Files.createTempDirectory("ustack-static-");
        root = Files.createDirectories(base.resolve("www"));
        Files.createDirectories(root.resolve("sub"));
        Files.writeString(root.resolve("sub/a.txt"), "a");
        Files.writeString(root.resolve("é.txt"), "e");
        Files.writeString(base.resolve("secret"), "s");
        Files.createSymbolicLink(root.resolve("out"), base.resolve("secret"));
        Files.createSymbolicLink(root.resolve("in"), root.resolve("sub/a.txt"));
        files = new StaticFiles(root);
    }

    @AfterEach
    void remove() throws Exception
    {
        try (Stream<Path> all = Files.walk(base))
        {
            for (final Path p : all.sorted(Comparator.reverseOrder()).toList())
            {
                Files.delete(p);
            }
        }
    }

    private int status(final String path)
    {
        return files.lookup(path).status();
    }

    @Test
    @DisplayName("files, percent-encoded UTF-8 names, directories and links inside DIR are found")
    void inside() throws Exception
    {
        assertEquals(root.resolve("sub/a.txt").toRealPath(), files.lookup("/sub/a.txt").path());
        assertEquals(200, status("/%C3%A9.txt"));
        assertEquals(200, status("/sub/"));
        assertEquals(200, status("/"));
        assertEquals(200, status("/in"));
        assertEquals(200, status("/sub/./a.txt"));
    }

    @Test
    @DisplayName("dot-dot segments (plain or %2e%2e), NUL, backslash and a symlink out of DIR are 403")
    void escapes()
    {
        for (final String path : new String[]{"/../secret", "/%2e%2e/secret", "/%2E%2E/secret", "/sub/../../secret",
            "/sub/..", "/a%00b", "/..%5csecret", "/out"})
        {
            assertEquals(403, status(path), path);
            assertNull(files.lookup(path).path(), path);
        }
    }

    @Test
    @DisplayName("a missing file is 404; a bad escape or invalid UTF-8 is 400")
    void missingAndMalformed()
    {
        assertEquals(404, status("/nothing"));
        assertEquals(404, status("/sub/nothing"));
        assertEquals(400, status("/%zz"));
        assertEquals(400, status("/%c3"));
        assertEquals(400, status("/%"));
        assertEquals(400, status("/a b"));
        assertNull(StaticFiles.decode("/%ff"));
        assertEquals("/a b", StaticFiles.decode("/a%20b"));
    }
}
