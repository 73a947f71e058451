package org.dvic.gateway.config;

import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import org.dvic.protocol.json.EventCodec;
import org.dvic.protocol.json.ProtocolJson;
import org.dvic.protocol.wire.WireCodec;

/** One strict JSON mapping, shared by both codecs (they are thread-safe). */
@Factory
public class CodecFactory {
    @Singleton
    ProtocolJson protocolJson() {
        return new ProtocolJson();
    }

    @Singleton
    EventCodec eventCodec(ProtocolJson json) {
        return new EventCodec(json);
    }

    @Singleton
    WireCodec wireCodec(ProtocolJson json) {
        return new WireCodec(json);
    }
}
