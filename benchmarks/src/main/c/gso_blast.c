/*
 * gso_blast: the kernel's cost of sending TCP/IPv4 frames from an AF_PACKET TX ring, one frame per segment (as
 * ustack's RING_COPY) or segments merged into one frame the kernel cuts (as RING_GSO), without a JVM. Prints the
 * thread's system time per MiB of payload. Run it in ustack's namespace of the harness's veth pair with an nftables
 * drop at the peer (run-driver.sh --only blast sets up the same sink), offloads off at both ends:
 *   gso_blast IFACE linear|gso SEGMENTS SECONDS
 * linear: 1514-byte frames, PACKET_QDISC_BYPASS, TCP checksum filled here (user time, not counted);
 * gso:    SEGMENTS x 1448 bytes per frame, virtio_net_hdr with VIRTIO_NET_HDR_GSO_TCPV4 and hdr_len = the frame
 *         (the kernel copies it, then segments and checksums); through the qdisc, which direct transmit is not.
 * The frames go to a MAC nobody owns with made-up addresses; only the peer's drop rule sees them.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <linux/virtio_net.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MSS 1448
#define HEADERS (14 + 20 + 32) /* Ethernet, IPv4, TCP with the timestamps option */

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static uint32_t add16(const unsigned char *p, int n, uint32_t sum)
{
    for (int i = 0; i + 1 < n; i += 2)
    {
        sum += (uint32_t)(p[i] << 8 | p[i + 1]);
    }
    return sum;
}

static uint16_t fold(uint32_t sum)
{
    while (sum >> 16)
    {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return (uint16_t)sum;
}

static void put16(unsigned char *p, uint16_t v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
}

static void put32(unsigned char *p, uint32_t v)
{
    put16(p, (uint16_t)(v >> 16));
    put16(p + 2, (uint16_t)v);
}

/* Writes one frame of `segments` full segments at `f`; gso: the TCP checksum field holds the pseudo-header sum. */
static int build(unsigned char *f, int segments, uint32_t seq, uint16_t id, int gso, const unsigned char *payload)
{
    static const unsigned char macs[12] = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1};
    const int data = segments * MSS;
    unsigned char *ip = f + 14;
    unsigned char *tcp = ip + 20;
    memcpy(f, macs, 12);
    put16(f + 12, 0x0800);
    memset(ip, 0, 20);
    ip[0] = 0x45;
    put16(ip + 2, (uint16_t)(20 + 32 + data));
    put16(ip + 4, id);
    put16(ip + 6, 0x4000);
    ip[8] = 64;
    ip[9] = 6;
    put32(ip + 12, 0xC6120001);
    put32(ip + 16, 0xC6120002);
    put16(ip + 10, (uint16_t)~fold(add16(ip, 20, 0)));
    memset(tcp, 0, 32);
    put16(tcp, 40000);
    put16(tcp + 2, 5001);
    put32(tcp + 4, seq);
    tcp[12] = 0x80;
    tcp[13] = 0x10;
    put16(tcp + 14, 0xffff);
    tcp[20] = 1;
    tcp[21] = 1;
    tcp[22] = 8;
    tcp[23] = 10;
    memcpy(tcp + 32, payload, (size_t)data);
    const uint32_t pseudo = add16(ip + 12, 8, 0) + 6 + (uint32_t)(32 + data);
    put16(tcp + 16, gso ? fold(pseudo) : (uint16_t)~fold(add16(tcp, 32 + data, pseudo)));
    return HEADERS + data;
}

