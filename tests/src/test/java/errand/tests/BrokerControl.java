package errand.tests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import errand.model.Headers;
import errand.model.Topology;
import errand.model.WireJson;

/**
 * What a failure test does to and reads from the broker, scoped to the test class's own vhost wherever RabbitMQ
 * allows it: closing the apps' connections (management API, the same as {@code rabbitmqctl close_connection}),
 * reading queue depths and dead letters (AMQP), publishing raw messages, and the broker-wide settings a test may
 * change at run time, such as {@code consumer_timeout} ({@code rabbitmqctl eval}; always restore them, see
 * {@link #override}).
 *
 * <p>The test's own connections are named {@code errand-tests...} and never closed by {@link #closeAppConnections}.
 */
public final class BrokerControl implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern SETTING = Pattern.compile("\\{ok,\\s*(\\d+)}");

    private final ErrandTestServices.Isolated services;
    private final Connection connection;

    private BrokerControl(ErrandTestServices.Isolated services, Connection connection) {
        this.services = services;
        this.connection = connection;
    }

    public static BrokerControl of(ErrandTestServices.Isolated services) {
        try {
            return new BrokerControl(services, services.openBroker());
        } catch (Exception e) {
            throw new IllegalStateException("Cannot connect to the broker of " + services, e);
        }
    }

    // ---- connections

    /** An AMQP connection in the test's vhost, as the management API lists it. */
    public record BrokerConnection(String name, String clientName, int peerPort) {
    }

    /** Every connection of the apps (not the test's own) in the test's vhost. */
    public List<BrokerConnection> appConnections() {
        List<BrokerConnection> connections = new ArrayList<>();
        JsonNode listed = WireJson.mapper().readTree(management("GET",
                "/api/vhosts/" + encode(services.vhost()) + "/connections").body());
        for (JsonNode node : listed) {
            String clientName = node.path("client_properties").path("connection_name").asString("");
            if (!clientName.startsWith("errand-tests")) {
                connections.add(new BrokerConnection(node.path("name").asString(), clientName,
                        node.path("peer_port").asInt(-1)));
            }
        }
        return connections;
    }

    /**
     * Closes every connection of the apps in the test's vhost, as {@code rabbitmqctl close_connection} would: the
     * apps see a {@code connection.close} with {@code reason}, their channels and unacked deliveries are gone.
     *
     * @return how many connections were closed
     */
    public int closeAppConnections(String reason) {
        int closed = 0;
        for (BrokerConnection appConnection : appConnections()) {
            HttpResponse<String> response = management("DELETE",
                    "/api/connections/" + encode(appConnection.name()), Map.of("X-Reason", reason));
            if (response.statusCode() / 100 == 2) {
                closed++;
            }
        }
        return closed;
    }

    // ---- queues

    /** The ready messages and consumers of a queue, right now (a passive declare, no statistics lag). */
    public record QueueDepth(int messages, int consumers) {
    }

    public QueueDepth queue(String name) {
        try (Channel channel = connection.createChannel()) {
            AMQP.Queue.DeclareOk ok = channel.queueDeclarePassive(name);
            return new QueueDepth(ok.getMessageCount(), ok.getConsumerCount());
        } catch (IOException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Cannot inspect queue " + name, e);
        }
    }

    /**
     * The management API's view of a queue (statistics lag a few seconds): ready and unacknowledged messages, and
     * consumers. For diagnosis; {@link #queue} is exact for ready messages.
     */
    public String queueStatistics(String name) {
        JsonNode queue = WireJson.mapper().readTree(management("GET", "/api/queues/" + encode(services.vhost())
                + "/" + encode(name)).body());
        return name + ": ready " + queue.path("messages_ready").asLong(-1) + ", unacknowledged "
                + queue.path("messages_unacknowledged").asLong(-1) + ", consumers " + queue.path("consumers").asLong(-1);
    }

    /** A message that landed in {@code errand.dead}, with why. */
    public record DeadLetter(@Nullable String messageId, String body, @Nullable String reason,
            @Nullable String xDeathReason, @Nullable String xDeathQueue, String headers) {
    }

    /** Takes every message now in {@code errand.dead} (acknowledging them): the dead letters so far. */
    public List<DeadLetter> takeDeadLetters() {
        List<DeadLetter> letters = new ArrayList<>();
        try (Channel channel = connection.createChannel()) {
            GetResponse response;
            while ((response = channel.basicGet(Topology.DEAD_QUEUE, true)) != null) {
                Map<String, Object> headers = response.getProps().getHeaders();
                Object reason = headers == null ? null : headers.get(Headers.DEAD_REASON);
                String deathReason = null;
                String deathQueue = null;
                if (headers != null && headers.get("x-death") instanceof List<?> deaths && !deaths.isEmpty()
                        && deaths.getFirst() instanceof Map<?, ?> death) {
                    deathReason = String.valueOf(death.get("reason"));
                    deathQueue = String.valueOf(death.get("queue"));
                }
                letters.add(new DeadLetter(response.getProps().getMessageId(),
                        new String(response.getBody(), StandardCharsets.UTF_8),
                        reason == null ? null : reason.toString(), deathReason, deathQueue,
                        String.valueOf(headers)));
            }
        } catch (IOException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Cannot read " + Topology.DEAD_QUEUE, e);
        }
        return letters;
    }

    /** Publishes {@code body} as is, persistent, with the given properties: what a broken producer might send. */
    public void publishRaw(String exchange, String routingKey, AMQP.BasicProperties properties, byte[] body) {
        try (Channel channel = connection.createChannel()) {
            channel.confirmSelect();
            channel.basicPublish(exchange, routingKey, true, properties, body);
            channel.waitForConfirmsOrDie(10_000);
        } catch (IOException | InterruptedException | java.util.concurrent.TimeoutException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("Cannot publish to " + exchange + "/" + routingKey, e);
        }
    }

    // ---- broker-wide settings

    /** A global setting of the {@code rabbit} application, read with {@code rabbitmqctl eval}; null when unset. */
    public static @Nullable Long setting(String key) {
        String answer = rabbitmqctl("eval", "application:get_env(rabbit, " + key + ").");
        Matcher matcher = SETTING.matcher(answer);
        return matcher.find() ? Long.valueOf(matcher.group(1)) : null;
    }

    /** The broker's global {@code consumer_timeout}, or null when unset (no timeout). */
    public static @Nullable Duration consumerTimeout() {
        Long millis = setting("consumer_timeout");
        return millis == null ? null : Duration.ofMillis(millis);
    }

    /**
     * Sets a global integer setting of the {@code rabbit} application until the returned handle is closed, which
     * restores the value read before (or unsets it, if none was set). RabbitMQ 3.10 channels read
     * {@code consumer_timeout} and {@code channel_tick_interval} when they open, on every vhost: keep an override
     * short, close it in a {@code finally}, and reopen the channels that must see it (restart the app).
     *
     * <p>Another test run on the same broker may be overriding the same setting right now (the local services are
     * shared). If the value read before is already {@code value}, it is someone else's override, not the broker's
     * configuration: closing then restores {@code brokerDefault} rather than leaving the override in place for good.
     */
    public static SettingOverride override(String key, long value, long brokerDefault) {
        Long previous = setting(key);
        Long restore = previous != null && previous == value ? Long.valueOf(brokerDefault) : previous;
        set(key, value);
        return new SettingOverride(key, restore);
    }

    /** Restores a setting of the {@code rabbit} application to what it was before {@link #override}. */
    public static final class SettingOverride implements AutoCloseable {

        private final String key;
        private final @Nullable Long previous;
        private boolean closed;

        private SettingOverride(String key, @Nullable Long previous) {
            this.key = key;
            this.previous = previous;
        }

        public @Nullable Long previous() {
            return previous;
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            if (previous == null) {
                rabbitmqctl("eval", "application:unset_env(rabbit, " + key + ").");
            } else {
                set(key, previous);
            }
            closed = true;
        }
    }

    /**
     * Fails, with what {@code rabbitmqctl} answered, unless it can reach the broker from here: a test that overrides
     * broker settings proves nothing without it, so it must fail, never be skipped. Only local services give the
     * tests a {@code rabbitmqctl} for their broker ({@code .ci/run} checks it before the build).
     */
    public static void requireRabbitmqctl() {
        try {
            rabbitmqctl("eval", "ok.");
        } catch (RuntimeException e) {
            throw new AssertionError("This test overrides broker settings with rabbitmqctl, which cannot reach the "
                    + "test broker from here: " + e.getMessage(), e);
        }
    }

    private static void set(String key, long value) {
        rabbitmqctl("eval", "application:set_env(rabbit, " + key + ", " + value + ").");
    }

    private static String rabbitmqctl(String... arguments) {
        List<String> command = new ArrayList<>(List.of("rabbitmqctl", "-q"));
        command.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
            return output.trim();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run rabbitmqctl", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ---- plumbing

    private HttpResponse<String> management(String method, String path) {
        return management(method, path, Map.of());
    }

    private HttpResponse<String> management(String method, String path, Map<String, String> headers) {
        URI uri = services.managementUri().resolve(path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (services.amqpUser() + ":" + services.amqpPassword()).getBytes(StandardCharsets.UTF_8)))
                .method(method, HttpRequest.BodyPublishers.noBody());
        headers.forEach(request::header);
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2 && response.statusCode() != 404) {
                throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": "
                        + response.body());
            }
            return response;
        } catch (IOException e) {
            throw new UncheckedIOException("RabbitMQ management API unreachable at " + uri, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (IOException | RuntimeException e) {
            // the vhost may be gone already
        }
    }
}
