/**
 * A test kit for task handlers: {@link errand.worker.testkit.TaskTestKit} runs a handler without a broker, through
 * the worker runtime's own attempt runner (payload decoded with the wire JSON mapping and validated, output encoded as
 * JSON, a deadline, cancellation by flag and interrupt), records its progress reports and answers a
 * {@link errand.worker.testkit.TaskRun} to assert on. It depends on no test library, so any test framework can use it.
 */
@NullMarked
package errand.worker.testkit;

import org.jspecify.annotations.NullMarked;
