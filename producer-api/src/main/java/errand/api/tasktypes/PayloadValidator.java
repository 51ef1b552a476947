package errand.api.tasktypes;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;
import errand.model.TaskTypeDescriptor;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Checks a payload against the JSON Schema its task type announced, so bad input never reaches a queue. Compiled
 * schemas are cached per announced schema.
 */
@Component
public class PayloadValidator {

    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private final Map<JsonNode, Schema> compiled = new ConcurrentHashMap<>();

    /** A broken rule: where, as a JSON pointer into the payload, and what. */
    public record Violation(String pointer, String rule, String message) {
    }

    public List<Violation> validate(TaskTypeDescriptor type, JsonNode payload) {
        Schema schema = compiled.computeIfAbsent(type.inputSchema(), registry::getSchema);
        List<Violation> violations = new ArrayList<>();
        for (Error error : schema.validate(payload)) {
            violations.add(new Violation(pointerOf(error), error.getKeyword(), error.getMessage()));
        }
        return violations;
    }

    private static String pointerOf(Error error) {
        StringBuilder pointer = new StringBuilder();
        NodePath path = error.getInstanceLocation();
        for (int i = 0; i < path.getNameCount(); i++) {
            pointer.append('/').append(escape(path.getName(i)));
        }
        boolean namesAProperty = "required".equals(error.getKeyword())
                || "additionalProperties".equals(error.getKeyword());
        if (namesAProperty && error.getProperty() != null) {
            pointer.append('/').append(escape(error.getProperty()));
        }
        return pointer.toString();
    }

    private static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }
}
