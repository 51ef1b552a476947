package errand.tests;

import static errand.tests.JobAssert.assertThatProblem;
import static errand.tests.JobFixtures.anEchoJob;
import static errand.tests.JobFixtures.echoJobsNumbered;
import static errand.tests.JobFixtures.json;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import errand.tests.ErrandClient.Response;

/**
 * Bad input never reaches the queue: each kind gets its own 4xx {@code application/problem+json} whose detail
 * names what was wrong, and no job row or message comes of it.
 */
class RejectedInputEndToEndTests {

    @RegisterExtension
    static final ErrandPlatform platform = ErrandPlatform.withOneWorker();

    private final ErrandClient api = platform.api();

    /** One bad submission and what the API must answer. */
    record BadSubmission(String contentType, String body, int[] statuses, String mentions) {

        static BadSubmission json(String body, String mentions) {
            return new BadSubmission("application/json", body, new int[] {400, 422}, mentions);
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
                Named.of("missing type", BadSubmission.of(echo.without("type"), "type")),
                Named.of("type not a string", BadSubmission.json("{\"type\":42,\"payload\":{}}", "type")),
                Named.of("malformed JSON", new BadSubmission("application/json",
                        "{\"type\":\"echo\",\"payload\":{\"marker\":", new int[] {400}, "")),
                Named.of("a JSON array instead of a job", BadSubmission.json("[1,2,3]", "")),
                Named.of("negative upTo for prime-count", BadSubmission.of(
                        JobRequest.of("prime-count", JobFixtures.json("{\"upTo\":-5}")), "upTo")),
                Named.of("text upTo for prime-count", BadSubmission.of(
                        JobRequest.of("prime-count", JobFixtures.json("{\"upTo\":\"x\"}")), "upTo")),
                Named.of("timeout that is not a duration", BadSubmission.of(
                        primeCount.with("timeout", "banana"), "timeout")),
                Named.of("zero maxAttempts", BadSubmission.of(primeCount.withMaxAttempts(0), "maxAttempts")),
                Named.of("text maxAttempts", BadSubmission.of(primeCount.with("maxAttempts", "x"), "maxAttempts")),
                Named.of("delay that is not a duration", BadSubmission.of(primeCount.with("delay", "soon"),
                        "delay")),
                Named.of("wrong content type", new BadSubmission("text/plain", echo.json(), new int[] {415}, "")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSubmissions")
    void rejectsBadSubmissionWithAProblemNamingWhatIsWrong(BadSubmission bad) {
        long jobsBefore = platform.jobTable().count();

        Response response = api.post(ErrandClient.JOBS, bad.contentType(), bad.body(), null);

        assertThatProblem(response).isProblemWithStatusIn(bad.statuses()).detailMentions(bad.mentions());
        assertThat(platform.jobTable().count()).as("job rows").isEqualTo(jobsBefore);
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

        assertThatProblem(response).isProblemWithStatusIn(400, 422).detailMentions("jobs");
        assertThat(platform.jobTable().count()).as("job rows").isEqualTo(jobsBefore);
    }

    @Test
    void rejectsAnEmptyBatch() {
        Response response = api.submitBatch(List.of());

        assertThatProblem(response).isProblemWithStatusIn(400, 422).detailMentions("jobs");
    }

    @Test
    void answersNotFoundForAnUnknownJob() {
        UUID unknown = UUID.randomUUID();

        Response response = api.get(unknown);

        assertThatProblem(response).isProblem(404);
    }

    @Test
    void answersBadRequestForAJobIdThatIsNotAUuid() {
        Response response = api.get(ErrandClient.JOBS + "/not-a-job-id");

        assertThatProblem(response).isProblemWithStatusIn(400, 404);
    }

    @Test
    void enqueuesNothingForRejectedInput() throws Exception {
        List<String> types = new ArrayList<>(ErrandPlatform.BUILT_IN_TYPES);
        types.add("no-such-type");
        long jobsBefore = platform.jobTable().count();

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
            assertThat(spy.messageIds()).as("published job messages").containsExactly(sentinel.toString());
            assertThat(platform.jobTable().count()).as("job rows").isEqualTo(jobsBefore + 1);
        }
    }
}
