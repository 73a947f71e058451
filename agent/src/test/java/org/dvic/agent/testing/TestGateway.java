package org.dvic.agent.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import org.dvic.protocol.event.Command;
import org.dvic.protocol.event.NodeEvent;
import org.dvic.protocol.identity.ConnectToken;
import org.dvic.protocol.identity.InvalidTokenException;
import org.dvic.protocol.wire.AgentBatch;
import org.dvic.protocol.wire.CloseCode;
import org.dvic.protocol.wire.ServerFrame;
import org.dvic.protocol.wire.WireCodec;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A stand-in for OUR gateway (ingest-gateway, which had not landed when these tests were written),
 * not for Kafka or Cassandra: a small real WebSocket server on 127.0.0.1 that speaks the documented
 * agent protocol (docs/protocol.md): it checks the Bearer connect token's signature against the
 * node's public key, decodes batches with the strict {@link WireCodec}, records the events and
 * answers {@code {"ack":N}}; tests push commands down and can refuse batches or stop acking.
 */
public final class TestGateway implements AutoCloseable {
    private final PublicKey nodeKey;
    private final WireCodec wire = new WireCodec();
    private final EventLoopGroup group = new NioEventLoopGroup(1);
    private final List<NodeEvent> events = new CopyOnWriteArrayList<>();
    private final List<Channel> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger connects = new AtomicInteger();
    private final AtomicInteger refusedTokens = new AtomicInteger();
    private volatile boolean acking = true;
    private volatile boolean reading = true;
    private volatile Predicate<AgentBatch> refuse = b -> false;
    private volatile String refuseCode = "schema-violation";
    private Channel server;
    private int port;

    public TestGateway(PublicKey nodeKey) {
        this.nodeKey = nodeKey;
    }

    public TestGateway start(int wantedPort) throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20),
                                new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                                        .websocketPath("/v1/agent").maxFramePayloadLength(16 << 20).build()),
                                // the JDK client sends a long text message as continuation frames
                                new WebSocketFrameAggregator(16 << 20),
                                new Handler());
                    }
                });
        server = b.bind("127.0.0.1", wantedPort).sync().channel();
        port = ((InetSocketAddress) server.localAddress()).getPort();
        return this;
    }

    public int port() {
        return port;
    }

    public String url() {
        return "ws://127.0.0.1:" + port;
    }

    /** Every event received, in arrival order (resends included). */
    public List<NodeEvent> events() {
        return events;
    }

    /** Received events' seqs without repeats, in order of first arrival. */
    public List<Long> distinctSeqs() {
        List<Long> out = new ArrayList<>();
        java.util.Set<Long> seen = new java.util.HashSet<>();
        for (NodeEvent e : events) {
            if (seen.add(e.seq())) {
                out.add(e.seq());
            }
        }
        return out;
    }

    public int connects() {
        return connects.get();
    }

    public int refusedTokens() {
        return refusedTokens.get();
    }

    public int openSockets() {
        return (int) sockets.stream().filter(Channel::isActive).count();
    }

    public void setAcking(boolean acking) {
        this.acking = acking;
    }

    /** Stops (or resumes) reading every socket, like a gateway that hangs: the agent's writes then block. */
    public void setReading(boolean reading) {
        this.reading = reading;
        for (Channel c : sockets) {
            c.config().setAutoRead(reading);
        }
    }

    /** Refuses (error frame, no ack) the batches that match, with this code. */
    public void refuse(Predicate<AgentBatch> which, String code) {
        this.refuse = which;
        this.refuseCode = code;
    }

    public void send(Command command) {
        String frame = new String(wire.encode(new ServerFrame.CommandDelivery(command)), StandardCharsets.UTF_8);
        for (Channel c : sockets) {
            if (c.isActive()) {
                c.writeAndFlush(new TextWebSocketFrame(frame));
            }
        }
    }

    /** Drops every socket without a close handshake, like a crashed gateway. */
    public void dropConnections() {
        for (Channel c : sockets) {
            c.close();
        }
    }

    private boolean closed;

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        dropConnections();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Batches come as text or binary frames (the real gateway reads both; the agent sends binary). */
    private final class Handler extends SimpleChannelInboundHandler<WebSocketFrame> {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete hs) {
                String auth = hs.requestHeaders().get("Authorization");
                try {
                    if (auth == null || !auth.startsWith("Bearer ")) {
                        throw new InvalidTokenException(InvalidTokenException.Reason.MALFORMED, "no bearer");
                    }
                    ConnectToken.verify(auth.substring(7), nodeKey, Instant.now(), Duration.ofSeconds(60));
                } catch (InvalidTokenException e) {
                    refusedTokens.incrementAndGet();
                    ctx.writeAndFlush(new CloseWebSocketFrame(CloseCode.BAD_SIGNATURE.code(),
                            CloseCode.BAD_SIGNATURE.reason())).addListener(f -> ctx.close());
                    return;
                }
                connects.incrementAndGet();
                sockets.add(ctx.channel());
                ctx.channel().config().setAutoRead(reading);
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (!(frame instanceof TextWebSocketFrame) && !(frame instanceof BinaryWebSocketFrame)) {
                return;
            }
            AgentBatch batch = wire.decodeBatch(io.netty.buffer.ByteBufUtil.getBytes(frame.content()));
            if (refuse.test(batch)) {
                String err = new String(wire.encode(new ServerFrame.ErrorFrame(refuseCode, "refused by the test",
                        batch.seq())), StandardCharsets.UTF_8);
                ctx.writeAndFlush(new TextWebSocketFrame(err));
                return;
            }
            events.addAll(batch.events());
            if (acking) {
                ctx.writeAndFlush(new TextWebSocketFrame("{\"ack\":" + batch.seq() + "}"));
            }
        }
    }
}
