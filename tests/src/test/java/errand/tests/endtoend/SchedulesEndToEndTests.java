package errand.tests.endtoend;

import static errand.tests.support.JobFixtures.aSleepJob;
import static errand.tests.support.JobFixtures.anEchoJobNumbered;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Stream;

import errand.tests.support.AppProcess;
import errand.tests.support.ErrandClient;
import errand.tests.support.ErrandClient.Response;
import errand.tests.support.ErrandPlatform;
import errand.tests.support.JobRequest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Cron schedules on two API instances sharing one database: one job per schedule and fire time whatever instance
 * fires it, through a {@code kill -9} and through an outage of every instance; overlap, pause, resume, trigger; every
 * bad input a 400 naming its field; another tenant's schedule a 404.
 */
class SchedulesEndToEndTests {

    private static final String SCHEDULES = "/api/v1/schedules";
    /** A fire time not fired within this passed while no instance ran: short, so an outage of seconds shows. */
    private static final Duration MISSED_AFTER = Duration.ofSeconds(1);
    private static final Duration EVERY_TWO_SECONDS = ofSeconds(2);

    // its own platform: it adds a second API, stops and kills them
    @RegisterExtension
    static final ErrandPlatform platform = ErrandPlatform.withOneWorker()
            .apiArguments("--errand.api.schedules.missed-after=" + MISSED_AFTER);

    private static AppProcess apiB;
    private static ErrandClient b;

    @BeforeAll
    static void startTheSecondApi() {
        apiB = platform.startAnotherApi();
        b = new ErrandClient(apiB::baseUri);
    }

    // ---- one job per fire time

    @Test
    void everyTwoSecondsScheduleOnTwoInstancesEnqueuesOneJobPerFireTimeAndJobsCarryIt() {
        String id = create(schedule("two instances", "*/2 * * * * *", anEchoJobNumbered(1), "\"overlap\":\"ALLOW\""));

        awaitRuns(id, "6 fire times", all -> enqueued(all).size() >= 6);
        List<JsonNode> runs = pauseAndReadRuns(id);

        List<JsonNode> jobs = jobsOf(id);
        assertOneJobPerConsecutiveFireTime(runs, jobs, EVERY_TWO_SECONDS);
        delete(id);
        JsonNode job = platform.api().job(UUID.fromString(jobs.getFirst().path("id").asString()));
        assertThat(job.path("scheduleId").asString()).isEqualTo(id);
        assertThat(job.path("scheduledFor").isString()).isTrue();
        JsonNode submitted = platform.api().accept(anEchoJobNumbered(2));
        assertThat(submitted.path("scheduleId").isNull()).as("%s", submitted).isTrue();
        assertThat(submitted.path("scheduledFor").isNull()).as("%s", submitted).isTrue();
    }

    @Test
    void firesWithinASecondOfItsTimeOnAnIdlePlatform() {
        String id = create(schedule("on time", "* * * * * *", anEchoJobNumbered(1), "\"overlap\":\"ALLOW\""));

        awaitRuns(id, "5 fire times", all -> enqueued(all).size() >= 5);
        delete(id);

        List<Duration> lateness = jobsOf(id).stream().map(job -> Duration.between(
                Instant.parse(job.path("scheduledFor").asString()), Instant.parse(job.path("createdAt").asString())))
                .toList();
        assertThat(lateness).isNotEmpty().allSatisfy(late -> assertThat(late).isLessThan(ofSeconds(1)));
    }

    @Test
    void killingAnInstanceBetweenFireTimesLosesAndDoublesNothing() {
        String id = create(schedule("kill -9", "*/2 * * * * *", anEchoJobNumbered(1), "\"overlap\":\"ALLOW\""));
        awaitRuns(id, "2 fire times", all -> enqueued(all).size() >= 2);

        apiB.kill();
        int beforeRestart = enqueued(runsOf(id)).size();
        awaitRuns(id, "2 fire times with one instance", all -> enqueued(all).size() >= beforeRestart + 2);
        apiB.restart();
        int afterRestart = enqueued(runsOf(id)).size();
        awaitRuns(id, "2 fire times with both again", all -> enqueued(all).size() >= afterRestart + 2);
        List<JsonNode> runs = pauseAndReadRuns(id);

        assertOneJobPerConsecutiveFireTime(runs, jobsOf(id), EVERY_TWO_SECONDS);
        delete(id);
    }

