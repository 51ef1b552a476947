package errand.tests.endtoend;

import static errand.tests.support.JobFixtures.aFailingJob;
import static errand.tests.support.JobFixtures.anEchoJobNumbered;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import errand.model.WireJson;
import errand.tests.support.AppProcess;
import errand.tests.support.ErrandClient;
import errand.tests.support.ErrandPlatform;
import errand.tests.support.EventFollower;
import errand.tests.support.JobRequest;
import errand.tests.support.SseParser.SseEvent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * The outcome stream, {@code GET /api/v1/events}, on two API instances: every status change of the tenant's jobs with
 * strictly increasing ids, filters, resuming with {@code Last-Event-ID} on either instance and after the streaming
 * instance is killed, a {@code reset} past retention, bad input and tenants kept apart. Retention is short here
 * (20 s) so that an id can expire within the test.
 */
class OutcomeStreamEndToEndTests {

    private static final String EVENTS = "/api/v1/events";
    private static final Duration SHORT = ofSeconds(60);
    private static final Set<String> TERMINAL = Set.of("SUCCEEDED", "FAILED", "CANCELLED");

    @RegisterExtension
    static final ErrandPlatform platform = ErrandPlatform.withOneWorker()
            .apiArguments("--errand.api.events.retention=PT20S", "--errand.api.events.expiry-interval=PT1S",
                    "--errand.api.events.heartbeat=PT1S");

    private static AppProcess apiB;
    private static ErrandClient b;

    @BeforeAll
    static void startTheSecondApi() {
        apiB = platform.startAnotherApi();
        b = new ErrandClient(apiB::baseUri);
    }

    private static ErrandClient a() {
        return platform.api();
    }

    @Test
    void everyStatusChangeOfAJobIsAnEventWithItsOutcomeAndIdsIncreaseStrictly() {
        String from = lastEventNumber();
        UUID echo = a().submit(anEchoJobNumbered(1)).jobId();
        UUID failing = a().submit(aFailingJob(5, false)).jobId();

        try (EventFollower stream = EventFollower.follow(b, EVENTS, from)) {
            await("both outcomes streamed").atMost(SHORT)
                    .until(() -> terminalJobs(stream).containsAll(List.of(echo, failing)));

            List<JsonNode> ofEcho = eventsOf(stream, echo);
            // RUNNING is there unless the start and the outcome were applied in one transaction
            assertThat(ofEcho).extracting(event -> event.path("status").asString())
                    .isSubsetOf("QUEUED", "RUNNING", "SUCCEEDED").startsWith("QUEUED").endsWith("SUCCEEDED")
                    .doesNotHaveDuplicates();
            JsonNode succeeded = ofEcho.getLast();
            assertThat(succeeded.path("type").asString()).isEqualTo("echo");
            assertThat(succeeded.path("attempt").asInt()).isEqualTo(1);
            assertThat(succeeded.path("batchId").isNull()).isTrue();
            assertThat(succeeded.path("result")).isEqualTo(a().job(echo).path("payload"));
            JsonNode failed = eventsOf(stream, failing).getLast();
            assertThat(failed.path("status").asString()).isEqualTo("FAILED");
            assertThat(failed.path("error").isObject()).as("%s", failed).isTrue();
            assertThat(stream.events()).allSatisfy(event -> assertThat(event.name()).isEqualTo("job"));
            assertStrictlyIncreasing(stream.events());
        }
    }

    @Test
    void filtersByBatchTypeAndOutcomesOnly() {
        String from = lastEventNumber();
        UUID batch = UUID.fromString(a().submitBatch(List.of(anEchoJobNumbered(1), anEchoJobNumbered(2),
                anEchoJobNumbered(3))).json().path("batchId").asString());
        UUID failing = a().submit(aFailingJob(5, false)).jobId();
        a().awaitTerminal(failing, SHORT);

        try (EventFollower ofBatch = EventFollower.follow(b, EVENTS + "?batch=" + batch + "&terminal=true", from);
                EventFollower ofType = EventFollower.follow(a(), EVENTS + "?type=fail", from)) {
            await("the batch's 3 outcomes").atMost(SHORT).until(() -> ofBatch.data("job").size() >= 3);
            await("the failing job's outcome").atMost(SHORT).until(() -> terminalJobs(ofType).contains(failing));

            assertThat(ofBatch.data("job")).hasSize(3).allSatisfy(event -> {
                assertThat(event.path("batchId").asString()).isEqualTo(batch.toString());
                assertThat(event.path("status").asString()).isEqualTo("SUCCEEDED");
            });
            assertThat(ofType.data("job")).allSatisfy(event ->
                    assertThat(event.path("type").asString()).isEqualTo("fail"));
            assertThat(eventsOf(ofType, failing)).extracting(event -> event.path("status").asString())
                    .startsWith("QUEUED").endsWith("FAILED");
        }
    }

