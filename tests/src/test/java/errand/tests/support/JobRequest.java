package errand.tests.support;

import java.time.Duration;

import errand.model.WireJson;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The body of one {@code POST /api/v1/jobs}, immutable: every {@code with...} returns a changed copy. The raw
 * {@code with(field, value)} forms let a test send what a careless client would.
 */
public record JobRequest(ObjectNode body) {

    public JobRequest {
        body = body.deepCopy();
    }

    public static JobRequest of(String type, JsonNode payload) {
        ObjectNode body = WireJson.mapper().createObjectNode();
        body.put("type", type);
        body.set("payload", payload);
        return new JobRequest(body);
    }

    public String type() {
        return body.path("type").asString("");
    }

    public JsonNode payload() {
        return body.path("payload");
    }

    public JobRequest withTimeout(Duration timeout) {
        return with("timeout", timeout.toString());
    }

    public JobRequest withDelay(Duration delay) {
        return with("delay", delay.toString());
    }

    public JobRequest withMaxAttempts(int maxAttempts) {
        ObjectNode copy = body.deepCopy();
        copy.put("maxAttempts", maxAttempts);
        return new JobRequest(copy);
    }

    public JobRequest with(String field, String value) {
        ObjectNode copy = body.deepCopy();
        copy.put(field, value);
        return new JobRequest(copy);
    }

    public JobRequest with(String field, JsonNode value) {
        ObjectNode copy = body.deepCopy();
        copy.set(field, value);
        return new JobRequest(copy);
    }

    public JobRequest without(String field) {
        ObjectNode copy = body.deepCopy();
        copy.remove(field);
        return new JobRequest(copy);
    }

    public String json() {
        return WireJson.mapper().writeValueAsString(body);
    }

    @Override
    public String toString() {
        String json = json();
        return json.length() > 200 ? json.substring(0, 200) + "..." : json;
    }
}
