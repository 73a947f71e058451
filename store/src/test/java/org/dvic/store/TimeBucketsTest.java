package org.dvic.store;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TimeBucketsTest {
    private static long at(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    @Test
    void bucketsCoverTheRangeNewestFirst() {
        long from = at("2026-12-31T23:30:00Z");
        long to = at("2027-01-01T01:10:00Z");
        assertEquals(List.of(LocalDate.parse("2027-01-01"), LocalDate.parse("2026-12-31")), TimeBuckets.days(from, to));
        assertEquals(List.of(Instant.parse("2027-01-01T01:00:00Z"), Instant.parse("2027-01-01T00:00:00Z"),
                Instant.parse("2026-12-31T23:00:00Z")), TimeBuckets.hours(from, to));
        assertEquals(List.of(LocalDate.parse("2027-01-01"), LocalDate.parse("2026-12-01")), TimeBuckets.months(from, to));
        assertEquals(List.of(LocalDate.parse("2027-01-01"), LocalDate.parse("2026-01-01")), TimeBuckets.years(from, to));
    }

    @Test
    void aSingleInstantIsOneBucket() {
        long t = at("2026-11-22T10:15:00Z");
        assertEquals(1, TimeBuckets.days(t, t).size());
        assertEquals(List.of(Instant.parse("2026-11-22T10:00:00Z")), TimeBuckets.hours(t, t));
    }
}