    @Test
    void aClientResumingWithLastEventIdOnEitherInstanceGetsEveryLaterEventOnceAndInOrder() {
        String from = lastEventNumber();
        List<UUID> ids = new ArrayList<>();
        List<SseEvent> resumed = new ArrayList<>();
        List<UUID> betweenLegs = new ArrayList<>();
        try (EventFollower whole = EventFollower.follow(b, EVENTS, from)) {
            String lastSeen = from;
            // three legs, alternating instances; jobs are submitted on both while no client is connected too
            for (int leg = 0; leg < 3; leg++) {
                ErrandClient reader = leg % 2 == 0 ? a() : b;
                try (EventFollower part = EventFollower.follow(reader, EVENTS, lastSeen)) {
                    List<UUID> legJobs = submitEchoJobs(leg % 2 == 0 ? b : a(), 10 * leg, 10);
                    ids.addAll(legJobs);
                    await("leg " + leg + "'s outcomes").atMost(SHORT)
                            .until(() -> terminalJobs(part).containsAll(legJobs));
                    resumed.addAll(part.events());
                    lastSeen = part.lastEventId();
                }
                betweenLegs = submitEchoJobs(a(), 100 + 10 * leg, 5);
                ids.addAll(betweenLegs);
            }
            try (EventFollower last = EventFollower.follow(a(), EVENTS, lastSeen)) {
                List<UUID> afterLastLeg = betweenLegs;
                await("the outcomes after the last leg").atMost(SHORT)
                        .until(() -> terminalJobs(last).containsAll(afterLastLeg));
                await("the uninterrupted stream has every outcome").atMost(SHORT)
                        .until(() -> terminalJobs(whole).containsAll(ids));
                resumed.addAll(last.events());
                List<SseEvent> uninterrupted = whole.events();
                assertThat(resumed.size()).isLessThanOrEqualTo(uninterrupted.size());
                assertThat(resumed).as("the resumed legs, joined")
                        .containsExactlyElementsOf(uninterrupted.subList(0, resumed.size()));
            }
        }
        assertStrictlyIncreasing(resumed);
    }

    @Test
    void killingTheStreamingInstanceLosesNoOutcomeWhenTheClientResumesOnTheOther() {
        AppProcess apiC = platform.startAnotherApi();
        ErrandClient c = new ErrandClient(apiC::baseUri);
        String from = lastEventNumber();
        List<UUID> ids = new ArrayList<>();
        List<SseEvent> seen = new ArrayList<>();
        try (EventFollower whole = EventFollower.follow(b, EVENTS + "?terminal=true", from)) {
            String lastSeen;
            try (EventFollower onC = EventFollower.follow(c, EVENTS + "?terminal=true", from)) {
                ids.addAll(submitEchoJobs(a(), 0, 40));
                await("some outcomes streamed from the doomed instance").atMost(SHORT)
                        .until(() -> onC.events().size() >= 10);
                apiC.kill();
                ids.addAll(submitEchoJobs(a(), 40, 40));
                await("the stream ends with the instance").atMost(SHORT).until(onC::ended);
                seen.addAll(onC.events());
                lastSeen = onC.lastEventId();
            }
            try (EventFollower onA = EventFollower.follow(a(), EVENTS + "?terminal=true", lastSeen)) {
                await("every outcome, resumed on another instance").atMost(SHORT).until(() -> {
                    Set<UUID> all = terminalJobs(onA);
                    all.addAll(jobsOf(seen));
                    return all.containsAll(ids);
                });
                await("the uninterrupted stream has every outcome").atMost(SHORT)
                        .until(() -> terminalJobs(whole).containsAll(ids));
                seen.addAll(onA.events());
            }
            Map<UUID, Long> outcomesPerJob = seen.stream().map(OutcomeStreamEndToEndTests::jobOf)
                    .filter(ids::contains).collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
            assertThat(outcomesPerJob).hasSize(ids.size()).allSatisfy((job, times) ->
                    assertThat(times).as("outcomes of %s", job).isEqualTo(1));
            assertThat(seen).containsExactlyElementsOf(whole.events().subList(0, seen.size()));
            assertStrictlyIncreasing(seen);
        } finally {
            apiC.stop();
        }
    }

    @Test
    void aLastEventIdOlderThanTheRetentionGetsAResetFirstThenTheStreamGoesOn() throws SQLException {
        String old = lastEventNumber();
        UUID first = a().submit(anEchoJobNumbered(1)).jobId();
        a().awaitTerminal(first, SHORT);
        await("events after " + old + " expired").atMost(SHORT).pollInterval(Duration.ofMillis(500))
                .until(() -> expiredThrough() > Long.parseLong(old));

        try (EventFollower stream = EventFollower.follow(b, EVENTS, old)) {
            await("a reset").atMost(SHORT).until(() -> !stream.events().isEmpty());
            SseEvent reset = stream.events().getFirst();
            assertThat(reset.name()).isEqualTo("reset");
            assertThat(stream.data("reset").getFirst().path("lastEventId").asLong()).isEqualTo(Long.parseLong(old));
            UUID later = a().submit(anEchoJobNumbered(2)).jobId();
            await("the stream goes on after the reset").atMost(SHORT)
                    .until(() -> terminalJobs(stream).contains(later));
            assertStrictlyIncreasing(stream.events());
        }
    }

