package org.dvic.store;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** The time buckets that bound partitions (DESIGN.md "Storage"); all in UTC. */
public final class TimeBuckets {
    private TimeBuckets() {
    }

    public static LocalDate day(long epochMs) {
        return LocalDate.ofInstant(Instant.ofEpochMilli(epochMs), ZoneOffset.UTC);
    }

    public static Instant hour(long epochMs) {
        return Instant.ofEpochMilli(epochMs).truncatedTo(ChronoUnit.HOURS);
    }

    public static LocalDate month(long epochMs) {
        return day(epochMs).withDayOfMonth(1);
    }

    public static LocalDate year(long epochMs) {
        return day(epochMs).withDayOfYear(1);
    }

    /** Every day bucket that [from, to] touches, newest first. */
    public static List<LocalDate> days(long fromMs, long toMs) {
        return newestFirst(day(fromMs), day(toMs), d -> d.minusDays(1));
    }

    /** Every hour bucket that [from, to] touches, newest first. */
    public static List<Instant> hours(long fromMs, long toMs) {
        return newestFirst(hour(fromMs), hour(toMs), h -> h.minus(1, ChronoUnit.HOURS));
    }

    /** Every month bucket that [from, to] touches, newest first. */
    public static List<LocalDate> months(long fromMs, long toMs) {
        return newestFirst(month(fromMs), month(toMs), m -> m.minusMonths(1));
    }

    /** Every year bucket that [from, to] touches, newest first. */
    public static List<LocalDate> years(long fromMs, long toMs) {
        return newestFirst(year(fromMs), year(toMs), y -> y.minusYears(1));
    }

    private static <T extends Comparable<? super T>> List<T> newestFirst(T first, T last, UnaryOperator<T> previous) {
        List<T> buckets = new ArrayList<>();
        for (T b = last; b.compareTo(first) >= 0; b = previous.apply(b)) {
            buckets.add(b);
        }
        return buckets;
    }
}
