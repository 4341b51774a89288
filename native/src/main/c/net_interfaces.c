/*
 * Network interface lookups for io.ustack.jni.NetInterfaces. The AF_PACKET driver binds its socket to an interface
 * index (struct sockaddr_ll.sll_ifindex), which is what these calls return.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>

#include "ustack_native.h"
#include "io_ustack_jni_NetInterfaces.h"

/*
 * NetInterfaces.indexOf(String): if_nametoindex(3).
 *
 * Returns the index, or 0 when the kernel has no interface of that name (ENODEV). Any other failure, such as being
 * out of file descriptors for the socket glibc opens to ask, raises IllegalStateException with the OS reason
 * instead of passing for "no such interface".
 */
JNIEXPORT jint JNICALL Java_io_ustack_jni_NetInterfaces_indexOf(JNIEnv *env, jclass type, jstring name)
{
    (void)type;
    if (name == NULL)
    {
        ustack_throw(env, "java/lang/NullPointerException", "interface name is null");
        return 0;
    }

    /* Modified UTF-8, which equals UTF-8 for every name NetInterfaces.index accepts (no NUL, nothing past U+FFFF). */
    const char *chars = (*env)->GetStringUTFChars(env, name, NULL);
    if (chars == NULL)
    {
        /* OutOfMemoryError is pending. */
        return 0;
    }

    errno = 0;
    const unsigned int index = if_nametoindex(chars);
    const int error = errno;

    if (index == 0 && error != ENODEV && error != 0)
    {
        char what[IFNAMSIZ + 32];
        snprintf(what, sizeof(what), "if_nametoindex(\"%s\")", chars);
        (*env)->ReleaseStringUTFChars(env, name, chars);
        ustack_throw_errno(env, "java/lang/IllegalStateException", what, error);
        return 0;
    }

    (*env)->ReleaseStringUTFChars(env, name, chars);
    return (jint)index;
}
