package org.dvic.agent.collect;

import org.dvic.agent.spool.EventSink;

import java.util.logging.Level;
import java.util.logging.Logger;

/** Sends the inventory at start and again whenever a fact changes (checked every interval). */
public final class InventoryReporter implements Runnable {
    private static final Logger LOG = Logger.getLogger(InventoryReporter.class.getName());

    private final LinuxHost host;
    private final EventSink sink;
    private final String agentVersion;
    private final boolean execAllowed;
    private final boolean terminalAllowed;
    private final Runnable onChange;
    private Inventories.Facts last;

    public InventoryReporter(LinuxHost host, EventSink sink, String agentVersion, boolean execAllowed,
                             boolean terminalAllowed, Runnable onChange) {
        this.host = host;
        this.sink = sink;
        this.agentVersion = agentVersion;
        this.execAllowed = execAllowed;
        this.terminalAllowed = terminalAllowed;
        this.onChange = onChange;
    }

    @Override
    public void run() {
        try {
            Inventories.Facts facts = Inventories.facts(host);
            if (facts.equals(last)) {
                return;
            }
            boolean first = last == null;
            last = facts;
            long ts = System.currentTimeMillis();
            sink.emit(seq -> facts.toEvent(sink.nodeId(), seq, ts, agentVersion, execAllowed, terminalAllowed));
            if (!first) {
                LOG.info("inventory changed; sent it again");
                onChange.run();
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "inventory failed", e);
        }
    }
}
