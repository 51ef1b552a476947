package errand.tests.support;

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

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import errand.model.Headers;
import errand.model.Topology;
import errand.model.WireJson;
import errand.testsupport.ErrandTestServices;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * What a failure test does to and reads from the broker, scoped to the test class's own vhost: closing the apps'
 * connections (management API, the same as {@code rabbitmqctl close_connection}), reading queue depths and dead
 * letters (AMQP) and publishing raw messages. Broker-wide settings, such as {@code consumer_timeout}, are changed with
 * {@link errand.testsupport.Rabbitmqctl}.
 *
 * <p>The test's own connections are named {@code errand-tests...} and never closed by {@link #closeAppConnections}.
 */
public final class BrokerControl implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

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
                + queue.path("messages_unacknowledged").asLong(-1) + ", consumers " + queue.path("consumers")
                        .asLong(-1);
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
