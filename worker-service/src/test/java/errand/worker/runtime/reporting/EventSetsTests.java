package errand.worker.runtime.reporting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import errand.model.EventBodies;
import errand.model.JobEvent;
import errand.model.WireJson;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.AmqpIOException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

/** Outcomes gathered into sets, against a template whose confirms the test gives by hand. */
class EventSetsTests {

    private static final Instant T0 = Instant.parse("2026-12-04T05:00:00Z");

    private final HandConfirmedTemplate template = new HandConfirmedTemplate();
    private final EventSets sets = new EventSets(template, 3, Duration.ofSeconds(30)).start();

    @AfterEach
    void close() {
        sets.close();
    }

    @Test
    void aLoneOutcomeGoesOutAtOnceAsItWasHandedIn() {
        Message alone = outcome("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");

        CorrelationData correlation = sets.gather(alone);

        await().until(() -> template.sent.size() == 1);
        assertThat(template.sent.getFirst().message()).isSameAs(alone);
        assertThat(template.sent.getFirst().correlation()).isSameAs(correlation);
    }

    @Test
    void outcomesHandedInWhileASetIsConfirmedGoOutTogetherUpToTheLimit() {
        CorrelationData first = sets.gather(outcome(null));
        await().until(() -> template.sent.size() == 1);
        List<Message> next = List.of(outcome(null), outcome(null), outcome(null), outcome(null));
        List<CorrelationData> correlations = next.stream().map(sets::gather).toList();
        assertThat(template.sent).as("nothing more before the first set is confirmed").hasSize(1);

        confirm(first);

        await().until(() -> template.sent.size() == 2);
        Sent set = template.sent.get(1);
        assertThat(EventBodies.split(set.message().getBody())).extracting(body -> WireJson.read(body, JobEvent.class))
                .containsExactly(events(next.subList(0, 3)));
        assertThat(set.message().getMessageProperties().getCorrelationId()).as("a set names no one job").isNull();
        assertThat(correlations.subList(0, 3)).allMatch(correlation -> correlation == set.correlation());
        confirm(set.correlation());
        await().until(() -> template.sent.size() == 3);
        assertThat(template.sent.get(2).message()).as("the fourth, alone in the next set").isSameAs(next.get(3));
        assertThat(correlations.get(3)).isSameAs(template.sent.get(2).correlation());
    }

    @Test
    void aSetThatCannotBePublishedFailsAndTheNextGoesOutAllTheSame() {
        template.failNext.set(true);

        CorrelationData failed = sets.gather(outcome(null));
        await().until(() -> failed.getFuture().state() == Future.State.FAILED);
        CorrelationData later = sets.gather(outcome(null));

        await().until(() -> template.sent.size() == 1);
        assertThat(template.sent.getFirst().correlation()).isSameAs(later);
    }

    @Test
    void whatIsStillGatheredWhenTheWorkerStopsFailsAndNothingIsTakenAfter() {
        CorrelationData first = sets.gather(outcome(null));
        await().until(() -> template.sent.size() == 1);
        CorrelationData waiting = sets.gather(outcome(null));

        sets.close();

        assertThat(waiting.getFuture().state()).isEqualTo(Future.State.FAILED);
        assertThat(sets.gather(outcome(null)).getFuture().state()).isEqualTo(Future.State.FAILED);
        assertThat(first.getFuture().isDone()).as("the set on the broker is confirmed or not by the broker").isFalse();
    }

    private static Message outcome(@Nullable String traceparent) {
        return ReportMessages.event(new JobEvent.Succeeded(UUID.randomUUID(), 1, "w1", T0, T0.plusMillis(2),
                WireJson.mapper().readTree("{\"n\": 1}")), traceparent);
    }

    private static JobEvent[] events(List<Message> messages) {
        return messages.stream().map(message -> WireJson.read(message.getBody(), JobEvent.class))
                .toArray(JobEvent[]::new);
    }

    private static void confirm(CorrelationData correlation) {
        correlation.getFuture().complete(new CorrelationData.Confirm(true, null));
    }

    private record Sent(Message message, CorrelationData correlation) {
    }

    private static final class HandConfirmedTemplate extends RabbitTemplate {

        private final List<Sent> sent = new CopyOnWriteArrayList<>();
        private final AtomicBoolean failNext = new AtomicBoolean();

        @Override
        public void send(String exchange, String routingKey, Message message,
                @Nullable CorrelationData correlationData) {
            if (failNext.getAndSet(false)) {
                throw new AmqpIOException(new java.io.IOException("channel closed"));
            }
            sent.add(new Sent(message, correlationData));
        }

        @Override
        public <T> @Nullable T invoke(OperationsCallback<T> action) {
            return action.doInRabbit(this);
        }
    }
}
