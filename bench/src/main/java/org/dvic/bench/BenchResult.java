package org.dvic.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/** Figures of one benchmark run, in insertion order, and the one-line summary it ends with. */
public final class BenchResult {
    private final Map<String, Object> figures = new LinkedHashMap<>();
    private String summary = "";

    public BenchResult put(String key, Object value) {
        figures.put(key, value);
        return this;
    }

    public BenchResult putAll(BenchResult other) {
        figures.putAll(other.figures);
        return this;
    }

    public BenchResult summary(String line) {
        this.summary = line;
        return this;
    }

    public Map<String, Object> figures() {
        return figures;
    }

    public Object get(String key) {
        return figures.get(key);
    }

    public String summary() {
        return summary;
    }
}
