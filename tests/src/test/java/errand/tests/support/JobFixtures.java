package errand.tests.support;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import errand.model.WireJson;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Jobs of the built-in task types, named so tests read like prose. */
public final class JobFixtures {

    private JobFixtures() {
    }

    /** {@code echo}: its result is its payload. */
    public static JobRequest anEchoJob(JsonNode payload) {
        return JobRequest.of("echo", payload);
    }

    /** An echo job whose payload names it, so results can be matched to submissions. */
    public static JobRequest anEchoJobNumbered(int n) {
        return anEchoJob(json("{\"n\":%d,\"text\":\"job %d\"}".formatted(n, n)));
    }

    /** {@code count} numbered echo jobs, payloads {@code {"n":0..count-1}}. */
    public static List<JobRequest> echoJobsNumbered(int count) {
        return IntStream.range(0, count).mapToObj(JobFixtures::anEchoJobNumbered).toList();
    }

    /** An echo payload with nesting, arrays, numbers, booleans, nulls and non-ASCII text. */
    public static JsonNode aRichPayload() {
        return json("""
                {"name":"Zoë ünïcödé ✓","count":3,"ratio":0.25,"ok":true,"nothing":null,
                 "tags":["a","b",{"deep":[1,2,3]}],"nested":{"level":{"leaf":"x"}}}
                """);
    }

    /** {@code sleep}: waits, then answers {@code {"sleptMillis":...}}. */
    public static JobRequest aSleepJob(Duration duration) {
        return JobRequest.of("sleep", json("{\"millis\":%d}".formatted(duration.toMillis())));
    }

    /** {@code prime-count}: how many primes are at most {@code upTo}. */
    public static JobRequest aPrimeCountJob(long upTo) {
        return JobRequest.of("prime-count", json("{\"upTo\":%d}".formatted(upTo)));
    }

    /** {@code pi}: a Monte Carlo estimate, deterministic for a seed. */
    public static JobRequest aPiJob(long samples, long seed) {
        return JobRequest.of("pi", json("{\"samples\":%d,\"seed\":%d}".formatted(samples, seed)));
    }

    /** {@code fail}: fails its first {@code failTimes} attempts, then answers {@code {"attempt":n}}. */
    public static JobRequest aFailingJob(int failTimes, boolean retryable) {
        return JobRequest.of("fail", json("{\"failTimes\":%d,\"retryable\":%s}".formatted(failTimes, retryable)));
    }

    /** {@code fail} with {@code crash}: halts the worker process that runs it, on every delivery. */
    public static JobRequest aCrashingJob() {
        return JobRequest.of("fail", json("{\"crash\":true}"));
    }

    /** {@code fail} with {@code hang}: ignores every interrupt for minutes, so the worker must abandon it. */
    public static JobRequest aHangingJob() {
        return JobRequest.of("fail", json("{\"hang\":true}"));
    }

    public static JsonNode json(String json) {
        return WireJson.mapper().readTree(json);
    }

    public static ObjectNode object() {
        return WireJson.mapper().createObjectNode();
    }
}
