package errand.api.results;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import errand.amqp.JobMessages;
import errand.model.Failure;
import errand.model.Headers;
import errand.model.JobEvent;
import errand.model.JobMessage;
import errand.model.Topology;
import errand.model.WireJson;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;

/**
 * Fails the jobs whose messages were dead-lettered: a message that killed its worker on every delivery (the
 * queue's delivery limit), or that a worker could not decode. Exhausted jobs were already failed by their
 * worker's report, and their copies (marked with a dead reason) are skipped here. Consumes
 * {@code errand.dead.notices}, a copy of what {@code errand.dead} keeps for operators, on a listener container
 * thread with auto-ack after the commit.
 */
@Component
class DeadLetterListener {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterListener.class);
    private static final String BROKER = "broker";

    private final EventSink sink;

    DeadLetterListener(EventSink sink) {
        this.sink = sink;
    }

    @RabbitListener(queues = Topology.DEAD_NOTICES_QUEUE)
    void onDeadLetter(Message message) {
        MessageProperties props = message.getMessageProperties();
        if (props.getHeaders().containsKey(Headers.DEAD_REASON)) {
            // a worker's own copy of a job it reported as failed; applying it too could overtake that report
            return;
        }
        JobMessage job = decode(message.getBody());
        UUID jobId = job != null ? job.jobId() : uuidOrNull(props.getMessageId());
        Integer attempt = job != null ? Integer.valueOf(job.attempt()) : JobMessages.attempt(props);
        if (jobId == null || attempt == null) {
            log.error("A dead-lettered message names no job (message id {}); it stays in {} for inspection",
                    props.getMessageId(), Topology.DEAD_QUEUE);
            return;
        }
        Instant now = Instant.now();
        var failure = new Failure("dead-lettered", reasonOf(props), false);
        sink.applyUntilCommitted(List.of(new JobEvent.Failed(jobId, attempt, BROKER, now, now, failure, null)));
    }

    static String reasonOf(MessageProperties props) {
        List<Map<String, ?>> deaths = props.getXDeathHeader();
        if (deaths != null && !deaths.isEmpty()) {
            Map<String, ?> death = deaths.getFirst();
            return "the broker dead-lettered it from " + death.get("queue") + " (" + death.get("reason") + ")";
        }
        return "the message was dead-lettered";
    }

    private static @Nullable JobMessage decode(byte[] body) {
        try {
            return WireJson.read(body, JobMessage.class);
        } catch (JacksonException e) {
            return null;
        }
    }

    private static @Nullable UUID uuidOrNull(@Nullable String id) {
        try {
            return id == null ? null : UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
