package errand.worker.testkit;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import errand.model.JobMessage;
import errand.model.WireJson;
import errand.worker.runtime.executing.AttemptResult;
import errand.worker.runtime.executing.AttemptRunner;
import errand.worker.runtime.executing.LoneAttempt;
import errand.worker.runtime.registry.InputDecoder;
import errand.worker.runtime.registry.RegisteredTask;
import errand.worker.tasks.Task;
import errand.worker.tasks.TaskHandler;
import jakarta.validation.Validation;
import jakarta.validation.ValidatorFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotatedElementUtils;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;

/**
 * Runs a task handler the way the worker does, without a broker, and answers a {@link TaskRun} to assert on. The
 * attempt is run by the worker runtime's own attempt runner ({@code errand.worker.runtime.executing.LoneAttempt}), so
 * what follows is the runtime's behaviour, not a copy of it:
 * <ul>
 *   <li>the payload (JSON text, or an input record encoded first) is decoded with {@code WireJson} and its Bean
 *       Validation constraints enforced; a violation is the runtime's {@code invalid-input} failure and the handler
 *       does not run;
 *   <li>the handler runs on its own thread (a platform thread for {@code CPU}, a virtual one for {@code IO}) with a
 *       deadline of the {@code @Task} timeout; at the deadline, or at a simulated cancel, the context reports
 *       {@code isCancelled()} and the thread is interrupted, as in the runtime;
 *   <li>the output is encoded with {@code WireJson}; an exception becomes the failure the worker would report.
 * </ul>
 * Every progress report is kept, unthrottled. A kit is immutable: the {@code with} methods answer a new one, so one
 * kit per test class can be shared.
 *
 * <pre>{@code
 * TaskTestKit<HashChain.Input, HashChain.Output> kit = TaskTestKit.of(new HashChain());
 * assertThat(kit.run("{\"seed\": \"abc\", \"iterations\": 1}").output().hex()).startsWith("ba7816bf");
 * assertThat(kit.run("{\"seed\": \"abc\", \"iterations\": 0}").failure().type()).isEqualTo("invalid-input");
 * assertThat(kit.cancelAtProgress(0.1).run("{\"seed\": \"abc\", \"iterations\": 900000000}").isCancelled()).isTrue();
 * }</pre>
 *
 * <p><b>Thread:</b> {@code run} blocks the calling thread until the handler returned, or was stopped and given up on
 * after {@link #STOP_GRACE}.
 *
 * @param <I> the handler's input type
 * @param <O> the handler's output type
 */
public final class TaskTestKit<I, O> {

    /** How long a stopped handler may take to return before the runtime abandons it (and the kit gives up on it). */
    public static final Duration STOP_GRACE = AttemptRunner.STOP_GRACE;

    /** The job id of every run unless {@link #jobId(UUID)} says otherwise. */
    public static final UUID JOB_ID = UUID.fromString("00000000-0000-0000-0000-000000000001");

    private final TaskHandler<I, O> handler;
    private final Task task;
    private final Class<?> inputType;
    private final JavaType outputType;
    private final UUID jobId;
    private final int attempt;
    private final Duration timeout;
    private final boolean cancelledAtStart;
    private final double cancelAtFraction;
    private final @Nullable Duration cancelAfter;

    private TaskTestKit(TaskHandler<I, O> handler, Task task, Class<?> inputType, JavaType outputType, UUID jobId,
            int attempt, Duration timeout, boolean cancelledAtStart, double cancelAtFraction,
            @Nullable Duration cancelAfter) {
        this.handler = handler;
        this.task = task;
        this.inputType = inputType;
        this.outputType = outputType;
        this.jobId = jobId;
        this.attempt = attempt;
        this.timeout = timeout;
        this.cancelledAtStart = cancelledAtStart;
        this.cancelAtFraction = cancelAtFraction;
        this.cancelAfter = cancelAfter;
    }

    /**
     * A kit for the first attempt of a job, with the handler's {@code @Task} timeout.
     *
     * @throws IllegalArgumentException if the handler has no {@code @Task} or its input type cannot be resolved
     *                                  (the worker would refuse to start)
     */
    public static <I, O> TaskTestKit<I, O> of(TaskHandler<I, O> handler) {
        Class<?> handlerClass = handler.getClass();
        Task task = AnnotatedElementUtils.findMergedAnnotation(handlerClass, Task.class);
        if (task == null) {
            throw new IllegalArgumentException(handlerClass.getName() + " has no @Task");
        }
        ResolvableType generics = ResolvableType.forClass(handlerClass).as(TaskHandler.class);
        Class<?> inputType = generics.getGeneric(0).resolve();
        if (inputType == null || inputType == Object.class) {
            throw new IllegalArgumentException(handlerClass.getName() + ": cannot resolve the input type; implement "
                    + "TaskHandler<Input, Output> with concrete types");
        }
        JavaType outputType = WireJson.mapper().getTypeFactory().constructType(generics.getGeneric(1).getType());
        return new TaskTestKit<>(handler, task, inputType, outputType, JOB_ID, 1, Duration.parse(task.timeout()),
                false, Double.NaN, null);
    }

