package io.ustack.bench;

/**
 * What every forked benchmark JVM needs, in one place for the {@code @Fork(jvmArgsAppend = ...)} of each benchmark,
 * so that {@code java -jar benchmarks/target/benchmarks.jar} works with no extra flags.
 *
 * <p>The same flags as the parent pom's {@code ustack.jvm.args}: Agrona 2 reads {@code jdk.internal.misc.Unsafe}, and
 * the JNI driver calls {@code System.load} (a restricted method from JDK 24). The outer JMH JVM does not touch Agrona
 * and needs neither. Also the run settings shared by the suite, sized for a noisy 2-core machine: two forks so that
 * JIT and memory-layout luck between JVMs shows in the error bars, 5 × 1 s warmup and 5 × 1 s measurement in each.
 */
final class BenchmarkJvm
{
    /** Agrona 2's {@code UnsafeApi} needs {@code jdk.internal.misc} exported to the class path. */
    static final String ADD_EXPORTS = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED";
    /** The native module loads a JNI library. */
    static final String ENABLE_NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";

    /** Forked JVMs per benchmark. */
    static final int FORKS = 2;
    /**
     * Forked JVMs for the two-thread ring benchmarks, whose figures move most between JVMs (heap layout, which core
     * each thread lands on, the other load of a shared machine).
     */
    static final int RING_FORKS = 3;
    /** Warmup iterations per fork. */
    static final int WARMUP_ITERATIONS = 5;
    /** Measurement iterations per fork. */
    static final int MEASUREMENT_ITERATIONS = 5;
    /** Seconds per iteration (warmup and measurement). */
    static final int ITERATION_SECONDS = 1;

    private BenchmarkJvm()
    {
    }
}
