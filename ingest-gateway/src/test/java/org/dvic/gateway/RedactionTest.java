package org.dvic.gateway;

import org.dvic.gateway.reject.Redaction;
import org.dvic.gateway.reject.RejectReason;
import org.dvic.gateway.reject.TokenBucket;
import org.dvic.protocol.json.ProtocolException;
import org.dvic.protocol.wire.WireCodec;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RedactionTest {
    @Test
    void credentialsAreRemovedFromExcerpts() {
        String input = "{\"token\":\"s3cr3t-board-token\",\"auth\":\"Bearer abc.def\",\"t\":\"dvic1.eyJub2RlSWQi.c2ln\","
                + "\"k\":\"MC4CAQAwBQYDK2VwBCIEIFakeKey==\"}";
        String excerpt = Redaction.excerpt(input.getBytes(StandardCharsets.UTF_8), 512);
        assertFalse(excerpt.contains("s3cr3t"), excerpt);
        assertFalse(excerpt.contains("abc.def"), excerpt);
        assertFalse(excerpt.contains("eyJub2RlSWQi"), excerpt);
        assertFalse(excerpt.contains("FakeKey"), excerpt);
        assertTrue(excerpt.contains("[redacted]"), excerpt);
    }

    @Test
    void excerptsAreTruncatedAndControlCharactersEscaped() {
        String excerpt = Redaction.excerpt(("line\u0000one\n" + "x".repeat(5000)).getBytes(StandardCharsets.UTF_8), 100);
        assertEquals(100, excerpt.length());
        assertTrue(excerpt.startsWith("line\\u0000one\\u000a"), excerpt);
        assertTrue(excerpt.endsWith("…"));
    }

    @Test
    void invalidUtf8IsDetectedAndShownLeniently() {
        byte[] bad = {'a', (byte) 0xC3, (byte) 0x28, 'b'};
        assertFalse(Redaction.validUtf8(bad));
        assertTrue(Redaction.validUtf8("héllo ✓ \uD83D\uDE00".getBytes(StandardCharsets.UTF_8)));
        assertFalse(Redaction.validUtf8(new byte[]{(byte) 0xC0, (byte) 0xAF}), "overlong");
        assertFalse(Redaction.validUtf8(new byte[]{(byte) 0xED, (byte) 0xA0, (byte) 0x80}), "surrogate");
        assertFalse(Redaction.validUtf8(new byte[]{(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}), "above U+10FFFF");
        assertFalse(Redaction.validUtf8(new byte[]{'a', (byte) 0xE2, (byte) 0x82}), "truncated");
        assertEquals("a\uFFFD(b", Redaction.excerpt(bad, 100));
    }

    @Test
    void decodingFailuresAreSortedIntoReasons() {
        WireCodec wire = new WireCodec();
        assertEquals(RejectReason.INVALID_JSON, reasonOf(wire, "{"));
        assertEquals(RejectReason.INVALID_JSON, reasonOf(wire, "{} {}"));
        assertEquals(RejectReason.UNSUPPORTED_VERSION, reasonOf(wire, "{\"v\":3,\"seq\":1,\"events\":[]}"));
        assertEquals(RejectReason.UNKNOWN_EVENT_TYPE, reasonOf(wire, "{\"v\":1,\"seq\":1,\"events\":[{\"type\":\"x\",\"v\":1}]}"));
        assertEquals(RejectReason.EVENT_TYPE_NOT_ALLOWED,
                reasonOf(wire, "{\"v\":1,\"seq\":1,\"events\":[{\"type\":\"rejected\",\"v\":1}]}"));
        assertEquals(RejectReason.SCHEMA_VIOLATION, reasonOf(wire, "{\"v\":1,\"seq\":1,\"events\":[]}"));
    }

    @Test
    void aTokenBucketAllowsTheBurstThenTheRate() {
        TokenBucket bucket = new TokenBucket(1, 10);
        assertTrue(bucket.tryTake(10));
        assertFalse(bucket.tryTake(1));
    }

    private static RejectReason reasonOf(WireCodec wire, String frame) {
        return RejectReason.of(assertThrows(ProtocolException.class,
                () -> wire.decodeBatch(frame.getBytes(StandardCharsets.UTF_8))));
    }
}
