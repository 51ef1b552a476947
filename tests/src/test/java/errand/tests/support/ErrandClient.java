package errand.tests.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Stream;

import errand.model.JobStatus;
import errand.model.WireJson;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A small client of the fixed v1 HTTP contract, on {@code java.net.http}. The plain methods return the raw
 * {@link Response} so tests can check status codes and problems; {@link #accept} and {@link #job} assert success and
 * return the parsed job.
 */
public final class ErrandClient {

    public static final String JOBS = "/api/v1/jobs";

    private final Supplier<URI> baseUri;
    private final @Nullable String apiKey;
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1)
            .build();

    /** A client that authenticates with the platforms' bootstrap key ({@link PlatformApps#BOOTSTRAP_KEY}). */
    public ErrandClient(Supplier<URI> baseUri) {
        this(baseUri, PlatformApps.BOOTSTRAP_KEY);
    }

    /** A client that sends {@code apiKey} as its bearer secret, or no {@code Authorization} header when null. */
    public ErrandClient(Supplier<URI> baseUri, @Nullable String apiKey) {
        this.baseUri = baseUri;
        this.apiKey = apiKey;
    }

    /** The same API, called with another key (null: none). */
    public ErrandClient withKey(@Nullable String otherKey) {
        return new ErrandClient(baseUri, otherKey);
    }

    /** Makes an API key in {@code tenant} with {@code scopes} (this client's key must be an admin's): its secret. */
    public String createKey(String tenant, String... scopes) {
        Response created = post("/api/v1/keys", "application/json", "{\"name\":\"" + tenant + "-key\",\"tenant\":\""
                + tenant + "\",\"scopes\":[\"" + String.join("\",\"", scopes) + "\"]}", null);
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        return created.json().path("secret").asString();
    }

    public URI baseUri() {
        return baseUri.get();
    }

    // ---- submitting

    public Response submit(JobRequest job) {
        return post(JOBS, "application/json", job.json(), null);
    }

    public Response submit(JobRequest job, String idempotencyKey) {
        return post(JOBS, "application/json", job.json(), idempotencyKey);
    }

    /** Submits within the caller's W3C trace: {@code traceparent} goes as a header. */
    public Response submitInTrace(JobRequest job, String traceparent) {
        return send(request(JOBS, Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .header("traceparent", traceparent)
                .POST(HttpRequest.BodyPublishers.ofString(job.json()))
                .build());
    }

    /** Submits and asserts {@code 202}: the accepted job. */
    public JsonNode accept(JobRequest job) {
        Response response = submit(job);
        assertThat(response.status()).as("submit %s: %s", job, response).isEqualTo(202);
        return response.json();
    }

    public Response submitBatch(List<JobRequest> jobs) {
        ObjectNode body = WireJson.mapper().createObjectNode();
        ArrayNode array = body.putArray("jobs");
        jobs.forEach(job -> array.add(job.body()));
        return post(JOBS + "/batch", "application/json", WireJson.mapper().writeValueAsString(body), null);
    }

    /** Sends any body with any content type, as a careless client might. */
    public Response post(String path, String contentType, String body, @Nullable String idempotencyKey) {
        HttpRequest.Builder request = request(path, Duration.ofSeconds(60))
                .header("Content-Type", contentType)
                .header("Accept", "application/json, application/problem+json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return send(request.build());
    }

    /** {@code PUT} of a JSON body: a replace. */
    public Response put(String path, String json) {
        return send(request(path, Duration.ofSeconds(60)).header("Content-Type", "application/json")
                .header("Accept", "application/json, application/problem+json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    /**
     * Announces a body of {@code contentLength} bytes with {@code Expect: 100-continue} and reads the answer without
     * sending the body: a server that refuses a body by its announced length answers at once. (Over a raw socket:
     * {@code java.net.http} fails when the server closes the connection right after its early answer.)
     */
    public Response postAnnouncingLength(String path, String contentType, long contentLength) {
        URI uri = baseUri.get().resolve(path);
        try (java.net.Socket socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(30_000);
            String head = "POST " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                    + "\r\nContent-Type: " + contentType + "\r\nContent-Length: " + contentLength
                    + (apiKey == null ? "" : "\r\nAuthorization: Bearer " + apiKey)
                    + "\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(
                    socket.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
            while (true) {
                String statusLine = in.readLine();
                if (statusLine == null) {
                    throw new IOException("connection closed without an answer");
                }
                int status = Integer.parseInt(statusLine.split(" ")[1]);
                java.util.Map<String, List<String>> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                String line;
                while ((line = in.readLine()) != null && !line.isEmpty()) {
                    int colon = line.indexOf(':');
                    headers.computeIfAbsent(line.substring(0, colon).trim(), name -> new ArrayList<>())
                            .add(line.substring(colon + 1).trim());
                }
                if (status / 100 == 1) {
                    continue; // 100 Continue: the body is not sent; wait for the final answer
                }
                int length = Integer.parseInt(headers.getOrDefault("Content-Length", List.of("-1")).getFirst());
                StringBuilder body = new StringBuilder();
                if (length >= 0) {
                    char[] buffer = new char[length];
                    int read = 0;
                    while (read < length) {
                        int n = in.read(buffer, read, length - read);
                        if (n < 0) {
                            break;
                        }
                        read += n;
                    }
                    body.append(buffer, 0, read);
                } else {
                    in.transferTo(new java.io.Writer() {
                        @Override
                        public void write(char[] chars, int offset, int count) {
                            body.append(chars, offset, count);
                        }

                        @Override
                        public void flush() {
                        }

                        @Override
                        public void close() {
                        }
                    });
                }
                return new Response("POST " + path, status, HttpHeaders.of(headers, (name, value) -> true),
                        body.toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("POST " + uri + " with Content-Length " + contentLength + " failed", e);
        }
    }

    // ---- reading

    public Response get(String pathAndQuery) {
        return send(request(pathAndQuery, Duration.ofSeconds(90)).GET().build());
    }

    public Response get(UUID id) {
        return get(JOBS + "/" + id);
    }

    public Response delete(String path) {
        return send(request(path, Duration.ofSeconds(30)).DELETE().build());
    }

    /** {@code GET} with exactly these {@code Authorization} header values (none, one, or several), whatever the key. */
    public Response getWithAuthorization(String pathAndQuery, List<String> authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(baseUri.get().resolve(pathAndQuery))
                .timeout(Duration.ofSeconds(30)).GET();
        authorization.forEach(value -> request.header("Authorization", value));
        return send(request.build());
    }

    /** {@code GET} with the key and one more header. */
    public Response getWithHeader(String pathAndQuery, String name, String value) {
        return send(request(pathAndQuery, Duration.ofSeconds(30)).header(name, value).GET().build());
    }

    /** The long-poll: answers when the job is terminal or {@code wait} has passed. */
    public Response getWaiting(UUID id, Duration wait) {
        return get(JOBS + "/" + id + "?wait=" + wait);
    }

    /** Asserts {@code 200}: the job. */
    public JsonNode job(UUID id) {
        Response response = get(id);
        assertThat(response.status()).as("GET job %s: %s", id, response).isEqualTo(200);
        return response.json();
    }

    public Response list(String query) {
        return get(JOBS + (query.isEmpty() ? "" : "?" + query));
    }

    public JsonNode taskTypes() {
        Response response = get("/api/v1/task-types");
        assertThat(response.status()).as("GET task types: %s", response).isEqualTo(200);
        return response.json();
    }

    public JsonNode workers() {
        Response response = get("/api/v1/workers");
        assertThat(response.status()).as("GET workers: %s", response).isEqualTo(200);
        return response.json();
    }

    public Optional<JsonNode> taskType(String name) {
        for (JsonNode type : taskTypes()) {
            if (name.equals(type.path("name").asString(""))) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }

    // ---- waiting, by polling (independent of the long-poll under test)

    public JsonNode awaitStatus(UUID id, JobStatus status, Duration atMost) {
        return await("job " + id + " " + status).atMost(atMost).pollInterval(Duration.ofMillis(100))
                .until(() -> job(id), job -> status.name().equals(job.path("status").asString("")));
    }

    public JsonNode awaitTerminal(UUID id, Duration atMost) {
        return await("job " + id + " terminal").atMost(atMost).pollInterval(Duration.ofMillis(100))
                .until(() -> job(id), job -> JobStatus.valueOf(job.path("status").asString()).isTerminal());
    }

    // ---- server-sent events

    /**
     * Reads {@code GET /api/v1/jobs/{id}/events} until the server closes the stream or {@code atMost} passes. An
     * answer other than 2xx fails the calling test ({@link AssertionError}): it is no stream, not an empty one.
     *
     * @return the events' data, parsed, and whether the server closed the stream
     */
    public EventStream events(UUID id, Duration atMost) {
        return eventsAt(JOBS + "/" + id + "/events", atMost);
    }

    /** Reads the server-sent events at {@code path} as {@link #events(UUID, Duration)} does for a job. */
    public EventStream eventsAt(String path, Duration atMost) {
        HttpRequest request = request(path, atMost.plusSeconds(5))
                .header("Accept", "text/event-stream").GET().build();
        List<JsonNode> events = new ArrayList<>();
        CompletableFuture<HttpResponse<Stream<String>>> future =
                http.sendAsync(request, HttpResponse.BodyHandlers.ofLines());
        HttpResponse<Stream<String>> response;
        try {
            response = future.get(atMost.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("No answer from the event stream " + path, e);
        }
        if (response.statusCode() / 100 != 2) {
            // An error answer has no events: read as a stream it would look like an empty one that closed.
            String body;
            try (Stream<String> lines = response.body()) {
                body = lines.collect(java.util.stream.Collectors.joining("\n"));
            }
            throw new AssertionError("GET " + path + " answered " + response.statusCode()
                    + " instead of an event stream: " + body);
        }
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        CompletableFuture<Boolean> reading = CompletableFuture.supplyAsync(() -> {
            SseParser parser = new SseParser(event -> {
                synchronized (events) {
                    events.add(WireJson.mapper().readTree(event.data()));
                }
            }, () -> { });
            try (Stream<String> lines = response.body()) {
                lines.forEach(parser::accept);
            }
            return true;
        }, Thread::startVirtualThread);
        boolean closed;
        try {
            closed = reading.get(atMost.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            closed = false;
            response.body().close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Event stream " + path + " broke", e.getCause());
        }
        synchronized (events) {
            return new EventStream(response.statusCode(), contentType, List.copyOf(events), closed);
        }
    }

    /**
     * Opens the server-sent events at {@code path} and answers once the headers came, leaving the body to read, as
     * {@link EventFollower} does; with {@code lastEventId}, sends it as {@code Last-Event-ID}.
     */
    public HttpResponse<Stream<String>> openStream(String path, @Nullable String lastEventId) {
        HttpRequest.Builder request = request(path, Duration.ofSeconds(30)).header("Accept", "text/event-stream");
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        try {
            return http.send(request.GET().build(), HttpResponse.BodyHandlers.ofLines());
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** What an SSE subscription saw. */
    public record EventStream(int status, String contentType, List<JsonNode> events, boolean closedByServer) {

        public List<String> statuses() {
            return events.stream().map(event -> event.path("status").asString("")).toList();
        }
    }

    // ---- plumbing

    private HttpRequest.Builder request(String pathAndQuery, Duration timeout) {
        HttpRequest.Builder request = HttpRequest.newBuilder(baseUri.get().resolve(pathAndQuery)).timeout(timeout);
        return apiKey == null ? request : request.header("Authorization", "Bearer " + apiKey);
    }

    private Response send(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(request.method() + " " + request.uri().getRawPath(), response.statusCode(),
                    response.headers(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** An HTTP answer; {@link #json()} parses the body. */
    public record Response(String request, int status, HttpHeaders headers, String body) {

        public JsonNode json() {
            return WireJson.mapper().readTree(body);
        }

        public String contentType() {
            return headers.firstValue("Content-Type").orElse("");
        }

        public Optional<String> header(String name) {
            return headers.firstValue(name);
        }

        public UUID jobId() {
            return UUID.fromString(json().path("id").asString());
        }

        @Override
        public String toString() {
            String shown = body.length() > 500 ? body.substring(0, 500) + "..." : body;
            return request + " -> " + status + " " + contentType() + " " + shown;
        }
    }
}
