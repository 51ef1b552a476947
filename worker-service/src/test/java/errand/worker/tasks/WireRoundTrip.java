package errand.worker.tasks;

import errand.model.WireJson;
import tools.jackson.databind.JsonNode;

/**
 * Runs a handler the way the worker does: the payload is decoded from JSON text with the wire mapping, the output
 * encoded to JSON text and read back as a tree.
 */
final class WireRoundTrip {

    private WireRoundTrip() {
    }

    static <I, O> JsonNode run(TaskHandler<I, O> handler, Class<I> inputType, String payload, TaskContext context)
            throws Exception {
        I input = WireJson.mapper().readValue(payload, inputType);
        return WireJson.tree(WireJson.write(handler.handle(input, context)));
    }

    static JsonNode json(String text) {
        return WireJson.mapper().readTree(text);
    }
}
