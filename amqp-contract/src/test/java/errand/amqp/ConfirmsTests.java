package errand.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.ReturnedMessage;
import org.springframework.amqp.rabbit.connection.CorrelationData;

class ConfirmsTests {

    private static long inOneSecond() {
        return System.nanoTime() + Duration.ofSeconds(1).toNanos();
    }

    @Test
    void countsAnAcknowledgedRoutedPublishAsConfirmed() throws InterruptedException {
        CorrelationData correlation = new CorrelationData("1");
        correlation.getFuture().complete(new CorrelationData.Confirm(true, null));

        assertThat(Confirms.await(correlation, inOneSecond())).isEqualTo(Confirms.Outcome.CONFIRMED);
    }

    @Test
    void countsAnAcknowledgedButReturnedPublishAsUnroutable() throws InterruptedException {
        CorrelationData correlation = new CorrelationData("2");
        correlation.setReturned(new ReturnedMessage(new Message(new byte[0], new MessageProperties()), 312,
                "NO_ROUTE", "errand.jobs", "nobody"));
        correlation.getFuture().complete(new CorrelationData.Confirm(true, null));

        assertThat(Confirms.await(correlation, inOneSecond())).isEqualTo(Confirms.Outcome.RETURNED);
    }

    @Test
    void reportsANack() throws InterruptedException {
        CorrelationData correlation = new CorrelationData("3");
        correlation.getFuture().complete(new CorrelationData.Confirm(false, "reject-publish"));

        assertThat(Confirms.await(correlation, inOneSecond())).isEqualTo(Confirms.Outcome.NACKED);
    }

    @Test
    void givesUpAtTheDeadline() throws InterruptedException {
        CorrelationData correlation = new CorrelationData("4");

        assertThat(Confirms.await(correlation, System.nanoTime())).isEqualTo(Confirms.Outcome.TIMED_OUT);
    }

    @Test
    void reportsAFailedConfirm() throws InterruptedException {
        CorrelationData correlation = new CorrelationData("5");
        correlation.getFuture().completeExceptionally(new AmqpException("channel closed"));

        assertThat(Confirms.await(correlation, inOneSecond())).isEqualTo(Confirms.Outcome.FAILED);
    }
}
