package io.ustack.cli.bench;

import java.util.List;
import java.util.Locale;

/**
 * {@code results.svg}: one row per case, horizontal bars with 95% error bars; left panel throughput (Mbit/s),
 * right panel round-trip latency (p50 solid, p99 pale). Plain SVG 1.1 that any browser shows.
 */
final class SvgPlot
{
    private static final int LABEL_WIDTH = 300;
    private static final int PANEL_WIDTH = 330;
    private static final int GAP = 40;
    private static final int ROW = 30;
    private static final int TOP = 60;
    private static final int BOTTOM = 40;

    private SvgPlot()
    {
    }

    static String render(final List<CaseResult> cases)
    {
        final int width = LABEL_WIDTH + 2 * PANEL_WIDTH + 2 * GAP;
        final int height = TOP + Math.max(1, cases.size()) * ROW + BOTTOM;
        final StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" " +
            "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", width, height, width, height));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
        svg.append("<text x=\"10\" y=\"20\" font-size=\"15\" font-weight=\"bold\">ustack bench: one connection over " +
            "the in-memory wire (bars: mean, whiskers: 95% CI)</text>\n");
        final int throughputX = LABEL_WIDTH;
        final int latencyX = LABEL_WIDTH + PANEL_WIDTH + GAP;
        double maxThroughput = 0;
        double minLatency = Double.MAX_VALUE;
        double maxLatency = 0;
        for (final CaseResult r : cases)
        {
            if (r.ok())
            {
                maxThroughput = Math.max(maxThroughput, r.throughputMbps().mean() + r.throughputMbps().error());
                minLatency = Math.min(minLatency, r.rttP50Us().mean());
                maxLatency = Math.max(maxLatency, r.rttP99Us().mean());
            }
        }
        final Scale throughput = Scale.linear(throughputX, niceCeiling(maxThroughput));
        final Scale latency = Scale.logarithmic(latencyX, minLatency, maxLatency);
        axis(svg, throughput, height, "throughput, Mbit/s");
        axis(svg, latency, height, "round trip of 64 B, µs, log scale (p50 dark, p99 light)");
        final CaseResult base = cases.isEmpty() ? null : cases.get(0);
        for (int i = 0; i < cases.size(); i++)
        {
            final CaseResult r = cases.get(i);
            final int y = TOP + i * ROW;
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n",
                LABEL_WIDTH - 10, y + ROW / 2 + 4, escape(r.benchCase().labelAgainst(base.benchCase()))));
            if (!r.ok())
            {
                svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#b00\">failed</text>%n",
                    throughputX + 5, y + ROW / 2 + 4));
                continue;
            }
            bar(svg, throughput, y + 5, ROW - 10, r.throughputMbps(), "#3b6fb6");
            bar(svg, latency, y + 3, ROW / 2 - 3, r.rttP50Us(), "#c0504d");
            bar(svg, latency, y + ROW / 2, ROW / 2 - 3, r.rttP99Us(), "#e6a8a6");
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    /** Maps values to x positions in one panel: linear from 0, or logarithmic over whole decades. */
    private record Scale(int x, double min, double max, boolean log)
    {
        static Scale linear(final int x, final double max)
        {
            return new Scale(x, 0, max, false);
        }

        static Scale logarithmic(final int x, final double min, final double max)
        {
            final double low = min > 0 && min < Double.MAX_VALUE ? Math.pow(10, Math.floor(Math.log10(min))) : 1;
            final double high = Math.max(low * 10, max > 0 ? Math.pow(10, Math.ceil(Math.log10(max))) : 10);
            return new Scale(x, low, high, true);
        }

        /** The x position of {@code value}, clamped to the panel. */
        double at(final double value)
        {
            final double fraction = log ? Math.log10(Math.max(value, min) / min) / Math.log10(max / min) :
                Math.max(0, value) / max;
            return x + PANEL_WIDTH * Math.min(1, fraction);
        }

        /** Tick values: quarters of a linear axis, decades of a logarithmic one. */
        double[] ticks()
        {
            if (!log)
            {
                return new double[]{0, max / 4, max / 2, max * 3 / 4, max};
            }
            final int decades = (int)Math.round(Math.log10(max / min));
            final double[] ticks = new double[decades + 1];
            for (int i = 0; i <= decades; i++)
            {
                ticks[i] = min * Math.pow(10, i);
            }
            return ticks;
        }
    }

    private static void axis(final StringBuilder svg, final Scale scale, final int height, final String title)
    {
        final int bottom = height - BOTTOM;
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-weight=\"bold\">%s</text>%n", scale.x(),
            TOP - 20, escape(title)));
        for (final double tick : scale.ticks())
        {
            final double tx = scale.at(tick);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" " +
                "stroke=\"#ddd\"/>%n", tx, TOP - 5, tx, bottom));
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" " +
                "fill=\"#555\">%s</text>%n", tx, bottom + 15, tickLabel(tick)));
        }
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>%n",
            scale.x(), TOP - 5, scale.x(), bottom));
    }

    private static void bar(final StringBuilder svg, final Scale scale, final int y, final int height,
        final Estimate e, final String colour)
    {
        final double end = scale.at(e.mean());
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\">" +
            "<title>%s</title></rect>%n", scale.x(), y, end - scale.x(), height, colour, escape(e.format(1))));
        final double low = scale.at(e.mean() - e.error());
        final double high = scale.at(e.mean() + e.error());
        final double mid = y + height / 2.0;
        svg.append(String.format(Locale.ROOT, "<path d=\"M%.1f %.1f H%.1f M%.1f %.1f V%.1f M%.1f %.1f V%.1f\" " +
                "stroke=\"#222\" fill=\"none\"/>%n", low, mid, high, low, mid - 4, mid + 4, high, mid - 4, mid + 4));
    }

    /** 1, 2 or 5 times a power of ten, at or above {@code value}. */
    static double niceCeiling(final double value)
    {
        if (!(value > 0))
        {
            return 1;
        }
        final double power = Math.pow(10, Math.floor(Math.log10(value)));
        for (final double step : new double[]{1, 2, 5, 10})
        {
            if (step * power >= value)
            {
                return step * power;
            }
        }
        return 10 * power;
    }

    private static String tickLabel(final double value)
    {
        if (value == 0)
        {
            return "0";
        }
        return value >= 100 ? String.format(Locale.ROOT, "%,.0f", value) : String.format(Locale.ROOT, "%.3g", value);
    }

    private static String escape(final String text)
    {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
