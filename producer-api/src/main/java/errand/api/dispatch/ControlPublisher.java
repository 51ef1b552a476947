package errand.api.dispatch;

import java.time.Instant;
import java.util.UUID;

import errand.model.ControlCommand;
import errand.model.Headers;
import errand.model.Topology;
import errand.model.WireJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.stereotype.Component;

/**
 * Broadcasts commands to every worker. A cancel is recorded in the database first, so the broadcast only hurries
 * a running attempt along: whatever that attempt reports afterwards cannot change the CANCELLED outcome.
 */
@Component
public class ControlPublisher {

    private static final Logger log = LoggerFactory.getLogger(ControlPublisher.class);

    private final RabbitTemplate rabbit;

    ControlPublisher(RabbitTemplate rabbit) {
        this.rabbit = rabbit;
    }

    /**
     * Tells every worker to stop the job's attempts up to {@code attempt}, the one the cancel was recorded on. Naming
     * the attempt is what lets a retry after the cancel run: workers fence that attempt and older ones, not the job.
     */
    public void broadcastCancel(UUID jobId, int attempt) {
        MessageProperties props = new MessageProperties();
        props.setContentType(Headers.JSON);
        props.setCorrelationId(jobId.toString());
        try {
            rabbit.send(Topology.CONTROL_EXCHANGE, "",
                    new Message(WireJson.write(new ControlCommand.CancelJob(jobId, attempt, Instant.now())), props));
        } catch (AmqpException e) {
            log.warn("Could not broadcast the cancel of job {} attempt {}; it is recorded and its outcome is fixed: {}",
                    jobId, attempt, e.getMessage());
        }
    }
}