    @Test
    void fireTimesPassedWhileEveryInstanceWasDownFireTheLatestOnlyForMissedLatest() {
        String latest = create(schedule("latest", "*/2 * * * * *", anEchoJobNumbered(1),
                "\"overlap\":\"ALLOW\",\"missed\":\"LATEST\""));
        String none = create(schedule("none", "*/2 * * * * *", anEchoJobNumbered(2),
                "\"overlap\":\"ALLOW\",\"missed\":\"NONE\""));
        awaitRuns(none, "a fire time", all -> !enqueued(all).isEmpty());

        platform.apiProcess().stop();
        apiB.stop();
        Instant down = Instant.now();
        // three fire times of an every-two-seconds schedule pass in any seven seconds
        await("three fire times while every instance is down").atMost(ofSeconds(30))
                .until(() -> Instant.now().isAfter(down.plusSeconds(7)));
        Instant restarting = Instant.now();
        platform.apiProcess().restart();
        apiB.restart();
        awaitRuns(none, "a fire time after the restart", all -> enqueuedAfter(all, restarting).size() >= 1);

        List<JsonNode> latestRuns = awaitRuns(latest, "a fire time after the restart",
                all -> enqueuedAfter(all, restarting).size() >= 1);
        List<JsonNode> whileDown = between(latestRuns, down, restarting);
        assertThat(whileDown).as("fire times while down").hasSizeGreaterThanOrEqualTo(3);
        // LATEST: the first job after the outage is the latest missed time, caught up late; all before it skipped
        JsonNode caughtUp = enqueuedAfter(latestRuns, down).getFirst();
        List<JsonNode> beforeCaughtUp = between(latestRuns, down, instant(caughtUp, "scheduledFor"));
        assertThat(beforeCaughtUp).hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy(run -> assertThat(run.path("outcome").asString()).isEqualTo("SKIPPED_MISSED"));
        JsonNode caughtUpJob = platform.api().job(UUID.fromString(caughtUp.path("jobId").asString()));
        assertThat(lateness(caughtUpJob)).as("the caught-up job is late: %s", caughtUpJob)
                .isGreaterThan(MISSED_AFTER);
        assertThat(enqueued(whileDown)).as("jobs for the fire times while down").hasSizeLessThanOrEqualTo(1);

        // NONE: every fire time while down is recorded and fired nothing; no job is late
        List<JsonNode> noneRuns = runsOf(none);
        assertThat(between(noneRuns, down, restarting)).hasSizeGreaterThanOrEqualTo(3)
                .allSatisfy(run -> assertThat(run.path("outcome").asString()).isEqualTo("SKIPPED_MISSED"));
        assertThat(jobsOf(none)).allSatisfy(job -> assertThat(lateness(job)).as("%s", job)
                .isLessThanOrEqualTo(MISSED_AFTER));
        delete(latest);
        delete(none);
    }

    // ---- overlap, pause, resume, trigger

    @Test
    void overlapSkipEnqueuesNothingWhileTheJobOfAnEarlierFireTimeRuns() {
        String id = create(schedule("slow", "* * * * * *", aSleepJob(Duration.ofMillis(2500)), ""));

        List<JsonNode> runs = awaitRuns(id, "2 jobs and skipped fire times between them",
                all -> enqueued(all).size() >= 2 && all.stream().anyMatch(outcome("SKIPPED_OVERLAP")));
        delete(id);

        assertThat(runs.stream().filter(outcome("SKIPPED_OVERLAP"))).isNotEmpty();
        List<JsonNode> jobs = jobsOf(id).stream().map(job -> platform.api().awaitTerminal(
                UUID.fromString(job.path("id").asString()), ofSeconds(30)))
                .sorted(Comparator.comparing(job -> instant(job, "startedAt"))).toList();
        for (int i = 1; i < jobs.size(); i++) {
            assertThat(instant(jobs.get(i), "startedAt")).as("job %d starts after job %d finished", i, i - 1)
                    .isAfterOrEqualTo(instant(jobs.get(i - 1), "finishedAt"));
        }
    }

