package io.ustack.udp;

import io.ustack.ip.ipv4.IcmpErrors;
import io.ustack.ip.ipv4.ReceivedDatagram;

import java.util.ArrayList;
import java.util.List;

/** Records the ICMP errors UDP asks for. */
final class FakeIcmpErrors implements IcmpErrors
{
    /** One request: the code and the offending datagram's addresses. */
    record Request(int type, int code, int source, int destination)
    {
    }

    final List<Request> requests = new ArrayList<>();

    @Override
    public boolean destinationUnreachable(final int code, final int info, final ReceivedDatagram original,
        final long nowNs)
    {
        requests.add(new Request(3, code, original.sourceAddress(), original.destinationAddress()));
        return true;
    }

    @Override
    public boolean timeExceeded(final int code, final ReceivedDatagram original, final long nowNs)
    {
        requests.add(new Request(11, code, original.sourceAddress(), original.destinationAddress()));
        return true;
    }

    @Override
    public boolean parameterProblem(final int pointer, final ReceivedDatagram original, final long nowNs)
    {
        requests.add(new Request(12, pointer, original.sourceAddress(), original.destinationAddress()));
        return true;
    }
}
