package errand.api;

/**
 * One thing wrong with a request; {@link InvalidRequest} carries them.
 *
 * @param field   a JSON pointer into the request body, such as {@code /payload/upTo} or {@code /jobs/3/type}
 * @param rule    the rule it broke, such as {@code required}, {@code duration} or a JSON Schema keyword
 * @param message what is wrong, for people
 */
public record FieldError(String field, String rule, String message) {

    public FieldError within(String prefix) {
        return new FieldError(prefix + field, rule, message);
    }
}
