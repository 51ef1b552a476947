/**
 * Workflows: steps that are ordinary jobs, run when the steps they depend on succeeded, with their results in their
 * payloads ({@code {"$from": "a"}}). The engine is a trigger on the jobs table (V10), so whatever ends a step's job
 * advances its workflow in the same transaction; this package checks definitions, stores them, starts their first
 * steps, and reads, waits on, follows and cancels them.
 */
@NullMarked
package errand.api.workflows;

import org.jspecify.annotations.NullMarked;
