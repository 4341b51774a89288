/*
 * AF_PACKET sockets with PACKET_MMAP rings for io.ustack.jni.AfPacket.
 *
 * One socket per endpoint: an RX ring (TPACKET_V2 frames, or TPACKET_V3 blocks retired after a timeout) and,
 * unless the endpoint transmits with sendmmsg, a TX ring of the same version, in one mapping (RX first, TX right
 * after it), handed to Java once as a direct ByteBuffer. Java walks both rings in place; the only calls on the data
 * path are the TX kick (sendto, or one sendmmsg over a staging buffer, once per batch) and, in blocking mode,
 * poll(2) when the RX ring is empty.
 *
 * Every call that takes a namespace path runs its socket() inside that network namespace (setns on this thread
 * only, switched back before returning): a socket stays in the namespace it was created in.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <arpa/inet.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ustack_native.h"
#include "io_ustack_jni_AfPacket.h"

#define IO_EXCEPTION "java/io/IOException"

/* Layout of AfPacket.interfaceInfo's out array. */
enum { INFO_INDEX, INFO_FLAGS, INFO_MTU, INFO_MAC, INFO_LENGTH };

/* Layout of AfPacket.open's out array. */
enum { OPEN_FD, OPEN_INDEX, OPEN_MAP_LENGTH, OPEN_LENGTH };

/*
 * Enters the network namespace at path (a bind mount such as /var/run/netns/NAME) on this thread.
 * Returns an fd of the namespace to go back to, -1 with an exception pending on failure, or -2 when path is NULL
 * (nothing to switch).
 */
static int enter_netns(JNIEnv *env, const char *path)
{
    if (path == NULL)
    {
        return -2;
    }
    const int home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (home < 0)
    {
        ustack_throw_errno(env, IO_EXCEPTION, "open(/proc/thread-self/ns/net)", errno);
        return -1;
    }
    const int target = open(path, O_RDONLY | O_CLOEXEC);
    if (target < 0)
    {
        const int error = errno;
        char what[320];
        snprintf(what, sizeof(what), "open(%s): no such network namespace? (ip netns list shows them)", path);
        close(home);
        ustack_throw_errno(env, IO_EXCEPTION, what, error);
        return -1;
    }
    if (setns(target, CLONE_NEWNET) != 0)
    {
        const int error = errno;
        close(target);
        close(home);
        ustack_throw_errno(env, IO_EXCEPTION, "setns(CLONE_NEWNET): needs CAP_SYS_ADMIN (run as root)", error);
        return -1;
    }
    close(target);
    return home;
}

/* Goes back to the namespace enter_netns left; a thread stuck in the wrong namespace is not recoverable. */
static void leave_netns(int home)
{
    if (home < 0)
    {
        return;
    }
    if (setns(home, CLONE_NEWNET) != 0)
    {
        perror("ustack: setns back to the original network namespace failed");
        abort();
    }
    close(home);
}

static const char *utf_or_null(JNIEnv *env, jstring string)
{
    return string == NULL ? NULL : (*env)->GetStringUTFChars(env, string, NULL);
}

static void release_utf(JNIEnv *env, jstring string, const char *chars)
{
    if (chars != NULL)
    {
        (*env)->ReleaseStringUTFChars(env, string, chars);
    }
}

/* SIOCGIF* on an ordinary datagram socket (no privilege needed); 0 or errno. */
static int query_interface(const char *name, jlong *out)
{
    const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
    {
        return errno;
    }
    struct ifreq request;
    memset(&request, 0, sizeof(request));
    strncpy(request.ifr_name, name, IFNAMSIZ - 1);

    int error = 0;
    if (ioctl(fd, SIOCGIFINDEX, &request) != 0)
    {
        error = errno;
        goto done;
    }
    out[INFO_INDEX] = request.ifr_ifindex;
    if (ioctl(fd, SIOCGIFFLAGS, &request) != 0)
    {
        error = errno;
        goto done;
    }
    out[INFO_FLAGS] = (unsigned short)request.ifr_flags;
    if (ioctl(fd, SIOCGIFMTU, &request) != 0)
    {
        error = errno;
        goto done;
    }
    out[INFO_MTU] = request.ifr_mtu;
    if (ioctl(fd, SIOCGIFHWADDR, &request) != 0)
    {
        error = errno;
        goto done;
    }
    jlong mac = 0;
    for (int i = 0; i < 6; i++)
    {
        mac = (mac << 8) | (unsigned char)request.ifr_hwaddr.sa_data[i];
    }
    out[INFO_MAC] = mac;
done:
    close(fd);
    return error;
}

