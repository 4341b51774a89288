/**
 * Link endpoints that wrap any other {@link io.ustack.api.link.LinkEndpoint}: a pcap writer, a fault injector and a
 * tracer. Stack them in any order, e.g. {@code new PcapWriterEndpoint(new FaultInjectingEndpoint(...), pcap)}.
 */
package io.ustack.link.decorator;
