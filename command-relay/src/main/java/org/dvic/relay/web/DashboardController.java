package org.dvic.relay.web;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import org.dvic.relay.api.Json;
import org.dvic.relay.config.RelaySettings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Serves the built dashboard ({@code dvic.relay.dashboard-dir}) at {@code /}, so the start command
 * gives one URL. Unknown paths outside {@code /api} get {@code index.html} (client-side routing);
 * nothing outside the directory is ever served.
 */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
public final class DashboardController {
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"), Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"), Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("json", "application/json"), Map.entry("svg", "image/svg+xml"), Map.entry("png", "image/png"),
            Map.entry("ico", "image/x-icon"), Map.entry("woff2", "font/woff2"), Map.entry("woff", "font/woff"),
            Map.entry("txt", "text/plain; charset=utf-8"), Map.entry("map", "application/json"),
            Map.entry("webmanifest", "application/manifest+json"));

    private final Path root;

    public DashboardController(RelaySettings settings) {
        this.root = settings.getDashboardDir().isBlank() ? null : Path.of(settings.getDashboardDir()).toAbsolutePath().normalize();
    }

    @Get(produces = MediaType.ALL)
    public HttpResponse<?> index() {
        return serve("index.html");
    }

    /**
     * The catch-all names the concrete types it serves, never {@code *}{@code /*}: Micronaut keeps
     * only the routes that explicitly produce the request's first accepted type when several match,
     * so a catch-all producing {@code *}{@code /*} won over every {@code /api} GET sent with
     * {@code Accept: *}{@code /*} (curl, fetch) and answered it 404.
     */
    @Get(uri = "/{+path}", produces = {"text/html", "text/javascript",
            "text/css", "application/json", "image/svg+xml", "image/png", "image/x-icon", "font/woff2",
            "font/woff", "text/plain", "application/manifest+json", "application/octet-stream"})
    public HttpResponse<?> file(@PathVariable String path) {
        if (path.equals("api") || path.startsWith("api/")) {
            return Json.error(HttpStatus.NOT_FOUND, "not_found", "no such endpoint", null);
        }
        return serve(path);
    }

    private HttpResponse<?> serve(String path) {
        if (root == null || !Files.isDirectory(root)) {
            return Json.error(HttpStatus.NOT_FOUND, "not_found",
                    "the dashboard is not built here (dvic.relay.dashboard-dir)", null);
        }
        Path file = root.resolve(path).normalize();
        if (!file.startsWith(root)) {
            return Json.error(HttpStatus.NOT_FOUND, "not_found", "not found", null);
        }
        if (!Files.isRegularFile(file)) {
            if (path.contains(".") && !path.endsWith(".html")) {
                return Json.error(HttpStatus.NOT_FOUND, "not_found", "not found", null);
            }
            file = root.resolve("index.html");
            if (!Files.isRegularFile(file)) {
                return Json.error(HttpStatus.NOT_FOUND, "not_found", "the dashboard has no index.html", null);
            }
        }
        try {
            String name = file.getFileName().toString();
            String ext = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT) : "";
            boolean hashed = file.getParent() != null && file.getParent().getFileName() != null
                    && file.getParent().getFileName().toString().equals("assets");
            return HttpResponse.ok(Files.readAllBytes(file))
                    .contentType(TYPES.getOrDefault(ext, "application/octet-stream"))
                    .header("Cache-Control", hashed ? "public, max-age=31536000, immutable" : "no-cache");
        } catch (IOException e) {
            return Json.error(HttpStatus.NOT_FOUND, "not_found", "not found", null);
        }
    }
}
