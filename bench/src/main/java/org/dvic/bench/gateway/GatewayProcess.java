package org.dvic.bench.gateway;

import org.dvic.bench.ServiceProcess;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The ingest gateway as a process of its own ({@link ServiceProcess}), with its footprint sampled:
 * heap from its own metrics, RSS from /proc.
 */
final class GatewayProcess implements AutoCloseable {
    private final ServiceProcess service;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private volatile double maxHeapMb;
    private volatile double maxRssMb;
    private volatile boolean sampling;
    private Thread sampler;

    private GatewayProcess(ServiceProcess service) {
        this.service = service;
    }

    static GatewayProcess start(Path root, Map<String, String> env, int port, Path log) throws Exception {
        return new GatewayProcess(ServiceProcess.start(root, "ingest-gateway", "org.dvic.gateway.GatewayApplication",
                env, port, log, Duration.ofSeconds(90)));
    }

    String wsUri() {
        return service.ws("/v1/agent");
    }

    String httpBase() {
        return service.base();
    }

    long pid() {
        return service.pid();
    }

    /** Samples heap (from the gateway's own metrics) and RSS once a second, keeping the maxima. */
    void startSampling() {
        maxHeapMb = 0;
        maxRssMb = 0;
        sampling = true;
        sampler = new Thread(() -> {
            while (sampling) {
                try {
                    maxRssMb = Math.max(maxRssMb, rssMb());
                    maxHeapMb = Math.max(maxHeapMb, heapMb());
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    // a missed sample
                }
            }
        }, "gateway-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    double[] stopSampling() throws InterruptedException {
        sampling = false;
        sampler.interrupt();
        sampler.join();
        return new double[]{maxHeapMb, maxRssMb};
    }

    double rssMb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + service.pid() + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        return 0;
    }

    double heapMb() throws Exception {
        String body = http.send(HttpRequest.newBuilder(service.uri("/prometheus")).build(), HttpResponse.BodyHandlers.ofString()).body();
        double bytes = 0;
        for (String line : body.split("\n")) {
            if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                bytes += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return bytes / (1024 * 1024);
    }

    /** SIGTERM, as a service manager stops it; returns the seconds it took to exit. */
    double stop() throws InterruptedException {
        return service.stop();
    }

    @Override
    public void close() throws InterruptedException {
        service.close();
    }
}
