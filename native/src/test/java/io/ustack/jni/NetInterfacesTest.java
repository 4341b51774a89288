package io.ustack.jni;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NetInterfacesTest
{
    @Nested
    @EnabledOnOs(OS.LINUX)
    @EnabledIfSystemProperty(named = "os.arch", matches = "amd64|x86_64")
    @DisplayName("on Linux x86_64, through libustack.so")
    class Native
    {
        @Test
        @DisplayName("the loopback interface lo has a positive index")
        void loopbackHasAnIndex()
        {
            final OptionalInt index = NetInterfaces.index("lo");
            assertTrue(index.isPresent() && index.getAsInt() > 0, () -> "lo: " + index);
        }

        @Test
        @DisplayName("the raw indexOf agrees with index() for lo")
        void rawCallAgrees()
        {
            assertEquals(NetInterfaces.index("lo").orElseThrow(), NetInterfaces.indexOf("lo"));
        }

        @Test
        @DisplayName("a well-formed name no interface has gives empty, not an error")
        void missingInterfaceIsEmpty()
        {
            assertEquals(OptionalInt.empty(), NetInterfaces.index("ustack-nosuch0"));
            assertEquals(0, NetInterfaces.indexOf("ustack-nosuch0"));
        }

        @Test
        @DisplayName("the raw indexOf throws NullPointerException for null instead of crashing the JVM")
        void rawCallRejectsNull()
        {
            assertThrows(NullPointerException.class, () -> NetInterfaces.indexOf(null));
        }

        @Test
        @DisplayName("nativeVersion() names the library and the compiler that built it")
        void versionNamesTheLibrary()
        {
            final String version = NetInterfaces.nativeVersion();
            assertTrue(version.startsWith("ustack-native 2 (gcc "), version);
        }
    }

    @Nested
    @DisplayName("name validation, before any native call")
    class Validation
    {
        @Test
        @DisplayName("an empty name is refused with the allowed length")
        void emptyName()
        {
            assertRefused("", "is 0 bytes: Linux interface names are 1 to 15 bytes long");
        }

        @Test
        @DisplayName("a 16-byte name is refused: IFNAMSIZ is 16 including the NUL")
        void sixteenBytes()
        {
            assertRefused("abcdefghijklmnop", "is 16 bytes: Linux interface names are 1 to 15 bytes long");
        }

        @Test
        @DisplayName("length counts UTF-8 bytes, not chars")
        void lengthInBytes()
        {
            assertRefused("\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e98", "is 17 bytes");
        }

        @Test
        @DisplayName("a 15-byte name is accepted")
        void fifteenBytes()
        {
            assertDoesNotThrow(() -> NetInterfaces.validateName("abcdefghijklmno"));
        }

        @ParameterizedTest(name = "\"{0}\"")
        @ValueSource(strings = {"eth/0", "eth:0", "eth 0", "eth\t0", "eth\u00000"})
        @DisplayName("'/', ':', whitespace and control characters are refused with where they are")
        void forbiddenCharacters(final String name)
        {
            assertRefused(name, "at index 3: Linux interface names cannot contain '/', ':', whitespace");
        }

        @ParameterizedTest(name = "\"{0}\"")
        @ValueSource(strings = {".", ".."})
        @DisplayName("\".\" and \"..\" are refused")
        void dots(final String name)
        {
            assertRefused(name, "is not allowed by Linux");
        }

        @Test
        @DisplayName("null is refused with an example of a name")
        void nullName()
        {
            assertRefused(null, "interface name is null: give the name of a network interface, such as eth0");
        }

        private void assertRefused(final String name, final String expected)
        {
            final IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> NetInterfaces.index(name));
            assertTrue(error.getMessage().contains(expected), () -> "\"" + error.getMessage() + "\" should say \"" +
                expected + "\"");
        }
    }
}
