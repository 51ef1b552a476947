package errand.api.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.mock;
import static org.mockito.BDDMockito.then;
import static org.mockito.BDDMockito.times;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import com.rabbitmq.client.Channel;
import errand.model.EventBodies;
import errand.model.JobEvent;
import errand.model.WireJson;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;

/** How a batch of messages, single events and sets, becomes transactions, against a sink that only records. */
class ResultListenerTests {

    private static final Instant T0 = Instant.parse("2026-12-04T05:00:00Z");

    @Test
    void appliesTheEventsOfABatchInOrderInTransactionsOfAtMostTheBatchSizeThenAcknowledgesOnce() throws Exception {
        EventSink sink = mock(EventSink.class);
        Channel channel = mock(Channel.class);
        List<JobEvent> set = IntStream.range(0, 5).mapToObj(i -> succeeded()).toList();
        JobEvent alone = succeeded();
        var listener = new ResultListener(sink, new ResultMetrics(new SimpleMeterRegistry()),
                new ResultsProperties(2, Duration.ofMillis(5), 1, Duration.ofSeconds(1)));

        listener.onMessageBatch(List.of(message(7, EventBodies.join(set.stream().map(WireJson::write).toList())),
                message(8, WireJson.write(alone))), channel);

        @SuppressWarnings("unchecked")
        ArgumentCaptor<List<JobEvent>> transactions = ArgumentCaptor.forClass(List.class);
        then(sink).should(times(3)).applyUntilCommitted(transactions.capture());
        assertThat(transactions.getAllValues()).extracting(List::size).containsExactly(2, 2, 2);
        List<JobEvent> applied = new ArrayList<>();
        transactions.getAllValues().forEach(applied::addAll);
        List<JobEvent> sent = new ArrayList<>(set);
        sent.add(alone);
        assertThat(applied).isEqualTo(sent);
        then(channel).should().basicAck(8, true);
        then(sink).shouldHaveNoMoreInteractions();
    }

    private static JobEvent succeeded() {
        return new JobEvent.Succeeded(UUID.randomUUID(), 1, "w1", T0, T0.plusMillis(1),
                WireJson.mapper().readTree("{\"n\": 1}"));
    }

    private static Message message(long deliveryTag, byte[] body) {
        MessageProperties properties = new MessageProperties();
        properties.setDeliveryTag(deliveryTag);
        return new Message(body, properties);
    }
}
