package errand.api.workflows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import errand.api.FieldError;
import tools.jackson.databind.JsonNode;

/**
 * The references to other steps' results in a step's payload: anywhere in it, {@code {"$from": "a"}} (a's result),
 * {@code {"$from": "a", "at": "/count"}} (the value at that JSON pointer of it) or {@code {"$from": ["a", "b"]}}
 * (their results as an array, in that order). The database resolves them when the step starts (V10).
 */
final class References {

    static final String FROM = "$from";
    private static final String AT = "at";
    private static final Set<String> FIELDS = Set.of(FROM, AT);

    /**
     * One reference.
     *
     * @param pointer where it is in the payload
     * @param steps   the steps it names
     */
    record Reference(String pointer, List<String> steps) {
    }

    private References() {
    }

    /** Every reference in {@code payload}; what is malformed goes to {@code errors}, with pointers into it. */
    static List<Reference> in(JsonNode payload, List<FieldError> errors) {
        List<Reference> found = new ArrayList<>();
        collect(payload, "", found, errors);
        return found;
    }

    private static void collect(JsonNode node, String pointer, List<Reference> found, List<FieldError> errors) {
        if (node.isObject() && node.has(FROM)) {
            found.add(reference(node, pointer, errors));
        } else if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                collect(field.getValue(), pointer + "/" + escape(field.getKey()), found, errors);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collect(node.get(i), pointer + "/" + i, found, errors);
            }
        }
    }

    private static Reference reference(JsonNode node, String pointer, List<FieldError> errors) {
        for (String name : node.propertyNames()) {
            if (!FIELDS.contains(name)) {
                errors.add(new FieldError(pointer + "/" + escape(name), "reference",
                        "a reference has only \"$from\" and \"at\""));
            }
        }
        JsonNode from = node.get(FROM);
        List<String> steps = new ArrayList<>();
        if (from.isString()) {
            steps.add(from.asString());
        } else if (from.isArray() && !from.isEmpty() && allStrings(from)) {
            from.forEach(step -> steps.add(step.asString()));
            if (node.has(AT)) {
                errors.add(new FieldError(pointer + "/at", "reference", "\"at\" goes with one step, not an array"));
            }
        } else {
            errors.add(new FieldError(pointer + "/" + escape(FROM), "reference",
                    "must be a step id, or a non-empty array of step ids"));
        }
        JsonNode at = node.get(AT);
        if (at != null && !(at.isString() && (at.asString().isEmpty() || at.asString().startsWith("/")))) {
            errors.add(new FieldError(pointer + "/at", "json-pointer",
                    "must be a JSON pointer such as \"/count\""));
        }
        return new Reference(pointer, steps);
    }

    private static boolean allStrings(JsonNode array) {
        for (JsonNode element : array) {
            if (!element.isString()) {
                return false;
            }
        }
        return true;
    }

    /** A key as a JSON pointer token. */
    private static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }
}
