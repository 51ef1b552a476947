package errand.api.events;

import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * What a client follows: a type, a batch, a workflow, outcomes only, or all of the tenant's changes.
 *
 * @param type         only jobs of this type, or null
 * @param batch        only jobs of this batch, or null
 * @param workflow     only the jobs of this workflow's steps, or null
 * @param terminalOnly only changes to SUCCEEDED, FAILED or CANCELLED
 */
record EventFilter(@Nullable String type, @Nullable UUID batch, @Nullable UUID workflow, boolean terminalOnly) {
}
