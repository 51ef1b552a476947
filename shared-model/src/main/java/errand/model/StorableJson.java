package errand.model;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The rules a JSON value must meet to be kept exactly: payloads and results live in PostgreSQL {@code jsonb}, which
 * refuses a NUL character ({@code \u0000}) in a key or string, cannot hold a lone UTF-16 surrogate (the JDBC driver's
 * UTF-8 encoder would turn it into {@code ?}), and stores numbers as {@code numeric}, written back in plain decimal
 * form. A number whose plain form has more than {@link #MAX_NUMBER_DIGITS} digits ({@code 1e1001}, say) could not be
 * read back (Jackson's number length limit), and a non-finite double cannot be written as a JSON number at all. The
 * API checks submitted jobs with it, workers check their handlers' results, and the API checks results again for
 * workers that do not.
 *
 * <p>One pass over the tree, no copy; a pointer is built only for a value that breaks a rule. Thread-safe.
 */
public final class StorableJson {

    /** The most digits a number may have written without an exponent ({@code 1e999} has 1,000). */
    public static final int MAX_NUMBER_DIGITS = 1000;

    /** Bits of the largest integer that surely has no more than {@link #MAX_NUMBER_DIGITS} digits. */
    private static final int SURELY_SHORT_BITS = (int) ((MAX_NUMBER_DIGITS - 1) / Math.log10(2));

    /**
     * A value the store cannot keep exactly.
     *
     * @param pointer where, as a JSON pointer (RFC 6901) relative to the checked value; a key's own problem points
     *                at the property. Its tokens are {@link #readable}: an answer naming a key that holds a lone
     *                surrogate could not be written as UTF-8 otherwise
     * @param rule    {@code nul-character}, {@code lone-surrogate} or {@code number}
     * @param message what is wrong, for people
     */
    public record Problem(String pointer, String rule, String message) {
    }

    private StorableJson() {
    }

    /** The problems as one line for a failure message: {@code /pointer: message; /other: message}. */
    public static String describe(List<Problem> problems) {
        return problems.stream().map(p -> (p.pointer().isEmpty() ? "/" : p.pointer()) + ": " + p.message())
                .collect(Collectors.joining("; "));
    }

    /** Every value or key in {@code value} that the store cannot keep exactly; empty when it can keep it all. */
    public static List<Problem> problems(JsonNode value) {
        List<Problem> problems = new ArrayList<>(0);
        check(value, new ArrayList<>(), problems);
        return problems;
    }

    /**
     * {@code text} fit for a message meant for people (a failure, a progress note): NUL characters and lone
     * surrogates become U+FFFD. Returns {@code text} itself when it has neither, as it almost always does.
     */
    public static String readable(String text) {
        if (problemIn(text) == null) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                out.append(c).append(text.charAt(++i));
            } else {
                out.append(c == 0 || Character.isSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return out.toString();
    }

    private static void check(JsonNode node, List<String> path, List<Problem> problems) {
        switch (node.getNodeType()) {
            case OBJECT -> {
                for (Map.Entry<String, JsonNode> property : node.properties()) {
                    path.add(property.getKey());
                    String keyProblem = problemIn(property.getKey());
                    if (keyProblem != null) {
                        problems.add(new Problem(pointer(path), keyProblem, "the property name "
                                + describe(keyProblem) + "; the job store cannot keep it"));
                    }
                    check(property.getValue(), path, problems);
                    path.removeLast();
                }
            }
            case ARRAY -> {
                for (int i = 0; i < node.size(); i++) {
                    path.add(Integer.toString(i));
                    check(node.get(i), path, problems);
                    path.removeLast();
                }
            }
            case STRING -> {
                String problem = problemIn(node.stringValue());
                if (problem != null) {
                    problems.add(new Problem(pointer(path), problem, "the string " + describe(problem)
                            + "; the job store cannot keep it"));
                }
            }
            case NUMBER -> {
                String problem = numberProblem(node);
                if (problem != null) {
                    problems.add(new Problem(pointer(path), "number", problem));
                }
            }
            case BINARY, BOOLEAN, MISSING, NULL, POJO -> {
                // nothing to check: written as a string (binary), a literal, or not at all
            }
        }
    }

    /** {@code nul-character}, {@code lone-surrogate}, or null when the text can be stored as it is. */
    private static @Nullable String problemIn(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0) {
                return "nul-character";
            }
            if (c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE) {
                if (Character.isHighSurrogate(c) && i + 1 < text.length()
                        && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    return "lone-surrogate";
                }
            }
        }
        return null;
    }

    private static String describe(String rule) {
        return "nul-character".equals(rule) ? "holds a NUL character (\\u0000)"
                : "holds a lone UTF-16 surrogate (half of a pair, such as \\ud800)";
    }

    private static @Nullable String numberProblem(JsonNode number) {
        if (number.isBigDecimal()) {
            BigDecimal value = number.decimalValue();
            long scale = value.scale();
            long precision = value.precision();
            // digits written without an exponent: 1E+400 is 401 digits, 1E-400 is "0." and 400 digits
            long digits = scale <= 0 ? precision - scale : Math.max(precision, scale + 1);
            return digits <= MAX_NUMBER_DIGITS ? null : tooLong(digits);
        }
        if (number.isBigInteger()) {
            BigInteger value = number.bigIntegerValue();
            if (value.bitLength() <= SURELY_SHORT_BITS) {
                return null;
            }
            int digits = value.abs().toString().length();
            return digits <= MAX_NUMBER_DIGITS ? null : tooLong(digits);
        }
        if (number.isDouble() || number.isFloat()) {
            double value = number.doubleValue();
            return Double.isFinite(value) ? null : "is " + value + ", which is not a JSON number";
        }
        return null;
    }

    private static String tooLong(long digits) {
        return "has " + digits + " digits written out in full; the job store keeps numbers of up to "
                + MAX_NUMBER_DIGITS;
    }

    private static String pointer(List<String> path) {
        StringBuilder pointer = new StringBuilder();
        for (String token : path) {
            pointer.append('/').append(readable(token).replace("~", "~0").replace("/", "~1"));
        }
        return pointer.toString();
    }
}