    @Test
    void aQuietStreamSendsHeartbeatComments() {
        try (EventFollower stream = EventFollower.follow(a(), EVENTS + "?type=no-such-type", null)) {
            await("heartbeats").atMost(SHORT).until(() -> stream.comments() >= 2);
            assertThat(stream.events()).isEmpty();
        }
    }

    @Test
    void anotherTenantsJobsNeverReachTheStream() {
        ErrandClient other = a().withKey(a().post("/api/v1/keys", "application/json",
                "{\"name\":\"other\",\"tenant\":\"other-" + UUID.randomUUID().toString().substring(0, 8)
                        + "\",\"scopes\":[\"jobs:read\",\"jobs:submit\"]}", null).json().path("secret").asString());
        String from = lastEventNumber();
        UUID mine = a().submit(anEchoJobNumbered(1)).jobId();
        UUID theirs = other.submit(anEchoJobNumbered(2)).jobId();

        try (EventFollower ofOther = EventFollower.follow(other, EVENTS, from);
                EventFollower ofDefault = EventFollower.follow(b, EVENTS, from)) {
            await("each tenant's outcome").atMost(SHORT).until(() -> terminalJobs(ofOther).contains(theirs)
                    && terminalJobs(ofDefault).contains(mine));

            assertThat(jobsOf(ofOther.events())).containsOnly(theirs);
            assertThat(jobsOf(ofDefault.events())).doesNotContain(theirs);
        }
    }

    @Test
    void badParametersAndAMalformedLastEventIdAre400sNamingThem() {
        for (String lastEventId : List.of("abc", "-1", "1.5", "99999999999999999999")) {
            ErrandClient.Response answer = a().getWithHeader(EVENTS, "Last-Event-ID", lastEventId);
            assertThat(answer.status()).as("Last-Event-ID %s: %s", lastEventId, answer).isEqualTo(400);
            assertThat(answer.body()).contains("Last-Event-ID");
        }
        Map<String, String> badQueries = Map.of("batch=nope", "?batch", "terminal=maybe", "?terminal",
                "type=", "?type");
        badQueries.forEach((query, field) -> {
            ErrandClient.Response answer = a().get(EVENTS + "?" + query);
            assertThat(answer.status()).as("%s: %s", query, answer).isEqualTo(400);
            assertThat(answer.body()).contains(field);
        });
        ErrandClient.Response noKey = a().withKey(null).get(EVENTS);
        assertThat(noKey.status()).isEqualTo(401);
    }

    private static List<UUID> submitEchoJobs(ErrandClient api, int firstNumber, int count) {
        List<JobRequest> jobs = IntStream.range(firstNumber, firstNumber + count)
                .mapToObj(n -> anEchoJobNumbered(n)).toList();
        ErrandClient.Response answer = api.submitBatch(jobs);
        assertThat(answer.status()).as("%s", answer).isEqualTo(202);
        List<UUID> ids = new ArrayList<>();
        answer.json().path("jobs").forEach(job -> ids.add(UUID.fromString(job.path("id").asString())));
        return ids;
    }

    private static List<JsonNode> eventsOf(EventFollower stream, UUID job) {
        return stream.data("job").stream().filter(event -> event.path("jobId").asString().equals(job.toString()))
                .toList();
    }

    private static Set<UUID> terminalJobs(EventFollower stream) {
        return stream.data("job").stream().filter(event -> TERMINAL.contains(event.path("status").asString()))
                .map(event -> UUID.fromString(event.path("jobId").asString()))
                .collect(Collectors.toCollection(HashSet::new));
    }

    private static Set<UUID> jobsOf(List<SseEvent> events) {
        return events.stream().filter(event -> event.name().equals("job")).map(OutcomeStreamEndToEndTests::jobOf)
                .collect(Collectors.toCollection(HashSet::new));
    }

    private static UUID jobOf(SseEvent event) {
        return UUID.fromString(WireJson.mapper().readTree(event.data()).path("jobId").asString());
    }

    private static void assertStrictlyIncreasing(List<SseEvent> events) {
        List<Long> ids = events.stream().map(event -> Long.parseLong(event.id())).toList();
        for (int i = 1; i < ids.size(); i++) {
            assertThat(ids.get(i)).as("event id %d of %s", i, ids).isGreaterThan(ids.get(i - 1));
        }
    }

    /** The number of the last event numbered so far: a stream resuming after it gets what happens next. */
    private static String lastEventNumber() {
        return Long.toString(cursorColumn("last_seq"));
    }

    private static long expiredThrough() {
        return cursorColumn("expired_through");
    }

    private static long cursorColumn(String column) {
        try {
            return platform.services().queryLong("select " + column + " from job_event_cursor");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