/*
 * AfPacket.interfaceInfo(name, netnsPath, out): index, IFF_* flags, MTU and MAC (48 bits, first octet most
 * significant). Returns 0, or ENODEV when there is no such interface; throws IOException for other failures.
 */
JNIEXPORT jint JNICALL Java_io_ustack_jni_AfPacket_interfaceInfo(
    JNIEnv *env, jclass type, jstring name, jstring netns, jlongArray out)
{
    (void)type;
    if (name == NULL || out == NULL || (*env)->GetArrayLength(env, out) < INFO_LENGTH)
    {
        ustack_throw(env, "java/lang/IllegalArgumentException", "interfaceInfo: name and a long[4] are required");
        return 0;
    }
    const char *chars = utf_or_null(env, name);
    const char *ns = utf_or_null(env, netns);
    if (chars == NULL || (netns != NULL && ns == NULL))
    {
        release_utf(env, name, chars);
        return 0;
    }

    jlong info[INFO_LENGTH] = {0};
    int error = 0;
    const int home = enter_netns(env, ns);
    if (home != -1)
    {
        error = query_interface(chars, info);
        leave_netns(home);
        if (error == 0)
        {
            (*env)->SetLongArrayRegion(env, out, 0, INFO_LENGTH, info);
        }
        else if (error != ENODEV)
        {
            char what[IFNAMSIZ + 48];
            snprintf(what, sizeof(what), "ioctl(SIOCGIF*, \"%s\")", chars);
            ustack_throw_errno(env, IO_EXCEPTION, what, error);
        }
    }
    release_utf(env, netns, ns);
    release_utf(env, name, chars);
    return error;
}

static int set_int(int fd, int level, int option, int value)
{
    return setsockopt(fd, level, option, &value, sizeof(value));
}

/* Throws for a failed step of open, naming the step; the caller has freed what it held. */
static void throw_step(JNIEnv *env, const char *step, const char *name, int error)
{
    char what[256];
    if (error == EPERM || error == EACCES)
    {
        snprintf(what, sizeof(what), "%s on %s: needs CAP_NET_RAW: run as root or grant CAP_NET_RAW " \
            "(setcap cap_net_raw+ep on the java binary)", step, name);
    }
    else
    {
        snprintf(what, sizeof(what), "%s on %s", step, name);
    }
    ustack_throw_errno(env, IO_EXCEPTION, what, error);
}

/*
 * AfPacket.open(name, netnsPath, ifindex, version, blockTimeoutMs, txRing, txFlags, blockSize, frameSize,
 * blockCount, txFrameSize, txFrameCount, fanout, promiscuous, out): a bound AF_PACKET socket with an RX ring of
 * blockCount blocks (and, if txRing, a TX ring of txFrameCount slots of txFrameSize bytes, in blocks of blockSize or
 * of one slot when a slot is larger), in TPACKET_V2 or TPACKET_V3 format, mapped at once. txFlags: TX_VNET_HDR (see
 * PACKET_VNET_HDR below), TX_THROUGH_QDISC (no PACKET_QDISC_BYPASS). With TPACKET_V3 the kernel hands an RX block to
 * user space when it is full or blockTimeoutMs after its first frame (tp_retire_blk_tov; 0 lets the kernel choose).
 * fanout < 0 means no PACKET_FANOUT; otherwise it is the PACKET_FANOUT argument (group id | mode << 16). Returns the
 * mapping as a direct ByteBuffer (RX ring, then TX ring) and fills out with fd, ifindex and mapping length. On
 * failure frees everything it made and throws IOException naming the step.
 */
