package io.ustack.cli;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.library.Architectures;
import io.ustack.api.archfixture.ApiTypeThatReachesUp;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DESIGN.md "Modules": dependencies point down the module table only; a protocol layer sees only the layer below it
 * and stack-api (so stack-tcp may not reach into stack-link); and no layer reads the system clock.
 * Maven already refuses imports of modules a pom does not list; this also catches what Maven lets through
 * transitively (e.g. stack-tcp reaching stack-link through stack-ip).
 */
@DisplayName("Architecture rules of DESIGN.md")
class ArchitectureTest
{
    private static JavaClasses productionClasses;

    @BeforeAll
    static void importClasses()
    {
        productionClasses = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.ustack");
        for (final String layerClass : new String[]{
            "io.ustack.api.config.StackConfig", "io.ustack.link.LinkAgent", "io.ustack.ip.IpAgent",
            "io.ustack.runtime.Stack"})
        {
            assertTrue(productionClasses.contain(layerClass), "rules must see the production classes: " + layerClass);
        }
    }

    static Architectures.LayeredArchitecture moduleLayers()
    {
        return Architectures.layeredArchitecture()
            .consideringOnlyDependenciesInLayers()
            .layer("api").definedBy("io.ustack.api..")
            .layer("native").definedBy("io.ustack.jni..")
            .layer("link").definedBy("io.ustack.link..")
            .layer("ip").definedBy("io.ustack.ip..")
            .layer("tcp").definedBy("io.ustack.tcp..")
            .layer("udp").definedBy("io.ustack.udp..")
            .layer("runtime").definedBy("io.ustack.runtime..")
            .layer("sim").definedBy("io.ustack.sim..")
            .layer("cli").definedBy("io.ustack.cli..")
            .whereLayer("api").mayOnlyAccessLayers("api")
            .whereLayer("native").mayOnlyAccessLayers("native")
            .whereLayer("link").mayOnlyAccessLayers("api", "native")
            .whereLayer("ip").mayOnlyAccessLayers("api", "link")
            .whereLayer("tcp").mayOnlyAccessLayers("api", "ip")
            .whereLayer("udp").mayOnlyAccessLayers("api", "ip")
            .whereLayer("runtime").mayOnlyAccessLayers("api", "native", "link", "ip", "tcp", "udp")
            // Above the layers, applications may use anything below them (still only downwards).
            .whereLayer("sim").mayOnlyAccessLayers("api", "native", "link", "ip", "tcp", "udp", "runtime")
            .whereLayer("cli").mayOnlyAccessLayers("api", "native", "link", "ip", "tcp", "udp", "runtime", "sim")
            .withOptionalLayers(true);
    }

    @Test
    @DisplayName("every module depends only on the modules below it in DESIGN.md's table")
    void dependenciesPointDown()
    {
        moduleLayers().check(productionClasses);
    }

    @Test
    @DisplayName("no layer reads the system clock: time comes from an injected NanoClock")
    void layersTakeTimeFromAnInjectedClock()
    {
        final ArchRule rule = noClasses()
            .that().resideInAnyPackage("io.ustack.api..", "io.ustack.link..", "io.ustack.ip..", "io.ustack.tcp..",
                "io.ustack.udp..")
            .should().callMethod(System.class, "nanoTime")
            .orShould().callMethod(System.class, "currentTimeMillis")
            .orShould().callMethod(java.time.Instant.class, "now")
            .because("DESIGN.md 'Time and timers': no layer reads the system clock");
        rule.check(productionClasses);
    }

    @Test
    @DisplayName("the layer rule really fails when the API reaches up into the runtime")
    void layerRuleCatchesAViolation()
    {
        final JavaClasses withViolation = new ClassFileImporter().importClasses(ApiTypeThatReachesUp.class,
            io.ustack.runtime.Stack.class);
        final EvaluationResult result = moduleLayers().evaluate(withViolation);
        assertTrue(result.hasViolation(), "a stack-api class using io.ustack.runtime must be reported");
    }
}
