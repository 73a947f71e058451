package org.dvic.relay.history;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import jakarta.inject.Named;
import org.dvic.protocol.event.LogLevel;
import org.dvic.protocol.event.LogRecord;
import org.dvic.protocol.event.MetricRollup;
import org.dvic.protocol.json.EventCodec;
import org.dvic.relay.api.ApiException;
import org.dvic.relay.api.Json;
import org.dvic.relay.api.Params;
import org.dvic.relay.auth.Role;
import org.dvic.relay.config.RelaySettings;
import org.dvic.relay.fleet.FleetState;
import org.dvic.relay.web.Guard;
import org.dvic.store.CommandAuditRepository;
import org.dvic.store.CommandOutputRepository;
import org.dvic.store.LogRepository;
import org.dvic.store.NodeStatusHistoryRepository;
import org.dvic.store.ProcessHistoryRepository;
import org.dvic.store.RawMetricRepository;
import org.dvic.store.RollupRepository;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

/** History from Cassandra: metrics (raw / 1 m / 1 h by range), logs, status and process history, command audit. */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
public final class HistoryController {
    static final long HOUR = 3_600_000L;
    static final long DAY = 24 * HOUR;
    private static final long MAX_SPAN = 2 * 366 * DAY;

    private final FleetState fleet;
    private final EventCodec codec;
    private final RawMetricRepository raw;
    private final RollupRepository minute;
    private final RollupRepository hour;
    private final LogRepository logs;
    private final NodeStatusHistoryRepository status;
    private final ProcessHistoryRepository processes;
    private final CommandAuditRepository audit;
    private final CommandOutputRepository output;
    private final RelaySettings settings;

    public HistoryController(FleetState fleet, EventCodec codec, RawMetricRepository raw,
                             @Named("1m") RollupRepository minute, @Named("1h") RollupRepository hour, LogRepository logs,
                             NodeStatusHistoryRepository status, ProcessHistoryRepository processes,
                             CommandAuditRepository audit, CommandOutputRepository output, RelaySettings settings) {
        this.fleet = fleet;
        this.codec = codec;
        this.raw = raw;
        this.minute = minute;
        this.hour = hour;
        this.logs = logs;
        this.status = status;
        this.processes = processes;
        this.audit = audit;
        this.output = output;
        this.settings = settings;
    }

    private UUID node(String nodeId) {
        UUID id = Params.uuid(nodeId, "nodeId");
        if (fleet.find(id).isEmpty()) {
            throw ApiException.notFound("node");
        }
        return id;
    }

    @Get("/api/nodes/{nodeId}/metrics")
    public HttpResponse<?> metrics(HttpRequest<?> request, @PathVariable String nodeId,
                                   @Nullable @QueryValue("metric") List<String> metric, @Nullable @QueryValue String from,
                                   @Nullable @QueryValue String to, @Nullable @QueryValue String resolution) {
        Guard.require(request, Role.VIEWER);
        UUID id = node(nodeId);
        if (metric == null || metric.isEmpty()) {
            throw ApiException.invalid("metric", "at least one metric name");
        }
        if (metric.size() > 16) {
            throw ApiException.invalid("metric", "at most 16 metrics per request");
        }
        for (String m : metric) {
            if (m.isEmpty() || m.length() > 256) {
                throw ApiException.invalid("metric", "metric names are 1 to 256 characters");
            }
        }
        Params.Range range = Params.range(from, to, System.currentTimeMillis(), MAX_SPAN);
        long span = range.to() - range.from();
        String res = resolution == null || resolution.equals("auto")
                ? span <= 6 * HOUR ? "raw" : span <= 7 * DAY ? "1m" : "1h" : resolution;
        if (!List.of("raw", "1m", "1h").contains(res)) {
            throw ApiException.invalid("resolution", "one of auto, raw, 1m, 1h");
        }
        if (res.equals("raw") && span > 2 * DAY) {
            throw ApiException.invalid("resolution", "raw samples for at most 2 days; use 1m or 1h");
        }
        ObjectNode o = Json.object();
        o.put("resolution", res);
        o.put("from", range.from());
        o.put("to", range.to());
        ArrayNode series = o.putArray("series");
        for (String m : metric) {
            ObjectNode s = series.addObject();
            s.put("metric", m);
            ArrayNode points = s.putArray("points");
            if (res.equals("raw")) {
                List<RawMetricRepository.Point> pts = new ArrayList<>(raw.range(id, m, range.from(), range.to()));
                Collections.reverse(pts);
                for (RawMetricRepository.Point p : pts) {
                    ObjectNode pt = points.addObject();
                    pt.put("ts", p.ts());
                    pt.put("value", p.value());
                }
            } else {
                List<MetricRollup> rollups = new ArrayList<>((res.equals("1m") ? minute : hour)
                        .range(id, m, range.from(), range.to()));
                Collections.reverse(rollups);
                for (MetricRollup r : rollups) {
                    ObjectNode pt = points.addObject();
                    pt.put("ts", r.windowStart());
                    pt.put("value", r.sum() / r.count());
                    pt.put("min", r.min());
                    pt.put("max", r.max());
                    pt.put("last", r.last());
                    pt.put("count", r.count());
                }
            }
        }
        return Json.ok(o);
    }

