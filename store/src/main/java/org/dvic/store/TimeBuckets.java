package org.dvic.store;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

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
        List<LocalDate> days = new ArrayList<>();
        for (LocalDate d = day(toMs); !d.isBefore(day(fromMs)); d = d.minusDays(1)) {
            days.add(d);
        }
        return days;
    }

    /** Every hour bucket that [from, to] touches, newest first. */
    public static List<Instant> hours(long fromMs, long toMs) {
        List<Instant> hours = new ArrayList<>();
        for (Instant h = hour(toMs); !h.isBefore(hour(fromMs)); h = h.minus(1, ChronoUnit.HOURS)) {
            hours.add(h);
        }
        return hours;
    }

    /** Every month bucket that [from, to] touches, newest first. */
    public static List<LocalDate> months(long fromMs, long toMs) {
        List<LocalDate> months = new ArrayList<>();
        for (LocalDate m = month(toMs); !m.isBefore(month(fromMs)); m = m.minusMonths(1)) {
            months.add(m);
        }
        return months;
    }

    /** Every year bucket that [from, to] touches, newest first. */
    public static List<LocalDate> years(long fromMs, long toMs) {
        List<LocalDate> years = new ArrayList<>();
        for (LocalDate y = year(toMs); !y.isBefore(year(fromMs)); y = y.minusYears(1)) {
            years.add(y);
        }
        return years;
    }
}
