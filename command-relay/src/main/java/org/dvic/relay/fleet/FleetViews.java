package org.dvic.relay.fleet;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.inject.Singleton;
import org.dvic.protocol.event.Inventory;
import org.dvic.protocol.event.NodeStatus;
import org.dvic.protocol.event.ProcessState;
import org.dvic.protocol.event.RegistryEntry;
import org.dvic.protocol.json.EventCodec;
import org.dvic.relay.api.Json;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** The JSON shapes of the fleet (NodeSummary, NodeDetail, LatestMetrics in openapi.yml). */
@Singleton
public final class FleetViews {
    private final EventCodec codec;

    public FleetViews(EventCodec codec) {
        this.codec = codec;
    }

    public ObjectNode summary(NodeView n) {
        ObjectNode o = Json.object();
        RegistryEntry reg = n.registry();
        NodeStatus status = n.status();
        Inventory inv = n.inventory();
        o.put("nodeId", n.nodeId().toString());
        o.put("name", n.displayName());
        if (reg == null) {
            o.putNull("kind");
        } else {
            o.put("kind", reg.kind().name());
        }
        ObjectNode labels = o.putObject("labels");
        if (reg != null) {
            reg.labels().forEach(labels::put);
        }
        o.put("revoked", n.revoked());
        o.put("registered", reg != null);
        o.put("state", status == null ? "UNKNOWN" : status.state().name());
        o.set("status", status == null ? null : Json.event(codec, status));
        o.put("hostname", inv == null ? null : inv.hostname());
        o.put("agentVersion", inv == null ? null : inv.agentVersion());
        o.set("lastMetrics", latestMetrics(n));
        ObjectNode caps = o.putObject("capabilities");
        caps.put("remoteExec", inv != null && inv.remoteExecAllowed());
        caps.put("terminal", inv != null && inv.terminalAllowed());
        return o;
    }

    public ObjectNode latestMetrics(NodeView n) {
        if (n.metricsTs() < 0) {
            return null;
        }
        ObjectNode m = Json.object();
        m.put("ts", n.metricsTs());
        ObjectNode values = m.putObject("values");
        new java.util.TreeMap<>(n.metrics()).forEach(values::put);
        return m;
    }

    public ObjectNode detail(NodeView n) {
        ObjectNode o = summary(n);
        o.set("registry", n.registry() == null ? null : Json.event(codec, n.registry()));
        o.set("inventory", n.inventory() == null ? null : Json.event(codec, n.inventory()));
        ArrayNode processes = o.putArray("processes");
        TreeSet<String> containers = new TreeSet<>();
        n.processes().values().stream().sorted(Comparator.comparing(ProcessState::token)).forEach(p -> {
            processes.add(Json.event(codec, p));
            if (p.container() != null) {
                containers.add(p.container());
            }
        });
        ArrayNode c = o.putArray("containers");
        containers.forEach(c::add);
        return o;
    }

    public ArrayNode summaries(List<NodeView> nodes) {
        ArrayNode a = Json.array();
        nodes.stream().sorted(Comparator.comparing(NodeView::displayName).thenComparing(NodeView::nodeId))
                .forEach(n -> a.add(summary(n)));
        return a;
    }

    /** True when every selector entry is a label of the node. */
    public static boolean matches(NodeView n, Map<String, String> selector) {
        RegistryEntry reg = n.registry();
        if (selector.isEmpty()) {
            return true;
        }
        if (reg == null) {
            return false;
        }
        return selector.entrySet().stream().allMatch(e -> e.getValue().equals(reg.labels().get(e.getKey())));
    }
}
