package errand.worker.tasks;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import errand.model.TaskKind;
import org.springframework.stereotype.Component;

/**
 * Declares a {@link TaskHandler} as a task type. The annotated class becomes a Spring bean; the worker serves it,
 * announces it with its heartbeats and consumes the queue {@code errand.jobs.<name>}.
 *
 * <p>The worker refuses to start when two handlers share a {@link #name()}, when a handler's input type cannot be
 * resolved from its generic parameters, or when {@link #timeout()} or {@link #example()} cannot be parsed.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Component
public @interface Task {

    /** The stable name of the type: the routing key and the {@code type} of its jobs. Never rename a released one. */
    String name();

    /** One sentence for humans, shown by {@code GET /api/v1/task-types}. */
    String description() default "";

    /** CPU-bound types share a platform-thread pool sized to the cores; I/O-bound ones run on virtual threads. */
    TaskKind kind();

    /** How long one attempt may run by default, as an ISO-8601 duration; a job may carry its own timeout. */
    String timeout() default "PT1M";

    /** How many attempts a job of this type gets by default. */
    int maxAttempts() default 3;

    /**
     * The wait before a failed job's second attempt, as an ISO-8601 duration; it doubles for each further attempt,
     * less up to a fifth at random, up to the longest retry tier (one hour). Empty means the worker's
     * {@code errand.worker.retry-base-delay}.
     */
    String retryBackoff() default "";

    /** Jobs of this type one worker runs at once; 0 means the default: the cores for CPU, 16 for IO. */
    int concurrency() default 0;

    /**
     * Whether this type's jobs take milliseconds (an echo, a lookup, a small write). A quick type's slots each hold up
     * to {@code errand.worker.quick-prefetch} deliveries, so the next job is at hand while the last one's outcome
     * waits for the broker's confirm, and the broker delivers in bursts. A held delivery waits behind its slot's
     * running job, so never declare a type quick whose jobs may run for long. IO types only.
     */
    boolean quick() default false;

    /** A JSON payload this type accepts, announced to clients; empty for none. */
    String example() default "";
}
