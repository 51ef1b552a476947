package errand.worker.testkit;

import java.util.Comparator;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import errand.model.WireJson;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * A job payload turned into a handler's input exactly as the runtime's {@code InputDecoder} does it: the wire JSON
 * mapping, then the input's Jakarta Bean Validation constraints, each failure naming the field
 * ({@code upTo: must be greater than or equal to 1}). {@code TestKitMatchesRuntimeTests} keeps the two in step.
 */
final class InputDecoding {

    /** A payload that cannot become the input; the runtime fails the job at once with it. */
    static final class InvalidInput extends Exception {

        InvalidInput(String message) {
            super(message);
        }
    }

    private InputDecoding() {
    }

    static Object decode(JsonNode payload, Class<?> inputType) throws InvalidInput {
        if (JsonNode.class.isAssignableFrom(inputType)) {
            if (!inputType.isInstance(payload)) {
                throw new InvalidInput("payload: must be a JSON object, was "
                        + payload.getNodeType().name().toLowerCase(Locale.ROOT));
            }
            return payload;
        }
        if (!payload.isObject()) {
            throw new InvalidInput("payload: must be a JSON object");
        }
        Object input;
        try {
            input = WireJson.mapper().treeToValue(payload, inputType);
        }
        catch (JacksonException ex) {
            throw new InvalidInput(describe(ex));
        }
        if (input == null) {
            throw new InvalidInput("payload: must be a JSON object");
        }
        Set<ConstraintViolation<Object>> violations = Validators.VALIDATOR.validate(input);
        if (!violations.isEmpty()) {
            throw new InvalidInput(violations.stream()
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

    /** Built on first use: a validator factory takes a moment to start. */
    private static final class Validators {

        @SuppressWarnings("resource") // lives as long as the class loader, like the runtime's validator bean
        private static final ValidatorFactory FACTORY = Validation.buildDefaultValidatorFactory();

        static final Validator VALIDATOR = FACTORY.getValidator();
    }
}
