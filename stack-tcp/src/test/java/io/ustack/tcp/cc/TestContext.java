package io.ustack.tcp.cc;

import io.ustack.api.tcp.CongestionContext;

/** A connection stand-in whose numbers the test sets. */
final class TestContext implements CongestionContext
{
    int smss = 1000;
    long flightSizeBytes;
    long srttNs;
    long minRttNs;
    long nowNs;

    @Override
    public int smss()
    {
        return smss;
    }

    @Override
    public long flightSizeBytes()
    {
        return flightSizeBytes;
    }

    @Override
    public long srttNs()
    {
        return srttNs;
    }

    @Override
    public long minRttNs()
    {
        return minRttNs;
    }

    @Override
    public long nowNs()
    {
        return nowNs;
    }
}
