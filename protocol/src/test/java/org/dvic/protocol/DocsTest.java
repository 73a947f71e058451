package org.dvic.protocol;

import org.dvic.protocol.json.EventCodec;
import org.dvic.protocol.topic.Topic;
import org.dvic.protocol.topic.Topics;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The research tap's reference stays complete: every topic and event type is documented. */
class DocsTest {
    @Test
    void topicsMdDocumentsEveryTopicAndEventType() throws IOException {
        String doc = Files.readString(Path.of("../docs/topics.md"));
        for (Topic<?, ?> t : Topics.ALL) {
            assertTrue(doc.contains("`" + t.name() + "`"), "docs/topics.md lacks " + t.name());
        }
        for (String type : EventCodec.types().keySet()) {
            assertTrue(doc.contains("`" + type + "`"), "docs/topics.md lacks event type " + type);
        }
    }
}
