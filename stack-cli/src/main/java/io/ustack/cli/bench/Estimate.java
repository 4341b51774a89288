package io.ustack.cli.bench;

import java.util.Arrays;

/**
 * A figure measured several times: the mean of the repeats and the half-width of its 95% confidence interval
 * (Student's t with n-1 degrees of freedom times the standard error). With one repeat the error is unknown and
 * reported as 0 with {@code n = 1}.
 *
 * @param mean    mean of the samples
 * @param error   95% confidence half-width of the mean
 * @param samples the repeats, in the order measured
 */
record Estimate(double mean, double error, double[] samples)
{
    /** Two-sided 95% quantiles of Student's t for 1..30 degrees of freedom. */
    private static final double[] T95 = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
        2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060,
        2.056, 2.052, 2.048, 2.045, 2.042};

    /** The estimate from repeated measurements (at least one). */
    static Estimate of(final double[] samples)
    {
        if (samples.length == 0)
        {
            throw new IllegalArgumentException("an estimate needs at least one sample");
        }
        final double mean = Arrays.stream(samples).average().orElseThrow();
        if (samples.length == 1)
        {
            return new Estimate(mean, 0, samples.clone());
        }
        double squares = 0;
        for (final double x : samples)
        {
            squares += (x - mean) * (x - mean);
        }
        final int df = samples.length - 1;
        final double standardError = Math.sqrt(squares / df / samples.length);
        final double t = df <= T95.length ? T95[df - 1] : 1.96;
        return new Estimate(mean, t * standardError, samples.clone());
    }

    /**
     * This estimate divided by {@code base}, its relative errors added in quadrature (first-order propagation for
     * independent figures).
     */
    Estimate ratioTo(final Estimate base)
    {
        if (base == this)
        {
            return new Estimate(1, 0, new double[]{1}); // the baseline against itself: exactly 1
        }
        final double ratio = mean / base.mean;
        final double relative = Math.hypot(error / mean, base.error / base.mean);
        return new Estimate(ratio, Math.abs(ratio) * relative, new double[]{ratio});
    }

    /** Number of repeats. */
    int n()
    {
        return samples.length;
    }

    /** "12.3 ± 0.4" with the given number of decimals. */
    String format(final int decimals)
    {
        return String.format("%,." + decimals + "f ± %,." + decimals + "f", mean, error);
    }

    /**
     * The nearest-rank percentile of sorted samples: the smallest value with at least {@code fraction} of the
     * samples at or below it.
     */
    static long percentile(final long[] sorted, final int count, final double fraction)
    {
        final int rank = (int)Math.ceil(fraction * count);
        return sorted[Math.max(0, Math.min(count - 1, rank - 1))];
    }
}
