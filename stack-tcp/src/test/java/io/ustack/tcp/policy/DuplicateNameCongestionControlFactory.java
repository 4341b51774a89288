package io.ustack.tcp.policy;

import io.ustack.api.tcp.CongestionControl;
import io.ustack.api.tcp.CongestionControlFactory;
import io.ustack.tcp.cc.NewReno;

/** A factory that claims the built-in name "newreno": registered only in a throw-away class loader by the test. */
public final class DuplicateNameCongestionControlFactory implements CongestionControlFactory
{
    @Override
    public String name()
    {
        return NewReno.NAME;
    }

    @Override
    public CongestionControl create()
    {
        return new NewReno();
    }
}