    @Test
    void aPausedScheduleRecordsItsFireTimesAsSkippedUntilResumedAndATriggerEnqueuesAtOnce() {
        String id = create(schedule("pausable", "* * * * * *", anEchoJobNumbered(1), "\"overlap\":\"ALLOW\""));
        awaitRuns(id, "a fire time", all -> !enqueued(all).isEmpty());

        Response paused = platform.api().post(SCHEDULES + "/" + id + "/pause", "application/json", "", null);
        assertThat(paused.status()).as("%s", paused).isEqualTo(200);
        assertThat(paused.json().path("paused").asBoolean()).isTrue();
        Instant pausedAt = Instant.now();
        awaitRuns(id, "2 fire times skipped as paused", all -> all.stream().filter(outcome("SKIPPED_PAUSED"))
                .count() >= 2);
        assertThat(enqueuedAfter(runsOf(id), pausedAt.plusSeconds(1))).as("jobs while paused").isEmpty();

        Response triggered = b.post(SCHEDULES + "/" + id + "/trigger", "application/json", "", null);
        assertThat(triggered.status()).as("%s", triggered).isEqualTo(202);
        assertThat(triggered.json().path("scheduleId").asString()).isEqualTo(id);
        assertThat(triggered.header("Location")).hasValue("/api/v1/jobs/" + triggered.jobId());
        assertThat(platform.api().awaitTerminal(triggered.jobId(), ofSeconds(30)).path("status").asString())
                .isEqualTo("SUCCEEDED");
        assertThat(runsOf(id)).anySatisfy(run -> {
            assertThat(run.path("jobId").asString()).isEqualTo(triggered.jobId().toString());
            assertThat(run.path("triggered").asBoolean()).isTrue();
            assertThat(run.path("status").asString()).isEqualTo("SUCCEEDED");
        });

        Response resumed = platform.api().post(SCHEDULES + "/" + id + "/resume", "application/json", "", null);
        assertThat(resumed.status()).as("%s", resumed).isEqualTo(200);
        Instant resumedAt = Instant.now();
        awaitRuns(id, "a fire time after resume", all -> all.stream().filter(outcome("ENQUEUED"))
                .anyMatch(run -> !run.path("triggered").asBoolean()
                        && instant(run, "scheduledFor").isAfter(resumedAt)));
        delete(id);
    }

    @Test
    void deletingAScheduleStopsItsFireTimesOnEveryInstance() {
        String id = create(schedule("deleted", "* * * * * *", anEchoJobNumbered(1), "\"overlap\":\"ALLOW\""));
        awaitRuns(id, "a fire time", all -> !enqueued(all).isEmpty());

        delete(id);
        int jobs = jobsOf(id).size();

        assertThat(platform.api().get(SCHEDULES + "/" + id).status()).isEqualTo(404);
        await().during(ofSeconds(3)).atMost(ofSeconds(5)).until(() -> jobsOf(id).size() == jobs);
    }

    @Test
    void managesASchedule() {
        String id = create(schedule("managed", "0 3 * * *", anEchoJobNumbered(1),
                "\"timeZone\":\"Europe/Paris\",\"paused\":true"));

        JsonNode read = b.get(SCHEDULES + "/" + id).json();
        assertThat(read.path("name").asString()).isEqualTo("managed");
        assertThat(read.path("timeZone").asString()).isEqualTo("Europe/Paris");
        assertThat(read.path("overlap").asString()).isEqualTo("SKIP");
        assertThat(read.path("missed").asString()).isEqualTo("LATEST");
        assertThat(read.path("paused").asBoolean()).isTrue();
        assertThat(read.path("job").path("maxAttempts").isInt()).isTrue();
        assertThat(instant(read, "nextFireAt")).isAfter(Instant.now());

        Response replaced = platform.api().put(SCHEDULES + "/" + id, schedule("renamed", "@hourly",
                anEchoJobNumbered(2), "\"overlap\":\"ALLOW\""));
        assertThat(replaced.status()).as("%s", replaced).isEqualTo(200);
        assertThat(replaced.json().path("name").asString()).isEqualTo("renamed");
        assertThat(replaced.json().path("timeZone").asString()).isEqualTo("UTC");
        assertThat(replaced.json().path("paused").asBoolean()).isFalse();

        Response page = platform.api().get(SCHEDULES + "?limit=500");
        assertThat(page.status()).as("%s", page).isEqualTo(200);
        assertThat(page.json().path("schedules").valueStream().map(s -> s.path("id").asString())).contains(id);
        delete(id);
    }

    // ---- bad input, tenants

