package errand.model;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** A command the API broadcasts to every worker on the {@code errand.control} fanout. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "command")
@JsonSubTypes(@JsonSubTypes.Type(value = ControlCommand.CancelJob.class, name = "cancel"))
public sealed interface ControlCommand {

    /** Stop the job if it runs here; a worker that later receives a delivery of it drops it. */
    record CancelJob(UUID jobId, Instant at) implements ControlCommand {
    }
}
