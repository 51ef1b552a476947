package errand.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import errand.model.JobMessage;
import errand.model.WireJson;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;

class JobMessagesTests {

    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private static JobMessage aPrimeCountJob() {
        return new JobMessage(UUID.fromString("7f0c1c7e-8a0e-4c38-9b51-3c4f2b0e9a11"), "prime-count", 2, 3,
                Duration.ofMinutes(10), WireJson.mapper().readTree("{\"upTo\": 100000}"),
                Instant.parse("2026-11-25T10:15:30.123456Z"));
    }

    @Test
    void writesEveryPropertyAndHeaderOfTheWireContract() {
        JobMessage job = aPrimeCountJob();

        Message message = JobMessages.toMessage(job, TRACEPARENT);

        MessageProperties properties = message.getMessageProperties();
        assertThat(properties.getContentType()).isEqualTo("application/json");
        assertThat(properties.getContentEncoding()).isEqualTo("UTF-8");
        assertThat(properties.getDeliveryMode()).isEqualTo(MessageDeliveryMode.PERSISTENT);
        assertThat(properties.getMessageId()).isEqualTo("7f0c1c7e-8a0e-4c38-9b51-3c4f2b0e9a11");
        assertThat(properties.getCorrelationId()).isEqualTo("7f0c1c7e-8a0e-4c38-9b51-3c4f2b0e9a11");
        assertThat(properties.getType()).isEqualTo("prime-count");
        assertThat(properties.getReplyTo()).isEqualTo("errand.results");
        assertThat(properties.getTimestamp()).isNull();
        assertThat(properties.getExpiration()).isNull();
        assertThat(properties.getHeaders()).containsExactlyInAnyOrderEntriesOf(
                Map.of("x-errand-attempt", 2, "traceparent", TRACEPARENT));
        assertThat(WireJson.read(message.getBody(), JobMessage.class)).isEqualTo(job);
    }

    @Test
    void leavesTraceparentOutWhenTheJobHasNone() {
        Message message = JobMessages.toMessage(aPrimeCountJob(), null);

        assertThat(message.getMessageProperties().getHeaders()).containsOnlyKeys("x-errand-attempt");
        assertThat(JobMessages.traceparent(message.getMessageProperties())).isNull();
    }

    @Test
    void readsBackTheAttemptAndTraceparentHeaders() {
        MessageProperties properties = JobMessages.toMessage(aPrimeCountJob(), TRACEPARENT).getMessageProperties();

        assertThat(JobMessages.attempt(properties)).isEqualTo(2);
        assertThat(JobMessages.traceparent(properties)).isEqualTo(TRACEPARENT);
    }

    @Test
    void readsAnAttemptHeaderOfAnyIntegerWidth() {
        MessageProperties properties = new MessageProperties();
        properties.setHeader("x-errand-attempt", 3L);

        assertThat(JobMessages.attempt(properties)).isEqualTo(3);
    }

    @Test
    void decodesWhatItEncodes() throws JobMessages.PoisonMessageException {
        JobMessage job = aPrimeCountJob();

        assertThat(JobMessages.decode(JobMessages.toMessage(job, null), "prime-count")).isEqualTo(job);
    }

    @Test
    void refusesAJobOfAnotherTypeAsPoison() {
        Message message = JobMessages.toMessage(aPrimeCountJob(), null);

        assertThatExceptionOfType(JobMessages.PoisonMessageException.class)
                .isThrownBy(() -> JobMessages.decode(message, "echo"))
                .withMessageContaining("on the queue of 'echo'");
    }

    @Test
    void refusesAnUndecodableBodyAsPoison() {
        Message message = new Message("not json".getBytes(), new MessageProperties());

        assertThatExceptionOfType(JobMessages.PoisonMessageException.class)
                .isThrownBy(() -> JobMessages.decode(message, "echo"))
                .withMessageStartingWith("undecodable job message");
    }
}
