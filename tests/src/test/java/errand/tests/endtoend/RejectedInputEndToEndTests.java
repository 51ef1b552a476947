package errand.tests.endtoend;

import static errand.tests.support.JobAssert.assertThatProblem;
import static errand.tests.support.JobFixtures.anEchoJob;
import static errand.tests.support.JobFixtures.echoJobsNumbered;
import static errand.tests.support.JobFixtures.json;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import errand.tests.support.BrokerSpy;
import errand.tests.support.ErrandClient;
import errand.tests.support.ErrandClient.Response;
import errand.tests.support.ErrandPlatform;
import errand.tests.support.JobFixtures;
import errand.tests.support.JobRequest;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Bad input never reaches the queue: each kind gets the one 4xx {@code application/problem+json} the README promises,
 * whose {@code errors} and detail name what was wrong (a JSON pointer), and no job row or message comes of it. That
 * includes payloads the store could not keep exactly: NUL characters, lone surrogates, duplicate keys.
 */
class RejectedInputEndToEndTests {

    @RegisterExtension
    static final ErrandPlatform platform = ErrandPlatform.shared();

    private final ErrandClient api = platform.api();

    /**
     * One bad submission and what the API must answer: the one status the README promises for it (400 invalid input,
     * 415 not JSON), and what its detail must name.
     */
    record BadSubmission(String contentType, String body, int status, String mentions) {

        static BadSubmission json(String body, String mentions) {
            return new BadSubmission("application/json", body, 400, mentions);
        }

        static BadSubmission of(JobRequest request, String mentions) {
            return json(request.json(), mentions);
        }
    }

