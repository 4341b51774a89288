package io.ustack.cli.bench;

import io.ustack.api.config.IdleStrategyKind;
import io.ustack.api.config.RingKind;
import io.ustack.api.config.ThreadingMode;
import io.ustack.api.tcp.TcpPolicies;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("bench matrix: cases from axes, baseline first")
class BenchMatrixTest
{
    static BenchCase baselineCase()
    {
        return new BenchCase(ThreadingMode.SHARED, RingKind.DISRUPTOR, IdleStrategyKind.BACKOFF, 1500, "newreno",
            true, "delayed", LinkKind.MEMORY);
    }

    private static BenchMatrix twoValuesOnThreeAxes()
    {
        return new BenchMatrix(List.of(ThreadingMode.SHARED, ThreadingMode.DEDICATED),
            List.of(RingKind.DISRUPTOR, RingKind.AGRONA), List.of(IdleStrategyKind.BACKOFF), List.of(1500, 9000),
            List.of("newreno"), List.of(true), List.of("delayed"), List.of(LinkKind.MEMORY));
    }

    @Test
    @DisplayName("vary-one: the baseline, then one case per other value of each axis, the rest at the baseline")
    void varyOneChangesOneAxisAtATime()
    {
        final List<BenchCase> cases = twoValuesOnThreeAxes().cases(BenchMatrix.Shape.VARY_ONE);
        assertEquals(4, cases.size(), cases.toString());
        assertEquals(baselineCase(), cases.get(0));
        assertEquals(List.of("baseline", "mode=DEDICATED", "ring=AGRONA", "mtu=9000"),
            cases.stream().map(c -> c.labelAgainst(cases.get(0))).toList());
    }

    @Test
    @DisplayName("cross: every combination once, the baseline first")
    void crossRunsEveryCombination()
    {
        final List<BenchCase> cases = twoValuesOnThreeAxes().cases(BenchMatrix.Shape.CROSS);
        assertEquals(8, cases.size());
        assertEquals(baselineCase(), cases.get(0));
        assertEquals(8, cases.stream().distinct().count());
    }

    @Test
    @DisplayName("--baseline moves the named values to the front of their axes, adding them when missing")
    void baselineOptionReordersAxes()
    {
        final BenchMatrix m = BaselineOption.apply(twoValuesOnThreeAxes(), "mode=DEDICATED, idle=YIELDING",
            TcpPolicies.installed());
        assertEquals(List.of(ThreadingMode.DEDICATED, ThreadingMode.SHARED), m.modes());
        assertEquals(List.of(IdleStrategyKind.YIELDING, IdleStrategyKind.BACKOFF), m.idles());
        final List<BenchCase> cases = m.cases(BenchMatrix.Shape.VARY_ONE);
        assertEquals(ThreadingMode.DEDICATED, cases.get(0).mode());
        assertTrue(cases.stream().anyMatch(c -> c.labelAgainst(cases.get(0)).equals("mode=SHARED")));
    }

    @Test
    @DisplayName("a jumbo MTU gets buffer slots that hold it; 1500 keeps the default slot")
    void slotSizeFollowsMtu()
    {
        assertEquals(2048, BenchCase.slotSizeFor(1500));
        assertEquals(9088, BenchCase.slotSizeFor(9000));
        final BenchCase jumbo = new BenchCase(ThreadingMode.SHARED, RingKind.AGRONA, IdleStrategyKind.BACKOFF, 9000,
            "newreno", false, "immediate", LinkKind.MEMORY);
        assertEquals(9000, jumbo.stackConfig("x").mtu());
        assertFalse(jumbo.stackConfig("x").mtu() + 64 > jumbo.stackConfig("x").bufferSlotSize());
        assertEquals("ring=AGRONA mtu=9000 nagle=off ack=immediate", jumbo.labelAgainst(baselineCase()));
    }

    @Test
    @DisplayName("the link axis: vary-one adds a case per other link, and --baseline link=tap puts TAP first")
    void linkAxisVariesAndTakesABaseline()
    {
        final BenchMatrix m = new BenchMatrix(List.of(ThreadingMode.SHARED), List.of(RingKind.DISRUPTOR),
            List.of(IdleStrategyKind.BACKOFF), List.of(1500), List.of("newreno"), List.of(true), List.of("delayed"),
            List.of(LinkKind.MEMORY, LinkKind.AF_PACKET, LinkKind.TAP));
        assertEquals(List.of("baseline", "link=af_packet", "link=tap"), m.cases(BenchMatrix.Shape.VARY_ONE).stream()
            .map(c -> c.labelAgainst(baselineCase())).toList());
        final BenchMatrix tapFirst = BaselineOption.apply(m, "link=tap", TcpPolicies.installed());
        assertEquals(List.of(LinkKind.TAP, LinkKind.MEMORY, LinkKind.AF_PACKET), tapFirst.links());
        assertEquals("af_packet", tapFirst.cases(BenchMatrix.Shape.VARY_ONE).get(2).axes().get("link"));
    }
}
