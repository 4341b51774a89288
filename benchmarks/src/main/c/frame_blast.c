/*
 * frame_blast: sends 0x88B5 frames to a MAC nobody owns as fast as one thread can, without a JVM, and prints
 * frames per CPU-second of that thread: close to the best any user-space AF_PACKET sender can do on an interface,
 * the rest being the kernel's own per-frame work. run-driver.sh --only frames|blast builds and runs it.
 *   frame_blast IFACE MODE SIZE SECONDS     MODE: send | sendmmsg | ring | ring-linear
 * ring: TPACKET_V2 TX ring, one sendto per 256 frames (as ustack's RING_SENDTO);
 * ring-linear: the same with PACKET_VNET_HDR and hdr_len = frame length, so tpacket_snd copies each frame into the
 *              skb's linear area instead of attaching ring pages (which veth must copy again: skb_copy_ubufs), as
 *              ustack's RING_COPY;
 * send: one send(2) per frame (what pcap_sendpacket does, without pcap4j's JNA call around it);
 * sendmmsg: 256 frames per call.
 * The count is what the kernel took; run-driver.sh checks it against the peer's rx_packets.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <linux/virtio_net.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define FRAME_SIZE 2048
/* 512 KiB of TX ring, as the harness's ustack senders (--tx-ring-frames 256): a ring that stays in the CPU's cache;
 * with 4096 frames (8 MiB) every slot written is a cache miss, which costs 1514-byte frames a third of their rate. */
#define FRAME_COUNT 256
#define BATCH 256

static double now(clockid_t clock)
{
    struct timespec t;
    clock_gettime(clock, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void fill(unsigned char *frame, int size)
{
    static const unsigned char dst[6] = {0x02, 0, 0, 0, 0, 0x02};
    static const unsigned char src[6] = {0x02, 0, 0, 0, 0, 0x01};
    memcpy(frame, dst, 6);
    memcpy(frame + 6, src, 6);
    frame[12] = 0x88;
    frame[13] = 0xB5;
    for (int i = 14; i < size; i++)
    {
        frame[i] = (unsigned char)i;
    }
}

int main(int argc, char **argv)
{
    if (argc != 5)
    {
        fprintf(stderr, "usage: frame_blast IFACE send|sendmmsg|ring|ring-linear SIZE SECONDS\n");
        return 2;
    }
    const char *mode = argv[2];
    const int size = atoi(argv[3]);
    const double seconds = atof(argv[4]);
    const int ring = strncmp(mode, "ring", 4) == 0;
    const int linear = strcmp(mode, "ring-linear") == 0;
    const int fd = socket(AF_PACKET, SOCK_RAW, 0);
    if (fd < 0 || size < 60 || size > 1514)
    {
        perror("socket (or SIZE outside 60..1514)");
        return 1;
    }
    int one = 1;
    setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one);
    unsigned char *map = NULL;
    const int vnet = linear ? (int)sizeof(struct virtio_net_hdr) : 0;
    if (ring)
    {
        int version = TPACKET_V2;
        if (setsockopt(fd, SOL_PACKET, PACKET_VERSION, &version, sizeof version) != 0 ||
            (linear && setsockopt(fd, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof one) != 0))
        {
            perror("PACKET_VERSION / PACKET_VNET_HDR");
            return 1;
        }
        struct tpacket_req req = {.tp_block_size = 1 << 16, .tp_frame_size = FRAME_SIZE,
            .tp_block_nr = FRAME_COUNT * FRAME_SIZE / (1 << 16), .tp_frame_nr = FRAME_COUNT};
        if (setsockopt(fd, SOL_PACKET, PACKET_TX_RING, &req, sizeof req) != 0)
        {
            perror("PACKET_TX_RING");
            return 1;
        }
        map = mmap(NULL, (size_t)FRAME_COUNT * FRAME_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (map == MAP_FAILED)
        {
            perror("mmap");
            return 1;
        }
    }
    struct sockaddr_ll addr = {.sll_family = AF_PACKET, .sll_protocol = 0, .sll_ifindex = (int)if_nametoindex(argv[1])};
    if (addr.sll_ifindex == 0 || bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0)
    {
        perror("bind");
        return 1;
    }
    unsigned char frame[1514];
    fill(frame, size);
    struct mmsghdr messages[BATCH];
    struct iovec iovs[BATCH];
    for (int i = 0; i < BATCH; i++)
    {
        iovs[i].iov_base = frame;
        iovs[i].iov_len = (size_t)size;
        memset(&messages[i], 0, sizeof messages[i]);
        messages[i].msg_hdr.msg_iov = &iovs[i];
        messages[i].msg_hdr.msg_iovlen = 1;
    }
    const size_t data_offset = TPACKET2_HDRLEN - sizeof(struct sockaddr_ll);
    unsigned int index = 0;
    long sent = 0;
    const double end = now(CLOCK_MONOTONIC) + seconds;
    const double cpu_start = now(CLOCK_THREAD_CPUTIME_ID);
    const double wall_start = now(CLOCK_MONOTONIC);
    while (now(CLOCK_MONOTONIC) < end)
    {
        if (strcmp(mode, "send") == 0)
        {
            for (int i = 0; i < BATCH; i++)
            {
                if (send(fd, frame, (size_t)size, 0) == size)
                {
                    sent++;
                }
            }
        }
        else if (strcmp(mode, "sendmmsg") == 0)
        {
            const int done = sendmmsg(fd, messages, BATCH, 0);
            sent += done > 0 ? done : 0;
        }
        else
        {
            int queued = 0;
            while (queued < BATCH)
            {
                struct tpacket2_hdr *slot = (struct tpacket2_hdr *)(map + (size_t)index * FRAME_SIZE);
                if (__atomic_load_n(&slot->tp_status, __ATOMIC_ACQUIRE) != TP_STATUS_AVAILABLE)
                {
                    break;
                }
                unsigned char *data = (unsigned char *)slot + data_offset;
                if (linear)
                {
                    struct virtio_net_hdr *hdr = (struct virtio_net_hdr *)data;
                    memset(hdr, 0, sizeof *hdr);
                    hdr->hdr_len = (unsigned short)size;
                }
                memcpy(data + vnet, frame, (size_t)size);
                slot->tp_len = (unsigned int)(size + vnet);
                __atomic_store_n(&slot->tp_status, TP_STATUS_SEND_REQUEST, __ATOMIC_RELEASE);
                index = (index + 1) % FRAME_COUNT;
                queued++;
            }
            if (sendto(fd, NULL, 0, MSG_DONTWAIT, NULL, 0) < 0 && errno != ENOBUFS && errno != EAGAIN)
            {
                perror("sendto");
                return 1;
            }
            sent += queued;
        }
    }
    const double cpu = now(CLOCK_THREAD_CPUTIME_ID) - cpu_start;
    const double wall = now(CLOCK_MONOTONIC) - wall_start;
    printf("%s %d B: %ld frames, %.0f frames/s, %.0f frames per CPU-s (on CPU %.0f%%)\n", mode, size, sent,
        sent / wall, sent / cpu, 100 * cpu / wall);
    return 0;
}
