package org.dvic.protocol;

import org.dvic.protocol.topic.Topic;
import org.dvic.protocol.topic.Topics;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TopicsTest {
    @Test
    void namesAreUniqueAndNodeTopicsAreCoPartitioned() {
        Set<String> names = new HashSet<>();
        for (Topic<?, ?> t : Topics.ALL) {
            assertTrue(names.add(t.name()), "duplicate topic " + t.name());
            assertTrue(t.name().startsWith("dvic."), t.name());
            if (t.keyType() == UUID.class) {
                assertEquals(Topics.NODE_PARTITIONS, t.partitions(), t.name() + " must be co-partitioned");
            }
        }
        assertEquals(14, names.size());
    }

    @Test
    void namespacesPrefixNames() {
        assertEquals("dvic.logs", Topics.LOGS.nameIn(""));
        assertEquals("t42.dvic.logs", Topics.LOGS.nameIn("t42"));
    }

    @Test
    void stateTopicsAreCompacted() {
        for (Topic<?, ?> t : Set.of(Topics.NODE_STATUS, Topics.PROCESS_STATUS, Topics.REGISTRY, Topics.INVENTORY)) {
            assertTrue(t.compacted(), t.name());
        }
    }
}
