package org.dvic.devstack.junit;

import org.dvic.devstack.DevStack;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Gives integration tests a real Kafka broker and a real Cassandra node: started once per test JVM
 * on free ports (state in a fresh directory, removed at the end), shared by every test class, each
 * class getting a {@link TestStack} of its own (topic namespace and keyspace) so tests never see
 * each other's data. Use {@code @ExtendWith(DevStackExtension.class)} and take a {@link TestStack}
 * parameter in the test class's constructor, {@code @BeforeAll} or test methods.
 */
public final class DevStackExtension implements ParameterResolver, AfterAllCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(DevStackExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == TestStack.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        ExtensionContext classContext = classContext(context);
        return classContext.getStore(NS).getOrComputeIfAbsent("stack",
                k -> new TestStack(engines(context).stack, classContext.getRequiredTestClass().getSimpleName()),
                TestStack.class);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        TestStack stack = context.getStore(NS).remove("stack", TestStack.class);
        if (stack != null) {
            stack.close();
        }
    }

    private static ExtensionContext classContext(ExtensionContext context) {
        ExtensionContext c = context;
        while (c.getTestMethod().isPresent() && c.getParent().isPresent()) {
            c = c.getParent().get();
        }
        return c;
    }

    /** The engines of this JVM, closed by JUnit when the whole run ends. */
    private static Engines engines(ExtensionContext context) {
        return context.getRoot().getStore(NS).getOrComputeIfAbsent("engines", k -> Engines.start(), Engines.class);
    }

    @SuppressWarnings("deprecation") // CloseableResource is what JUnit 5 closes at the end of the run
    static final class Engines implements ExtensionContext.Store.CloseableResource {
        final DevStack stack;
        final Path state;

        private Engines(DevStack stack, Path state) {
            this.stack = stack;
            this.state = state;
        }

        static Engines start() {
            Path root = Path.of(System.getProperty("dvic.devstack.test-state", "target/devstack-test"));
            Path state = root.resolve("jvm-" + ProcessHandle.current().pid());
            wipe(state);
            DevStack stack = new DevStack(DevStack.Settings.ephemeral(state));
            long t0 = System.nanoTime();
            stack.start();
            System.out.printf("[devstack] real Kafka at %s and Cassandra at %s ready in %.1f s (state %s)%n",
                    stack.kafka().bootstrapServers(), stack.cassandra().contactPoint(),
                    (System.nanoTime() - t0) / 1e9, state);
            Engines engines = new Engines(stack, state);
            // A backstop for JVM exits that bypass JUnit; the watchdog covers hard kills.
            Runtime.getRuntime().addShutdownHook(new Thread(engines::close, "devstack-stop"));
            return engines;
        }

        @Override
        public synchronized void close() {
            stack.close();
            wipe(state);
        }
    }

    static void wipe(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
