package org.dvic.relay.config;

import com.datastax.oss.driver.api.core.CqlSession;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import org.dvic.protocol.event.MetricRollup;
import org.dvic.protocol.json.EventCodec;
import org.dvic.protocol.json.ProtocolJson;
import org.dvic.store.CassandraStore;
import org.dvic.store.CommandAuditRepository;
import org.dvic.store.CommandOutputRepository;
import org.dvic.store.LogRepository;
import org.dvic.store.NodeStatusHistoryRepository;
import org.dvic.store.OperatorRepository;
import org.dvic.store.ProcessHistoryRepository;
import org.dvic.store.RawMetricRepository;
import org.dvic.store.RollupRepository;
import jakarta.inject.Named;

/** The Cassandra session (migrated at start-up), the repositories the relay reads and writes, and the codec. */
@Factory
public class Infrastructure {
    @Singleton
    @Bean(preDestroy = "close")
    CqlSession cqlSession(CassandraSettings settings, SettingsCheck checked) {
        return CassandraStore.open(settings.toStoreSettings());
    }

    @Singleton
    EventCodec eventCodec() {
        return new EventCodec(new ProtocolJson());
    }

    @Singleton
    OperatorRepository operators(CqlSession session, CassandraSettings s) {
        return new OperatorRepository(session, s.getKeyspace());
    }

    @Singleton
    CommandAuditRepository audit(CqlSession session, CassandraSettings s) {
        return new CommandAuditRepository(session, s.getKeyspace());
    }

    @Singleton
    org.dvic.store.CommandQueueRepository commandQueue(CqlSession session, CassandraSettings s) {
        return new org.dvic.store.CommandQueueRepository(session, s.getKeyspace());
    }

    @Singleton
    CommandOutputRepository output(CqlSession session, CassandraSettings s) {
        return new CommandOutputRepository(session, s.getKeyspace());
    }

    @Singleton
    RawMetricRepository rawMetrics(CqlSession session, CassandraSettings s) {
        return new RawMetricRepository(session, s.getKeyspace());
    }

    @Singleton
    @Named("1m")
    RollupRepository minuteRollups(CqlSession session, CassandraSettings s) {
        return new RollupRepository(session, s.getKeyspace(), MetricRollup.Resolution.MINUTE);
    }

    @Singleton
    @Named("1h")
    RollupRepository hourRollups(CqlSession session, CassandraSettings s) {
        return new RollupRepository(session, s.getKeyspace(), MetricRollup.Resolution.HOUR);
    }

    @Singleton
    LogRepository logs(CqlSession session, CassandraSettings s) {
        return new LogRepository(session, s.getKeyspace());
    }

    @Singleton
    NodeStatusHistoryRepository statusHistory(CqlSession session, CassandraSettings s) {
        return new NodeStatusHistoryRepository(session, s.getKeyspace());
    }

    @Singleton
    ProcessHistoryRepository processHistory(CqlSession session, CassandraSettings s) {
        return new ProcessHistoryRepository(session, s.getKeyspace());
    }
}
