package io.ustack.jni;

import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;

/**
 * Looks up Linux network interfaces by name, as the AF_PACKET driver needs to bind to one.
 *
 * <p>{@link #index(String)} is the checked entry point: it validates the name, loads the native library and says why
 * if it cannot. The {@code native} methods are the raw JNI calls; they work once {@link NativeLibrary#load()} has
 * succeeded (this class tries it when first used) and otherwise throw the JVM's bare {@link UnsatisfiedLinkError}.
 */
public final class NetInterfaces
{
    /** Longest interface name in bytes: {@code IFNAMSIZ} (16) less the terminating NUL. */
    public static final int MAX_NAME_BYTES = 15;

    static
    {
        // Binds the native methods below if the library can be loaded; a failure is reported by index(String).
        NativeLibrary.isAvailable();
    }

    private NetInterfaces()
    {
    }

    /**
     * Finds an interface's index, the number {@code sockaddr_ll.sll_ifindex} takes.
     *
     * @param name an interface name such as {@code "eth0"} or {@code "lo"}
     * @return the index, or empty if the host has no interface of that name
     * @throws IllegalArgumentException if the name could not name any Linux interface, saying what to fix
     * @throws UnsatisfiedLinkError     if the native driver is unavailable on this platform or build
     * @throws IllegalStateException    if the lookup itself failed (for example, out of file descriptors)
     */
    public static OptionalInt index(final String name)
    {
        validateName(name);
        NativeLibrary.load();
        final int index = indexOf(name);
        return index > 0 ? OptionalInt.of(index) : OptionalInt.empty();
    }

    /**
     * Checks a name against the rules of the Linux kernel ({@code dev_valid_name} in {@code net/core/dev.c}).
     *
     * @param name the interface name to check
     * @throws IllegalArgumentException saying what is wrong with it
     */
    public static void validateName(final String name)
    {
        if (name == null)
        {
            throw new IllegalArgumentException("interface name is null: give the name of a network interface, " +
                "such as eth0 (ip link lists them)");
        }
        final int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes == 0 || bytes > MAX_NAME_BYTES)
        {
            throw new IllegalArgumentException("interface name \"" + name + "\" is " + bytes + " bytes: Linux " +
                "interface names are 1 to " + MAX_NAME_BYTES + " bytes long");
        }
        if (name.equals(".") || name.equals(".."))
        {
            throw new IllegalArgumentException("interface name \"" + name + "\" is not allowed by Linux: " +
                "use the name of a network interface, such as eth0");
        }
        for (int i = 0; i < name.length(); i++)
        {
            final char c = name.charAt(i);
            if (c == '/' || c == ':' || Character.isWhitespace(c) || Character.isISOControl(c) ||
                Character.isSurrogate(c))
            {
                throw new IllegalArgumentException("interface name \"" + name + "\" contains " + describe(c) +
                    " at index " + i + ": Linux interface names cannot contain '/', ':', whitespace or control " +
                    "characters (and ustack takes none beyond U+FFFF)");
            }
        }
    }

    /**
     * Raw {@code if_nametoindex(3)}; call {@link #index(String)} unless the name is already validated.
     *
     * @param interfaceName the interface name, not null
     * @return the interface index, or 0 if there is no such interface
     * @throws IllegalStateException if the lookup failed for another reason than a missing interface
     */
    public static native int indexOf(String interfaceName);

    /**
     * Identifies the loaded library, fixed when it was compiled.
     *
     * @return for example {@code "ustack-native 1 (gcc 12.2.0)"}
     */
    public static native String nativeVersion();

    private static String describe(final char c)
    {
        return Character.isWhitespace(c) || Character.isISOControl(c) || Character.isSurrogate(c) ?
            String.format("character U+%04X", (int)c) : "'" + c + "'";
    }
}
