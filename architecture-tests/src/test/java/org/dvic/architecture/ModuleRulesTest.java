package org.dvic.architecture;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The module rules of docs/ARCHITECTURE.md, checked on the compiled classes of every module:
 * services never depend on each other; protocol depends on nothing of ours; store only on protocol.
 * Modules not built yet are skipped (they have no classes to break a rule with).
 */
class ModuleRulesTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    /** Module folder to the modules of ours it may depend on. */
    static final Map<String, Set<String>> ALLOWED = new LinkedHashMap<>();

    static {
        ALLOWED.put("protocol", Set.of());
        ALLOWED.put("store", Set.of("protocol"));
        ALLOWED.put("ingest-gateway", Set.of("protocol"));
        ALLOWED.put("stream-processors", Set.of("protocol", "store"));
        ALLOWED.put("command-relay", Set.of("protocol", "store"));
        ALLOWED.put("provisioner", Set.of("protocol", "store"));
        ALLOWED.put("agent", Set.of("protocol"));
    }

    @Test
    void everyModuleDependsOnlyOnWhatItMay() {
        // Given the compiled classes of every module that is built
        Map<String, String> owner = new HashMap<>();
        Map<String, JavaClasses> classes = new LinkedHashMap<>();
        for (String module : ALLOWED.keySet()) {
            Path dir = ROOT.resolve(module).resolve("target/classes");
            if (Files.isDirectory(dir)) {
                JavaClasses imported = new ClassFileImporter().importPath(dir);
                classes.put(module, imported);
                imported.forEach(c -> owner.put(c.getName(), module));
            }
        }
        assertTrue(classes.containsKey("protocol") && classes.containsKey("store"),
                "protocol and store must be built before this test: " + classes.keySet());
        // When each class's dependencies are resolved to the module that owns their target
        List<String> violations = new ArrayList<>();
        classes.forEach((module, imported) -> violations.addAll(violations(module, imported, owner)));
        // Then no class reaches a module it may not depend on
        assertEquals(List.of(), violations);
    }

    @Test
    void theRuleCatchesAServiceUsingAnotherService() {
        // Given a "gateway" class that uses a "relay" class (this test's own classes stand in)
        JavaClasses imported = new ClassFileImporter().importClasses(Fixture.Gateway.class, Fixture.Relay.class);
        Map<String, String> owner = Map.of(Fixture.Gateway.class.getName(), "ingest-gateway",
                Fixture.Relay.class.getName(), "command-relay");
        JavaClasses gatewayOnly = new ClassFileImporter().importClasses(Fixture.Gateway.class);
        // When checked; Then the violation is reported
        List<String> found = violations("ingest-gateway", gatewayOnly, owner);
        assertFalse(found.isEmpty());
        assertTrue(found.get(0).contains("command-relay"), found.toString());
        assertEquals(2, imported.size());
    }

    static List<String> violations(String module, JavaClasses imported, Map<String, String> owner) {
        List<String> found = new ArrayList<>();
        Set<String> allowed = ALLOWED.get(module);
        for (JavaClass c : imported) {
            for (Dependency d : c.getDirectDependenciesFromSelf()) {
                String target = owner.get(d.getTargetClass().getName());
                if (target != null && !target.equals(module) && !allowed.contains(target)) {
                    found.add(module + " -> " + target + ": " + d.getDescription());
                }
            }
        }
        return found;
    }

    static final class Fixture {
        static final class Relay {
            static int answer() {
                return 42;
            }
        }

        static final class Gateway {
            int ask() {
                return Relay.answer();
            }
        }
    }
}
