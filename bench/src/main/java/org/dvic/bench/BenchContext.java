package org.dvic.bench;

import org.dvic.devstack.DevStack;

import java.nio.file.Path;

/**
 * What a benchmark runs against: engines of its own on free ports (so a running local stack is not
 * disturbed), a scratch directory, and whether this is a {@code --quick} run (under two minutes).
 */
public record BenchContext(DevStack engines, Path workDir, boolean quick) {
    /** {@code full} in a normal run, {@code quick} in a quick one. */
    public int size(int quickValue, int fullValue) {
        return quick ? quickValue : fullValue;
    }
}
