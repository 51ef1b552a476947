package errand.api.tasktypes;

import errand.api.leases.LeaseRenewals;
import errand.model.TaskTypeDescriptor;
import errand.model.WireJson;
import errand.model.WorkerHeartbeat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.dao.DataAccessException;
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
    private final LeaseRenewals leases;

    HeartbeatListener(WorkerDirectory directory, TaskTypeCatalog catalog, LeaseRenewals leases) {
        this.directory = directory;
        this.catalog = catalog;
        this.leases = leases;
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
        directory.record(heartbeat);
        try {
            for (TaskTypeDescriptor type : heartbeat.taskTypes()) {
                catalog.remember(type, heartbeat.at());
            }
            leases.renew(heartbeat);
        } catch (DataAccessException e) {
            log.warn("Could not record the heartbeat of worker {}; the next one will: {}", heartbeat.workerId(),
                    e.getMessage());
        }
    }
}