    private record LogFilter(UUID node, List<String> sources, long from, long to, LogLevel level, String q) {
    }

    private LogFilter logFilter(String nodeId, List<String> source, String from, String to, String level, String q) {
        UUID id = node(nodeId);
        Params.Range range = Params.range(from, to, System.currentTimeMillis(), 31 * DAY);
        List<String> sources;
        if (source == null || source.isEmpty()) {
            sources = logs.sources(id, range.from(), range.to());
        } else {
            if (source.size() > 64) {
                throw ApiException.invalid("source", "at most 64 sources");
            }
            for (String s : source) {
                if (!LogRecord.isValidSource(s)) {
                    throw ApiException.invalid("source", "each must be demo:<token>, journal, syslog or agent");
                }
            }
            sources = List.copyOf(new java.util.LinkedHashSet<>(source));
        }
        LogLevel min = null;
        if (level != null && !level.isEmpty()) {
            try {
                min = LogLevel.valueOf(level);
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid("level", "one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL");
            }
        }
        if (q != null && q.length() > 256) {
            throw ApiException.invalid("q", "at most 256 characters");
        }
        return new LogFilter(id, sources, range.from(), range.to(), min, q);
    }

    @Get("/api/nodes/{nodeId}/logs")
    public HttpResponse<?> logs(HttpRequest<?> request, @PathVariable String nodeId,
                                @Nullable @QueryValue("source") List<String> source, @Nullable @QueryValue String from,
                                @Nullable @QueryValue String to, @Nullable @QueryValue String level,
                                @Nullable @QueryValue String q, @Nullable @QueryValue String limit,
                                @Nullable @QueryValue String cursor) {
        Guard.require(request, Role.VIEWER);
        LogFilter f = logFilter(nodeId, source, from, to, level, q);
        int max = Params.intIn(limit, "limit", 1, 1000, 200);
        LogQuery.Page page = LogQuery.page(logs, f.node(), f.sources(), f.from(), f.to(), f.level(), f.q(), max,
                LogQuery.Cursor.decode(cursor));
        ObjectNode o = Json.object();
        ArrayNode lines = o.putArray("lines");
        page.lines().forEach(l -> lines.add(Json.event(codec, l)));
        o.put("nextCursor", page.next() == null ? null : page.next().encode());
        return Json.ok(o);
    }

    @Get("/api/nodes/{nodeId}/logs/export")
    public HttpResponse<?> export(HttpRequest<?> request, @PathVariable String nodeId,
                                  @Nullable @QueryValue("source") List<String> source, @Nullable @QueryValue String from,
                                  @Nullable @QueryValue String to, @Nullable @QueryValue String level,
                                  @Nullable @QueryValue String q) {
        Guard.require(request, Role.VIEWER);
        LogFilter f = logFilter(nodeId, source, from, to, level, q);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int remaining = settings.getHistoryExportMaxLines();
        LogQuery.Cursor cursor = null;
        while (remaining > 0) {
            LogQuery.Page page = LogQuery.page(logs, f.node(), f.sources(), f.from(), f.to(), f.level(), f.q(),
                    Math.min(1000, remaining), cursor);
            for (LogRecord l : page.lines()) {
                out.writeBytes(codec.encode(l));
                out.write('\n');
            }
            remaining -= page.lines().size();
            cursor = page.next();
            if (cursor == null) {
                break;
            }
        }
        return HttpResponse.ok(out.toByteArray()).contentType("application/x-ndjson")
                .header("Content-Disposition", "attachment; filename=\"logs-" + f.node() + ".ndjson\"");
    }

