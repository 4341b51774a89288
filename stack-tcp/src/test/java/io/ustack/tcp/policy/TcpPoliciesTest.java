package io.ustack.tcp.policy;

import io.ustack.api.tcp.AckPolicy;
import io.ustack.api.tcp.CongestionControl;
import io.ustack.api.tcp.CongestionControlFactory;
import io.ustack.api.tcp.IsnGenerator;
import io.ustack.api.tcp.RtoEstimator;
import io.ustack.api.tcp.TcpPolicies;
import io.ustack.api.tcp.TcpPolicySettings;
import io.ustack.tcp.ack.DelayedAckPolicy;
import io.ustack.tcp.cc.NewReno;
import io.ustack.tcp.isn.Rfc6528IsnGenerator;
import io.ustack.tcp.rto.LinuxRtoEstimator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TcpPoliciesTest
{
    private static final byte[] SECRET = new byte[16];

    private final TcpPolicies policies = TcpPolicies.installed();

    @Test
    @DisplayName("DESIGN.md Policies: every built-in policy is found by its name")
    void builtIns()
    {
        assertTrue(policies.congestionControlNames().containsAll(List.of("fixed", "newreno")),
            policies.congestionControlNames().toString());
        assertEquals(List.of("fixed", "linux", "rfc6298"), policies.rtoEstimatorNames());
        assertEquals(List.of("delayed", "immediate", "quickack", "stretch"), policies.ackPolicyNames());
        assertEquals(List.of("rfc6528", "sequential"), policies.isnGeneratorNames());

        for (final String name : policies.congestionControlNames())
        {
            assertEquals(name, policies.congestionControl(name).name());
        }
        for (final String name : policies.rtoEstimatorNames())
        {
            assertEquals(name, policies.rtoEstimator(name).name());
        }
        for (final String name : policies.ackPolicyNames())
        {
            assertEquals(name, policies.ackPolicy(name).name());
        }
        for (final String name : policies.isnGeneratorNames())
        {
            assertEquals(name, policies.isnGenerator(name, SECRET).name());
        }
        assertTrue(policies.lossRecoveryNames().contains("newreno"), policies.lossRecoveryNames().toString());
        for (final String name : policies.lossRecoveryNames())
        {
            assertEquals(name, policies.lossRecovery(name).name());
        }
        assertInstanceOf(NewReno.class, policies.congestionControl("newreno"));
        assertInstanceOf(LinuxRtoEstimator.class, policies.rtoEstimator("linux"));
        assertInstanceOf(Rfc6528IsnGenerator.class, policies.isnGenerator("rfc6528", SECRET));
        assertSame(policies, TcpPolicies.installed(), "the class path is scanned once");
    }

    @Test
    @DisplayName("DESIGN.md Policies: each lookup makes a new instance, one per connection")
    void newInstances()
    {
        final CongestionControl a = policies.congestionControl("newreno");
        final CongestionControl b = policies.congestionControl("newreno");
        assertTrue(a != b);
    }

    @Test
    @DisplayName("DESIGN.md Policies: an unknown name is an error listing the names there are")
    void unknownName()
    {
        final IllegalArgumentException cc = assertThrows(IllegalArgumentException.class,
            () -> policies.congestionControl("vegas"));
        assertEquals("no congestion control named 'vegas'; available: " +
            String.join(", ", policies.congestionControlNames()), cc.getMessage());
        final IllegalArgumentException rto = assertThrows(IllegalArgumentException.class,
            () -> policies.rtoEstimator("bsd"));
        assertEquals("no RTO estimator named 'bsd'; available: fixed, linux, rfc6298", rto.getMessage());
        final IllegalArgumentException ack = assertThrows(IllegalArgumentException.class,
            () -> policies.ackPolicy("never"));
        assertEquals("no ACK policy named 'never'; available: delayed, immediate, quickack, stretch", ack.getMessage());
        final IllegalArgumentException isn = assertThrows(IllegalArgumentException.class,
            () -> policies.isnGenerator("random", SECRET));
        assertEquals("no ISN generator named 'random'; available: rfc6528, sequential", isn.getMessage());
        final IllegalArgumentException recovery = assertThrows(IllegalArgumentException.class,
            () -> policies.lossRecovery("fack"));
        assertEquals("no loss recovery named 'fack'; available: " + String.join(", ", policies.lossRecoveryNames()),
            recovery.getMessage());
    }

    @Test
    @DisplayName("DESIGN.md Policies: a third party's implementation registered in META-INF/services is found")
    void thirdParty()
    {
        assertTrue(policies.congestionControlNames().contains("thirdparty-aimd"));
        final CongestionControl cc = policies.congestionControl("thirdparty-aimd");
        assertInstanceOf(ThirdPartyCongestionControl.class, cc);
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> policies.congestionControl("nope"));
        assertTrue(ex.getMessage().contains("thirdparty-aimd"), ex.getMessage());
    }

    @Test
    @DisplayName("DESIGN.md Policies: settings reach the policy, and a misspelt one is refused")
    void settingsPassThrough()
    {
        final AckPolicy ack = policies.ackPolicy("delayed", TcpPolicySettings.parse("delayMs=100,quickAcks=0"));
        assertEquals(AckPolicy.ACK_DELAYED, ack.onSegmentReceived(10, false, false, 1460, 0));
        assertEquals(100_000_000L, ack.ackDeadlineNs());
        assertThrows(IllegalArgumentException.class,
            () -> policies.ackPolicy("delayed", TcpPolicySettings.parse("delay=100")));
        final IllegalArgumentException noSettings = assertThrows(IllegalArgumentException.class,
            () -> policies.congestionControl("newreno", TcpPolicySettings.parse("beta=0.7")));
        assertEquals("policy 'newreno' has no setting 'beta'; its settings are none", noSettings.getMessage());
        final RtoEstimator rto = policies.rtoEstimator("rfc6298", TcpPolicySettings.parse("minRtoMs=200"));
        rto.onRttSample(1_000_000L, 0);
        assertEquals(200_000_000L, rto.rtoNs());
        final IsnGenerator seq = policies.isnGenerator("sequential", SECRET, TcpPolicySettings.parse("start=7"));
        assertEquals(7, seq.isn(0, 0, 0, 0, 0));
        assertInstanceOf(DelayedAckPolicy.class, ack);
    }

    @Test
    @DisplayName("DESIGN.md Policies: two implementations claiming one name are refused, naming both classes")
    void duplicateName(@TempDir final Path dir) throws IOException
    {
        final Path services = Files.createDirectories(dir.resolve("META-INF/services"));
        Files.writeString(services.resolve(CongestionControlFactory.class.getName()),
            DuplicateNameCongestionControlFactory.class.getName() + "\n", StandardCharsets.UTF_8);
        try (URLClassLoader loader = new URLClassLoader(new URL[]{dir.toUri().toURL()}, getClass().getClassLoader()))
        {
            final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> TcpPolicies.load(loader));
            assertTrue(ex.getMessage().contains("'newreno'") &&
                ex.getMessage().contains(NewReno.Factory.class.getName()) &&
                ex.getMessage().contains(DuplicateNameCongestionControlFactory.class.getName()), ex.getMessage());
        }
    }
}