    static Stream<Arguments> badSchedules() {
        String echo = "{\"type\":\"echo\",\"payload\":{}}";
        return Stream.of(
                Arguments.of("{\"name\":\"x\",\"cron\":\"61 * * * *\",\"job\":" + echo + "}", "/cron"),
                Arguments.of("{\"name\":\"x\",\"cron\":\"* * *\",\"job\":" + echo + "}", "/cron"),
                Arguments.of("{\"name\":\"x\",\"cron\":\"0 0 30 2 *\",\"job\":" + echo + "}", "/cron"),
                Arguments.of("{\"name\":\"x\",\"cron\":\"@daily\",\"timeZone\":\"Mars/Olympus\",\"job\":" + echo
                        + "}", "/timeZone"),
                Arguments.of("{\"name\":\"x\",\"cron\":\"@daily\",\"job\":{\"type\":\"no-such-type\","
                        + "\"payload\":{}}}", "/job/type"),
                Arguments.of("{\"name\":\"x\",\"cron\":\"@daily\",\"job\":{\"type\":\"prime-count\","
                        + "\"payload\":{\"upTo\":\"many\"}}}", "/job/payload/upTo"),
                Arguments.of("{\"name\":\"x\",\"cron\":\"@daily\",\"overlap\":\"SOMETIMES\",\"job\":" + echo + "}",
                        "/overlap"),
                Arguments.of("{\"name\":\"x\",\"cron\":\"@daily\",\"missed\":\"ALL\",\"job\":" + echo + "}",
                        "/missed"),
                Arguments.of("{\"cron\":\"@daily\",\"job\":" + echo + "}", "/name"));
    }

    @ParameterizedTest
    @MethodSource("badSchedules")
    void refusesABadScheduleNamingTheField(String body, String field) {
        Response created = platform.api().post(SCHEDULES, "application/json", body, null);

        assertThat(created.status()).as("%s", created).isEqualTo(400);
        assertThat(created.contentType()).startsWith("application/problem+json");
        assertThat(created.json().path("errors").valueStream().map(e -> e.path("field").asString()))
                .as("%s", created).contains(field);
    }

    @Test
    void anotherTenantsScheduleIsNotFound() {
        String id = create(schedule("mine", "@daily", anEchoJobNumbered(1), ""));
        ErrandClient other = platform.api().withKey(newKey("other-tenant", "schedules"));
        String path = SCHEDULES + "/" + id;

        assertThat(other.get(path).status()).isEqualTo(404);
        assertThat(other.get(path + "/runs").status()).isEqualTo(404);
        assertThat(other.put(path, schedule("theirs", "@daily", anEchoJobNumbered(1), "")).status()).isEqualTo(404);
        for (String action : List.of("/pause", "/resume", "/trigger")) {
            assertThat(other.post(path + action, "application/json", "", null).status()).as(action).isEqualTo(404);
        }
        assertThat(other.delete(path).status()).isEqualTo(404);
        assertThat(other.get(SCHEDULES).json().path("schedules").valueStream().map(s -> s.path("id").asString()))
                .doesNotContain(id);
        assertThat(other.list("schedule=" + id).json().path("jobs").isEmpty()).isTrue();
        assertThat(platform.api().get(path).status()).isEqualTo(200);
        delete(id);
    }

    @Test
    void schedulesNeedTheSchedulesScope() {
        ErrandClient reader = platform.api().withKey(newKey("default", "jobs:read", "jobs:submit"));

        assertThat(reader.get(SCHEDULES).status()).isEqualTo(403);
        assertThat(reader.post(SCHEDULES, "application/json", schedule("x", "@daily", anEchoJobNumbered(1), ""),
                null).status()).isEqualTo(403);
    }

    // ---- helpers

    private static String schedule(String name, String cron, JobRequest job, String more) {
        return "{\"name\":\"" + name + "\",\"cron\":\"" + cron + "\",\"job\":" + job.json()
                + (more.isEmpty() ? "" : "," + more) + "}";
    }

    private static String create(String body) {
        Response created = platform.api().post(SCHEDULES, "application/json", body, null);
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        String id = created.json().path("id").asString();
        assertThat(created.header("Location")).hasValue(SCHEDULES + "/" + id);
        assertThat(created.json().path("nextFireAt").isString()).as("%s", created).isTrue();
        return id;
    }

