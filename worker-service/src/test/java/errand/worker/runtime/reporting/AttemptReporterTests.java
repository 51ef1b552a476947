package errand.worker.runtime.reporting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import errand.model.JobEvent;
import errand.model.JobMessage;
import errand.worker.runtime.registry.TaskFixtures;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

/** What is published for a job, against a template whose broker confirms (or not) at once. */
class AttemptReporterTests {

    private final ConfirmingTemplate template = new ConfirmingTemplate();
    private final EventSets sets = new EventSets(template, 100, Duration.ofMillis(100)).start();
    private final AttemptReporter reporter = new AttemptReporter(template, sets);
    private final JobMessage job = TaskFixtures.aJob("sleep", "{\"millis\": 1000}");

    @Test
    void forgetsConfirmedProgressSoALongJobKeepsLittle() throws Exception {
        AttemptReporter.Publications publications = reporter.forJob(job, null);

        for (int i = 0; i < 10_000; i++) {
            publications.progress(new JobEvent.Progress(job.jobId(), 1, "w1", Instant.now(), i / 10_000.0, null));
        }

        assertThat(publications.tracked()).isEqualTo(1);
        publications.awaitConfirms(Duration.ofSeconds(1));
        assertThat(template.sent).hasSize(10_000);
    }

    @Test
    void keepsWhatIsNotConfirmedToJudgeAndResendIt() throws Exception {
        AttemptReporter.Publications publications = reporter.forJob(job, null);
        template.confirms = false;
        publications.event(new JobEvent.Started(job.jobId(), 1, "w1", Instant.now()));
        template.confirms = true;
        publications.progress(new JobEvent.Progress(job.jobId(), 1, "w1", Instant.now(), 0.5, null));

        assertThat(publications.tracked()).isEqualTo(2);
        assertThatThrownBy(() -> publications.awaitConfirms(Duration.ofMillis(50)))
                .isInstanceOf(UnconfirmedPublishException.class).hasMessageContaining("event Started");

        publications.resendUnconfirmed(Duration.ofSeconds(1));

        publications.awaitConfirms(Duration.ofSeconds(1));
        assertThat(template.sent).hasSize(3);
    }

    @Test
    void publishesAnUnconfirmedEventAgainAfterEachPauseThenGivesUp() throws Exception {
        AttemptReporter.Publications publications = reporter.forJob(job, null);
        template.confirms = false;
        publications.event(new JobEvent.Started(job.jobId(), 1, "w1", Instant.now()));

        assertThatThrownBy(() -> publications.awaitConfirmsResending(Duration.ofMillis(20),
                List.of(Duration.ofMillis(1), Duration.ofMillis(1))))
                .isInstanceOf(UnconfirmedPublishException.class).hasMessageContaining("event Started");
        assertThat(template.sent).hasSize(3);

        template.confirms = true;
        publications.awaitConfirmsResending(Duration.ofMillis(20), List.of(Duration.ofMillis(1)));
        assertThat(template.sent).hasSize(4);
    }

    @Test
    void publishesALeasedEventOnItsOwnAndWaitsForItsConfirm() throws Exception {
        JobEvent.Leased leased = new JobEvent.Leased(job.jobId(), 1, "w1", Instant.now(), Instant.now().plusSeconds(3));

        reporter.eventConfirmed(leased, "00-trace-span-01", Duration.ofSeconds(1));

        assertThat(template.sent).singleElement().satisfies(message -> assertThat(
                message.getMessageProperties().getCorrelationId()).isEqualTo(job.jobId().toString()));
        template.confirms = false;
        assertThatThrownBy(() -> reporter.eventConfirmed(leased, null, Duration.ofMillis(50)))
                .isInstanceOf(UnconfirmedPublishException.class).hasMessageContaining("not confirmed within");
    }

    @AfterEach
    void stopTheSets() {
        sets.close();
    }

    @Test
    void publishesAnOutcomeThroughTheSetsAndJudgesItByTheirConfirm() throws Exception {
        AttemptReporter.Publications publications = reporter.forJob(job, "00-trace-span-01");
        template.confirms = false;
        publications.outcome(new JobEvent.Succeeded(job.jobId(), 1, "w1", Instant.now(), Instant.now(), null));

        assertThatThrownBy(() -> publications.awaitConfirms(Duration.ofMillis(50)))
                .isInstanceOf(UnconfirmedPublishException.class).hasMessageContaining("event Succeeded");
        template.confirms = true;
        publications.resendUnconfirmed(Duration.ofSeconds(1));

        publications.awaitConfirms(Duration.ofSeconds(1));
        assertThat(template.sent).hasSize(2).allSatisfy(message -> assertThat(
                message.getMessageProperties().getCorrelationId()).isEqualTo(job.jobId().toString()));
    }

    private static final class ConfirmingTemplate extends RabbitTemplate {

        private final List<Message> sent = new CopyOnWriteArrayList<>();
        private volatile boolean confirms = true;

        @Override
        public void send(String exchange, String routingKey, Message message,
                @Nullable CorrelationData correlationData) {
            sent.add(message);
            if (confirms && correlationData != null) {
                correlationData.getFuture().complete(new CorrelationData.Confirm(true, null));
            }
        }

        @Override
        public <T> @Nullable T invoke(OperationsCallback<T> action) {
            return action.doInRabbit(this);
        }
    }
}
