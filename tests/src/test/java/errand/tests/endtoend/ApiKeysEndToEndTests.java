package errand.tests.endtoend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import errand.tests.support.ErrandClient;
import errand.tests.support.ErrandPlatform;
import errand.tests.support.JobFixtures;
import errand.tests.support.JobRequest;
import errand.tests.support.PlatformApps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * The security contract on the real API: bearer API keys (401 without or with a bad one, 403 without the call's
 * scope, each a problem with {@code WWW-Authenticate} as RFC 6750 has it), what each scope allows, key management,
 * tenants kept apart on every job endpoint, idempotency per tenant, and secrets kept out of the store and the logs.
 */
class ApiKeysEndToEndTests {

    private static final String KEYS = "/api/v1/keys";
    private static final Duration SHORT = Duration.ofSeconds(30);

    @RegisterExtension
    static final ErrandPlatform platform = ErrandPlatform.shared();

    private static ErrandClient admin() {
        return platform.api();
    }

    /** Makes a key through the API and answers its secret. */
    private static String newKey(String tenant, String... scopes) {
        ErrandClient.Response created = createKey("key-" + UUID.randomUUID(), tenant, List.of(scopes), null);
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        return created.json().path("secret").asString();
    }

    private static ErrandClient.Response createKey(String name, String tenant, List<String> scopes,
            Instant expiresAt) {
        var body = new StringBuilder("{\"name\":\"").append(name).append("\",\"tenant\":\"").append(tenant)
                .append("\",\"scopes\":[").append(String.join(",", scopes.stream().map(s -> "\"" + s + "\"")
                        .toList())).append("]");
        if (expiresAt != null) {
            body.append(",\"expiresAt\":\"").append(expiresAt).append('"');
        }
        return admin().post(KEYS, "application/json", body.append('}').toString(), null);
    }

    private static ErrandClient as(String secret) {
        return platform.api().withKey(secret);
    }

    private static JobRequest echo() {
        return JobFixtures.anEchoJobNumbered(1);
    }

    // ---- authentication