    private static void delete(String id) {
        Response deleted = platform.api().delete(SCHEDULES + "/" + id);
        assertThat(deleted.status()).as("%s", deleted).isEqualTo(204);
    }

    /** Pauses the schedule (a fire in progress commits first) and reads its runs, which then stay as they are. */
    private static List<JsonNode> pauseAndReadRuns(String id) {
        Response paused = platform.api().post(SCHEDULES + "/" + id + "/pause", "application/json", "", null);
        assertThat(paused.status()).as("%s", paused).isEqualTo(200);
        return runsOf(id).stream().filter(outcome("SKIPPED_PAUSED").negate()).toList();
    }

    private static String newKey(String tenant, String... scopes) {
        String body = "{\"name\":\"key-" + UUID.randomUUID() + "\",\"tenant\":\"" + tenant + "\",\"scopes\":["
                + String.join(",", Stream.of(scopes).map(s -> "\"" + s + "\"").toList()) + "]}";
        Response created = platform.api().post("/api/v1/keys", "application/json", body, null);
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        return created.json().path("secret").asString();
    }

    /** The schedule's runs, oldest fire time first. */
    private static List<JsonNode> runsOf(String id) {
        Response page = platform.api().get(SCHEDULES + "/" + id + "/runs?limit=500");
        assertThat(page.status()).as("%s", page).isEqualTo(200);
        List<JsonNode> runs = new ArrayList<>(page.json().path("runs").valueStream().toList());
        return runs.reversed();
    }

    private static List<JsonNode> awaitRuns(String id, String what, Predicate<List<JsonNode>> done) {
        return await(what).atMost(ofSeconds(60)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> runsOf(id), done);
    }

    /** The jobs the schedule enqueued, as {@code GET /api/v1/jobs?schedule=} lists them. */
    private static List<JsonNode> jobsOf(String id) {
        Response page = platform.api().list("schedule=" + id + "&limit=500");
        assertThat(page.status()).as("%s", page).isEqualTo(200);
        return page.json().path("jobs").valueStream().toList();
    }

    private static List<JsonNode> enqueued(List<JsonNode> runs) {
        return runs.stream().filter(outcome("ENQUEUED")).toList();
    }

    private static List<JsonNode> enqueuedAfter(List<JsonNode> runs, Instant after) {
        return enqueued(runs).stream().filter(run -> instant(run, "scheduledFor").isAfter(after)).toList();
    }

    /** The runs whose fire time is after {@code from} and before {@code to}. */
    private static List<JsonNode> between(List<JsonNode> runs, Instant from, Instant to) {
        return runs.stream().filter(run -> instant(run, "scheduledFor").isAfter(from)
                && instant(run, "scheduledFor").isBefore(to)).toList();
    }

    private static Predicate<JsonNode> outcome(String outcome) {
        return run -> run.path("outcome").asString().equals(outcome);
    }

    private static Instant instant(JsonNode node, String field) {
        return Instant.parse(node.path(field).asString());
    }

    private static Duration lateness(JsonNode job) {
        return Duration.between(instant(job, "scheduledFor"), instant(job, "createdAt"));
    }

    /**
     * Every enqueued run (triggers aside) has exactly one job, the jobs are exactly those, and the fire times follow
     * each other every {@code period}: none missing, none doubled.
     */
    private static void assertOneJobPerConsecutiveFireTime(List<JsonNode> runs, List<JsonNode> jobs,
            Duration period) {
        List<JsonNode> planned = runs.stream().filter(run -> !run.path("triggered").asBoolean()).toList();
        assertThat(planned).as("runs").allSatisfy(run -> assertThat(run.path("outcome").asString())
                .isEqualTo("ENQUEUED"));
        List<Instant> fireTimes = planned.stream().map(run -> instant(run, "scheduledFor")).toList();
        for (int i = 1; i < fireTimes.size(); i++) {
            assertThat(Duration.between(fireTimes.get(i - 1), fireTimes.get(i))).as("between fire times %d and %d",
                    i - 1, i).isEqualTo(period);
        }
        List<Instant> jobFireTimes = jobs.stream().map(job -> instant(job, "scheduledFor")).toList();
        assertThat(jobFireTimes).as("the jobs' fire times").doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(fireTimes);
        assertThat(jobs.stream().map(job -> job.path("id").asString()))
                .containsExactlyInAnyOrderElementsOf(planned.stream().map(run -> run.path("jobId").asString())
                        .toList());
    }
}
