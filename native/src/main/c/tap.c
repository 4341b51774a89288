/*
 * TAP devices for io.ustack.jni.Tap: /dev/net/tun with IFF_TAP | IFF_NO_PI, non-blocking. One read(2) or write(2)
 * per frame (a TAP fd has no ring); Java batches several reads into one receive call.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "ustack_native.h"
#include "io_ustack_jni_Tap.h"

/*
 * Tap.open(name): creates (or attaches to) the TAP interface name and returns its non-blocking fd. The interface
 * goes away when the fd closes (it is not made persistent).
 */
JNIEXPORT jint JNICALL Java_io_ustack_jni_Tap_open(JNIEnv *env, jclass type, jstring name)
{
    (void)type;
    if (name == NULL)
    {
        ustack_throw(env, "java/lang/NullPointerException", "interface name is null");
        return -1;
    }
    const char *chars = (*env)->GetStringUTFChars(env, name, NULL);
    if (chars == NULL)
    {
        return -1;
    }
    const int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
    {
        const int error = errno;
        ustack_throw_errno(env, "java/io/IOException", error == ENOENT ?
            "open(/dev/net/tun): no TUN/TAP support (modprobe tun, or mknod /dev/net/tun c 10 200)" :
            "open(/dev/net/tun)", error);
        (*env)->ReleaseStringUTFChars(env, name, chars);
        return -1;
    }
    struct ifreq request;
    memset(&request, 0, sizeof(request));
    request.ifr_flags = IFF_TAP | IFF_NO_PI;
    strncpy(request.ifr_name, chars, IFNAMSIZ - 1);
    if (ioctl(fd, TUNSETIFF, &request) != 0)
    {
        const int error = errno;
        char what[IFNAMSIZ + 96];
        snprintf(what, sizeof(what), error == EPERM ?
            "ioctl(TUNSETIFF, \"%s\"): needs CAP_NET_ADMIN: run as root or grant CAP_NET_ADMIN" :
            "ioctl(TUNSETIFF, \"%s\")", chars);
        close(fd);
        (*env)->ReleaseStringUTFChars(env, name, chars);
        ustack_throw_errno(env, "java/io/IOException", what, error);
        return -1;
    }
    (*env)->ReleaseStringUTFChars(env, name, chars);
    return fd;
}

/*
 * Tap.read(fd, buffer, offset, capacity): reads one frame into the direct buffer at offset. Returns its length, 0
 * when none is waiting, or -errno for another failure.
 */
JNIEXPORT jint JNICALL Java_io_ustack_jni_Tap_read(
    JNIEnv *env, jclass type, jint fd, jobject buffer, jint offset, jint capacity)
{
    (void)type;
    unsigned char *base = (*env)->GetDirectBufferAddress(env, buffer);
    if (base == NULL)
    {
        return -EINVAL;
    }
    const ssize_t n = read(fd, base + offset, (size_t)capacity);
    if (n < 0)
    {
        return errno == EAGAIN || errno == EINTR ? 0 : -errno;
    }
    return (jint)n;
}

/* Tap.write(fd, buffer, offset, length): writes one frame. Returns 1, 0 when the device has no room, or -errno. */
JNIEXPORT jint JNICALL Java_io_ustack_jni_Tap_write(
    JNIEnv *env, jclass type, jint fd, jobject buffer, jint offset, jint length)
{
    (void)type;
    unsigned char *base = (*env)->GetDirectBufferAddress(env, buffer);
    if (base == NULL)
    {
        return -EINVAL;
    }
    const ssize_t n = write(fd, base + offset, (size_t)length);
    if (n < 0)
    {
        return errno == EAGAIN || errno == EINTR ? 0 : -errno;
    }
    return 1;
}

/* Tap.close(fd). */
JNIEXPORT void JNICALL Java_io_ustack_jni_Tap_close(JNIEnv *env, jclass type, jint fd)
{
    (void)env;
    (void)type;
    if (fd >= 0)
    {
        close(fd);
    }
}
