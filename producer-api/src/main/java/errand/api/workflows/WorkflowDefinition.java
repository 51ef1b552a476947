package errand.api.workflows;

import java.util.List;

import errand.api.jobs.JobSpec;
import org.jspecify.annotations.Nullable;

/**
 * A checked workflow: its steps' ids are unique, their dependencies known and acyclic, and each step's references
 * name only its dependencies.
 */
record WorkflowDefinition(@Nullable String name, OnFailure onFailure, List<Step> steps) {

    /** What a step that fails for good does to the rest. */
    enum OnFailure {
        /** The workflow fails, and its unfinished steps are cancelled. */
        FAIL_FAST,
        /** What does not depend on the failed step still runs; its dependents are cancelled. */
        CONTINUE
    }

    /**
     * @param hasReferences whether the payload names other steps' results, resolved when the step starts
     */
    record Step(String id, JobSpec job, List<String> dependsOn, boolean hasReferences) {
    }
}
