package errand.api.jobs;

import java.time.Duration;

import tools.jackson.databind.JsonNode;

/**
 * The job a schedule enqueues at each fire time, validated like a submit when the schedule is saved, with the
 * type's defaults filled in then: firing needs no lookup and cannot fail on a template.
 */
public record JobTemplate(String type, JsonNode payload, Duration timeout, int maxAttempts) {
}
