package errand.worker.runtime.executing;

import java.util.List;

import errand.model.StorableJson;
import errand.model.WireJson;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.NullNode;

/**
 * Turns a handler's output into the JSON of its {@code succeeded} event, or refuses it: an output the wire mapping
 * cannot write, or that holds what the job store cannot keep exactly ({@link StorableJson}: a NUL character, a lone
 * surrogate, a non-finite or too long number), fails the attempt for good with the {@value #OUTPUT_ENCODING}
 * failure naming the fields; another attempt would return the same. Thread-safe.
 */
final class OutputEncoder {

    /** The failure type of an output that cannot be reported as it is. */
    static final String OUTPUT_ENCODING = "output-encoding";

    /** Why an output cannot be reported; the message is meant for the attempt's failure. */
    static final class UnencodableOutputException extends Exception {

        UnencodableOutputException(String message) {
            super(message);
        }
    }

    private OutputEncoder() {
    }

    static JsonNode encode(@Nullable Object output) throws UnencodableOutputException {
        if (output == null) {
            return NullNode.getInstance();
        }
        JsonNode json;
        try {
            // a handler that returns JSON (echo returns its input) is reported as it is, without a copy
            json = output instanceof JsonNode node ? node : WireJson.mapper().valueToTree(output);
        } catch (JacksonException ex) {
            throw new UnencodableOutputException("the handler's output cannot be encoded as JSON: "
                    + ex.getOriginalMessage());
        }
        List<StorableJson.Problem> problems = StorableJson.problems(json);
        if (!problems.isEmpty()) {
            throw new UnencodableOutputException("the handler's output cannot be stored exactly: "
                    + StorableJson.describe(problems));
        }
        return json;
    }
}
