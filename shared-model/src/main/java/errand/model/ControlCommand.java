package errand.model;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import org.jspecify.annotations.Nullable;

/** A command the API broadcasts to every worker on the {@code errand.control} fanout. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "command")
@JsonSubTypes(@JsonSubTypes.Type(value = ControlCommand.CancelJob.class, name = "cancel"))
public sealed interface ControlCommand {

    /**
     * Stop the job's attempts up to {@code attempt} if one runs here; a worker that later receives a delivery of one
     * of them drops it. A later attempt (the job was retried after the cancel) is not affected: a cancel fences
     * attempts, not the job.
     *
     * @param attempt the job's attempt when it was cancelled; {@code null} from an API that predates it (see
     *                {@link #fencesUpTo(int)})
     */
    record CancelJob(UUID jobId, @Nullable Integer attempt, Instant at) implements ControlCommand {

        public CancelJob(UUID jobId, int attempt, Instant at) {
            this(jobId, Integer.valueOf(attempt), at);
        }

        /**
         * The highest attempt this cancel stops. A cancel without {@code attempt} meant "the attempt current when it
         * was sent", which its receiver cannot know: it takes the highest attempt of the job it runs, {@code running}
         * (0 if none), and at least 1, so a first attempt still queued is dropped as before while a retried one runs.
         */
        public int fencesUpTo(int running) {
            return attempt != null ? attempt : Math.max(1, running);
        }
    }
}
