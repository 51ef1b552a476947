package errand.worker.runtime.consuming;

import errand.model.ControlCommand;
import errand.model.WireJson;
import errand.worker.runtime.executing.RunningJobs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageListener;
import tools.jackson.core.JacksonException;

/**
 * Receives the {@link ControlCommand}s broadcast on {@code errand.control}, through this worker's exclusive,
 * auto-delete queue (named by the worker, so it survives a reconnect under the same name).
 *
 * <p><b>Thread:</b> the control container's single consumer thread. It only records and signals; it never blocks.
 *
 * <p><b>Ack mode:</b> NONE (auto-ack). A command missed while the connection is down is not redelivered: the queue
 * dies with the connection. The API stores a cancel before broadcasting it, so a missed cancel costs only a job that
 * runs to its end and whose outcome the API ignores.
 *
 * <p><b>Exceptions:</b> none escape. An undecodable command is logged and dropped.
 */
public final class ControlListener implements MessageListener {

    private static final Logger log = LoggerFactory.getLogger(ControlListener.class);

    private final RunningJobs running;

    public ControlListener(RunningJobs running) {
        this.running = running;
    }

    @Override
    public void onMessage(Message message) {
        ControlCommand command;
        try {
            command = WireJson.read(message.getBody(), ControlCommand.class);
        } catch (JacksonException ex) {
            log.warn("Dropping an undecodable control command: {}", ex.getOriginalMessage());
            return;
        }
        switch (command) {
            case ControlCommand.CancelJob cancel -> {
                log.info("Cancel requested for job {} up to attempt {}", cancel.jobId(),
                        cancel.attempt() == null ? "(unnamed)" : cancel.attempt());
                running.cancel(cancel);
            }
        }
    }
}