    static Stream<Named<BadSubmission>> badSubmissions() {
        JobRequest echo = anEchoJob(JobFixtures.json("{\"marker\":\"rejected\"}"));
        JobRequest primeCount = JobFixtures.aPrimeCountJob(100);
        return Stream.of(
                Named.of("unknown type", BadSubmission.of(JobRequest.of("no-such-type", JobFixtures.object()),
                        "no-such-type")),
                Named.of("missing type", BadSubmission.of(echo.without("type"), "/type")),
                Named.of("type not a string", BadSubmission.json("{\"type\":42,\"payload\":{}}", "/type")),
                Named.of("malformed JSON", BadSubmission.json("{\"type\":\"echo\",\"payload\":{\"marker\":",
                        "not valid JSON")),
                Named.of("a JSON array instead of a job", BadSubmission.json("[1,2,3]", "JSON object")),
                Named.of("negative upTo for prime-count", BadSubmission.of(
                        JobRequest.of("prime-count", JobFixtures.json("{\"upTo\":-5}")), "/payload/upTo")),
                Named.of("text upTo for prime-count", BadSubmission.of(
                        JobRequest.of("prime-count", JobFixtures.json("{\"upTo\":\"x\"}")), "/payload/upTo")),
                Named.of("timeout that is not a duration", BadSubmission.of(
                        primeCount.with("timeout", "banana"), "/timeout")),
                Named.of("zero maxAttempts", BadSubmission.of(primeCount.withMaxAttempts(0), "/maxAttempts")),
                Named.of("text maxAttempts", BadSubmission.of(primeCount.with("maxAttempts", "x"), "/maxAttempts")),
                Named.of("delay that is not a duration", BadSubmission.of(primeCount.with("delay", "soon"),
                        "/delay")),
                Named.of("unknown job field", BadSubmission.json("{\"type\":\"echo\",\"payload\":{},\"colour\":1}",
                        "/colour")),
                Named.of("wrong content type", new BadSubmission("text/plain", echo.json(), 415, "text/plain")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSubmissions")
    void rejectsBadSubmissionWithAProblemNamingWhatIsWrong(BadSubmission bad) {
        long jobsBefore = platform.jobTable().count();

        Response response = api.post(ErrandClient.JOBS, bad.contentType(), bad.body(), null);

        assertThatProblem(response).isProblem(bad.status()).detailMentions(bad.mentions());
        assertThat(platform.jobTable().count()).as("job rows").isEqualTo(jobsBefore);
    }

    /** A payload the store could not keep exactly, and the error the API must answer for it. */
    record Unstorable(String payload, String field, String rule) {
    }

    static Stream<Named<Unstorable>> unstorablePayloads() {
        return Stream.of(
                Named.of("NUL in a value", new Unstorable("{\"a\": {\"b\": \"x\\u0000y\"}}", "/a/b", "nul-character")),
                Named.of("NUL in a key", new Unstorable("{\"list\": [{\"k\\u0000\": 1}]}", "/list/0/k\uFFFD",
                        "nul-character")),
                Named.of("lone high surrogate", new Unstorable("{\"s\": \"\\ud800\"}", "/s", "lone-surrogate")),
                Named.of("lone low surrogate after text", new Unstorable("{\"s\": [\"ok\", \"a\\udc00\"]}", "/s/1",
                        "lone-surrogate")),
                Named.of("duplicate key", new Unstorable("{\"a\": {\"same\": 1, \"same\": 2}}", "/a/same",
                        "duplicate-key")),
                Named.of("number too long to keep", new Unstorable("{\"n\": 1e1000000}", "/n", "number")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unstorablePayloads")
    void refusesAPayloadTheStoreCannotKeepNamingTheField(Unstorable bad) {
        long jobsBefore = platform.jobTable().count();

        Response response = api.post(ErrandClient.JOBS, "application/json",
                "{\"type\":\"echo\",\"payload\":" + bad.payload() + "}", null);

        assertThatProblem(response).isProblem(400).hasErrorOn("/payload" + bad.field(), bad.rule());
        assertThat(platform.jobTable().count()).as("job rows").isEqualTo(jobsBefore);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unstorablePayloads")
    void refusesABatchWithAPayloadTheStoreCannotKeepNamingTheJobAndField(Unstorable bad) {
        long jobsBefore = platform.jobTable().count();
        String fine = "{\"type\":\"echo\",\"payload\":{\"n\":1}}";

        Response response = api.post(ErrandClient.JOBS + "/batch", "application/json",
                "{\"jobs\":[" + fine + ",{\"type\":\"echo\",\"payload\":" + bad.payload() + "}]}", null);

        assertThatProblem(response).isProblem(400).hasErrorOn("/jobs/1/payload" + bad.field(), bad.rule());
        assertThat(platform.jobTable().count()).as("job rows").isEqualTo(jobsBefore);
    }

    @Test
    void refusesANulInTheTypeNameNamingTheField() {
        Response response = api.post(ErrandClient.JOBS, "application/json",
                "{\"type\":\"echo\\u0000\",\"payload\":{}}", null);

        assertThatProblem(response).isProblem(400).hasErrorOn("/type", "nul-character");
    }

    @Test
    void refusesANulInTheTypeFilterOfTheJobListNamingTheParameter() {
        Response response = api.get(ErrandClient.JOBS + "?type=echo%00");

        assertThatProblem(response).isProblem(400).hasErrorOn("?type", "nul-character");
    }

    @Test
    void refusesAnUnknownPayloadPropertyNamingIt() {
        Response response = api.post(ErrandClient.JOBS, "application/json",
                "{\"type\":\"prime-count\",\"payload\":{\"upTo\":100,\"lang\":\"en\"}}", null);

        assertThatProblem(response).isProblem(400).hasErrorOn("/payload/lang", "additionalProperties");
    }

    /** The answer the README shows, in "A bad payload is a 400 naming each field", exactly. */
    @Test
    void answersABadPayloadWithTheProblemTheReadmeShows() {
        Response response = api.post(ErrandClient.JOBS, "application/json",
                "{\"type\":\"word-frequency\",\"payload\":{\"text\":\" \",\"top\":0}}", null);

        assertThatProblem(response).isProblem(400);
        JsonNode problem = response.json();
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(problem.path("type").asString()).isEqualTo("/problems/invalid-job");
        assertThat(problem.path("title").asString()).isEqualTo("Invalid request");
        assertThat(problem.path("status").asInt()).isEqualTo(400);
        assertThat(problem.path("instance").asString()).isEqualTo("/api/v1/jobs");
        assertThat(problem.path("detail").asString()).isEqualTo(
                "/payload/text: does not match the regex pattern \\S; /payload/top: must have a minimum value of 1");
        assertThat(problem.path("errors")).isEqualTo(JobFixtures.json("""
                [{"field":"/payload/text","rule":"pattern","message":"does not match the regex pattern \\\\S"},
                 {"field":"/payload/top","rule":"minimum","message":"must have a minimum value of 1"}]"""));
    }

    @Test
    void rejectsABodyOverTheSizeLimit() {
        long jobsBefore = platform.jobTable().count();

        Response response = api.postAnnouncingLength(ErrandClient.JOBS, "application/json", 5 * 1024 * 1024);

        assertThatProblem(response).isProblem(413);
        assertThat(platform.jobTable().count()).as("job rows").isEqualTo(jobsBefore);
    }

    @Test
    void rejectsABatchOfMoreThanAThousandJobs() {
        long jobsBefore = platform.jobTable().count();

        Response response = api.submitBatch(echoJobsNumbered(1001));

        assertThatProblem(response).isProblem(400).hasErrorOn("/jobs", "size");
        assertThat(platform.jobTable().count()).as("job rows").isEqualTo(jobsBefore);
    }

    @Test
    void rejectsAnEmptyBatch() {
        Response response = api.submitBatch(List.of());

        assertThatProblem(response).isProblem(400).hasErrorOn("/jobs", "size");
    }

    @Test
    void answersNotFoundForAnUnknownJob() {
        UUID unknown = UUID.randomUUID();

        Response response = api.get(unknown);

        assertThatProblem(response).isProblem(404);
    }

    /** A path id that is not a UUID names no job: the README's 404 for an unknown job. */
    @Test
    void answersNotFoundForAJobIdThatIsNotAUuid() {
        Response response = api.get(ErrandClient.JOBS + "/not-a-job-id");

        assertThatProblem(response).isProblem(404).detailMentions("not-a-job-id");
    }

    @Test
    void enqueuesNothingForRejectedInput() throws Exception {
        List<String> types = new ArrayList<>(ErrandPlatform.BUILT_IN_TYPES);
        types.add("no-such-type");
        long jobsBefore = platform.jobTable().count();
        Set<String> otherJobs = platform.jobTable().ids();

        try (BrokerSpy spy = BrokerSpy.onJobsExchange(platform.services(), types.toArray(String[]::new))) {
            badSubmissions().map(Named::getPayload).forEach(bad -> assertThat(
                    api.post(ErrandClient.JOBS, bad.contentType(), bad.body(), null).status()).isGreaterThan(399));
            assertThat(api.submitBatch(echoJobsNumbered(1001)).status()).isGreaterThan(399);
            assertThat(api.postAnnouncingLength(ErrandClient.JOBS, "application/json", 5 << 20).status())
                    .isEqualTo(413);
            UUID sentinel = api.accept(anEchoJob(json("{\"marker\":\"sentinel\"}"))).path("id").asString()
                    .transform(UUID::fromString);

            await("the sentinel job published").atMost(ofSeconds(30))
                    .until(() -> spy.messageIds().contains(sentinel.toString()));
            assertThat(spy.messageIdsExcept(otherJobs)).as("published job messages")
                    .containsExactly(sentinel.toString());
            assertThat(platform.jobTable().count()).as("job rows").isEqualTo(jobsBefore + 1);
        }
    }
}