#define TX_VNET_HDR 1
#define TX_THROUGH_QDISC 2
JNIEXPORT jobject JNICALL Java_io_ustack_jni_AfPacket_open(
    JNIEnv *env, jclass type, jstring name, jstring netns, jint ifindex, jint version, jint blockTimeoutMs,
    jboolean txRing, jint txFlags, jint blockSize, jint frameSize, jint blockCount, jint txFrameSize,
    jint txFrameCount, jint fanout, jboolean promiscuous, jlongArray out)
{
    (void)type;
    if (name == NULL || out == NULL || (*env)->GetArrayLength(env, out) < OPEN_LENGTH || blockSize <= 0 ||
        frameSize <= 0 || blockCount <= 0 || blockSize % frameSize != 0 || txFrameSize <= 0 || txFrameCount <= 0 ||
        (txFrameSize < blockSize ? blockSize % txFrameSize != 0 || txFrameCount % (blockSize / txFrameSize) != 0 :
            txFrameSize % 4096 != 0) ||
        (version != TPACKET_V2 && version != TPACKET_V3) || blockTimeoutMs < 0)
    {
        ustack_throw(env, "java/lang/IllegalArgumentException", "open: bad arguments (AfPacketConfig checks them)");
        return NULL;
    }
    const char *chars = utf_or_null(env, name);
    const char *ns = utf_or_null(env, netns);
    if (chars == NULL || (netns != NULL && ns == NULL))
    {
        release_utf(env, name, chars);
        return NULL;
    }

    jobject mapping = NULL;
    void *ring = MAP_FAILED;
    size_t length = 0;
    int fd = -1;

    const int home = enter_netns(env, ns);
    if (home == -1)
    {
        goto done;
    }
    fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, htons(ETH_P_ALL));
    const int socket_error = errno;
    leave_netns(home);
    if (fd < 0)
    {
        throw_step(env, "socket(AF_PACKET, SOCK_RAW)", chars, socket_error);
        goto done;
    }

    /* Until bind, the socket would see every interface's frames; protocol 0 keeps it quiet until then. */
    if (set_int(fd, SOL_PACKET, PACKET_VERSION, version) != 0)
    {
        throw_step(env, version == TPACKET_V3 ? "setsockopt(PACKET_VERSION, TPACKET_V3)" :
            "setsockopt(PACKET_VERSION, TPACKET_V2)", chars, errno);
        goto fail;
    }
    /* A TX frame the kernel finds malformed is skipped (status back to available) instead of stopping the ring. */
    if (set_int(fd, SOL_PACKET, PACKET_LOSS, 1) != 0)
    {
        throw_step(env, "setsockopt(PACKET_LOSS)", chars, errno);
        goto fail;
    }
    /*
     * TX_VNET_HDR: each TX frame is preceded by a struct virtio_net_hdr. With hdr_len the whole frame, tpacket_snd
     * copies the frame into the skb instead of attaching the ring's pages to it (which veth and other virtual
     * devices must copy again, page by page); with gso_type set, the kernel (or the NIC) cuts the frame into
     * segments. Every RX frame then gets a virtio_net_hdr in front of it too; tp_mac still points at the frame. Must
     * be set before the rings exist.
     */
    if ((txFlags & TX_VNET_HDR) && set_int(fd, SOL_PACKET, PACKET_VNET_HDR, 1) != 0)
    {
        throw_step(env, "setsockopt(PACKET_VNET_HDR)", chars, errno);
        goto fail;
    }
    /* struct tpacket_req is the head of struct tpacket_req3; V2 reads only that head. */
    struct tpacket_req3 request = {
        .tp_block_size = (unsigned int)blockSize,
        .tp_block_nr = (unsigned int)blockCount,
        .tp_frame_size = (unsigned int)frameSize,
        .tp_frame_nr = (unsigned int)blockCount * (unsigned int)(blockSize / frameSize),
        .tp_retire_blk_tov = (unsigned int)blockTimeoutMs,
    };
    const socklen_t request_size = version == TPACKET_V3 ? sizeof(struct tpacket_req3) : sizeof(struct tpacket_req);
    if (setsockopt(fd, SOL_PACKET, PACKET_RX_RING, &request, request_size) != 0)
    {
        throw_step(env, "setsockopt(PACKET_RX_RING)", chars, errno);
        goto fail;
    }
    /* The kernel refuses a V3 TX ring with a block timeout: TX slots are plain frames. A slot larger than a block
     * gets a block of its own. */
    const int txBlockSize = txFrameSize > blockSize ? txFrameSize : blockSize;
    request.tp_retire_blk_tov = 0;
    request.tp_block_size = (unsigned int)txBlockSize;
    request.tp_frame_size = (unsigned int)txFrameSize;
    request.tp_frame_nr = (unsigned int)txFrameCount;
    request.tp_block_nr = (unsigned int)(txFrameCount / (txBlockSize / txFrameSize));
    if (txRing && setsockopt(fd, SOL_PACKET, PACKET_TX_RING, &request, request_size) != 0)
    {
        throw_step(env, "setsockopt(PACKET_TX_RING)", chars, errno);
        goto fail;
    }
    length = (size_t)blockSize * (size_t)blockCount + (txRing ? (size_t)txFrameSize * (size_t)txFrameCount : 0);
    ring = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_LOCKED | MAP_POPULATE, fd, 0);
    if (ring == MAP_FAILED)
    {
        /* MAP_LOCKED can fail on RLIMIT_MEMLOCK; the ring works unlocked too. */
        ring = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, 0);
    }
    if (ring == MAP_FAILED)
    {
        throw_step(env, "mmap(PACKET_RX_RING, PACKET_TX_RING)", chars, errno);
        goto fail;
    }
    /*
     * Frames we send skip the qdisc layer (and so are not looped back to packet sockets through it). Not with
     * TX_THROUGH_QDISC: a direct transmit drops a frame the kernel must cut into segments (GSO) itself.
     */
    if (!(txFlags & TX_THROUGH_QDISC) && set_int(fd, SOL_PACKET, PACKET_QDISC_BYPASS, 1) != 0)
    {
        throw_step(env, "setsockopt(PACKET_QDISC_BYPASS)", chars, errno);
        goto fail;
    }
    /* Without this the RX ring also sees every frame we transmit. */
    if (set_int(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, 1) != 0)
    {
        throw_step(env, "setsockopt(PACKET_IGNORE_OUTGOING)", chars, errno);
        goto fail;
    }
    /* Room for bursts beyond the ring; FORCE ignores rmem_max (needs CAP_NET_ADMIN; plain SO_RCVBUF otherwise). */
    if (set_int(fd, SOL_SOCKET, SO_RCVBUFFORCE, 4 << 20) != 0 && set_int(fd, SOL_SOCKET, SO_RCVBUF, 4 << 20) != 0)
    {
        throw_step(env, "setsockopt(SO_RCVBUF)", chars, errno);
        goto fail;
    }
    struct sockaddr_ll address = {
        .sll_family = AF_PACKET,
        .sll_protocol = htons(ETH_P_ALL),
        .sll_ifindex = ifindex,
    };
    if (bind(fd, (struct sockaddr *)&address, sizeof(address)) != 0)
    {
        throw_step(env, "bind(AF_PACKET)", chars, errno);
        goto fail;
    }
    if (promiscuous)
    {
        struct packet_mreq membership = {.mr_ifindex = ifindex, .mr_type = PACKET_MR_PROMISC};
        if (setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &membership, sizeof(membership)) != 0)
        {
            throw_step(env, "setsockopt(PACKET_ADD_MEMBERSHIP, PACKET_MR_PROMISC)", chars, errno);
            goto fail;
        }
    }
    if (fanout >= 0 && set_int(fd, SOL_PACKET, PACKET_FANOUT, fanout) != 0)
    {
        throw_step(env, "setsockopt(PACKET_FANOUT) (a group id in use with another mode or interface?)",
            chars, errno);
        goto fail;
    }

    mapping = (*env)->NewDirectByteBuffer(env, ring, (jlong)length);
    if (mapping == NULL)
    {
        goto fail;
    }
    jlong result[OPEN_LENGTH] = {fd, ifindex, (jlong)length};
    (*env)->SetLongArrayRegion(env, out, 0, OPEN_LENGTH, result);
    goto done;

