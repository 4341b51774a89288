package io.ustack.api.net;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("MAC and IPv4 address helpers")
class AddressTest
{
    @Test
    @DisplayName("MAC addresses parse and print in both separators, and bad ones say the expected form")
    void macRoundTrip()
    {
        assertEquals("02:00:00:00:00:01", MacAddress.parse("02-00-00-00-00-01").toString());
        assertEquals(0x0A1B_2C3D_4E5FL, MacAddress.parse("0a:1b:2c:3d:4e:5f").bits());
        assertTrue(MacAddress.isGroup(MacAddress.BROADCAST));
        assertTrue(MacAddress.isGroup(0x0100_5E00_0001L));
        assertEquals(false, MacAddress.isGroup(0x0200_0000_0001L));
        final IllegalArgumentException e =
            assertThrows(IllegalArgumentException.class, () -> MacAddress.parse("02:00:00:00:00:zz"));
        assertTrue(e.getMessage().contains("'zz' is not a hex byte"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MacAddress.parse("02:00:00:00:00"));
    }

    @Test
    @DisplayName("IPv4 addresses parse to network-order ints and back; bad octets are refused")
    void ipv4RoundTrip()
    {
        assertEquals(0xC612_0001, Ipv4Address.parse("198.18.0.1"));
        assertEquals("198.18.0.1", Ipv4Address.toString(0xC612_0001));
        assertEquals("255.255.255.255", Ipv4Address.toString(-1));
        assertThrows(IllegalArgumentException.class, () -> Ipv4Address.parse("256.1.1.1"));
        assertThrows(IllegalArgumentException.class, () -> Ipv4Address.parse("1.1.1"));
        assertThrows(IllegalArgumentException.class, () -> Ipv4Address.parse("1.1.1.-1"));
        assertThrows(IllegalArgumentException.class, () -> Ipv4Address.parse(""));
    }
}
