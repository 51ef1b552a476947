package errand.worker.tasks;

/**
 * The code of one task type: ordinary sequential code that turns an input into an output. Annotate the
 * implementation with {@link Task}.
 *
 * <p><b>Thread:</b> a CPU-kind handler runs on a platform thread of the worker's bounded CPU pool, an IO-kind one on
 * a virtual thread; never on the thread that holds the delivery. One call handles one attempt of one job; calls for
 * different jobs run concurrently, so a handler must not keep per-job state in fields.
 *
 * <p><b>Acknowledgement:</b> the runtime acknowledges the job's delivery only after the outcome event (and the retry
 * or dead-letter copy, if any) is confirmed by the broker; the handler never acknowledges anything.
 *
 * <p><b>Exceptions:</b>
 * <ul>
 *   <li>a {@link NonRetryableException} fails the job at once;
 *   <li>any other exception fails the attempt; the job is retried after a backoff while it has attempts left;
 *   <li>an input that cannot be decoded or breaks its Bean Validation constraints fails the job at once, before the
 *       handler is called;
 *   <li>when the job is cancelled or its deadline passes the runtime interrupts the thread; the handler should stop
 *       promptly ({@link TaskContext#checkCancelled()}, or let {@link InterruptedException} propagate).
 * </ul>
 *
 * @param <I> the input: a record (decoded from the job payload with the wire JSON mapping) or a Jackson
 *            {@code ObjectNode}/{@code JsonNode}
 * @param <O> the output: a record or JSON node, encoded as the job's result
 */
@FunctionalInterface
public interface TaskHandler<I, O> {

    O handle(I input, TaskContext context) throws Exception;
}