fail:
    if (ring != MAP_FAILED)
    {
        munmap(ring, length);
    }
    close(fd);
done:
    release_utf(env, netns, ns);
    release_utf(env, name, chars);
    return mapping;
}

/*
 * AfPacket.kick(fd): one sendto for every TX frame marked TP_STATUS_SEND_REQUEST. Returns 0, or the errno of a
 * transient failure (EAGAIN, ENOBUFS: frames stay marked and the next kick retries them).
 */
JNIEXPORT jint JNICALL Java_io_ustack_jni_AfPacket_kick(JNIEnv *env, jclass type, jint fd)
{
    (void)env;
    (void)type;
    if (sendto(fd, NULL, 0, MSG_DONTWAIT, NULL, 0) < 0)
    {
        return errno;
    }
    return 0;
}

/* Frames one sendmmsg call takes at most; a longer batch takes several calls. */
#define SEND_BATCH 64

/*
 * AfPacket.sendBatch(fd, staging, slotSize, first, count): sends count frames from the staging buffer, slots first
 * to first + count - 1, each slot a 4-byte host-order length followed (at offset STAGING_DATA_OFFSET) by the frame,
 * with one sendmmsg per SEND_BATCH frames. Returns the frames the kernel took (the rest were refused for now:
 * EAGAIN, ENOBUFS), or -errno when it took none.
 */
