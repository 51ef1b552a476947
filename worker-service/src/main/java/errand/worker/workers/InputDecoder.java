package errand.worker.workers;

import java.util.Comparator;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import errand.model.WireJson;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Turns a job payload into a handler's input with the wire JSON mapping, then enforces the input's Jakarta Bean
 * Validation constraints. Both kinds of failure name the field, e.g. {@code upTo: must be greater than or equal to 1}.
 * Public for the test kit ({@code errand.worker.testkit}), which decodes with it exactly as the runtime does.
 */
public final class InputDecoder {

    private final Validator validator;

    public InputDecoder(Validator validator) {
        this.validator = validator;
    }

    public Object decode(JsonNode payload, Class<?> inputType) throws InvalidInputException {
        if (JsonNode.class.isAssignableFrom(inputType)) {
            if (!inputType.isInstance(payload)) {
                throw new InvalidInputException("payload: must be a JSON object, was "
                        + payload.getNodeType().name().toLowerCase(Locale.ROOT));
            }
            return payload;
        }
        if (!payload.isObject()) {
            throw new InvalidInputException("payload: must be a JSON object");
        }
        Object input;
        try {
            input = WireJson.mapper().treeToValue(payload, inputType);
        }
        catch (JacksonException ex) {
            throw new InvalidInputException(describe(ex));
        }
        if (input == null) {
            throw new InvalidInputException("payload: must be a JSON object");
        }
        Set<ConstraintViolation<Object>> violations = validator.validate(input);
        if (!violations.isEmpty()) {
            throw new InvalidInputException(violations.stream()
                    .sorted(Comparator.comparing(violation -> violation.getPropertyPath().toString()))
                    .map(violation -> violation.getPropertyPath() + ": " + violation.getMessage())
                    .collect(Collectors.joining("; ")));
        }
        return input;
    }

    private static String describe(JacksonException ex) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference reference : ex.getPath()) {
            if (reference.getPropertyName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(reference.getPropertyName());
            }
            else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return (path.isEmpty() ? "payload" : path) + ": " + ex.getOriginalMessage();
    }
}
