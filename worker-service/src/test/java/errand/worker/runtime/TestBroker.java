package errand.worker.runtime;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

import errand.model.WireJson;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A fresh virtual host on the test broker, created and deleted through the management HTTP API, so tests never see
 * each other's queues. The broker comes from {@code ERRAND_TEST_RABBITMQ_URI} (default
 * {@code amqp://guest:guest@127.0.0.1:5672}) and its management API from {@code ERRAND_TEST_RABBITMQ_MANAGEMENT_URI}
 * (default {@code http://guest:guest@127.0.0.1:15672}).
 */
final class TestBroker implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final URI amqp;
    private final URI management;
    private final String vhost;

    private TestBroker(URI amqp, URI management, String vhost) {
        this.amqp = amqp;
        this.management = management;
        this.vhost = vhost;
    }

    static TestBroker withFreshVirtualHost(String prefix) throws IOException, InterruptedException {
        URI amqp = URI.create(env("ERRAND_TEST_RABBITMQ_URI", "amqp://guest:guest@127.0.0.1:5672"));
        URI management = URI.create(env("ERRAND_TEST_RABBITMQ_MANAGEMENT_URI", "http://guest:guest@127.0.0.1:15672"));
        String vhost = prefix.toLowerCase(Locale.ROOT) + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        TestBroker broker = new TestBroker(amqp, management, vhost);
        broker.call("PUT", "/api/vhosts/" + broker.encodedVhost(), "{}");
        broker.call("PUT", "/api/permissions/" + broker.encodedVhost() + "/" + broker.user(),
                "{\"configure\": \".*\", \"write\": \".*\", \"read\": \".*\"}");
        return broker;
    }

    String virtualHost() {
        return vhost;
    }

    String host() {
        return amqp.getHost();
    }

    int port() {
        return amqp.getPort() == -1 ? 5672 : amqp.getPort();
    }

    String user() {
        return userInfo(amqp)[0];
    }

    String password() {
        return userInfo(amqp)[1];
    }

    /** The management API's view of a queue: {@code messages_ready}, {@code messages_unacknowledged} and so on. */
    JsonNode queue(String name) throws IOException, InterruptedException {
        return WireJson.mapper().readTree(call("GET", "/api/queues/" + encodedVhost() + "/"
                + URLEncoder.encode(name, StandardCharsets.UTF_8), null));
    }

    @Override
    public void close() throws IOException, InterruptedException {
        call("DELETE", "/api/vhosts/" + encodedVhost(), null);
    }

    private String call(String method, String path, @Nullable String body) throws IOException, InterruptedException {
        String[] credentials = userInfo(management);
        String authorization = Base64.getEncoder().encodeToString(
                (credentials[0] + ":" + credentials[1]).getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(management.resolve(path))
                .header("Authorization", "Basic " + authorization)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IOException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    private String encodedVhost() {
        return URLEncoder.encode(vhost, StandardCharsets.UTF_8);
    }

    private static String[] userInfo(URI uri) {
        String info = uri.getUserInfo() == null ? "guest:guest" : uri.getUserInfo();
        int colon = info.indexOf(':');
        return colon < 0 ? new String[] {info, ""} : new String[] {info.substring(0, colon), info.substring(colon + 1)};
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
