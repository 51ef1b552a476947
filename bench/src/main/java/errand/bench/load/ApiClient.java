package errand.bench.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The API as the load generator and the orchestration see it: every request to {@code /api/v1/**} carries
 * {@code Authorization: Bearer <bootstrap key>} (the key the kit started the API with; never printed). With more
 * than one API instance, the requests go to each in turn.
 */
public final class ApiClient {

    private final List<URI> bases;
    private final AtomicInteger next = new AtomicInteger();
    private final String authorization;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicLong throttled = new AtomicLong();

    public ApiClient(URI base, String bearerKey) {
        this(List.of(base), bearerKey);
    }

    public ApiClient(List<URI> bases, String bearerKey) {
        this.bases = List.copyOf(bases);
        this.authorization = "Bearer " + bearerKey;
    }

    /** The next instance's base, in turn. */
    URI base() {
        return bases.get(Math.floorMod(next.getAndIncrement(), bases.size()));
    }

    /** 429 and 503 answers retried so far. */
    public long throttled() {
        return throttled.get();
    }

    /** GETs a path of the API; the body, or an exception on a status other than 200. */
    public String get(String path) throws IOException, InterruptedException {
        return get(path, Duration.ofSeconds(10));
    }

    /** {@link #get(String)} with a longer wait for the answer: a long-poll's {@code wait} plus a margin. */
    public String get(String path, Duration timeout) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base().resolve(path)).timeout(timeout)
                .header("Authorization", authorization).GET().build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + path + " answered " + response.statusCode());
        }
        return response.body();
    }

    /** POSTs a body; retries 429/503 after Retry-After (counted); anything else but 202 is an error. */
    public String post(String path, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base().resolve(path))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .header("Authorization", authorization)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        for (int tries = 1; ; tries++) {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 202) {
                return response.body();
            }
            if ((response.statusCode() == 429 || response.statusCode() == 503) && tries < 100) {
                throttled.incrementAndGet();
                long seconds = response.headers().firstValue("Retry-After").map(Long::parseLong).orElse(1L);
                Thread.sleep(Duration.ofSeconds(Math.max(1, Math.min(seconds, 10))));
                continue;
            }
            throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
        }
    }
}
