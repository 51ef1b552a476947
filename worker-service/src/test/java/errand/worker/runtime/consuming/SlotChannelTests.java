package errand.worker.runtime.consuming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.mock;
import static org.mockito.BDDMockito.never;
import static org.mockito.BDDMockito.then;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Consumer;
import com.rabbitmq.client.DefaultConsumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;

/**
 * A slot's consumer is cancelled by the slot's thread and by its attempts' threads, which settle their deliveries
 * late; a cancel meant for an earlier consumer must not cancel the one the slot started since.
 */
class SlotChannelTests {

    private static final String QUEUE = "errand.jobs.crunch";

    private final Channel amqp = mock(Channel.class);
    private SlotChannel slot;

    @BeforeEach
    void openTheTypesChannel() throws Exception {
        Connection connection = mock(Connection.class);
        ConnectionFactory factory = mock(ConnectionFactory.class);
        given(factory.createConnection()).willReturn(connection);
        given(connection.createChannel(false)).willReturn(amqp);
        given(amqp.isOpen()).willReturn(true);
        given(amqp.basicConsume(eq(QUEUE), eq(false), any(Consumer.class))).willReturn("first", "second");
        slot = new SlotChannel("crunch-1", QUEUE, new TypeChannel(QUEUE, factory, 1), mock(AmqpAdmin.class));
    }

    @Test
    void cancellingTheCurrentConsumerByItsTagCancelsIt() throws Exception {
        slot.consume(DefaultConsumer::new);

        slot.cancel("first");

        then(amqp).should().basicCancel("first");
        assertThat(slot.consuming()).isFalse();
    }

    @Test
    void aLateCancelForAnEarlierConsumerLeavesTheConsumerStartedSinceInPlace() throws Exception {
        slot.consume(DefaultConsumer::new);
        slot.cancel("first");
        slot.consume(DefaultConsumer::new);

        slot.cancel("first");

        then(amqp).should(never()).basicCancel("second");
        assertThat(slot.consuming()).isTrue();
    }
}