#define STAGING_DATA_OFFSET 16
JNIEXPORT jint JNICALL Java_io_ustack_jni_AfPacket_sendBatch(
    JNIEnv *env, jclass type, jint fd, jobject staging, jint slotSize, jint first, jint count)
{
    (void)type;
    unsigned char *base = (*env)->GetDirectBufferAddress(env, staging);
    const jlong capacity = (*env)->GetDirectBufferCapacity(env, staging);
    if (base == NULL || slotSize <= STAGING_DATA_OFFSET || first < 0 || count < 0 ||
        ((jlong)first + count) * slotSize > capacity)
    {
        ustack_throw(env, "java/lang/IllegalArgumentException", "sendBatch: slots outside the staging buffer");
        return 0;
    }
    struct mmsghdr messages[SEND_BATCH];
    struct iovec vectors[SEND_BATCH];
    int sent = 0;
    while (sent < count)
    {
        const int batch = count - sent < SEND_BATCH ? count - sent : SEND_BATCH;
        for (int i = 0; i < batch; i++)
        {
            unsigned char *slot = base + (size_t)(first + sent + i) * (size_t)slotSize;
            unsigned int frame_length;
            memcpy(&frame_length, slot, sizeof(frame_length));
            vectors[i].iov_base = slot + STAGING_DATA_OFFSET;
            vectors[i].iov_len = frame_length;
            memset(&messages[i], 0, sizeof(messages[i]));
            messages[i].msg_hdr.msg_iov = &vectors[i];
            messages[i].msg_hdr.msg_iovlen = 1;
        }
        const int done = sendmmsg(fd, messages, (unsigned int)batch, MSG_DONTWAIT);
        if (done < 0)
        {
            return sent > 0 ? sent : -errno;
        }
        sent += done;
        if (done < batch)
        {
            break;
        }
    }
    return sent;
}

/* AfPacket.awaitReadable(fd, timeoutMs): poll(2) for POLLIN; 1 if readable, 0 on timeout or EINTR. */
JNIEXPORT jint JNICALL Java_io_ustack_jni_AfPacket_awaitReadable(JNIEnv *env, jclass type, jint fd, jint timeoutMs)
{
    (void)type;
    struct pollfd entry = {.fd = fd, .events = POLLIN};
    const int ready = poll(&entry, 1, timeoutMs);
    if (ready < 0 && errno != EINTR)
    {
        ustack_throw_errno(env, "java/lang/IllegalStateException", "poll(AF_PACKET socket)", errno);
        return 0;
    }
    return ready > 0 ? 1 : 0;
}

/* AfPacket.close(fd, mapping): unmaps the rings and closes the socket. */
JNIEXPORT void JNICALL Java_io_ustack_jni_AfPacket_close(JNIEnv *env, jclass type, jint fd, jobject mapping)
{
    (void)type;
    if (mapping != NULL)
    {
        void *address = (*env)->GetDirectBufferAddress(env, mapping);
        const jlong length = (*env)->GetDirectBufferCapacity(env, mapping);
        if (address != NULL && length > 0)
        {
            munmap(address, (size_t)length);
        }
    }
    if (fd >= 0)
    {
        close(fd);
    }
}
