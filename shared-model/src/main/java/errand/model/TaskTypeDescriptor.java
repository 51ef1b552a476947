package errand.model;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A task type as a worker announces it: the API learns which types exist, and how to validate their payloads,
 * from these.
 *
 * @param inputSchema  JSON Schema (draft 2020-12) of the payload
 * @param outputSchema JSON Schema of the result
 * @param example      a payload that the type accepts
 * @param retryBackoff the wait before a failed job's second attempt, doubling for each further one; null from
 *                     workers that predate it
 * @param concurrency  how many jobs of this type one worker runs at once
 */
public record TaskTypeDescriptor(String name, String description, TaskKind kind, Duration timeout, int maxAttempts,
        @Nullable Duration retryBackoff, int concurrency, JsonNode inputSchema, JsonNode outputSchema,
                @Nullable JsonNode example) {
}
