package errand.api.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.BDDMockito.mock;
import static org.mockito.BDDMockito.never;
import static org.mockito.BDDMockito.then;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.rabbitmq.client.Channel;
import errand.api.MigratedDatabase;
import errand.api.dispatch.ControlPublisher;
import errand.model.Failure;
import errand.model.JobEvent;
import errand.model.WireJson;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * A result batch on a real PostgreSQL: one event the store cannot keep never holds up the others of its batch, and
 * is never requeued; its attempt fails for good with a non-retryable {@code output-encoding} failure naming the field.
 */
class ResultBatchIntegrationTests {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final ResultsProperties PROPERTIES = new ResultsProperties(250, Duration.ofMillis(5), 1,
            Duration.ofMillis(200));

    @RegisterExtension
    static final MigratedDatabase database = new MigratedDatabase();

    private static JdbcTemplate jdbc;
    private static EventSink sink;
    private static ResultMetrics metrics;

    @BeforeAll
    static void connect() {
        jdbc = database.jdbc();
        var transactions = database.transactions();
        metrics = new ResultMetrics(new SimpleMeterRegistry());
        sink = new EventSink(new EventApplier(jdbc, transactions), metrics,
                new CancelledJobs(jdbc, mock(ControlPublisher.class)),
                PROPERTIES);
    }

    @Test
    void appliesTheRestOfABatchAndFailsTheAttemptsWhoseResultTheStoreCannotKeep() throws Exception {
        UUID fine = aQueuedJob();
        UUID nul = aQueuedJob();
        UUID loneSurrogate = aQueuedJob();
        UUID nulInFailureMessage = aQueuedJob();
        UUID alsoFine = aQueuedJob();
        Channel channel = mock(Channel.class);
        List<Message> batch = List.of(
                message(1, succeeded(fine, "{\"exact\": 0.1234567890123456789012345678901234567890}")),
                message(2, succeeded(nul, "{\"text\": \"a\\u0000b\"}")),
                message(3, succeeded(loneSurrogate, "{\"list\": [\"\\ud800\"]}")),
                message(4, failed(nulInFailureMessage, "bad \\u0000 byte")),
                message(5, succeeded(alsoFine,
                        "{\"big\": 123456789012345678901234567890123456789012345678901234567890}")));

        new ResultListener(sink, metrics, PROPERTIES).onMessageBatch(batch, channel);

        then(channel).should().basicAck(5, true);
        then(channel).should(never()).basicNack(anyLong(), anyBoolean(), anyBoolean());
        assertThat(status(fine)).isEqualTo("SUCCEEDED");
        assertThat(result(fine).get("exact").decimalValue())
                .isEqualTo(new java.math.BigDecimal("0.1234567890123456789012345678901234567890"));
        assertThat(status(alsoFine)).isEqualTo("SUCCEEDED");
        assertThat(result(alsoFine).get("big").bigIntegerValue()).isEqualTo(
                new java.math.BigInteger("123456789012345678901234567890123456789012345678901234567890"));
        JsonNode nulError = error(nul);
        assertThat(nulError.get("type").asString()).isEqualTo("output-encoding");
        assertThat(nulError.get("retryable").asBoolean()).isFalse();
        assertThat(nulError.get("message").asString()).contains("/text").contains("NUL");
        assertThat(status(nul)).isEqualTo("FAILED");
        assertThat(error(loneSurrogate).get("message").asString()).contains("/list/0").contains("surrogate");
        assertThat(status(loneSurrogate)).isEqualTo("FAILED");
        assertThat(status(nulInFailureMessage)).isEqualTo("FAILED");
        assertThat(error(nulInFailureMessage).get("message").asString()).isEqualTo("bad \uFFFD byte");
    }

    @Test
    void failsTheAttemptOfAResultThatNamesAKeyTwiceAndAppliesTheRestOfTheBatch() throws Exception {
        UUID repeated = aQueuedJob();
        UUID fine = aQueuedJob();
        Channel channel = mock(Channel.class);

        new ResultListener(sink, metrics, PROPERTIES).onMessageBatch(List.of(
                message(1, succeeded(repeated, "{\"a\": 1, \"a\": 2}")),
                message(2, succeeded(fine, "{\"a\": 1}"))), channel);

        then(channel).should().basicAck(2, true);
        assertThat(status(fine)).isEqualTo("SUCCEEDED");
        assertThat(status(repeated)).isEqualTo("FAILED");
        assertThat(error(repeated).get("type").asString()).isEqualTo("output-encoding");
        assertThat(error(repeated).get("message").asString()).contains("Duplicate").contains("\"a\"");
    }

