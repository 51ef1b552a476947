package errand.api.workflows;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A workflow as the API shows it: its status ({@code RUNNING}, {@code SUCCEEDED}, {@code FAILED},
 * {@code CANCELLED}) and each step's.
 */
record WorkflowView(UUID id, @Nullable String name, String status, String onFailure, List<StepView> steps,
        Instant createdAt, @Nullable Instant finishedAt) {

    boolean finished() {
        return !status.equals("RUNNING");
    }

    /**
     * One step: {@code WAITING} until its job exists, then its job's status; {@code reason} says why the workflow
     * cancelled it. {@code dependsOn} names the steps it waits for, as submitted: the workflow's graph, for a
     * reader (such as the console) that draws it.
     */
    record StepView(String id, List<String> dependsOn, @Nullable UUID jobId, String status,
            @Nullable JsonNode result, @Nullable JsonNode error, @Nullable String reason) {
    }

    /** A workflow in a list: its steps counted, not shown. */
    record Summary(UUID id, @Nullable String name, String status, int steps, Instant createdAt,
            @Nullable Instant finishedAt) {
    }
}