    @Get("/api/nodes/{nodeId}/logs/sources")
    public HttpResponse<?> sources(HttpRequest<?> request, @PathVariable String nodeId, @Nullable @QueryValue String from,
                                   @Nullable @QueryValue String to) {
        Guard.require(request, Role.VIEWER);
        UUID id = node(nodeId);
        Params.Range range = Params.range(from, to, System.currentTimeMillis(), 31 * DAY);
        ObjectNode o = Json.object();
        ArrayNode a = o.putArray("sources");
        logs.sources(id, range.from(), range.to()).forEach(a::add);
        return Json.ok(o);
    }

    @Get("/api/nodes/{nodeId}/status-history")
    public HttpResponse<?> statusHistory(HttpRequest<?> request, @PathVariable String nodeId,
                                         @Nullable @QueryValue String from, @Nullable @QueryValue String to) {
        Guard.require(request, Role.VIEWER);
        UUID id = node(nodeId);
        Params.Range range = Params.range(from, to, System.currentTimeMillis(), 366 * DAY);
        ObjectNode o = Json.object();
        ArrayNode a = o.putArray("transitions");
        status.range(id, range.from(), range.to()).forEach(s -> a.add(Json.event(codec, s)));
        return Json.ok(o);
    }

    @Get("/api/nodes/{nodeId}/process-history")
    public HttpResponse<?> processHistory(HttpRequest<?> request, @PathVariable String nodeId,
                                          @Nullable @QueryValue String from, @Nullable @QueryValue String to) {
        Guard.require(request, Role.VIEWER);
        UUID id = node(nodeId);
        Params.Range range = Params.range(from, to, System.currentTimeMillis(), 366 * DAY);
        ObjectNode o = Json.object();
        ArrayNode a = o.putArray("changes");
        processes.range(id, range.from(), range.to()).forEach(p -> a.add(Json.event(codec, p)));
        return Json.ok(o);
    }

    @Get("/api/nodes/{nodeId}/commands")
    public HttpResponse<?> commandHistory(HttpRequest<?> request, @PathVariable String nodeId,
                                          @Nullable @QueryValue String limit) {
        Guard.require(request, Role.OPERATOR);
        UUID id = node(nodeId);
        int max = Params.intIn(limit, "limit", 1, 1000, 100);
        ObjectNode o = Json.object();
        ArrayNode a = o.putArray("commands");
        audit.byNode(id, max).forEach(e -> a.add(auditJson(e)));
        return Json.ok(o);
    }

    @Get("/api/commands/{commandId}")
    public HttpResponse<?> command(HttpRequest<?> request, @PathVariable String commandId) {
        Guard.require(request, Role.OPERATOR);
        UUID id = Params.uuid(commandId, "commandId");
        CommandAuditRepository.AuditEntry entry = audit.find(id).orElseThrow(() -> ApiException.notFound("command"));
        ObjectNode o = Json.object();
        o.set("command", auditJson(entry));
        ArrayNode out = o.putArray("output");
        output.read(id, entry.nodeId()).forEach(c -> out.add(Json.event(codec, c)));
        return Json.ok(o);
    }

    static ObjectNode auditJson(CommandAuditRepository.AuditEntry e) {
        ObjectNode o = Json.object();
        o.put("commandId", e.commandId().toString());
        o.put("nodeId", e.nodeId().toString());
        o.put("issuedAt", e.issuedAt());
        o.put("kind", e.kind());
        o.put("issuedBy", e.issuedBy());
        o.put("summary", e.summary());
        o.put("expiresAt", e.expiresAt());
        o.put("status", e.status());
        o.put("detail", e.detail());
        o.put("exitCode", e.exitCode());
        o.put("finishedAt", e.finishedAt());
        o.put("durationMs", e.finishedAt() == null ? null : e.finishedAt() - e.issuedAt());
        return o;
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
