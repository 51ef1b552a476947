package errand.worker.testkit;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import errand.model.Failure;
import errand.model.JobLogContext;
import errand.model.StorableJson;
import errand.model.TaskKind;
import errand.model.WireJson;
import errand.worker.runtime.executing.OutputEncoder;
import errand.worker.runtime.registry.InputDecoder;
import errand.worker.runtime.registry.InvalidInputException;
import errand.worker.tasks.NonRetryableException;
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
 * Runs a task handler the way the worker does, without a broker, and answers a {@link TaskRun} to assert on:
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
    public static final Duration STOP_GRACE = Duration.ofSeconds(5);

    /** The job id of every run unless {@link #jobId(UUID)} says otherwise. */
    public static final UUID JOB_ID = UUID.fromString("00000000-0000-0000-0000-000000000001");

    private static final int MAX_MESSAGE_LENGTH = 2_000;

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
        Object input;
        try {
            input = Decoding.DECODER.decode(payload, inputType);
        }
        catch (InvalidInputException ex) {
            return ended(new TaskRun.Outcome.Failed(failure("invalid-input", ex.getMessage(), false)), null, null,
                    Duration.ZERO, false);
        }
        long start = System.nanoTime();
        KitContext context = new KitContext(task.name(), jobId, attempt, Instant.now().plus(timeout),
                cancelAtFraction);
        CompletableFuture<Returned> returned = new CompletableFuture<>();
        Thread.Builder threads = task.kind() == TaskKind.CPU ? Thread.ofPlatform().daemon(true) : Thread.ofVirtual();
        threads.name("errand-testkit-" + task.name()).start(() -> returned.complete(handle(input, context)));
        Returned end = awaitEnd(returned, context, start);
        if (end == null) {
            return ended(stopped(context.stopReason(), false), context, null,
                    Duration.ofNanos(System.nanoTime() - start), true);
        }
        TaskRun.Outcome outcome = context.stopReason() != null ? stopped(context.stopReason(), true)
                : end.thrown() != null ? thrown(end.thrown()) : succeeded(end.value());
        return ended(outcome, context, end.thrown(), Duration.ofNanos(end.nanos() - start), false);
    }

    /** What the handler did: returned a value or threw, at {@code nanos}. */
    private record Returned(@Nullable Object value, @Nullable Throwable thrown, long nanos) {
    }

    @SuppressWarnings("unchecked")
    private Returned handle(Object input, KitContext context) {
        context.runsOnCurrentThread();
        if (cancelledAtStart) {
            context.stop(KitContext.StopReason.CANCELLED);
        }
        try (JobLogContext logContext = JobLogContext.of(jobId, task.name())) {
            O output = handler.handle((I) input, context);
            context.close();
            return new Returned(output, null, System.nanoTime());
        }
        catch (Throwable ex) {
            context.close();
            return new Returned(null, ex, System.nanoTime());
        }
    }

    /**
     * Waits for the handler, stopping it at the deadline or the simulated cancel, then giving it {@link #STOP_GRACE};
     * null if it never returned.
     */
    private @Nullable Returned awaitEnd(CompletableFuture<Returned> returned, KitContext context, long start) {
        long deadline = start + timeout.toNanos();
        long cancelAt = cancelAfter == null ? Long.MAX_VALUE : start + cancelAfter.toNanos();
        try {
            while (context.stopReason() == null && !returned.isDone()) {
                long now = System.nanoTime();
                if (now - deadline >= 0) {
                    context.stop(KitContext.StopReason.TIMEOUT);
                }
                else if (cancelAfter != null && now - cancelAt >= 0) {
                    context.stop(KitContext.StopReason.CANCELLED);
                }
                else {
                    waitFor(CompletableFuture.anyOf(returned, context.stopped()),
                            Math.min(deadline - now, cancelAt - now));
                }
            }
            return waitFor(returned, STOP_GRACE.toNanos());
        }
        catch (InterruptedException ex) {
            context.stop(KitContext.StopReason.CANCELLED);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + task.name() + " ran", ex);
        }
    }

    private static <T> @Nullable T waitFor(CompletableFuture<T> future, long nanos) throws InterruptedException {
        try {
            return future.get(Math.max(0, nanos), TimeUnit.NANOSECONDS);
        }
        catch (TimeoutException ex) {
            return null;
        }
        catch (ExecutionException ex) {
            throw new IllegalStateException(ex.getCause());
        }
    }

    /** As the runtime decides it: a stop outweighs whatever the handler did after it. */
    private TaskRun.Outcome stopped(KitContext.@Nullable StopReason stop, boolean returned) {
        return switch (stop) {
            case CANCELLED -> new TaskRun.Outcome.Cancelled();
            case TIMEOUT -> new TaskRun.Outcome.Failed(failure("timeout", "the attempt exceeded its timeout of "
                    + timeout + (returned ? "" : "; the handler ignored its interrupt and was abandoned"), true));
            case null -> throw new IllegalStateException("never stopped");
        };
    }

    private static TaskRun.Outcome thrown(Throwable thrown) {
        Failure failure = Failure.of(thrown, !isNonRetryable(thrown));
        return new TaskRun.Outcome.Failed(failure(failure.type(), failure.message(), failure.retryable()));
    }

    private static TaskRun.Outcome succeeded(@Nullable Object value) {
        try {
            return new TaskRun.Outcome.Succeeded(OutputEncoder.encode(value));
        }
        catch (OutputEncoder.UnencodableOutputException ex) {
            return new TaskRun.Outcome.Failed(failure(OutputEncoder.OUTPUT_ENCODING, ex.getMessage(), false));
        }
    }

    private TaskRun<O> ended(TaskRun.Outcome outcome, @Nullable KitContext context, @Nullable Throwable thrown,
            Duration elapsed, boolean abandoned) {
        return new TaskRun<>(task.name(), outcome, thrown,
                context == null ? List.of() : context.progressReports(), elapsed, abandoned, outputType);
    }

    private static boolean isNonRetryable(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof NonRetryableException) {
                return true;
            }
        }
        return false;
    }

    private static Failure failure(String type, String message, boolean retryable) {
        message = StorableJson.readable(message);
        String shortened = message.length() > MAX_MESSAGE_LENGTH ? message.substring(0, MAX_MESSAGE_LENGTH) + "…"
                : message;
        return new Failure(StorableJson.readable(type), shortened, retryable);
    }

    /** Built on first use: a validator factory takes a moment to start. */
    private static final class Decoding {

        @SuppressWarnings("resource") // lives as long as the class loader, like the runtime's validator bean
        private static final ValidatorFactory VALIDATORS = Validation.buildDefaultValidatorFactory();

        // A handler's test exercises every option it has, the diagnostic ones too.
        static final InputDecoder DECODER = new InputDecoder(VALIDATORS.getValidator(), true);
    }
}
