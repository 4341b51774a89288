/** ICMPv4 (RFC 792, RFC 1122 §3.2.2): echo, errors sent rate-limited, errors received routed to transports, ping. */
package io.ustack.ip.icmp;
