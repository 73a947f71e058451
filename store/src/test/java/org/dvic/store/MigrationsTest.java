package org.dvic.store;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MigrationsTest {
    @Test
    void statementsSplitAtLineEndingSemicolonsAndSkipComments() {
        List<String> s = Migrations.statements("-- a comment; with a semicolon\nCREATE TABLE a (x int,\n y int);\n\nDROP TABLE b;\n");
        assertEquals(List.of("CREATE TABLE a (x int,\n y int)", "DROP TABLE b"), s);
    }

    @Test
    void anUnterminatedStatementIsAnError() {
        assertThrows(IllegalStateException.class, () -> Migrations.statements("CREATE TABLE a (x int)"));
    }

    @Test
    void theIndexListsEveryMigrationFileInOrder() throws IOException {
        // Given the migration files on disk; Then the index names exactly them, numbered from 1 without gaps
        Path dir = Path.of("src/main/resources/db/migrations");
        List<String> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".cql")).sorted().toList();
        }
        List<String> indexed = Files.readAllLines(dir.resolve("migrations.list")).stream().filter(l -> !l.isBlank()).toList();
        assertEquals(files, indexed);
        var loaded = new Migrations(null, "dvic", StoreSettings.DEFAULT_REPLICATION).load();
        for (int i = 0; i < loaded.size(); i++) {
            assertEquals(i + 1, loaded.get(i).version());
            assertTrue(loaded.get(i).statements().stream().allMatch(st -> st.contains("dvic.")), "keyspace substituted");
        }
    }

    @Test
    void keyspaceNamesAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> StoreSettings.local(9042, "Robert'); DROP"));
    }
}