    @Test
    void appliesEveryEventOfASetAsIfEachHadComeAloneAndAcknowledgesTheSetOnce() throws Exception {
        UUID first = aQueuedJob();
        UUID repeated = aQueuedJob();
        UUID last = aQueuedJob();
        UUID alone = aQueuedJob();
        Channel channel = mock(Channel.class);
        String set = "[" + succeeded(first, "{\"n\": 1}") + ", \"not an event\", "
                + succeeded(repeated, "{\"a\": 1, \"a\": 2}") + ",\n" + succeeded(last, "{\"n\": 3}") + "]";

        new ResultListener(sink, metrics, PROPERTIES).onMessageBatch(List.of(message(1, set),
                message(2, "[" + succeeded(alone, "{\"n\": 4}") + "] trailing"),
                message(3, succeeded(alone, "{\"n\": 5}"))), channel);

        then(channel).should().basicAck(3, true);
        then(channel).should(never()).basicNack(anyLong(), anyBoolean(), anyBoolean());
        assertThat(result(first).get("n").asInt()).isEqualTo(1);
        assertThat(result(last).get("n").asInt()).isEqualTo(3);
        assertThat(status(repeated)).isEqualTo("FAILED");
        assertThat(error(repeated).get("type").asString()).isEqualTo("output-encoding");
        assertThat(result(alone).get("n").asInt()).as("a malformed set is dropped whole").isEqualTo(5);
    }

    @Test
    void failsTheAttemptOfAResultTheDatabaseRefusesAndAppliesTheRestOfTheBatch() {
        UUID fine = aQueuedJob();
        UUID refused = aQueuedJob();
        // not checked on the way in (as from a listener that skipped StorableEvents): PostgreSQL itself refuses it
        JobEvent unstorable = new JobEvent.Succeeded(refused, 1, "worker-1", T0, T0.plusSeconds(1),
                WireJson.mapper().createObjectNode().put("text", "a\u0000b"));

        sink.applyUntilCommitted(List.of(WireJson.read(succeeded(fine, "{\"n\": 1}").getBytes(StandardCharsets.UTF_8),
                JobEvent.class), unstorable));

        assertThat(status(fine)).isEqualTo("SUCCEEDED");
        assertThat(status(refused)).isEqualTo("FAILED");
        assertThat(error(refused).get("type").asString()).isEqualTo("output-encoding");
        assertThat(error(refused).get("retryable").asBoolean()).isFalse();
        assertThat(attemptStatus(refused)).isEqualTo("FAILED");
    }

    @Test
    void appliesTheRestOfABatchWhenAnEventLacksWhatItNeedsAndRequeuesNothing() throws Exception {
        UUID fine = aQueuedJob();
        UUID timeless = aQueuedJob();
        Channel channel = mock(Channel.class);
        // a worker in another language that left out startedAt and at: the event decodes, but cannot be bound
        String withoutTimes = "{\"event\":\"succeeded\",\"jobId\":\"" + timeless + "\",\"attempt\":1,"
                + "\"workerId\":\"py-1\",\"result\":{\"n\":1}}";

        new ResultListener(sink, metrics, PROPERTIES).onMessageBatch(List.of(message(1, withoutTimes),
                message(2, succeeded(fine, "{\"n\": 2}"))), channel);

        then(channel).should().basicAck(2, true);
        then(channel).should(never()).basicNack(anyLong(), anyBoolean(), anyBoolean());
        assertThat(status(fine)).isEqualTo("SUCCEEDED");
        assertThat(status(timeless)).isEqualTo("QUEUED");
    }

    private static String succeeded(UUID job, String result) {
        return "{\"event\":\"succeeded\",\"jobId\":\"" + job + "\",\"attempt\":1,\"workerId\":\"worker-1\","
                + "\"startedAt\":\"" + T0 + "\",\"at\":\"" + T0.plusSeconds(1) + "\",\"result\":" + result + "}";
    }

    private static String failed(UUID job, String message) {
        return new String(WireJson.write(new JobEvent.Failed(job, 1, "worker-1", T0, T0.plusSeconds(1),
                new Failure("Boom", "MESSAGE", false), null)), StandardCharsets.UTF_8).replace("MESSAGE", message);
    }

    private static Message message(long deliveryTag, String body) {
        MessageProperties properties = new MessageProperties();
        properties.setDeliveryTag(deliveryTag);
        return new Message(body.getBytes(StandardCharsets.UTF_8), properties);
    }

    private static UUID aQueuedJob() {
        UUID id = UUID.randomUUID();
        jdbc.update("""
                insert into jobs (id, type, status, payload, max_attempts, timeout_ms, created_at, publish_after,
                                  updated_at)
                values (?, 'echo', 'QUEUED', '{}', 3, 60000, now(), now(), now())""", id);
        jdbc.update("delete from job_outbox where job_id = ?", id); // published
        return id;
    }

    private static String status(UUID job) {
        return jdbc.queryForObject("select status from jobs where id = ?", String.class, job);
    }

    private static String attemptStatus(UUID job) {
        return jdbc.queryForObject("select status from job_attempts where job_id = ?", String.class, job);
    }

    private static JsonNode result(UUID job) {
        return WireJson.mapper().readTree(jdbc.queryForObject("select result::text from jobs where id = ?",
                String.class, job));
    }

    private static JsonNode error(UUID job) {
        Map<String, Object> row = jdbc.queryForMap("select error::text as error from jobs where id = ?", job);
        return WireJson.mapper().readTree((String) row.get("error"));
    }

}