int main(int argc, char **argv)
{
    if (argc != 5 || (strcmp(argv[2], "linear") != 0 && strcmp(argv[2], "gso") != 0))
    {
        fprintf(stderr, "usage: gso_blast IFACE linear|gso SEGMENTS SECONDS\n");
        return 2;
    }
    const int gso = strcmp(argv[2], "gso") == 0;
    const int segments = gso ? atoi(argv[3]) : 1;
    const double seconds = atof(argv[4]);
    if (segments < 1 || segments > 44)
    {
        fprintf(stderr, "SEGMENTS must be 1..44 (a frame of at most 64 KiB)\n");
        return 2;
    }
    const int fd = socket(AF_PACKET, SOCK_RAW, 0);
    const int version = TPACKET_V2, one = 1;
    const unsigned slot = gso ? 1u << 16 : 2048, slots = gso ? 64 : 256, block = 1u << 16;
    struct tpacket_req request = {
        .tp_block_size = block, .tp_block_nr = slot * slots / block, .tp_frame_size = slot, .tp_frame_nr = slots};
    if (fd < 0 || setsockopt(fd, SOL_PACKET, PACKET_VERSION, &version, sizeof version) != 0 ||
        setsockopt(fd, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof one) != 0 ||
        setsockopt(fd, SOL_PACKET, PACKET_TX_RING, &request, sizeof request) != 0 ||
        (!gso && setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one) != 0))
    {
        perror("AF_PACKET socket, TPACKET_V2, PACKET_VNET_HDR, PACKET_TX_RING");
        return 1;
    }
    unsigned char *ring = mmap(NULL, (size_t)slot * slots, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    struct sockaddr_ll address = {
        .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL), .sll_ifindex = (int)if_nametoindex(argv[1])};
    if (ring == MAP_FAILED || bind(fd, (struct sockaddr *)&address, sizeof address) != 0)
    {
        perror("mmap / bind");
        return 1;
    }
    static unsigned char payload[44 * MSS];
    for (size_t i = 0; i < sizeof payload; i++)
    {
        payload[i] = (unsigned char)(i * 7);
    }
    long segmentsSent = 0;
    unsigned index = 0;
    uint32_t seq = 1;
    uint16_t id = 1;
    const double start = now();
    while (now() - start < seconds)
    {
        int queued = 0;
        for (int b = 0; b < 64; b++)
        {
            struct tpacket2_hdr *header = (struct tpacket2_hdr *)(ring + (size_t)index * slot);
            if (header->tp_status != TP_STATUS_AVAILABLE && header->tp_status != TP_STATUS_WRONG_FORMAT)
            {
                break;
            }
            unsigned char *data = (unsigned char *)header + TPACKET2_HDRLEN - sizeof(struct sockaddr_ll);
            struct virtio_net_hdr *vnet = (struct virtio_net_hdr *)data;
            const int length = build(data + sizeof *vnet, segments, seq, id, gso, payload);
            memset(vnet, 0, sizeof *vnet);
            vnet->hdr_len = (uint16_t)length;
            if (gso)
            {
                vnet->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
                vnet->gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
                vnet->gso_size = MSS;
                vnet->csum_start = 34;
                vnet->csum_offset = 16;
            }
            header->tp_len = (unsigned)(length + (int)sizeof *vnet);
            __atomic_store_n(&header->tp_status, TP_STATUS_SEND_REQUEST, __ATOMIC_RELEASE);
            index = (index + 1) % slots;
            seq += (uint32_t)(segments * MSS);
            id = (uint16_t)(id + segments);
            queued++;
        }
        if (queued > 0)
        {
            if (sendto(fd, NULL, 0, 0, NULL, 0) < 0 && errno != EAGAIN && errno != ENOBUFS)
            {
                perror("sendto");
                return 1;
            }
            segmentsSent += (long)queued * segments;
        }
    }
    struct rusage usage;
    getrusage(RUSAGE_THREAD, &usage);
    const double system = usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
    const double mib = segmentsSent * (double)MSS / (1 << 20);
    printf("mode=%s segments_per_frame=%d segments=%ld system_s=%.2f system_us_per_MiB=%.0f\n", argv[2], segments,
        segmentsSent, system, system * 1e6 / mib);
    return 0;
}
