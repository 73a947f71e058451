package org.dvic.store;

import com.datastax.oss.driver.api.core.CqlSession;
import org.dvic.devstack.junit.DevStackExtension;
import org.dvic.devstack.junit.TestStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Operators and the one-time setup on a real Cassandra node: the lightweight transactions hold under races. */
@ExtendWith(DevStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperatorRepositoryIT {
    private CqlSession session;
    private OperatorRepository repo;

    @BeforeAll
    void open(TestStack stack) {
        StoreSettings settings = StoreSettings.local(stack.cassandraPort(), stack.keyspace());
        session = CassandraStore.open(settings);
        repo = new OperatorRepository(session, settings.keyspace());
    }

    @AfterAll
    void close() {
        session.close();
    }

    private static OperatorRepository.Operator op(String name, String role, long version) {
        return new OperatorRepository.Operator(name, "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA", role, false, version,
                1_000L, "test", 1_000L + version);
    }

    @Test
    void createIsOncePerUsernameAndUpdatesAreVersioned() {
        // Given an account
        assertTrue(repo.create(op("alice", "viewer", 1)));
        // When someone creates the same name again
        boolean again = repo.create(op("alice", "admin", 1));
        // Then the first wins and the second is told
        assertFalse(again);
        assertEquals("viewer", repo.find("alice").orElseThrow().role());

        // When two admins change the account from the same version
        assertTrue(repo.update(op("alice", "operator", 2), 1));
        boolean stale = repo.update(op("alice", "admin", 2), 1);
        // Then only the first change lands
        assertFalse(stale);
        assertEquals("operator", repo.find("alice").orElseThrow().role());
        assertEquals(2, repo.find("alice").orElseThrow().credentialsVersion());

        assertTrue(repo.all().stream().anyMatch(o -> o.username().equals("alice")));
        assertTrue(repo.delete("alice"));
        assertFalse(repo.delete("alice"));
        assertTrue(repo.find("alice").isEmpty());
    }

    @Test
    void setupIsCreatedAndCompletedByExactlyOneOfManyRacers() throws Exception {
        // Given eight instances starting at once, each with its own token
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> created = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String hash = String.format("%064d", i);
                created.add(pool.submit(() -> repo.createSetup(hash, 1_000L, "instance")));
            }
            // Then exactly one creates the setup row
            long winners = 0;
            for (Future<Boolean> f : created) {
                winners += f.get() ? 1 : 0;
            }
            assertEquals(1, winners);
            OperatorRepository.Setup setup = repo.setup().orElseThrow();
            assertFalse(setup.completed());

            // When a wrong token and the right token race to complete it, several times
            List<Callable<Boolean>> attempts = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                String hash = i % 2 == 0 ? setup.tokenSha256() : "f".repeat(64);
                attempts.add(() -> repo.completeSetup(hash, 2_000L));
            }
            long completions = 0;
            for (Future<Boolean> f : pool.invokeAll(attempts)) {
                completions += f.get() ? 1 : 0;
            }
            // Then it completes once, and only with the right token
            assertEquals(1, completions);
            assertTrue(repo.setup().orElseThrow().completed());
            assertFalse(repo.completeSetup(setup.tokenSha256(), 3_000L));
        } finally {
            pool.shutdownNow();
        }
    }
}
