/*
 * Shared by every C file of libustack: the library version and small JNI helpers.
 */
#ifndef USTACK_NATIVE_H
#define USTACK_NATIVE_H

#include <jni.h>

/* Bumped whenever a native signature or the meaning of a native call changes. */
#define USTACK_NATIVE_VERSION "2"

/* Name of the compiler that built the library, for ustack_native_version(). */
#if defined(__clang__)
#define USTACK_COMPILER "clang " __clang_version__
#elif defined(__GNUC__)
#define USTACK_COMPILER "gcc " __VERSION__
#else
#define USTACK_COMPILER "unknown compiler"
#endif

/*
 * Raises a Java exception of class_name (JNI form, "java/lang/IllegalStateException") with message.
 * The caller must return to Java right after: a JNI call with an exception pending is undefined.
 */
void ustack_throw(JNIEnv *env, const char *class_name, const char *message);

/*
 * As ustack_throw, with the message "<what>: <strerror(error)>" so the Java side sees the OS reason.
 */
void ustack_throw_errno(JNIEnv *env, const char *class_name, const char *what, int error);

#endif /* USTACK_NATIVE_H */
