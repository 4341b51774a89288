package io.ustack.api.counter;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link DropReason} ids are stable: the reasons that existed when ids became explicit keep the ids they had
 * ({@code 2000 + position} then), every id is unique, and new reasons are appended with increasing ids. The frozen
 * table below is append-only too: a new reason is added at its end in the same change.
 */
@DisplayName("DropReason type ids")
class DropReasonIdsTest
{
    /** The frozen order: FROZEN[i] has id {@code FIRST_ID + i}. */
    private static final int FIRST_ID = 2000;
    private static final String[] FROZEN = {
        "LINK_FRAME_TOO_SHORT", // 2000
        "LINK_FRAME_TOO_LONG", // 2001
        "LINK_BAD_FCS", // 2002
        "LINK_NOT_FOR_US", // 2003
        "LINK_UNKNOWN_ETHERTYPE", // 2004
        "LINK_TX_REFUSED", // 2005
        "LINK_CHECKSUM_PARTIAL", // 2006
        "LINK_TRUNCATED_BY_RING", // 2007
        "POOL_EXHAUSTED_RX", // 2008
        "POOL_EXHAUSTED_TX", // 2009
        "RING_FULL_UP", // 2010
        "RING_FULL_DOWN", // 2011
        "SHUTDOWN_DISCARDED", // 2012
        "RING_FULL_TO_TRANSPORT", // 2013
        "RING_FULL_FROM_TRANSPORT", // 2014
        "HANDOFF_TOO_LARGE", // 2015
        "IPV4_TRUNCATED", // 2016
        "IPV4_BAD_VERSION", // 2017
        "IPV4_BAD_HEADER_LENGTH", // 2018
        "IPV4_BAD_TOTAL_LENGTH", // 2019
        "IPV4_BAD_CHECKSUM", // 2020
        "IPV4_BAD_OPTIONS", // 2021
        "ARP_TRUNCATED", // 2022
        "ARP_UNSUPPORTED_FORMAT", // 2023
        "ARP_BAD_OPERATION", // 2024
        "ICMP_TRUNCATED", // 2025
        "ICMP_BAD_CHECKSUM", // 2026
        "IPV4_NOT_FOR_US", // 2027
        "IPV4_BAD_SOURCE", // 2028
        "IPV4_TTL_EXPIRED", // 2029
        "IPV4_UNKNOWN_PROTOCOL", // 2030
        "IPV4_FRAGMENT_OVERLAP", // 2031
        "IPV4_FRAGMENT_DUPLICATE", // 2032
        "IPV4_REASSEMBLY_TOO_LARGE", // 2033
        "IPV4_REASSEMBLY_TIMEOUT", // 2034
        "IPV4_REASSEMBLY_MEMORY_LIMIT", // 2035
        "IPV4_NO_ROUTE", // 2036
        "IPV4_TOO_BIG_DONT_FRAGMENT", // 2037
        "ARP_NOT_FOR_US", // 2038
        "ARP_BAD_SENDER", // 2039
        "ARP_RESOLUTION_FAILED", // 2040
        "ARP_HOLD_QUEUE_FULL", // 2041
        "ICMP_UNHANDLED_TYPE", // 2042
        "ICMP_ERROR_UNMATCHED", // 2043
        "ICMP_ECHO_REPLY_UNMATCHED", // 2044
        "UDP_TRUNCATED", // 2045
        "UDP_BAD_LENGTH", // 2046
        "UDP_BAD_CHECKSUM", // 2047
        "UDP_NO_SOCKET", // 2048
        "UDP_RECEIVE_QUEUE_FULL", // 2049
        "UDP_NOT_FROM_PEER", // 2050
        "TCP_TRUNCATED", // 2051
        "TCP_BAD_DATA_OFFSET", // 2052
        "TCP_BAD_OPTION", // 2053
        "TCP_BAD_CHECKSUM", // 2054
        "TCP_NO_CONNECTION", // 2055
        "TCP_LISTEN_NOT_SYN", // 2056
        "TCP_LISTEN_OVERFLOW", // 2057
        "TCP_SYN_SENT_BAD_ACK", // 2058
        "TCP_OUT_OF_WINDOW", // 2059
        "TCP_RST_CHALLENGED", // 2060
        "TCP_SYN_CHALLENGED", // 2061
        "TCP_ACK_OUT_OF_RANGE", // 2062
        "TCP_NO_ACK", // 2063
        "TCP_RECEIVE_RANGES_FULL", // 2064
        "TCP_PAWS_REJECTED", // 2065
        "ARP_CACHE_FULL", // 2066
        "LINK_SEGMENTATION_UNSUPPORTED", // 2067
    };

    @Test
    @DisplayName("every reason keeps its frozen id and place, ids are unique, and later ones were appended in order")
    void idsAreStable()
    {
        final DropReason[] reasons = DropReason.values();
        final String[] names = Arrays.stream(reasons).map(Enum::name).toArray(String[]::new);
        final int[] ids = Arrays.stream(reasons).mapToInt(DropReason::typeId).toArray();
        assertEquals(List.of(), problems(names, ids));
    }

    @Test
    @DisplayName("the check catches an insert, a reorder, a renumbering, a removal and a duplicate id")
    void checkCatchesEachMistake()
    {
        final String[] names = FROZEN.clone();
        final int[] ids = new int[names.length];
        Arrays.setAll(ids, i -> FIRST_ID + i);
        assertEquals(List.of(), problems(names, ids), "the frozen table itself");

        final String[] inserted = new String[names.length + 1];
        final int[] insertedIds = new int[ids.length + 1];
        inserted[0] = "NEW_REASON";
        insertedIds[0] = FIRST_ID + names.length;
        System.arraycopy(names, 0, inserted, 1, names.length);
        System.arraycopy(ids, 0, insertedIds, 1, ids.length);
        assertMentions(problems(inserted, insertedIds), "append new constants at the end");

        final String[] swapped = names.clone();
        swapped[0] = names[1];
        swapped[1] = names[0];
        final int[] swappedIds = ids.clone();
        swappedIds[0] = ids[1];
        swappedIds[1] = ids[0];
        assertMentions(problems(swapped, swappedIds), "never reorder");

        final int[] renumbered = ids.clone();
        renumbered[3] = 4000;
        assertMentions(problems(names, renumbered), "has id 4000, frozen as " + (FIRST_ID + 3));

        assertMentions(problems(Arrays.copyOf(names, names.length - 1), Arrays.copyOf(ids, ids.length - 1)),
            "missing");

        final String[] appended = Arrays.copyOf(names, names.length + 2);
        final int[] appendedIds = Arrays.copyOf(ids, ids.length + 2);
        appended[names.length] = "FIRST_NEW";
        appended[names.length + 1] = "SECOND_NEW";
        appendedIds[names.length] = FIRST_ID + names.length;
        appendedIds[names.length + 1] = FIRST_ID + names.length;
        assertMentions(problems(appended, appendedIds), "the same id");
        appendedIds[names.length + 1] = FIRST_ID + names.length + 1;
        assertEquals(List.of(), problems(appended, appendedIds), "two reasons appended with the next ids");
    }

    private static void assertMentions(final List<String> problems, final String part)
    {
        assertTrue(problems.stream().anyMatch(p -> p.contains(part)), part + " not in " + problems);
    }

    /** What is wrong with reasons {@code names} (declaration order) carrying {@code ids}; empty when nothing is. */
    private static List<String> problems(final String[] names, final int[] ids)
    {
        return FrozenIds.problems("DropReason", FROZEN, FIRST_ID, names, ids);
    }
}
