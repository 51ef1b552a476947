package errand.api.jobs;

import java.time.Duration;

import tools.jackson.databind.JsonNode;

/** What a job runs, checked: a known type, its payload, and how many attempts of how long it may take. */
public record JobSpec(String type, JsonNode payload, int maxAttempts, Duration timeout) {
}
