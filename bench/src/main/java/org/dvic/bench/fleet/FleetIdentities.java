package org.dvic.bench.fleet;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.dvic.protocol.event.RegistryEntry;
import org.dvic.protocol.identity.BoardTokens;
import org.dvic.protocol.identity.NodeKeys;
import org.dvic.protocol.json.EventCodec;
import org.dvic.protocol.topic.Topics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The simulated fleet's identities: agents with Ed25519 key pairs and boards with bearer tokens,
 * made like the provisioner makes them, registered in {@code dvic.registry} (public halves only)
 * and kept with their secrets in a file for the simulator process (mode 600, a scratch directory).
 */
public record FleetIdentities(List<AgentIdentity> agents, List<BoardIdentity> boards) {

    public record AgentIdentity(UUID nodeId, PrivateKey key, String publicKey) {
    }

    public record BoardIdentity(UUID nodeId, String token) {
    }

    public static FleetIdentities generate(int agents, int boards) {
        SecureRandom random = new SecureRandom();
        List<AgentIdentity> a = new ArrayList<>(agents);
        for (int i = 0; i < agents; i++) {
            KeyPair keys = NodeKeys.generate();
            a.add(new AgentIdentity(UUID.randomUUID(), keys.getPrivate(), NodeKeys.encodePublic(keys.getPublic())));
        }
        List<BoardIdentity> b = new ArrayList<>(boards);
        for (int i = 0; i < boards; i++) {
            b.add(new BoardIdentity(UUID.randomUUID(), BoardTokens.generate(random)));
        }
        return new FleetIdentities(a, b);
    }

    /** Writes every node's registry entry (public key or token hash) to the namespace's dvic.registry. */
    public void register(String bootstrapServers, String namespace, String labelPrefix) {
        EventCodec codec = new EventCodec();
        Map<String, Object> p = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5);
        String topic = Topics.REGISTRY.nameIn(namespace);
        long now = System.currentTimeMillis();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            int i = 0;
            for (AgentIdentity agent : agents) {
                RegistryEntry e = new RegistryEntry(agent.nodeId(), RegistryEntry.NodeKind.AGENT,
                        String.format("%s-pc-%03d", labelPrefix, ++i), agent.publicKey(), null,
                        Map.of("room", "lab-" + (1 + i % 4), "fleet", "simulated"), false, null, now, "fleet-simulator");
                producer.send(new ProducerRecord<>(topic, agent.nodeId().toString(), codec.encodeToString(e)));
            }
            i = 0;
            for (BoardIdentity board : boards) {
                RegistryEntry e = new RegistryEntry(board.nodeId(), RegistryEntry.NodeKind.BOARD,
                        String.format("%s-esp32-%03d", labelPrefix, ++i), null, BoardTokens.sha256Hex(board.token()),
                        Map.of("fleet", "simulated"), false, null, now, "fleet-simulator");
                producer.send(new ProducerRecord<>(topic, board.nodeId().toString(), codec.encodeToString(e)));
            }
            producer.flush();
        }
    }

    public void save(Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        for (AgentIdentity a : agents) {
            lines.add("agent " + a.nodeId() + " " + NodeKeys.encodePrivate(a.key()) + " " + a.publicKey());
        }
        for (BoardIdentity b : boards) {
            lines.add("board " + b.nodeId() + " " + b.token());
        }
        Files.deleteIfExists(file);
        Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        Files.write(file, lines);
    }

    public static FleetIdentities load(Path file) throws IOException {
        List<AgentIdentity> a = new ArrayList<>();
        List<BoardIdentity> b = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            String[] f = line.split(" ");
            if (f[0].equals("agent")) {
                a.add(new AgentIdentity(UUID.fromString(f[1]), NodeKeys.decodePrivate(f[2]), f[3]));
            } else if (f[0].equals("board")) {
                b.add(new BoardIdentity(UUID.fromString(f[1]), f[2]));
            }
        }
        return new FleetIdentities(a, b);
    }
}
