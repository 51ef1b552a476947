package errand.worker.schema;

import java.lang.annotation.Annotation;
import java.math.BigDecimal;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Negative;
import jakarta.validation.constraints.NegativeOrZero;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Jakarta Bean Validation constraints of one record component, as JSON Schema keywords. A constraint on a type
 * it does not apply to (a {@code @Size} on a number) is left out rather than turned into a keyword that means
 * something else.
 *
 * <table>
 *   <caption>Mapping</caption>
 *   <tr><td>{@code @Positive} / {@code @Negative}</td><td>{@code exclusiveMinimum} / {@code exclusiveMaximum}
 * 0</td></tr>
 *   <tr><td>{@code @PositiveOrZero} / {@code @NegativeOrZero}</td><td>{@code minimum} / {@code maximum} 0</td></tr>
 *   <tr><td>{@code @Min}, {@code @Max}, {@code @DecimalMin}, {@code @DecimalMax}</td>
 *       <td>{@code minimum}, {@code maximum} (exclusive variants when not inclusive)</td></tr>
 *   <tr><td>{@code @NotNull}</td><td>required</td></tr>
 *   <tr><td>{@code @NotBlank}</td><td>{@code minLength} 1, {@code pattern} {@code \S}, required</td></tr>
 *   <tr><td>{@code @NotEmpty}</td><td>{@code minLength}/{@code minItems}/{@code minProperties} 1, required</td></tr>
 *   <tr><td>{@code @Size}</td><td>{@code minLength}/{@code maxLength}, {@code minItems}/{@code maxItems} or
 *       {@code minProperties}/{@code maxProperties}</td></tr>
 *   <tr><td>{@code @Pattern}, {@code @Email}</td><td>{@code pattern}, {@code format: email}</td></tr>
 * </table>
 */
final class Constraints {

    private final Annotation[] annotations;

    private Constraints(Annotation[] annotations) {
        this.annotations = annotations;
    }

    static Constraints of(Annotation[] annotations) {
        return new Constraints(annotations);
    }

    boolean required() {
        for (Annotation annotation : annotations) {
            if (annotation instanceof NotNull || annotation instanceof NotBlank || annotation instanceof NotEmpty) {
                return true;
            }
        }
        return false;
    }

    void applyTo(ObjectNode property) {
        String type = typeOf(property);
        boolean numeric = "integer".equals(type) || "number".equals(type);
        for (Annotation annotation : annotations) {
            switch (annotation) {
                case Positive _ when numeric -> property.put("exclusiveMinimum", 0);
                case PositiveOrZero _ when numeric -> property.put("minimum", 0);
                case Negative _ when numeric -> property.put("exclusiveMaximum", 0);
                case NegativeOrZero _ when numeric -> property.put("maximum", 0);
                case Min min when numeric -> property.put("minimum", min.value());
                case Max max when numeric -> property.put("maximum", max.value());
                case DecimalMin min when numeric ->
                        property.put(min.inclusive() ? "minimum" : "exclusiveMinimum", new BigDecimal(min.value()));
                case DecimalMax max when numeric ->
                        property.put(max.inclusive() ? "maximum" : "exclusiveMaximum", new BigDecimal(max.value()));
                case NotBlank _ when "string".equals(type) -> property.put("minLength", 1).put("pattern", "\\S");
                case NotEmpty _ -> sizeBounds(property, type, 1, Integer.MAX_VALUE);
                case Size size -> sizeBounds(property, type, size.min(), size.max());
                case Pattern pattern when "string".equals(type) -> property.put("pattern", pattern.regexp());
                case Email _ when "string".equals(type) -> property.put("format", "email");
                default -> {
                    // not a constraint with a JSON Schema equivalent
                }
            }
        }
    }

    private static void sizeBounds(ObjectNode property, String type, int min, int max) {
        String suffix = switch (type) {
            case "string" -> "Length";
            case "array" -> "Items";
            case "object" -> "Properties";
            default -> null;
        };
        if (suffix == null) {
            return;
        }
        if (min > 0) {
            property.put("min" + suffix, min);
        }
        if (max < Integer.MAX_VALUE) {
            property.put("max" + suffix, max);
        }
    }

    private static String typeOf(ObjectNode property) {
        JsonNode type = property.get("type");
        return type != null && type.isString() ? type.asString() : "";
    }
}
