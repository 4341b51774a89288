package io.ustack.runtime.interop;

/** Small python3 programs the interop tests run in the kernel's namespace: the kernel's own sockets as the peer. */
public final class PythonPeers
{
    /** {@code udp_echo.py ADDRESS PORT}: echoes every datagram to its sender; prints "ready" once bound. */
    static final String UDP_ECHO_SERVER = String.join("\n",
        "import socket, sys",
        "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
        "s.bind((sys.argv[1], int(sys.argv[2])))",
        "print('ready', flush=True)",
        "while True:",
        "    data, peer = s.recvfrom(65535)",
        "    s.sendto(data, peer)",
        "");

    /**
     * {@code udp_client.py HOST PORT SIZE...}: sends one random datagram of each size and expects it echoed
     * byte-exact from HOST:PORT; exit 0 if all were, 1 otherwise.
     */
    static final String UDP_ECHO_CLIENT = String.join("\n",
        "import os, socket, sys",
        "host, port = sys.argv[1], int(sys.argv[2])",
        "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
        "s.settimeout(3)",
        "for size in map(int, sys.argv[3:]):",
        "    data = os.urandom(size)",
        "    s.sendto(data, (host, port))",
        "    echo, peer = s.recvfrom(65535)",
        "    if echo != data or peer != (host, port):",
        "        print('size %d: got %d bytes from %s' % (size, len(echo), peer))",
        "        sys.exit(1)",
        "    print('size %d echoed byte-exact' % size)",
        "");

    /**
     * {@code dns.py ADDRESS NAME IPV4}: a minimal RFC 1035 server on ADDRESS:53 answering A queries for NAME with
     * IPV4 (TTL 60) and NXDOMAIN for anything else; prints "ready" once bound.
     */
    public static final String DNS_SERVER = String.join("\n",
        "import socket, struct, sys",
        "address, known, ipv4 = sys.argv[1], sys.argv[2].lower(), socket.inet_aton(sys.argv[3])",
        "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
        "s.bind((address, 53))",
        "print('ready', flush=True)",
        "while True:",
        "    query, peer = s.recvfrom(512)",
        "    qid = struct.unpack('!H', query[:2])[0]",
        "    i, labels = 12, []",
        "    while query[i]:",
        "        labels.append(query[i + 1:i + 1 + query[i]].decode())",
        "        i += 1 + query[i]",
        "    qtype = struct.unpack('!H', query[i + 1:i + 3])[0]",
        "    question = query[12:i + 5]",
        "    if '.'.join(labels).lower() == known and qtype == 1:",
        "        answer = struct.pack('!HHHIH', 0xC00C, 1, 1, 60, 4) + ipv4",
        "        reply = struct.pack('!HHHHHH', qid, 0x8180, 1, 1, 0, 0) + question + answer",
        "    else:",
        "        reply = struct.pack('!HHHHHH', qid, 0x8183, 1, 0, 0, 0) + question",
        "    s.sendto(reply, peer)",
        "");

    /**
     * {@code offload_sender.py ADDRESS PORT}: sends one small datagram (checksum left to the device) and one
     * 4000-byte UDP GSO datagram ({@code UDP_SEGMENT} 1000), as a peer with offloads on does.
     */
    static final String OFFLOAD_SENDER = String.join("\n",
        "import socket, sys",
        "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
        "s.sendto(b'partial checksum', (sys.argv[1], int(sys.argv[2])))",
        "s.setsockopt(socket.IPPROTO_UDP, 103, 1000)  # UDP_SEGMENT",
        "s.sendto(bytes(4000), (sys.argv[1], int(sys.argv[2])))",
        "print('sent')",
        "");

    private PythonPeers()
    {
    }
}
