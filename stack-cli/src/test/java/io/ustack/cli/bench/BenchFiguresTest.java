package io.ustack.cli.bench;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("bench figures: estimates, percentiles, sizes and JSON")
class BenchFiguresTest
{
    @Test
    @DisplayName("the error bar is Student's t (95%, n-1 df) times the standard error of the mean")
    void estimateUsesStudentT()
    {
        final Estimate e = Estimate.of(new double[]{10, 12, 14});
        assertEquals(12, e.mean(), 1e-12);
        // sample sd = 2, standard error = 2 / sqrt(3), t(0.975, 2) = 4.303
        assertEquals(4.303 * 2 / Math.sqrt(3), e.error(), 1e-9);
        assertEquals(0, Estimate.of(new double[]{7}).error(), "one sample: no error bar");
        assertThrows(IllegalArgumentException.class, () -> Estimate.of(new double[0]));
    }

    @Test
    @DisplayName("a ratio carries both relative errors in quadrature; the baseline against itself is exactly 1")
    void ratioPropagatesErrors()
    {
        final Estimate a = new Estimate(200, 20, new double[]{200});
        final Estimate b = new Estimate(100, 5, new double[]{100});
        final Estimate r = a.ratioTo(b);
        assertEquals(2, r.mean(), 1e-12);
        assertEquals(2 * Math.hypot(0.1, 0.05), r.error(), 1e-12);
        assertEquals(0, b.ratioTo(b).error());
    }

    @Test
    @DisplayName("percentiles by nearest rank: p50 of 1..100 is 50, p99 is 99, p100 the maximum")
    void nearestRankPercentiles()
    {
        final long[] values = new long[100];
        Arrays.setAll(values, i -> i + 1);
        assertEquals(50, Estimate.percentile(values, 100, 0.50));
        assertEquals(99, Estimate.percentile(values, 100, 0.99));
        assertEquals(100, Estimate.percentile(values, 100, 1.0));
        assertEquals(1, Estimate.percentile(values, 1, 0.99), "one sample is every percentile");
    }

    @Test
    @DisplayName("sizes take binary suffixes; anything else names the option and an example")
    void byteSizes()
    {
        assertEquals(10L << 30, ArgumentParsing.bytes("--x", "10GiB"));
        assertEquals(256L << 20, ArgumentParsing.bytes("--x", "256m"));
        assertEquals(65_536, ArgumentParsing.bytes("--x", "64KiB"));
        assertEquals(123, ArgumentParsing.bytes("--x", "123"));
        final IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
            () -> ArgumentParsing.bytes("--x", "-5"));
        assertTrue(bad.getMessage().contains("--x -5: give a byte count"), bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ArgumentParsing.bytes("--x", "99999999999999GiB"));
    }

    @Test
    @DisplayName("idle targets are sorted, duplicates dropped; 'none' skips the part")
    void idleTargets()
    {
        assertEquals(List.of(100, 10_000), ArgumentParsing.idleTargets("10000,100,100"));
        assertEquals(List.of(), ArgumentParsing.idleTargets("none"));
    }

    @Test
    @DisplayName("JSON: escapes, key order, non-finite numbers as null; read back equal")
    @SuppressWarnings("unchecked")
    void jsonRoundTrip()
    {
        final Map<String, Object> value = new LinkedHashMap<>();
        value.put("text", "quote \" backslash \\ newline \n tab \t bell \u0007 µs");
        value.put("number", 1.5);
        value.put("count", 3);
        value.put("nan", Double.NaN);
        value.put("flag", true);
        value.put("list", List.of(1, "two"));
        value.put("samples", new double[]{0.25, 4});
        final Map<String, Object> back = (Map<String, Object>)JsonReader.parse(JsonWriter.write(value));
        assertEquals(List.of("text", "number", "count", "nan", "flag", "list", "samples"), List.copyOf(back.keySet()));
        assertEquals(value.get("text"), back.get("text"));
        assertEquals(1.5, back.get("number"));
        assertEquals(3.0, back.get("count"));
        assertEquals(null, back.get("nan"));
        assertEquals(true, back.get("flag"));
        assertEquals(List.of(1.0, "two"), back.get("list"));
        assertEquals(List.of(0.25, 4.0), back.get("samples"));
    }

    @Test
    @DisplayName("plot scales end on 1, 2 or 5 times a power of ten")
    void niceCeilings()
    {
        assertEquals(2000, SvgPlot.niceCeiling(1064));
        assertEquals(500, SvgPlot.niceCeiling(500));
        assertEquals(0.1, SvgPlot.niceCeiling(0.07), 1e-12);
        assertEquals(1, SvgPlot.niceCeiling(0));
    }

    @Test
    @DisplayName("young collectors of G1, Serial, Parallel, ZGC and Shenandoah are told from old ones")
    void youngCollectorNames()
    {
        for (final String young : List.of("G1 Young Generation", "Copy", "PS Scavenge", "ParNew", "ZGC Minor Cycles",
            "Shenandoah Young Cycles"))
        {
            assertTrue(GarbageRun.isYoung(young), young);
        }
        for (final String old : List.of("G1 Old Generation", "MarkSweepCompact", "PS MarkSweep", "ZGC Major Cycles"))
        {
            assertTrue(!GarbageRun.isYoung(old), old);
        }
    }
}
