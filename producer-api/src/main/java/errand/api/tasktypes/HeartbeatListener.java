package errand.api.tasktypes;

import errand.model.TaskTypeDescriptor;
import errand.model.WireJson;
import errand.model.WorkerHeartbeat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;

/**
 * Consumes worker heartbeats from this instance's exclusive queue on the {@code errand.heartbeats} fanout.
 * Runs on the listener container's thread with auto-ack: a heartbeat is worth nothing once stale, so an
 * undecodable one is logged and dropped, never requeued.
 */
@Component
class HeartbeatListener {

    private static final Logger log = LoggerFactory.getLogger(HeartbeatListener.class);

    private final WorkerDirectory directory;
    private final TaskTypeCatalog catalog;

    HeartbeatListener(WorkerDirectory directory, TaskTypeCatalog catalog) {
        this.directory = directory;
        this.catalog = catalog;
    }

    @RabbitListener(queues = "#{@heartbeatQueue.name}")
    void onHeartbeat(Message message) {
        WorkerHeartbeat heartbeat;
        try {
            heartbeat = WireJson.read(message.getBody(), WorkerHeartbeat.class);
        } catch (JacksonException e) {
            log.warn("Dropping an undecodable heartbeat: {}", e.getOriginalMessage());
            return;
        }
        for (TaskTypeDescriptor type : heartbeat.taskTypes()) {
            catalog.remember(type, heartbeat.at());
        }
        directory.record(heartbeat);
    }
}
