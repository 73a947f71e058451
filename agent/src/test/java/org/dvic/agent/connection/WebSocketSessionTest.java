package org.dvic.agent.connection;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent's WebSocket client against a peer written byte by byte from RFC 6455 over a real
 * socket, so each rule can be checked on the wire: masking, lengths, fragments, ping, close,
 * refused upgrades, limits. (The real gateway is the peer in the agent's integration tests.)
 */
class WebSocketSessionTest {
    private final ServerSocket server = new ServerSocket(0);
    private final SecureRandom random = new SecureRandom();
    private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    private final List<String> closes = new CopyOnWriteArrayList<>();
    /** Peers stay referenced until the test ends: an unreachable socket may be closed by its cleaner. */
    private final List<Peer> peers = new CopyOnWriteArrayList<>();
    private WebSocketSession session;

    WebSocketSessionTest() throws IOException {
    }

    @AfterEach
    void close() throws IOException {
        if (session != null) {
            session.abort();
        }
        for (Peer p : peers) {
            p.socket.close();
        }
        server.close();
    }

    private final WebSocketSession.Listener listener = new WebSocketSession.Listener() {
        @Override
        public void onMessage(byte[] utf8) {
            messages.add(new String(utf8, StandardCharsets.UTF_8));
        }

        @Override
        public void onClosed(int code, String reason) {
            closes.add(code + " " + reason);
        }
    };

    /** The server end of one accepted connection. */
    private static final class Peer {
        final Socket socket;
        final DataInputStream in;
        final OutputStream out;
        final String request;

        Peer(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            this.out = socket.getOutputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                head.write(in.readUnsignedByte());
            }
            this.request = head.toString(StandardCharsets.ISO_8859_1);
        }

        String header(String name) {
            for (String line : request.split("\r\n")) {
                if (line.toLowerCase().startsWith(name.toLowerCase() + ":")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
            return null;
        }

        void answer(String head) throws IOException {
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        void accept() throws IOException {
            answer("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + WebSocketSession.acceptFor(header("Sec-WebSocket-Key")) + "\r\n\r\n");
        }

        void frame(boolean fin, int opcode, byte[] payload) throws IOException {
            ByteArrayOutputStream f = new ByteArrayOutputStream();
            f.write((fin ? 0x80 : 0) | opcode);
            if (payload.length < 126) {
                f.write(payload.length);
            } else {
                f.write(126);
                f.write(payload.length >>> 8);
                f.write(payload.length & 0xFF);
            }
            f.write(payload);
            out.write(f.toByteArray());
            out.flush();
        }

        /** One client frame: {opcode, unmasked payload}; fails unless it is masked. */
        Object[] read() throws IOException {
            int b0 = in.readUnsignedByte();
            int b1 = in.readUnsignedByte();
            assertTrue((b1 & 0x80) != 0, "client frames are masked");
            long length = b1 & 0x7F;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            byte[] mask = new byte[4];
            in.readFully(mask);
            byte[] payload = new byte[(int) length];
            in.readFully(payload);
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= mask[i & 3];
            }
            return new Object[]{b0 & 0x0F, payload};
        }
    }

    private CompletableFuture<Peer> peer() {
        return CompletableFuture.supplyAsync(() -> {
            try {
                Peer p = new Peer(server.accept());
                peers.add(p);
                return p;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private URI url() {
        return URI.create("ws://127.0.0.1:" + server.getLocalPort() + "/v1/agent");
    }

    private WebSocketSession connect(int maxMessageBytes) throws IOException {
        return WebSocketSession.connect(url(), Map.of("Authorization", "Bearer t0k"), Duration.ofSeconds(2),
                maxMessageBytes, random, listener);
    }

    /** Connects with the peer answering the upgrade properly. */
    private Peer connected(int maxMessageBytes) throws Exception {
        CompletableFuture<Peer> accepted = peer().thenApply(p -> {
            try {
                p.accept();
                return p;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        session = connect(maxMessageBytes);
        return accepted.get(5, TimeUnit.SECONDS);
    }

    @Test
    void theUpgradeCarriesTheHeadersAndBinaryMessagesGoMaskedWithTheirLength() throws Exception {
        Peer p = connected(1024);
        assertTrue(p.request.startsWith("GET /v1/agent HTTP/1.1\r\n"), p.request);
        assertEquals("Bearer t0k", p.header("Authorization"));
        assertEquals("13", p.header("Sec-WebSocket-Version"));
        assertEquals("websocket", p.header("Upgrade"));

        byte[] small = "{\"v\":1}".getBytes(StandardCharsets.UTF_8);
        byte[] medium = new byte[300];
        byte[] large = new byte[70_000]; // past 64 KB: the 8-byte length form
        random.nextBytes(medium);
        random.nextBytes(large);
        for (byte[] b : List.of(small, medium, large)) {
            session.sendBinary(ByteBuffer.wrap(b));
            Object[] f = p.read();
            assertEquals(0x2, f[0]);
            assertArrayEquals(b, (byte[]) f[1]);
        }
    }

    @Test
    void fragmentedTextArrivesWholeAndPingsAreAnsweredInBetween() throws Exception {
        Peer p = connected(1024);
        p.frame(false, 0x1, "hel".getBytes(StandardCharsets.UTF_8));
        p.frame(true, 0x9, "p1".getBytes(StandardCharsets.UTF_8)); // control frames may come between fragments
        p.frame(true, 0x0, "lo".getBytes(StandardCharsets.UTF_8));
        p.frame(true, 0x1, "{\"ack\":3}".getBytes(StandardCharsets.UTF_8));
        assertEquals("hello", messages.poll(5, TimeUnit.SECONDS));
        assertEquals("{\"ack\":3}", messages.poll(5, TimeUnit.SECONDS));
        Object[] pong = p.read();
        assertEquals(0xA, pong[0]);
        assertArrayEquals("p1".getBytes(StandardCharsets.UTF_8), (byte[]) pong[1]);
    }

    @Test
    void aCloseFromTheGatewayIsAnsweredAndReportedWithItsCode() throws Exception {
        Peer p = connected(1024);
        byte[] reason = "bad-token".getBytes(StandardCharsets.UTF_8);
        ByteBuffer close = ByteBuffer.allocate(2 + reason.length).putShort((short) 4001).put(reason);
        p.frame(true, 0x8, close.array());
        Object[] answer = p.read();
        assertEquals(0x8, answer[0]);
        assertEquals(4001, ByteBuffer.wrap((byte[]) answer[1]).getShort());
        await().atMost(Duration.ofSeconds(5)).until(() -> !closes.isEmpty());
        assertEquals(List.of("4001 bad-token"), closes);
    }

    @Test
    void aMessageOverTheLimitEndsTheSessionWith1009() throws Exception {
        Peer p = connected(100);
        p.frame(true, 0x1, new byte[200]);
        Object[] answer = p.read();
        assertEquals(0x8, answer[0]);
        assertEquals(1009, ByteBuffer.wrap((byte[]) answer[1]).getShort());
        await().atMost(Duration.ofSeconds(5)).until(() -> !closes.isEmpty());
        assertTrue(messages.isEmpty());
    }

    @Test
    void aRefusedUpgradeSaysTheStatusAndAForgedAcceptIsRefused() throws Exception {
        CompletableFuture<Peer> refused = peer().thenApply(p -> {
            try {
                p.answer("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n");
                return p;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        IOException e = assertThrows(IOException.class, () -> connect(1024));
        assertTrue(e.getMessage().contains("401 Unauthorized"), e.getMessage());
        refused.get(5, TimeUnit.SECONDS).socket.close();

        CompletableFuture<Peer> forged = peer().thenApply(p -> {
            try {
                p.answer("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Accept: " + WebSocketSession.acceptFor("not-the-key") + "\r\n\r\n");
                return p;
            } catch (IOException ex) {
                throw new IllegalStateException(ex);
            }
        });
        e = assertThrows(IOException.class, () -> connect(1024));
        assertTrue(e.getMessage().contains("not a valid WebSocket handshake"), e.getMessage());
        forged.get(5, TimeUnit.SECONDS).socket.close();
    }

    @Test
    void aWriteBlockedOnAGatewayThatStoppedReadingEndsWhenTheSessionCloses() throws Exception {
        connected(1024); // the peer never reads from here on (and stays open: see peers)
        CompletableFuture<Throwable> writer = CompletableFuture.supplyAsync(() -> {
            byte[] chunk = new byte[256 * 1024];
            try {
                while (true) {
                    session.sendBinary(ByteBuffer.wrap(chunk));
                }
            } catch (IOException e) {
                return e;
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> writer.isDone() || session.writeStartedNanos() != 0
                && System.nanoTime() - session.writeStartedNanos() > TimeUnit.MILLISECONDS.toNanos(300));
        assertFalse(writer.isDone(), () -> "the write ended by itself: " + writer.join());
        assertNotEquals(0, session.writeStartedNanos());
        // closing cannot queue its frame behind the stuck write: it gives up after a second and aborts
        long start = System.nanoTime();
        session.sendClose(1000, "agent stopping");
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(3), "sendClose returned");
        assertTrue(writer.get(5, TimeUnit.SECONDS) instanceof IOException);
        await().atMost(Duration.ofSeconds(5)).until(() -> !closes.isEmpty());
        assertTrue(closes.get(0).startsWith("-1 "), closes.toString());
        assertTrue(Arrays.asList(closes.get(0).split(" ")).contains("aborted"), closes.toString());
    }

    @Test
    void headersThatWouldAddLinesToTheRequestAreRefusedBeforeConnecting() {
        for (Map<String, String> bad : List.of(Map.of("Authorization", "Bearer x\r\nX-Admin: yes"),
                Map.of("X-A\nB", "v"), Map.of("A:B", "v"))) {
            assertThrows(IllegalArgumentException.class, () -> WebSocketSession.connect(url(), bad,
                    Duration.ofSeconds(1), 1024, random, listener));
        }
        assertThrows(IllegalArgumentException.class, () -> WebSocketSession.connect(URI.create("ws:/v1/agent"),
                Map.of(), Duration.ofSeconds(1), 1024, random, listener));
    }
}
