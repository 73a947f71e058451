package org.dvic.store;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Joins the asynchronous writes of one event into one completion. */
final class Writes {
    private Writes() {
    }

    static CompletionStage<Void> all(List<? extends CompletionStage<?>> writes) {
        return CompletableFuture.allOf(writes.stream().map(CompletionStage::toCompletableFuture)
                .toArray(CompletableFuture[]::new));
    }

    /**
     * The cell timestamp of a write derived from the event's own time (microseconds), so a replay
     * writes the same cells with the same timestamp and an older event never overwrites a newer one.
     */
    static long writeTime(long eventTsMs) {
        return eventTsMs * 1000;
    }
}
