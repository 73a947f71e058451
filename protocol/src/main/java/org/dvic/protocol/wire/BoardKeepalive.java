package org.dvic.protocol.wire;

import org.dvic.protocol.Check;
import org.dvic.protocol.InvalidFieldException;
import org.dvic.protocol.Limits;
import org.dvic.protocol.Nullable;

import java.util.Map;

/**
 * Body of {@code POST /v1/devices/{id}/keepalive} from an ESP32 board. {@code seq} increases with
 * every request since the board's boot counter {@code boot}, so (boot, seq) identifies a request
 * and a retried one overwrites itself. {@code readings} become a metric sample ({@code board.<name>}).
 */
public record BoardKeepalive(long boot, long seq, long uptimeMs, long intervalMs, Map<String, Double> readings,
                             @Nullable String firmware) {
    public BoardKeepalive {
        Check.nonNegative(boot, "boot");
        Check.nonNegative(seq, "seq");
        Check.nonNegative(uptimeMs, "uptimeMs");
        Check.positive(intervalMs, "intervalMs");
        Check.required(readings, "readings");
        if (readings.size() > Limits.MAP_ENTRIES) {
            throw new InvalidFieldException("readings", "more than " + Limits.MAP_ENTRIES + " readings");
        }
        readings.forEach((k, v) -> {
            Check.nonBlank(k, "readings", 64);
            Check.required(v, "readings." + k);
            Check.finite(v, "readings." + k);
        });
        readings = Map.copyOf(readings);
        Check.optionalText(firmware, "firmware", Limits.NAME);
    }
}
