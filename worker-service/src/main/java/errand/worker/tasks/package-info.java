/**
 * The task-handler SPI and the built-in task types. A task type is one class: a {@link errand.worker.tasks.Task}
 * annotated {@link errand.worker.tasks.TaskHandler} whose input and output are records; the runtime derives their JSON
 * Schemas, decodes and validates the input, and turns the handler's return value or exception into the job's
 * outcome.
 */
@NullMarked
package errand.worker.tasks;

import org.jspecify.annotations.NullMarked;
