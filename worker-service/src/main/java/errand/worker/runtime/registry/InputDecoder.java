package errand.worker.runtime.registry;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import errand.model.WireJson;
import errand.worker.tasks.Diagnostic;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Turns a job payload into a handler's input with the wire JSON mapping, then enforces the input's Jakarta Bean
 * Validation constraints. Both kinds of failure name the field, e.g. {@code upTo: must be greater than or equal to 1}.
 * Public for the test kit ({@code errand.worker.testkit}), which decodes with it exactly as the runtime does.
 * A {@link Diagnostic} option is refused unless diagnostics are enabled.
 */
public final class InputDecoder {

    private final Validator validator;
    private final boolean diagnostics;

    /**
     * @param diagnostics whether payloads may name {@link Diagnostic} options ({@code errand.worker.diagnostics
     *                    .enabled}); when false such a payload is refused, so the handler never sees the option
     */
    public InputDecoder(Validator validator, boolean diagnostics) {
        this.validator = validator;
        this.diagnostics = diagnostics;
    }

    /** Whether {@link Diagnostic} options are decoded, and therefore announced in input schemas. */
    public boolean acceptsDiagnostics() {
        return diagnostics;
    }

    /** The JSON names of the {@link Diagnostic} components of {@code inputType}; empty for a non-record. */
    static List<String> diagnosticOptions(Class<?> inputType) {
        if (!inputType.isRecord()) {
            return List.of();
        }
        return Arrays.stream(inputType.getRecordComponents())
                .filter(component -> component.isAnnotationPresent(Diagnostic.class))
                .map(RecordComponent::getName)
                .toList();
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
        if (!diagnostics) {
            for (String option : diagnosticOptions(inputType)) {
                if (payload.has(option)) {
                    throw new InvalidInputException(option + ": a diagnostic option, accepted only when "
                            + "errand.worker.diagnostics.enabled is true");
                }
            }
        }
        Object input;
        try {
            input = WireJson.mapper().treeToValue(payload, inputType);
        } catch (JacksonException ex) {
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
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return (path.isEmpty() ? "payload" : path) + ": " + ex.getOriginalMessage();
    }
}
