package org.dvic.relay;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.dvic.devstack.junit.TestStack;
import org.dvic.protocol.event.Command;
import org.dvic.protocol.event.CommandEvent;
import org.dvic.protocol.topic.Topics;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A test-side stand-in for the gateway and the agent together: it consumes {@code dvic.commands}
 * and answers with the events the real pair writes to {@code dvic.command-events} — accepted,
 * output, completed. The ingest gateway module is being written in parallel and services must not
 * depend on each other's modules, so the end-to-end test with the real gateway and agent belongs
 * in the local-stack/e2e suite; this stand-in speaks the same Kafka contract (protocol records,
 * EventCodec, node-keyed topics). {@code exec} runs nothing: {@code echo X} outputs {@code X\n},
 * anything else outputs nothing; terminals echo their input.
 */
final class AgentStandIn implements AutoCloseable {
    private final TestStack stack;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Thread thread;
    private final AtomicLong seq = new AtomicLong(1);
    private final AtomicLong chunk = new AtomicLong();
    private volatile boolean running = true;

    AgentStandIn(TestStack stack) {
        this.stack = stack;
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        this.consumer = new KafkaConsumer<>(p);
        String topic = stack.topic(Topics.COMMANDS);
        List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
                .map(i -> new TopicPartition(topic, i.partition())).toList();
        consumer.assign(parts);
        consumer.seekToEnd(parts);
        parts.forEach(consumer::position);
        this.producer = RelayTestSupport.producer(stack);
        this.thread = new Thread(this::run, "agent-stand-in");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    answer(RelayTestSupport.CODEC.decode(r.value(), Command.class));
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close();
        }
    }

    private void answer(Command c) {
        UUID node = c.nodeId();
        long now = System.currentTimeMillis();
        if (c instanceof Command.Exec exec) {
            emit(node, new CommandEvent.Accepted(c.commandId(), node, now));
            if (exec.commandLine().startsWith("echo ")) {
                emit(node, new CommandEvent.Output(c.commandId(), node, seq.getAndIncrement(), now, 0,
                        CommandEvent.OutputStream.STDOUT, exec.commandLine().substring(5) + "\n"));
            }
            emit(node, new CommandEvent.Completed(c.commandId(), node, seq.getAndIncrement(), now, 0, 1));
        } else if (c instanceof Command.TerminalOpen open) {
            emit(node, new CommandEvent.Accepted(open.commandId(), node, now));
            emit(node, new CommandEvent.Output(open.commandId(), node, seq.getAndIncrement(), now,
                    chunk.getAndIncrement(), CommandEvent.OutputStream.TERMINAL, "$ "));
        } else if (c instanceof Command.TerminalInput in) {
            emit(node, new CommandEvent.Output(in.terminalId(), node, seq.getAndIncrement(), now,
                    chunk.getAndIncrement(), CommandEvent.OutputStream.TERMINAL, in.data()));
        } else if (c instanceof Command.TerminalClose close) {
            emit(node, new CommandEvent.Completed(close.terminalId(), node, seq.getAndIncrement(), now, 0, 10));
        }
    }

    private void emit(UUID node, CommandEvent event) {
        RelayTestSupport.publish(producer, stack, Topics.COMMAND_EVENTS, node.toString(), event);
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close();
    }
}
