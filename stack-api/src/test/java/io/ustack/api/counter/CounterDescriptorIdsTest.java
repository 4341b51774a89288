package io.ustack.api.counter;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link CounterDescriptor} ids are stable: the counters that existed when ids became explicit keep the ids they had
 * ({@code 1000 + position} then), every id is unique, and new counters are appended with increasing ids. The frozen
 * table below is append-only too: a new counter is added at its end in the same change.
 */
@DisplayName("CounterDescriptor type ids")
class CounterDescriptorIdsTest
{
    /** The frozen order: FROZEN[i] has id {@code FIRST_ID + i}. */
    private static final int FIRST_ID = 1000;
    private static final String[] FROZEN = {
        "FRAMES_RECEIVED", // 1000
        "BYTES_RECEIVED", // 1001
        "FRAMES_SENT", // 1002
        "BYTES_SENT", // 1003
        "FRAMES_DISPATCHED", // 1004
        "DESCRIPTORS_DOWN", // 1005
        "DESCRIPTORS_UP", // 1006
        "IPV4_DELIVERED", // 1007
        "IPV4_SENT", // 1008
        "IPV4_FRAGMENTS_SENT", // 1009
        "IPV4_REASSEMBLED", // 1010
        "ARP_REQUESTS_SENT", // 1011
        "ARP_REPLIES_SENT", // 1012
        "ICMP_ECHO_REPLIES_SENT", // 1013
        "ICMP_ERRORS_SENT", // 1014
        "ICMP_ERRORS_RATE_LIMITED", // 1015
        "ICMP_ERRORS_RECEIVED", // 1016
        "UDP_DELIVERED", // 1017
        "UDP_SENT", // 1018
        "TCP_SEGMENTS_RECEIVED", // 1019
        "TCP_SEGMENTS_SENT", // 1020
        "TCP_RETRANSMITS", // 1021
        "TCP_FAST_RETRANSMITS", // 1022
        "TCP_RETRANSMIT_TIMEOUTS", // 1023
        "TCP_TIMEOUT_ABORTS", // 1024
        "TCP_RESETS_SENT", // 1025
        "TCP_RESETS_RECEIVED", // 1026
        "TCP_CHALLENGE_ACKS_SENT", // 1027
        "TCP_CHALLENGE_ACKS_SUPPRESSED", // 1028
        "TCP_ACTIVE_OPENS", // 1029
        "TCP_PASSIVE_OPENS", // 1030
        "LINK_TX_HELD", // 1031
        "TCP_OUTPUT_DEFERRED", // 1032
        "LINK_SEGMENTED_FRAMES_SENT", // 1033
        "IPV4_SEGMENTED_SENT", // 1034
        "IPV4_SEGMENTED_SOFTWARE", // 1035
    };

    @Test
    @DisplayName("every counter keeps its frozen id and place, ids are unique, and later ones were appended in order")
    void idsAreStable()
    {
        final CounterDescriptor[] counters = CounterDescriptor.values();
        final String[] names = Arrays.stream(counters).map(Enum::name).toArray(String[]::new);
        final int[] ids = Arrays.stream(counters).mapToInt(CounterDescriptor::typeId).toArray();
        assertEquals(List.of(), FrozenIds.problems("CounterDescriptor", FROZEN, FIRST_ID, names, ids));
    }

    @Test
    @DisplayName("counter ids and drop reason ids never collide in the counters file")
    void counterIdsStayBelowDropReasonIds()
    {
        final int lowestDropReasonId = Arrays.stream(DropReason.values()).mapToInt(DropReason::typeId).min()
            .orElseThrow();
        for (final CounterDescriptor counter : CounterDescriptor.values())
        {
            assertTrue(counter.typeId() < lowestDropReasonId,
                counter + " has id " + counter.typeId() + ", inside the drop reasons' range from " +
                    lowestDropReasonId);
        }
    }
}
