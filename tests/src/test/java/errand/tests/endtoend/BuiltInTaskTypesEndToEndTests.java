package errand.tests.endtoend;

import static errand.tests.support.JobAssert.assertThatJob;
import static errand.tests.support.JobAssert.assertThatProblem;
import static errand.tests.support.JobFixtures.aFailingJob;
import static errand.tests.support.JobFixtures.aPiJob;
import static errand.tests.support.JobFixtures.aPrimeCountJob;
import static errand.tests.support.JobFixtures.aRichPayload;
import static errand.tests.support.JobFixtures.aSleepJob;
import static errand.tests.support.JobFixtures.anEchoJob;
import static errand.tests.support.JobFixtures.json;
import static errand.tests.support.JobFixtures.object;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;

import errand.model.JobStatus;
import errand.tests.support.ErrandClient;
import errand.tests.support.ErrandClient.Response;
import errand.tests.support.ErrandPlatform;
import errand.tests.support.JobRequest;
import errand.tests.support.JobTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every built-in task type, run by a real worker, gives its documented result, checked against values computed here
 * independently (or known, such as the prime counts). The worker runs without diagnostics, as by default.
 */
class BuiltInTaskTypesEndToEndTests {

    @RegisterExtension
    static final ErrandPlatform platform = ErrandPlatform.shared();

    private final ErrandClient api = platform.api();

    /** 60 digits, 40 digits, 1e400, -0.0, an emoji and a G clef as raw UTF-8 and as escaped surrogate pairs. */
    private static final String EXACT_PAYLOAD = """
            {"integer": 123456789012345678901234567890123456789012345678901234567890,
             "negative": -123456789012345678901234567890123456789012345678901234567890,
             "decimal": 1234567890.123456789012345678901234567890,
             "huge": 1e400, "tiny": 1E-400, "negativeZero": -0.0, "scaled": 2.50,
             "emoji": "😀 𝄞 ünï 汉字", "escaped": "\\ud83d\\ude00 \\ud834\\udd1e \\u00fc",
             "nested": {"list": [1, [2.0, {"deep": [null, true, false, "", {}]}], []], "empty": {}}}""";

    @Test
    void echoAnswersWithItsPayload() {
        JsonNode payload = aRichPayload();

        JsonNode job = runToEnd(anEchoJob(payload));

        assertThatJob(job).hasType("echo").hasPayload(payload).succeededWith(payload).hasAttempts(1);
    }

    /**
     * A payload is data: numbers of any size and precision, unicode beyond the basic plane and nesting come back from
     * {@code echo} as they were sent, through the API, the store, the broker, the worker and back. Numbers are
     * compared as decimals ({@code 1e400} is stored as its 401 digits; {@code -0.0} is zero, as PostgreSQL's
     * {@code numeric} has no negative zero), everything else exactly.
     */
    @Test
    void echoAnswersWithEveryDigitAndCharacterOfItsPayload() {
        String payload = EXACT_PAYLOAD;

        Response accepted = api.post(ErrandClient.JOBS, "application/json",
                "{\"type\":\"echo\",\"payload\":" + payload + "}", null);
        assertThat(accepted.status()).as("%s", accepted).isEqualTo(202);
        JsonNode job = api.awaitTerminal(accepted.jobId(), ofSeconds(60));

        assertThatJob(job).hasStatus(JobStatus.SUCCEEDED);
        assertSameJson(job.path("payload"), json(payload), "stored payload");
        assertSameJson(job.path("result"), json(payload), "echoed result");
        assertThat(job.path("result").path("integer").bigIntegerValue()).isEqualTo(
                new java.math.BigInteger("123456789012345678901234567890123456789012345678901234567890"));
        assertThat(job.path("result").path("decimal").decimalValue()).isEqualTo(
                new java.math.BigDecimal("1234567890.123456789012345678901234567890"));
        assertThat(job.path("result").path("huge").decimalValue()).isEqualByComparingTo(
                java.math.BigDecimal.TEN.pow(400));
        assertThat(job.path("result").path("emoji").asString()).isEqualTo("\ud83d\ude00 \ud834\udd1e ünï 汉字");
    }

