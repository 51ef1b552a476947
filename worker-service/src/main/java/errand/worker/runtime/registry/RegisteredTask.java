package errand.worker.runtime.registry;

import java.time.Duration;

import errand.model.TaskKind;
import errand.model.TaskTypeDescriptor;
import errand.worker.tasks.TaskHandler;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A handler with everything the runtime derived from it at start: its {@code @Task} settings, resolved input type
 * and JSON Schemas.
 *
 * @param declaredRetryBackoff the {@code @Task} retry backoff, null for the worker's default
 * @param declaredConcurrency  the {@code @Task} concurrency, 0 for the kind's default
 * @param quick                the {@code @Task} quick flag: its slots may hold several deliveries
 */
public record RegisteredTask(String name, String description, TaskKind kind, Duration timeout, int maxAttempts,
        @Nullable Duration declaredRetryBackoff, int declaredConcurrency, boolean quick,
        TaskHandler<Object, Object> handler,
                Class<?> handlerClass, Class<?> inputType,
        ObjectNode inputSchema, ObjectNode outputSchema, @Nullable JsonNode example) {

    TaskTypeDescriptor descriptor(int concurrency, Duration retryBackoff) {
        return new TaskTypeDescriptor(name, description, kind, timeout, maxAttempts, retryBackoff, concurrency,
                inputSchema, outputSchema, example);
    }
}
