package errand.worker.runtime.executing;

import java.time.Clock;

import errand.model.JobMessage;
import errand.worker.runtime.registry.InputDecoder;
import errand.worker.runtime.registry.RegisteredTask;

/**
 * One attempt of a handler run outside a worker, by the runtime's own {@link AttemptRunner}: input decoded and
 * validated, the handler on a thread of its kind with the job's deadline, stopped by a cancel or the deadline and
 * abandoned after {@link AttemptRunner#STOP_GRACE}, its outcome the {@link AttemptResult} a worker would report.
 * Progress goes nowhere: whoever wants it wraps the handler's context. Each run gets handler executors of its own
 * (one CPU thread, a virtual thread per IO handler), closed when it ends. Public for the test kit
 * ({@code errand.worker.testkit}), so that a handler's tests run it exactly as the runtime does.
 *
 * <p><b>Thread:</b> {@link #run} blocks the calling thread until the attempt ended or its handler was abandoned;
 * {@link #cancel()} may be called from any thread, the handler's own included.
 */
public final class LoneAttempt {

    private final JobMessage job;
    private final RunningJobs running = new RunningJobs();

    public LoneAttempt(JobMessage job) {
        this.job = job;
    }

    /** Runs the attempt with {@code task}'s handler, once; blocks until it ended or was given up on. */
    public AttemptResult run(RegisteredTask task, InputDecoder decoder) {
        try (HandlerExecutors executors = new HandlerExecutors(1, handler -> handler)) {
            return new AttemptRunner(decoder, executors, running, Clock.systemUTC()).run(task, job, (fraction,
                    message) -> {
            });
        }
    }

    /** Cancels the attempt as a cancel command for it would: a running handler is stopped, a queued one never runs. */
    public void cancel() {
        running.cancel(job.jobId(), job.attempt());
    }
}