    @Test
    void echoAnswersWithEveryDigitAndCharacterOfAPayloadSubmittedInABatch() {
        Response accepted = api.post(ErrandClient.JOBS + "/batch", "application/json",
                "{\"jobs\":[{\"type\":\"echo\",\"payload\":" + EXACT_PAYLOAD + "}]}", null);
        assertThat(accepted.status()).as("%s", accepted).isEqualTo(202);
        UUID id = UUID.fromString(accepted.json().path("jobs").get(0).path("id").asString());

        JsonNode job = api.awaitTerminal(id, ofSeconds(60));

        assertThatJob(job).hasStatus(JobStatus.SUCCEEDED);
        assertSameJson(job.path("result"), json(EXACT_PAYLOAD), "echoed result");
    }

    /** The same JSON: objects with the same keys, arrays in order, numbers of equal value, the rest equal. */
    private static void assertSameJson(JsonNode actual, JsonNode expected, String what) {
        assertThat(sameJson(actual, expected)).as("%s %s is the same JSON as %s", what, actual, expected).isTrue();
    }

    private static boolean sameJson(JsonNode actual, JsonNode expected) {
        if (expected.isNumber()) {
            return actual.isNumber() && actual.decimalValue().compareTo(expected.decimalValue()) == 0;
        }
        if (expected.isObject()) {
            if (!actual.isObject() || !new java.util.HashSet<>(actual.propertyNames())
                    .equals(new java.util.HashSet<>(expected.propertyNames()))) {
                return false;
            }
            for (String name : expected.propertyNames()) {
                if (!sameJson(actual.get(name), expected.get(name))) {
                    return false;
                }
            }
            return true;
        }
        if (expected.isArray()) {
            if (!actual.isArray() || actual.size() != expected.size()) {
                return false;
            }
            for (int i = 0; i < expected.size(); i++) {
                if (!sameJson(actual.get(i), expected.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return actual.equals(expected);
    }

    @Test
    void sleepAnswersWithHowLongItSlept() {
        JsonNode job = runToEnd(aSleepJob(Duration.ofMillis(1500)));

        assertThatJob(job).succeededWith(json("{\"sleptMillis\":1500}"));
        Duration ran = Duration.between(java.time.Instant.parse(job.path("startedAt").asString()),
                java.time.Instant.parse(job.path("finishedAt").asString()));
        assertThat(ran).isGreaterThanOrEqualTo(Duration.ofMillis(1400));
    }

    @Test
    void primeCountCountsThePrimesUpToTheLimit() {
        JsonNode job = runToEnd(aPrimeCountJob(100_000));
        JsonNode million = runToEnd(aPrimeCountJob(1_000_000));
        JsonNode tiny = runToEnd(aPrimeCountJob(1));

        // pi(10^5) and pi(10^6), the known values
        assertThatJob(job).succeededWith(json("{\"count\":9592}"));
        assertThatJob(million).succeededWith(json("{\"count\":78498}"));
        assertThatJob(tiny).succeededWith(json("{\"count\":0}"));
    }

    @Test
    void hashChainAnswersWithTheHexOfTheSha256AppliedIterationsTimes() throws NoSuchAlgorithmException {
        for (String seed : List.of("abc", "", "héllo wörld")) {
            JsonNode job = runToEnd(JobRequest.of("hash-chain",
                    object().put("seed", seed).put("iterations", 1000)));

            assertThatJob(job).as("seed '%s'", seed).hasType("hash-chain").hasAttempts(1)
                    .succeededWith(object().put("hex", sha256Chain(seed, 1000)));
        }
        assertThatJob(runToEnd(JobRequest.of("hash-chain", json("{\"seed\":\"abc\",\"iterations\":1}"))))
                .succeededWith(json("{\"hex\":\"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\"}"));
    }

    @Test
    void wordFrequencyCountsEveryWordIgnoringCaseMostFrequentFirst() {
        String text = "The cat sat on the mat. The dog sat too; a cat, a dog, THE end! Mat mat mat.";

        JsonNode job = runToEnd(JobRequest.of("word-frequency", object().put("text", text).put("top", 4)));

        assertThatJob(job).hasType("word-frequency").succeededWith(wordCounts(text, 4));
    }

    @Test
    void wordFrequencyReturnsTheTenMostFrequentWordsUnlessToldOtherwise() {
        String text = "one two three four five six seven eight nine ten eleven twelve two three three";

        JsonNode job = runToEnd(JobRequest.of("word-frequency", object().put("text", text)));

        assertThatJob(job).succeededWith(wordCounts(text, 10));
    }

    @Test
    void piEstimateIsTheShareOfSeededSamplesInsideTheQuarterCircle() {
        JsonNode job = runToEnd(aPiJob(200_000, 42));

        assertThatJob(job).hasStatus(JobStatus.SUCCEEDED);
        assertThat(job.path("result").path("estimate").asDouble()).isEqualTo(monteCarloPi(200_000, 42));
    }

    @Test
    void piEstimatesPiTheSameWayForTheSameSeed() {
        UUID first = api.accept(aPiJob(1_000_000, 42)).path("id").asString().transform(UUID::fromString);
        UUID second = api.accept(aPiJob(1_000_000, 42)).path("id").asString().transform(UUID::fromString);
        UUID otherSeed = api.accept(aPiJob(1_000_000, 7)).path("id").asString().transform(UUID::fromString);

        JsonNode firstJob = api.awaitTerminal(first, ofSeconds(60));
        JsonNode secondJob = api.awaitTerminal(second, ofSeconds(60));
        JsonNode otherJob = api.awaitTerminal(otherSeed, ofSeconds(60));

        assertThatJob(firstJob).hasStatus(JobStatus.SUCCEEDED);
        double estimate = firstJob.path("result").path("estimate").asDouble();
        assertThat(estimate).isCloseTo(Math.PI, within(0.01));
        assertThat(secondJob.path("result")).isEqualTo(firstJob.path("result"));
        assertThat(otherJob.path("result").path("estimate").asDouble())
                .isCloseTo(Math.PI, within(0.01))
                .isNotEqualTo(estimate);
    }

    @Test
    void failingTypeIsRetriedThroughTheBrokerUntilItSucceeds() {
        JsonNode job = runToEnd(aFailingJob(2, true).withMaxAttempts(5));

        assertThatJob(job).succeededWith(json("{\"attempt\":3}")).hasAttempts(3);
        JobTable.Row row = platform.jobTable().row(UUID.fromString(job.path("id").asString()));
        assertThat(row).isEqualTo(new JobTable.Row("SUCCEEDED", 3));
    }

    @Test
    void nonRetryableFailureFailsTheJobAtOnce() {
        JsonNode job = runToEnd(aFailingJob(1, false).withMaxAttempts(5));

        assertThatJob(job).hasStatus(JobStatus.FAILED).hasAttempts(1).hasTimestamps("startedAt", "finishedAt");
        assertThat(job.path("error").isNull() || job.path("error").isMissingNode())
                .as("the failure is recorded: %s", job).isFalse();
        assertThat(job.path("result").isNull() || job.path("result").isMissingNode()).as("%s", job).isTrue();
    }

    @Test
    void retryableFailureFailsTheJobWhenItsAttemptsRunOut() {
        JsonNode job = runToEnd(aFailingJob(5, true).withMaxAttempts(2));

        assertThatJob(job).hasStatus(JobStatus.FAILED).hasAttempts(2);
    }

    @Test
    void refusesAFailJobAskingToCrashWhileTheWorkersRunWithoutDiagnostics() {
        long jobsBefore = platform.jobTable().count();

        ErrandClient.Response response = api.submit(JobRequest.of("fail", json("{\"crash\":true}")));

        assertThatProblem(response).isProblem(400).detailMentions("/payload/crash");
        assertThat(response.json().path("errors").valueStream().map(error -> error.path("field").asString()))
                .contains("/payload/crash");
        assertThatProblem(api.submit(JobRequest.of("fail", json("{\"failTimes\":1,\"hang\":true}"))))
                .isProblem(400).detailMentions("/payload/hang");
        assertThat(platform.jobTable().count()).as("job rows").isEqualTo(jobsBefore);
        JsonNode failSchema = api.taskType("fail").orElseThrow().path("inputSchema");
        assertThat(failSchema.path("properties").propertyNames()).as("%s", failSchema)
                .contains("failTimes", "retryable").doesNotContain("crash", "hang");
    }

    @Test
    void listsEveryBuiltInTypeWithItsSchemaAndLiveWorkers() {
        JsonNode types = api.taskTypes();

        List<String> names = types.valueStream().map(type -> type.path("name").asString("")).toList();
        assertThat(names).containsAll(ErrandPlatform.BUILT_IN_TYPES);
        for (JsonNode type : types) {
            if (!ErrandPlatform.BUILT_IN_TYPES.contains(type.path("name").asString(""))) {
                continue;
            }
            assertThat(type.path("kind").asString("")).as("%s", type).isIn("CPU", "IO");
            assertThat(type.path("inputSchema").isObject()).as("input schema of %s", type).isTrue();
            assertThat(type.path("outputSchema").isObject()).as("output schema of %s", type).isTrue();
            assertThat(type.path("maxAttempts").asInt(0)).as("%s", type).isPositive();
            assertThat(Duration.parse(type.path("timeout").asString())).as("%s", type).isPositive();
            assertThat(Duration.parse(type.path("retryBackoff").asString())).as("%s", type).isPositive();
            assertThat(type.path("liveWorkers").asInt(0)).as("%s", type).isEqualTo(1);
        }
        JsonNode primeCount = api.taskType("prime-count").orElseThrow();
        assertThat(primeCount.path("kind").asString()).isEqualTo("CPU");
        assertThat(primeCount.path("inputSchema").path("properties").has("upTo")).as("%s", primeCount).isTrue();
        assertThat(api.taskType("word-frequency").orElseThrow().path("retryBackoff").asString()).isEqualTo("PT2S");
    }

    @Test
    void listsTheRunningWorker() {
        JsonNode workers = api.workers();

        assertThat(workers.isArray()).as("%s", workers).isTrue();
        assertThat(workers).hasSize(1);
    }

    @Test
    void runsTheExampleOfEveryTypeItLists() {
        List<String> listed = api.taskTypes().valueStream().map(type -> type.path("name").asString("")).toList();
        assertThat(listed).containsAll(ErrandPlatform.BUILT_IN_TYPES);
        for (String name : listed) {
            JsonNode example = api.taskType(name).orElseThrow().path("example");
            assertThat(example.isObject()).as("example of %s: %s", name, example).isTrue();

            JsonNode job = runToEnd(JobRequest.of(name, example));

            assertThatJob(job).as("example of %s", name).hasStatus(JobStatus.SUCCEEDED);
        }
    }

    /** SHA-256 of the seed's UTF-8 bytes, then of each 32-byte digest, {@code iterations} times in all. */
    private static String sha256Chain(String seed, int iterations) throws NoSuchAlgorithmException {
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        byte[] digest = seed.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < iterations; i++) {
            digest = sha256.digest(digest);
        }
        return HexFormat.of().formatHex(digest);
    }

    /**
     * Counts ASCII words the plain way (lowercase, split on anything but letters and digits), for texts without
     * apostrophes or other scripts; the most frequent {@code top}, ties alphabetically.
     */
    private static JsonNode wordCounts(String text, int top) {
        Map<String, Integer> counts = new TreeMap<>();
        int total = 0;
        for (String word : text.toLowerCase(Locale.ROOT).split("[^a-z0-9]+")) {
            if (!word.isEmpty()) {
                counts.merge(word, 1, Integer::sum);
                total++;
            }
        }
        ObjectNode expected = object().put("totalWords", total).put("distinctWords", counts.size());
        ArrayNode words = expected.putArray("top");
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed()
                        .thenComparing(Map.Entry.comparingByKey()))
                .limit(top)
                .forEach(entry -> words.addObject().put("word", entry.getKey()).put("count", entry.getValue()));
        return expected;
    }

    /** Four times the share of points (x, y), drawn in turn from a seeded SplittableRandom, with x² + y² ≤ 1. */
    private static double monteCarloPi(long samples, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        long inside = 0;
        for (long i = 0; i < samples; i++) {
            double x = random.nextDouble();
            double y = random.nextDouble();
            if (x * x + y * y <= 1.0) {
                inside++;
            }
        }
        return 4.0 * inside / samples;
    }

    private JsonNode runToEnd(JobRequest request) {
        JsonNode accepted = api.accept(request);
        return api.awaitTerminal(UUID.fromString(accepted.path("id").asString()), ofSeconds(60));
    }
}