    @Test
    void aCallWithoutCredentialsIsRefusedWithABearerChallenge() {
        ErrandClient.Response response = platform.api().withKey(null).list("");

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.header("WWW-Authenticate")).hasValue("Bearer");
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().path("detail").asString()).contains("Authorization: Bearer");
    }

    @Test
    void anUnknownSecretIsAnInvalidToken() {
        ErrandClient.Response response = as("errand_not-a-key-anyone-made").list("");

        assertInvalidToken(response);
        assertThat(response.json().path("detail").asString()).contains("unknown or has been revoked");
    }

    @Test
    void anExpiredKeyStopsWorking() {
        ErrandClient.Response created = createKey("short-lived", "expiring", List.of("jobs:read"),
                Instant.now().plusSeconds(3));
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        ErrandClient client = as(created.json().path("secret").asString());

        await("the key expires").atMost(SHORT).pollInterval(Duration.ofMillis(500))
                .until(() -> client.list("").status() == 401);
        ErrandClient.Response refused = client.list("");
        assertInvalidToken(refused);
        assertThat(refused.json().path("detail").asString()).contains("expired");
    }

    @Test
    void aDeletedKeyStopsWorking() {
        ErrandClient.Response created = createKey("to-revoke", "revoked", List.of("jobs:read"), null);
        ErrandClient client = as(created.json().path("secret").asString());
        assertThat(client.list("").status()).isEqualTo(200);

        ErrandClient.Response deleted = admin().delete(KEYS + "/" + created.json().path("id").asString());

        assertThat(deleted.status()).as("%s", deleted).isEqualTo(204);
        await("the deleted key is refused").atMost(SHORT).until(() -> client.list("").status() == 401);
        assertInvalidToken(client.list(""));
        assertThat(admin().delete(KEYS + "/" + created.json().path("id").asString()).status()).isEqualTo(404);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Bearer", "Bearer ", "Bearer  two-spaces", "bearer", "Basic dXNlcjpwYXNzd29yZA==",
        "Token abc", "Bearer a b", "Bearer abc,def", "Bearer @@@", "Bearer ==abc", "Bearer \"quoted\"",
        "Bearer errand_", "Bearer null", "Bearer %00", "Negotiate YIIB", "Digest username=\"x\"", "Bearer\tabc",
        "BEARER", "Bearer abc=def", "Bearer ../../etc/passwd", "Bearer 'or''='"})
    void aMalformedAuthorizationHeaderIsA401Problem(String header) {
        ErrandClient.Response response = platform.api().getWithAuthorization(ErrandClient.JOBS, List.of(header));

        assertUnauthorizedProblem(response);
    }

    @Test
    void hugeRepeatedAndNonAsciiCredentialsAre401Problems() {
        List<List<String>> cases = List.of(
                List.of("Bearer " + "a".repeat(4000)),
                List.of("Bearer " + "é".repeat(100)),
                List.of("Bearer " + PlatformApps.BOOTSTRAP_KEY, "Bearer " + PlatformApps.BOOTSTRAP_KEY),
                List.of("Bearer abc", "Basic dXNlcjpwYXNzd29yZA=="),
                List.of("Bearer " + PlatformApps.BOOTSTRAP_KEY.toUpperCase()));
        for (List<String> headers : cases) {
            assertUnauthorizedProblem(platform.api().getWithAuthorization(ErrandClient.JOBS, headers));
        }
    }

    private static void assertUnauthorizedProblem(ErrandClient.Response response) {
        assertThat(response.status()).as("%s", response).isEqualTo(401);
        assertThat(response.header("WWW-Authenticate")).as("%s", response).hasValueSatisfying(value ->
                assertThat(value).startsWith("Bearer"));
        assertThat(response.contentType()).as("%s", response).startsWith("application/problem+json");
        assertThat(response.json().path("detail").asString()).as("%s", response).isNotBlank();
    }

    private static void assertInvalidToken(ErrandClient.Response response) {
        assertThat(response.status()).as("%s", response).isEqualTo(401);
        assertThat(response.header("WWW-Authenticate")).as("%s", response).hasValueSatisfying(value ->
                assertThat(value).startsWith("Bearer error=\"invalid_token\""));
        assertThat(response.contentType()).startsWith("application/problem+json");
    }

    // ---- scopes

    /** One call of each kind, and the scope it needs. */
    private record Call(String name, String scope, Function<ErrandClient, ErrandClient.Response> request) {
    }

    private static List<Call> calls(UUID someJob) {
        return List.of(
                new Call("submit", "jobs:submit", c -> c.submit(echo())),
                new Call("batch", "jobs:submit", c -> c.submitBatch(List.of(echo()))),
                new Call("get", "jobs:read", c -> c.get(someJob)),
                new Call("long-poll", "jobs:read", c -> c.getWaiting(someJob, Duration.ZERO)),
                new Call("list", "jobs:read", c -> c.list("limit=1")),
                new Call("events", "jobs:read", c -> c.get(ErrandClient.JOBS + "/" + UUID.randomUUID() + "/events")),
                new Call("task types", "jobs:read", c -> c.get("/api/v1/task-types")),
                new Call("stats", "jobs:read", c -> c.get("/api/v1/stats")),
                new Call("cancel", "jobs:manage", c -> c.post(ErrandClient.JOBS + "/" + UUID.randomUUID() + "/cancel",
                        "application/json", "", null)),
                new Call("retry", "jobs:manage", c -> c.post(ErrandClient.JOBS + "/" + someJob + "/retry",
                        "application/json", "", null)),
                new Call("list keys", "admin", c -> c.get(KEYS)),
                new Call("delete key", "admin", c -> c.delete(KEYS + "/" + UUID.randomUUID())),
                new Call("workers", "admin", c -> c.get("/api/v1/workers")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"jobs:submit", "jobs:read", "jobs:manage", "schedules", "admin"})
    void eachScopeAllowsExactlyItsCalls(String scope) {
        UUID someJob = admin().accept(echo()).path("id").asString().transform(UUID::fromString);
        ErrandClient client = as(newKey("default", scope));

        for (Call call : calls(someJob)) {
            ErrandClient.Response response = call.request().apply(client);
            if (scope.equals("admin") || scope.equals(call.scope())) {
                assertThat(response.status()).as("%s with %s: %s", call.name(), scope, response)
                        .isNotIn(401, 403).isLessThan(500);
            } else {
                assertThat(response.status()).as("%s with %s: %s", call.name(), scope, response).isEqualTo(403);
                assertThat(response.header("WWW-Authenticate")).as("%s", response).hasValueSatisfying(value ->
                        assertThat(value).startsWith("Bearer error=\"insufficient_scope\""));
                assertThat(response.contentType()).startsWith("application/problem+json");
                assertThat(response.json().path("detail").asString()).contains("'" + call.scope() + "'");
            }
        }
    }

    // ---- keys

    @Test
    void aNewKeysSecretIsShownOnceAndNeverListed() {
        ErrandClient.Response created = createKey("ci", "acme", List.of("jobs:submit", "jobs:read"),
                Instant.parse("2099-01-01T00:00:00Z"));

        assertThat(created.status()).as("%s", created).isEqualTo(201);
        JsonNode key = created.json();
        assertThat(created.header("Location")).hasValue(KEYS + "/" + key.path("id").asString());
        assertThat(key.path("name").asString()).isEqualTo("ci");
        assertThat(key.path("tenant").asString()).isEqualTo("acme");
        assertThat(key.path("scopes").valueStream().map(JsonNode::asString).toList())
                .containsExactlyInAnyOrder("jobs:submit", "jobs:read");
        assertThat(key.path("expiresAt").asString()).isEqualTo("2099-01-01T00:00:00Z");
        assertThat(key.path("createdAt").asString()).isNotBlank();
        String secret = key.path("secret").asString();
        assertThat(secret).hasSizeGreaterThan(40);

        as(secret).accept(echo());
        await("lastUsedAt recorded").atMost(SHORT).pollInterval(Duration.ofMillis(500)).until(() ->
                listedKey(key.path("id").asString()).hasNonNull("lastUsedAt"));
        ErrandClient.Response list = admin().get(KEYS);
        assertThat(list.body()).doesNotContain(secret).doesNotContain("\"secret\"");
        assertThat(listedKey(key.path("id").asString()).path("tenant").asString()).isEqualTo("acme");
    }

    private static JsonNode listedKey(String id) {
        for (JsonNode key : admin().get(KEYS).json().path("keys")) {
            if (key.path("id").asString().equals(id)) {
                return key;
            }
        }
        throw new AssertionError("key " + id + " is not listed");
    }

    @Test
    void badKeyRequestsAre400sNamingTheField() {
        Map<String, String> cases = Map.of(
                "{\"name\":\"x\",\"tenant\":\"acme\",\"scopes\":[\"jobs:write\"]}", "/scopes/0",
                "{\"name\":\"x\",\"tenant\":\"Acme Corp\",\"scopes\":[\"jobs:read\"]}", "/tenant",
                "{\"name\":\"x\",\"tenant\":\"-acme\",\"scopes\":[\"jobs:read\"]}", "/tenant",
                "{\"name\":\"x\",\"tenant\":\"acme\",\"scopes\":[\"jobs:read\"],"
                        + "\"expiresAt\":\"2001-01-01T00:00:00Z\"}",
                "/expiresAt",
                "{\"name\":\"x\",\"tenant\":\"acme\",\"scopes\":[\"jobs:read\"],\"expiresAt\":\"tomorrow\"}",
                "/expiresAt",
                "{\"tenant\":\"acme\",\"scopes\":[\"jobs:read\"]}", "/name",
                "{\"name\":\"\",\"tenant\":\"acme\",\"scopes\":[\"jobs:read\"]}", "/name",
                "{\"name\":\"x\",\"tenant\":\"acme\",\"scopes\":[]}", "/scopes",
                "{\"name\":\"x\",\"tenant\":\"" + "a".repeat(64) + "\",\"scopes\":[\"jobs:read\"]}", "/tenant");
        cases.forEach((body, field) -> {
            ErrandClient.Response response = admin().post(KEYS, "application/json", body, null);
            assertThat(response.status()).as("%s: %s", body, response).isEqualTo(400);
            assertThat(response.contentType()).startsWith("application/problem+json");
            assertThat(response.json().path("errors").valueStream().map(e -> e.path("field").asString()).toList())
                    .as("%s: %s", body, response).contains(field);
        });
    }

    // ---- tenants

    @Test
    void anotherTenantsJobIsNotFoundOnEveryEndpoint() {
        ErrandClient acme = as(newKey("acme-" + shortId(), "admin"));
        ErrandClient globex = as(newKey("globex-" + shortId(), "admin"));
        UUID job = acme.accept(echo()).path("id").asString().transform(UUID::fromString);
        acme.awaitTerminal(job, SHORT);

        assertThat(globex.get(job).status()).isEqualTo(404);
        assertThat(globex.getWaiting(job, Duration.ofSeconds(1)).status()).isEqualTo(404);
        assertThat(globex.get(ErrandClient.JOBS + "/" + job + "/events").status()).isEqualTo(404);
        assertThat(globex.post(ErrandClient.JOBS + "/" + job + "/cancel", "application/json", "", null).status())
                .isEqualTo(404);
        assertThat(globex.post(ErrandClient.JOBS + "/" + job + "/retry", "application/json", "", null).status())
                .isEqualTo(404);
        assertThat(globex.list("limit=500").json().path("jobs").valueStream()
                .map(j -> j.path("id").asString()).toList()).doesNotContain(job.toString());
        assertThat(globex.list("limit=500&type=echo").json().path("jobs")).isEmpty();

        assertThat(acme.job(job).path("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(acme.events(job, SHORT).events()).isNotEmpty();
        assertThat(acme.list("limit=500").json().path("jobs").valueStream()
                .map(j -> j.path("id").asString()).toList()).containsExactly(job.toString());
        assertThat(acme.post(ErrandClient.JOBS + "/" + job + "/cancel", "application/json", "", null).status())
                .as("found, and already terminal").isEqualTo(409);
    }

    @Test
    void theSameIdempotencyKeyInTwoTenantsMakesTwoJobs() {
        ErrandClient acme = as(newKey("acme-" + shortId(), "jobs:submit", "jobs:read"));
        ErrandClient globex = as(newKey("globex-" + shortId(), "jobs:submit", "jobs:read"));
        String idempotencyKey = "order-" + UUID.randomUUID();

        ErrandClient.Response first = acme.submit(echo(), idempotencyKey);
        ErrandClient.Response again = acme.submit(echo(), idempotencyKey);
        ErrandClient.Response elsewhere = globex.submit(echo(), idempotencyKey);

        assertThat(first.status()).as("%s", first).isEqualTo(202);
        assertThat(again.jobId()).isEqualTo(first.jobId());
        assertThat(elsewhere.status()).as("%s", elsewhere).isEqualTo(202);
        assertThat(elsewhere.jobId()).isNotEqualTo(first.jobId());
        assertThat(globex.get(first.jobId()).status()).isEqualTo(404);
    }

    // ---- secrets at rest and in logs

    @Test
    void theDatabaseHoldsNoSecret() throws Exception {
        String secret = newKey("dumped", "jobs:read");
        as(secret).list("");

        String dump = pgDump();

        assertThat(dump).contains("api_keys").contains("dumped");
        assertThat(dump).doesNotContain(secret).doesNotContain(PlatformApps.BOOTSTRAP_KEY);
    }

    @Test
    void noLogLineHoldsAKeysSecret() throws IOException {
        String secret = newKey("logged", "jobs:submit", "jobs:read");
        ErrandClient client = as(secret);
        client.awaitTerminal(client.accept(echo()).path("id").asString().transform(UUID::fromString), SHORT);
        client.submit(JobRequest.of("no-such-type", echo().payload()));

        Path log = platform.apiProcess().log();
        assertThat(Files.readString(log, StandardCharsets.UTF_8)).as("%s", log).doesNotContain(secret);
    }

    private static String pgDump() throws IOException, InterruptedException {
        URI jdbc = URI.create(platform.services().jdbcUrl().substring("jdbc:".length()));
        String database = jdbc.getPath().substring(1);
        List<String> command = new ArrayList<>(List.of("pg_dump", "--data-only", "-h", jdbc.getHost(), "-p",
                Integer.toString(jdbc.getPort()), "-U", platform.services().jdbcUser(), database));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("PGPASSWORD", platform.services().jdbcPassword());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
