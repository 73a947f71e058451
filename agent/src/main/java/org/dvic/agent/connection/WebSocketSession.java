package org.dvic.agent.connection;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The client end of one WebSocket (RFC 6455) over a plain blocking socket, TLS for {@code wss://}.
 * The agent needs only this much of the protocol: an upgrade with extra headers, whole binary
 * messages out, text messages in, ping/pong and the closing handshake. It replaces the JDK's
 * {@code java.net.http} client, whose asynchronous machinery cost the agent some 500 classes
 * (several MB resident) and a good share of its CPU per batch (see docs/adr/0002).
 *
 * <p>One reader thread per session delivers incoming messages to the {@link Listener} in order;
 * {@link #sendBinary} may be called from any thread (writes are serialised). {@link #abort} closes
 * the socket at once, which also ends a write blocked on a gateway that stopped reading.
 */
public final class WebSocketSession implements Closeable {
    /** Incoming messages and the end of the session; called on the session's reader thread. */
    public interface Listener {
        /** A whole text (or binary) message, as the UTF-8 bytes it arrived in. */
        void onMessage(byte[] utf8);

        /** The session ended: the peer's close code and reason, or -1 and what went wrong. */
        void onClosed(int code, String reason);
    }

    static final int NORMAL_CLOSURE = 1000;
    private static final int PROTOCOL_ERROR = 1002;
    private static final int TOO_BIG = 1009;
    private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final int MAX_HANDSHAKE_BYTES = 16 * 1024;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final Listener listener;
    private final int maxMessageBytes;
    private final SecureRandom random;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile boolean closeSent;
    private volatile long writeStartedNanos;

    private WebSocketSession(Socket socket, InputStream in, Listener listener, int maxMessageBytes,
                             SecureRandom random) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(in);
        this.out = socket.getOutputStream();
        this.listener = listener;
        this.maxMessageBytes = maxMessageBytes;
        this.random = random;
    }

    /**
     * Opens the socket, performs the upgrade to {@code endpoint} with {@code headers} and starts the
     * reader thread. Fails with an {@link IOException} saying why (refused, timed out, not a
     * WebSocket endpoint, HTTP status such as 401).
     */
    public static WebSocketSession connect(URI endpoint, Map<String, String> headers, Duration timeout,
                                           int maxMessageBytes, SecureRandom random, Listener listener)
            throws IOException {
        String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
        boolean tls = switch (scheme) {
            case "wss" -> true;
            case "ws" -> false;
            default -> throw new IllegalArgumentException("not a ws:// or wss:// URL: " + endpoint);
        };
        String host = endpoint.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("no host in " + endpoint);
        }
        headers.forEach((name, value) -> {
            // a CR or LF would let a value add lines of its own to the request
            if (name.indexOf('\r') >= 0 || name.indexOf('\n') >= 0 || value.indexOf('\r') >= 0
                    || value.indexOf('\n') >= 0 || name.indexOf(':') >= 0) {
                throw new IllegalArgumentException("header " + name.replaceAll("[\\r\\n]", "?")
                        + " holds a line break or colon");
            }
        });
        int port = endpoint.getPort() > 0 ? endpoint.getPort() : tls ? 443 : 80;
        int timeoutMs = (int) Math.max(1, timeout.toMillis());
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), timeoutMs);
            socket.setSoTimeout(timeoutMs); // the handshake only; frames are awaited without limit
            if (tls) {
                socket = startTls(socket, host, port);
            }
            InputStream in = new BufferedInputStream(socket.getInputStream(), 8192);
            byte[] keyBytes = new byte[16];
            random.nextBytes(keyBytes);
            String key = Base64.getEncoder().encodeToString(keyBytes);
            StringBuilder request = new StringBuilder(256);
            String path = endpoint.getRawPath() == null || endpoint.getRawPath().isEmpty() ? "/" : endpoint.getRawPath();
            if (endpoint.getRawQuery() != null) {
                path += "?" + endpoint.getRawQuery();
            }
            request.append("GET ").append(path).append(" HTTP/1.1\r\n")
                    .append("Host: ").append(host).append(endpoint.getPort() > 0 ? ":" + port : "").append("\r\n")
                    .append("Upgrade: websocket\r\nConnection: Upgrade\r\n")
                    .append("Sec-WebSocket-Key: ").append(key).append("\r\nSec-WebSocket-Version: 13\r\n");
            headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
            request.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            checkUpgrade(readHead(in), key);
            socket.setSoTimeout(0);
            WebSocketSession session = new WebSocketSession(socket, in, listener, maxMessageBytes, random);
            Thread reader = new Thread(null, session::readLoop, "dvic-ws-reader", 256 * 1024);
            reader.setDaemon(true);
            reader.start();
            return session;
        } catch (IOException | RuntimeException e) {
            closeQuietly(socket);
            throw e;
        }
    }

    /** TLS over the connected socket, with the server's name checked against its certificate. */
    private static Socket startTls(Socket plain, String host, int port) throws IOException {
        SSLSocket tls = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault())
                .createSocket(plain, host, port, true);
        SSLParameters params = tls.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        try {
            params.setServerNames(List.of(new SNIHostName(host)));
        } catch (IllegalArgumentException e) {
            // an IP address: no SNI, the certificate check above still applies
        }
        tls.setSSLParameters(params);
        tls.startHandshake();
        return tls;
    }

    /** The response's status line and headers (up to the empty line), lower-cased header names. */
    private static String[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream(256);
        int state = 0; // how much of "\r\n\r\n" was just seen
        while (state < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the gateway closed the connection during the upgrade");
            }
            head.write(b);
            if (head.size() > MAX_HANDSHAKE_BYTES) {
                throw new ProtocolException("upgrade response over " + MAX_HANDSHAKE_BYTES + " bytes");
            }
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3))
                    ? state + 1 : b == '\r' ? 1 : 0;
        }
        return head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
    }

    static void checkUpgrade(String[] head, String key) throws IOException {
        String[] status = head[0].split(" ", 3);
        if (status.length < 2 || !status[0].startsWith("HTTP/1.")) {
            throw new ProtocolException("not an HTTP response: " + head[0]);
        }
        if (!"101".equals(status[1])) {
            throw new ProtocolException("the gateway answered the upgrade with HTTP " + status[1]
                    + (status.length > 2 ? " " + status[2] : ""));
        }
        String accept = null;
        boolean upgrade = false;
        for (int i = 1; i < head.length; i++) {
            int colon = head[i].indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = head[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = head[i].substring(colon + 1).trim();
            if (name.equals("sec-websocket-accept")) {
                accept = value;
            } else if (name.equals("upgrade")) {
                upgrade = value.equalsIgnoreCase("websocket");
            }
        }
        if (!upgrade || !acceptFor(key).equals(accept)) {
            throw new ProtocolException("the gateway's upgrade response is not a valid WebSocket handshake");
        }
    }

    static String acceptFor(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1")
                    .digest((key + ACCEPT_GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-1", e);
        }
    }

    /** Sends {@code payload} as one binary message (blocks while the socket's buffer is full). */
    public void sendBinary(ByteBuffer payload) throws IOException {
        send(0x2, payload);
    }

    /**
     * Starts the closing handshake; the session ends when the peer answers (or on {@link #abort}).
     * If a write is stuck (the peer stopped reading) for a second, the socket is aborted instead:
     * closing must not hang behind it.
     */
    public void sendClose(int code, String reason) throws IOException {
        if (closeSent) {
            return;
        }
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(2 + Math.min(r.length, 123));
        b.putShort((short) code).put(r, 0, b.remaining()).flip();
        closeSent = true;
        try {
            if (!writeLock.tryLock(1, TimeUnit.SECONDS)) {
                abort();
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abort();
            return;
        }
        try {
            send(0x8, b);
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * When the write in progress started ({@link System#nanoTime()}), or 0 when none is: a write
     * that does not finish means the gateway stopped reading, and only {@link #abort} ends it.
     */
    public long writeStartedNanos() {
        return writeStartedNanos;
    }

    /** Waits up to {@code max} for the session to end (the peer's answer to {@link #sendClose}). */
    public boolean awaitEnd(Duration max) throws InterruptedException {
        return ended.await(max.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Closes the socket now: the reader thread ends and reports the session closed. */
    public void abort() {
        closeQuietly(socket);
    }

    @Override
    public void close() {
        abort();
    }

    private void send(int opcode, ByteBuffer payload) throws IOException {
        int length = payload.remaining();
        int headerLength = 2 + (length < 126 ? 0 : length <= 0xFFFF ? 2 : 8) + 4;
        byte[] frame = new byte[headerLength + length];
        frame[0] = (byte) (0x80 | opcode); // FIN: the agent never fragments
        int i;
        if (length < 126) {
            frame[1] = (byte) (0x80 | length);
            i = 2;
        } else if (length <= 0xFFFF) {
            frame[1] = (byte) (0x80 | 126);
            frame[2] = (byte) (length >>> 8);
            frame[3] = (byte) length;
            i = 4;
        } else {
            frame[1] = (byte) (0x80 | 127);
            for (int k = 0; k < 8; k++) {
                frame[2 + k] = (byte) ((long) length >>> (56 - 8 * k));
            }
            i = 10;
        }
        // clients must mask every frame with a fresh unpredictable key (RFC 6455 section 5.3)
        byte[] mask = new byte[4];
        random.nextBytes(mask);
        System.arraycopy(mask, 0, frame, i, 4);
        i += 4;
        payload.get(frame, i, length);
        for (int k = 0; k < length; k++) {
            frame[i + k] ^= mask[k & 3];
        }
        writeLock.lock(); // reentrant: sendClose holds it already
        try {
            writeStartedNanos = System.nanoTime() | 1; // never 0 while writing
            out.write(frame);
            out.flush();
        } finally {
            writeStartedNanos = 0;
            writeLock.unlock();
        }
    }

    private void readLoop() {
        int code = -1;
        String reason = "";
        try {
            ByteArrayOutputStream message = new ByteArrayOutputStream();
            boolean inMessage = false;
            while (true) {
                int b0 = in.readUnsignedByte();
                int b1 = in.readUnsignedByte();
                boolean fin = (b0 & 0x80) != 0;
                int opcode = b0 & 0x0F;
                if ((b0 & 0x70) != 0 || (b1 & 0x80) != 0) {
                    throw new FrameException(PROTOCOL_ERROR, "reserved bits or a masked frame from the gateway");
                }
                long length = b1 & 0x7F;
                if (length == 126) {
                    length = in.readUnsignedShort();
                } else if (length == 127) {
                    length = in.readLong();
                }
                boolean control = (opcode & 0x8) != 0;
                if (control && (length > 125 || !fin)) {
                    throw new FrameException(PROTOCOL_ERROR, "invalid control frame");
                }
                if (length < 0 || (!control && message.size() + length > maxMessageBytes)) {
                    throw new FrameException(TOO_BIG, "message over " + maxMessageBytes + " bytes");
                }
                byte[] payload = new byte[(int) length];
                in.readFully(payload);
                switch (opcode) {
                    case 0x0, 0x1, 0x2 -> {
                        if ((opcode == 0) != inMessage) {
                            throw new FrameException(PROTOCOL_ERROR, "unexpected continuation frame");
                        }
                        if (fin && !inMessage) {
                            listener.onMessage(payload);
                        } else {
                            message.write(payload);
                            inMessage = !fin;
                            if (fin) {
                                listener.onMessage(message.toByteArray());
                                message.reset();
                            }
                        }
                    }
                    case 0x8 -> {
                        code = payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
                        reason = payload.length > 2
                                ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
                        if (!closeSent) {
                            sendClose(code == 1005 ? NORMAL_CLOSURE : code, "");
                        }
                        return;
                    }
                    case 0x9 -> send(0xA, ByteBuffer.wrap(payload));
                    case 0xA -> {
                        // an unsolicited pong: nothing to do
                    }
                    default -> throw new FrameException(PROTOCOL_ERROR, "unknown opcode " + opcode);
                }
            }
        } catch (FrameException e) {
            reason = e.getMessage();
            try {
                sendClose(e.code, e.getMessage());
            } catch (IOException ignored) {
                // the socket is going away anyway
            }
        } catch (IOException e) {
            reason = socket.isClosed() ? "aborted" : e.toString();
        } finally {
            closeQuietly(socket);
            listener.onClosed(code, reason);
            ended.countDown();
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing: nothing left to do with the error
        }
    }

    /** A frame the agent cannot accept: ends the session with {@code code}. */
    private static final class FrameException extends IOException {
        final int code;

        FrameException(int code, String message) {
            super(message);
            this.code = code;
        }
    }
}
