package io.ustack.link.decorator;

import io.ustack.api.counter.DropReason;
import io.ustack.api.link.LinkEndpoint;
import io.ustack.api.link.RxFrameHandler;
import org.agrona.DirectBuffer;

import java.util.Objects;

/**
 * The shared shape of decorators that watch frames go by without changing them (pcap writer, tracer): everything is
 * delegated to the inner endpoint, and each received frame or receive-side drop is shown to the subclass before it
 * goes up. The received-frame wrapper is made once, so watching allocates nothing of its own. Segmentation offload
 * is not delegated here (the default, none): only a subclass that shows oversized frames correctly forwards it.
 */
abstract class ObservingEndpoint implements LinkEndpoint
{
    /** The endpoint being watched. */
    final LinkEndpoint inner;
    private final Observer observer = new Observer();

    ObservingEndpoint(final LinkEndpoint inner)
    {
        this.inner = Objects.requireNonNull(inner, "inner");
    }

    /** A frame the inner endpoint delivered, just before it goes up. */
    abstract void onReceived(DirectBuffer buffer, int offset, int length);

    /** A frame the inner endpoint dropped on receive; nothing by default. */
    void onReceiveDropped(final DropReason reason)
    {
    }

    @Override
    public String name()
    {
        return inner.name();
    }

    @Override
    public long macAddress()
    {
        return inner.macAddress();
    }

    @Override
    public int mtu()
    {
        return inner.mtu();
    }

    @Override
    public int receive(final RxFrameHandler handler, final int limit)
    {
        observer.delegate = handler;
        try
        {
            return inner.receive(observer, limit);
        }
        finally
        {
            observer.delegate = null;
        }
    }

    @Override
    public int flush()
    {
        return inner.flush();
    }

    @Override
    public void close()
    {
        inner.close();
    }

    /** Shows each received frame or drop to the subclass, then hands it on. */
    private final class Observer implements RxFrameHandler
    {
        private RxFrameHandler delegate;

        @Override
        public void onFrame(final DirectBuffer buffer, final int offset, final int length)
        {
            onReceived(buffer, offset, length);
            delegate.onFrame(buffer, offset, length);
        }

        @Override
        public void onDrop(final DropReason reason)
        {
            onReceiveDropped(reason);
            delegate.onDrop(reason);
        }
    }
}
