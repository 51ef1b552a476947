package errand.worker.runtime.executing;

import errand.model.Failure;
import tools.jackson.databind.JsonNode;

/** How one attempt of a job ended, as the runtime reports it. */
public sealed interface AttemptResult {

    /** The metrics {@code outcome} tag. */
    String outcome();

    /** The handler returned; {@code result} is its output as JSON. */
    record Succeeded(JsonNode result) implements AttemptResult {

        @Override
        public String outcome() {
            return "succeeded";
        }
    }

    /** The attempt failed; {@code failure.retryable()} says whether another attempt may help. */
    record Failed(Failure failure) implements AttemptResult {

        @Override
        public String outcome() {
            return AttemptRunner.TIMEOUT.equals(failure.type()) ? "timeout" : "failed";
        }
    }

    /** The job was cancelled while it ran. */
    record Cancelled() implements AttemptResult {

        @Override
        public String outcome() {
            return "cancelled";
        }
    }

    /** The worker is shutting down: report nothing and give the delivery back to the queue. */
    record GivenBack(String reason) implements AttemptResult {

        @Override
        public String outcome() {
            return "interrupted";
        }
    }
}
