/**
 * Java side of {@code libustack.so}, the JNI part of the AF_PACKET and TAP link drivers: {@link NativeLibrary} loads
 * it, the other classes declare its native methods. ({@code native} is a Java keyword, hence {@code jni} as the
 * package name.)
 */
package io.ustack.jni;
