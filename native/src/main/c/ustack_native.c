/*
 * Library-wide pieces of libustack: exceptions raised from C and the version string.
 */
#include <stdio.h>
#include <string.h>

#include "ustack_native.h"
#include "io_ustack_jni_NetInterfaces.h"

void ustack_throw(JNIEnv *env, const char *class_name, const char *message)
{
    jclass type = (*env)->FindClass(env, class_name);
    if (type == NULL)
    {
        /* FindClass left a NoClassDefFoundError pending; Java sees that instead. */
        return;
    }
    (*env)->ThrowNew(env, type, message);
    (*env)->DeleteLocalRef(env, type);
}

void ustack_throw_errno(JNIEnv *env, const char *class_name, const char *what, int error)
{
    char reason[128];
    char message[256];

    /* _GNU_SOURCE selects the GNU strerror_r, which returns the text (maybe not in reason). Thread-safe. */
    const char *text = strerror_r(error, reason, sizeof(reason));
    snprintf(message, sizeof(message), "%s: %s (errno %d)", what, text, error);
    ustack_throw(env, class_name, message);
}

/*
 * NetInterfaces.nativeVersion(): fixed when the library is compiled, e.g. "ustack-native 1 (gcc 12.2.0)".
 * NewStringUTF returns NULL with an OutOfMemoryError pending if it cannot allocate; Java then sees the error.
 */
JNIEXPORT jstring JNICALL Java_io_ustack_jni_NetInterfaces_nativeVersion(JNIEnv *env, jclass type)
{
    (void)type;
    return (*env)->NewStringUTF(env, "ustack-native " USTACK_NATIVE_VERSION " (" USTACK_COMPILER ")");
}
