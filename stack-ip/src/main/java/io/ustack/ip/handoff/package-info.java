/**
 * Handing a transport to its own agent (DESIGN.md, "Data path": {@code TcpAgent <--desc ring--> IpAgent}).
 *
 * <pre>
 *   network agent thread                                   transport agent thread (e.g. TCP)
 *   Ipv4Module --onDatagram/onIcmpError--&gt; TransportProxy --toTransport ring--&gt;   TransportEnd --&gt; the transport
 *   Ipv4Module &lt;--send / ICMP error request-- TransportProxy &lt;--fromTransport ring-- Ipv4SenderProxy, IcmpErrorsProxy
 * </pre>
 *
 * Only descriptors cross: a received segment stays in the packet buffer the link put it in (retained for the
 * transport), and an outgoing one is written by the transport straight into the buffer the link will send.
 * {@link io.ustack.ip.handoff.HandoffLayout} says where the few extra fields travel.
 */
package io.ustack.ip.handoff;
