package errand.api.results;

import java.util.List;

import errand.model.Failure;
import errand.model.JobEvent;
import errand.model.StorableJson;
import org.jspecify.annotations.Nullable;

/**
 * Makes a worker event fit the job store before it joins a batch, so one bad event cannot make the store refuse the
 * batch it arrived in. A result the store cannot keep exactly ({@link StorableJson}) is not altered: the attempt
 * fails for good instead, with the non-retryable {@value #OUTPUT_ENCODING} failure naming the fields (the Java worker
 * already does so itself; this covers workers that do not). Texts meant for people (failure and progress messages,
 * worker ids) have NUL characters and lone surrogates replaced by U+FFFD.
 */
final class StorableEvents {

    /** The failure type of a result the store cannot keep, as workers report it too. */
    static final String OUTPUT_ENCODING = "output-encoding";

    private static final int MAX_MESSAGE_LENGTH = 2_000;

    private StorableEvents() {
    }

    /**
     * The event itself when the store can keep it as it is, as nearly every event: no copy on the hot path.
     * {@link StorableJson#readable} answers the very string it was given when it has nothing to replace, so
     * {@code ==} tells whether anything changed.
     */
    static JobEvent storable(JobEvent event) {
        String workerId = readable(event.workerId());
        return switch (event) {
            case JobEvent.Started e -> workerId == e.workerId() ? e
                    : new JobEvent.Started(e.jobId(), e.attempt(), workerId, e.at());
            case JobEvent.Leased e -> workerId == e.workerId() ? e
                    : new JobEvent.Leased(e.jobId(), e.attempt(), workerId, e.at(), e.leaseUntil());
            case JobEvent.Progress e -> {
                String message = e.message() == null ? null : readable(e.message());
                yield workerId == e.workerId() && message == e.message() ? e
                        : new JobEvent.Progress(e.jobId(), e.attempt(), workerId, e.at(), e.fraction(), message);
            }
            case JobEvent.Succeeded e -> {
                List<StorableJson.Problem> problems = StorableJson.problems(e.result());
                if (!problems.isEmpty()) {
                    yield refused(e, StorableJson.describe(problems));
                }
                yield workerId == e.workerId() ? e
                        : new JobEvent.Succeeded(e.jobId(), e.attempt(), workerId, e.startedAt(), e.at(), e.result());
            }
            case JobEvent.Failed e -> {
                String type = readable(e.failure().type());
                String message = readable(e.failure().message());
                yield workerId == e.workerId() && type == e.failure().type() && message == e.failure().message() ? e
                        : new JobEvent.Failed(e.jobId(), e.attempt(), workerId, e.startedAt(), e.at(),
                                new Failure(type, message, e.failure().retryable()), e.retryAt());
            }
        };
    }

    /** The attempt's failure in place of a result the store cannot keep: {@code why} names what is wrong. */
    static JobEvent.Failed refused(JobEvent.Succeeded result, String why) {
        String message = "the result cannot be stored exactly: " + why;
        return new JobEvent.Failed(result.jobId(), result.attempt(), readable(result.workerId()), result.startedAt(),
                result.at(), new Failure(OUTPUT_ENCODING, shortened(readable(message)), false), null);
    }

    private static String readable(@Nullable String text) {
        return text == null ? "" : StorableJson.readable(text);
    }

    private static String shortened(String message) {
        return message.length() > MAX_MESSAGE_LENGTH ? message.substring(0, MAX_MESSAGE_LENGTH) + "…" : message;
    }
}