    /** Runs as attempt {@code attempt} (1 is the first run). */
    public TaskTestKit<I, O> attempt(int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be at least 1");
        }
        return new TaskTestKit<>(handler, task, inputType, outputType, jobId, attempt, timeout, cancelledAtStart,
                cancelAtFraction, cancelAfter);
    }

    public TaskTestKit<I, O> jobId(UUID jobId) {
        return new TaskTestKit<>(handler, task, inputType, outputType, jobId, attempt, timeout, cancelledAtStart,
                cancelAtFraction, cancelAfter);
    }

    /** The attempt's timeout, as a job's own {@code timeout} sets it: the deadline is this long after the start. */
    public TaskTestKit<I, O> timeout(Duration timeout) {
        if (!timeout.isPositive()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
        return new TaskTestKit<>(handler, task, inputType, outputType, jobId, attempt, timeout, cancelledAtStart,
                cancelAtFraction, cancelAfter);
    }

    /** The job is cancelled just as the handler starts: its context is cancelled and its thread interrupted. */
    public TaskTestKit<I, O> cancelled() {
        return new TaskTestKit<>(handler, task, inputType, outputType, jobId, attempt, timeout, true,
                cancelAtFraction, cancelAfter);
    }

    /** The job is cancelled when the handler first reports progress of at least {@code fraction}. */
    public TaskTestKit<I, O> cancelAtProgress(double fraction) {
        return new TaskTestKit<>(handler, task, inputType, outputType, jobId, attempt, timeout, cancelledAtStart,
                fraction, cancelAfter);
    }

    /** The job is cancelled {@code delay} after the handler started, from another thread. */
    public TaskTestKit<I, O> cancelAfter(Duration delay) {
        return new TaskTestKit<>(handler, task, inputType, outputType, jobId, attempt, timeout, cancelledAtStart,
                cancelAtFraction, delay);
    }

    /** Runs the handler with a payload given as JSON text. */
    public TaskRun<O> run(String payload) {
        return run(WireJson.mapper().readTree(payload));
    }

    /** Runs the handler with {@code input} encoded to JSON and decoded again, as if it had crossed the wire. */
    public TaskRun<O> run(I input) {
        return run(WireJson.mapper().valueToTree(input));
    }

    /** Runs the handler with the {@code @Task} example, the payload clients are shown. */
    public TaskRun<O> runExample() {
        if (task.example().isBlank()) {
            throw new IllegalStateException("@Task " + task.name() + " declares no example");
        }
        return run(task.example());
    }

    private TaskRun<O> run(JsonNode payload) {
        JobMessage job = new JobMessage(jobId, task.name(), attempt, Math.max(attempt, task.maxAttempts()), timeout,
                payload, Instant.now());
        Observed observed = new Observed();
        LoneAttempt lone = new LoneAttempt(job);
        TaskHandler<Object, Object> observing = (input, attemptContext) -> {
            KitContext context = new KitContext(attemptContext, cancelAtFraction, lone::cancel);
            observed.started(context);
            if (cancelledAtStart) {
                lone.cancel();
            }
            if (cancelAfter != null) {
                CompletableFuture.delayedExecutor(cancelAfter.toNanos(), TimeUnit.NANOSECONDS).execute(lone::cancel);
            }
            try {
                @SuppressWarnings("unchecked")
                Object output = handler.handle((I) input, context);
                observed.ended(null);
                return output;
            } catch (Throwable ex) {
                observed.ended(ex);
                throw ex;
            } finally {
                context.close();
            }
        };
        AttemptResult result = lone.run(registered(observing), Decoding.DECODER);
        return observed.run(outcome(result));
    }

    /** The handler as the runtime registers it, with its {@code @Task} settings; schemas play no part in a run. */
    private RegisteredTask registered(TaskHandler<Object, Object> observing) {
        return new RegisteredTask(task.name(), task.description(), task.kind(), timeout, task.maxAttempts(), null, 0,
                task.quick(), observing, handler.getClass(), inputType, WireJson.mapper().createObjectNode(),
                WireJson.mapper().createObjectNode(), null);
    }

    private TaskRun.Outcome outcome(AttemptResult result) {
        return switch (result) {
            case AttemptResult.Succeeded succeeded -> new TaskRun.Outcome.Succeeded(succeeded.result());
            case AttemptResult.Failed failed -> new TaskRun.Outcome.Failed(failed.failure());
            case AttemptResult.Cancelled _ -> new TaskRun.Outcome.Cancelled();
            case AttemptResult.GivenBack givenBack ->
                    throw new IllegalStateException(task.name() + " was given up on: " + givenBack.reason());
        };
    }

    /** What the handler did, seen from inside its run: when it started and ended, and what it threw. */
    private final class Observed {

        private @Nullable KitContext context;
        private long startNanos;
        private long endNanos;
        private boolean ended;
        private @Nullable Throwable thrown;

        synchronized void started(KitContext started) {
            context = started;
            startNanos = System.nanoTime();
        }

        synchronized void ended(@Nullable Throwable threw) {
            endNanos = System.nanoTime();
            ended = true;
            thrown = threw;
        }

        /**
         * The run as it stands when the runtime's runner returned: a handler that started and has not returned yet
         * was abandoned, its elapsed time counted until now.
         */
        synchronized TaskRun<O> run(TaskRun.Outcome outcome) {
            KitContext started = context;
            if (started == null) {
                return new TaskRun<>(task.name(), outcome, null, List.of(), Duration.ZERO, false, outputType);
            }
            Duration elapsed = Duration.ofNanos((ended ? endNanos : System.nanoTime()) - startNanos);
            return new TaskRun<>(task.name(), outcome, thrown, started.progressReports(), elapsed, !ended,
                    outputType);
        }
    }

    /** Built on first use: a validator factory takes a moment to start. */
    private static final class Decoding {

        @SuppressWarnings("resource") // lives as long as the class loader, like the runtime's validator bean
        private static final ValidatorFactory VALIDATORS = Validation.buildDefaultValidatorFactory();

        // A handler's test exercises every option it has, the diagnostic ones too.
        static final InputDecoder DECODER = new InputDecoder(VALIDATORS.getValidator(), true);
    }
}
