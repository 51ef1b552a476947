package errand.worker.runtime.registry;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import errand.model.JobMessage;
import errand.model.WireJson;
import errand.worker.tasks.TaskHandler;
import jakarta.validation.Validation;

/**
 * Named fixtures for runtime tests: decoders, registries and job messages. Public: the tests of every runtime package
 * use them.
 */
public final class TaskFixtures {

    private TaskFixtures() {
    }

    /** A decoder as a worker has by default: diagnostic options refused. */
    public static InputDecoder aDecoder() {
        return aDecoder(false);
    }

    public static InputDecoder aDecoder(boolean diagnostics) {
        return new InputDecoder(Validation.buildDefaultValidatorFactory().getValidator(), diagnostics);
    }

    public static TaskRegistry aRegistryOf(TaskHandler<?, ?>... handlers) {
        return new TaskRegistry(List.of(handlers), aDecoder());
    }

    public static TaskRegistry aRegistryWithDiagnosticsOf(TaskHandler<?, ?>... handlers) {
        return new TaskRegistry(List.of(handlers), aDecoder(true));
    }

    public static RegisteredTask theTask(TaskHandler<?, ?> handler) {
        return aRegistryOf(handler).all().getFirst();
    }

    public static JobMessage aJob(String type, String payload) {
        return aJob(type, payload, Duration.ofSeconds(30));
    }

    public static JobMessage aJob(String type, String payload, Duration timeout) {
        return new JobMessage(UUID.randomUUID(), type, 1, 3, timeout, WireJson.mapper().readTree(payload),
                Instant.parse("2026-01-01T00:00:00Z"));
    }
}
