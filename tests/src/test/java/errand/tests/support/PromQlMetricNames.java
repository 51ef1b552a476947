package errand.tests.support;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression reads, found by a small tokenizer rather than a full parser. It removes what
 * cannot name a metric (string literals, comments, Grafana variables, label matchers {@code {...}}, ranges and
 * subqueries {@code [...]}, grouping clauses such as {@code by (le, type)}), then keeps every identifier that is
 * neither a keyword nor followed by {@code (}. An identifier followed by {@code (} must be a PromQL function or
 * aggregation, otherwise the expression is refused, so a typo like {@code rat(...)} is caught rather than read as a
 * metric.
 *
 * <p>Not supported, and refused: selecting a metric by {@code {__name__="..."}}.
 */
public final class PromQlMetricNames {

    /** Functions and aggregation operators of PromQL (Prometheus 2.42 to 3.x), plus {@code @} modifiers. */
    static final Set<String> FUNCTIONS = Set.of(
            // aggregations
            "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk",
            "quantile", "limitk", "limit_ratio",
            // functions
            "abs", "absent", "absent_over_time", "acos", "acosh", "asin", "asinh", "atan", "atanh", "avg_over_time",
            "ceil", "changes", "clamp", "clamp_max", "clamp_min", "cos", "cosh", "count_over_time", "day_of_month",
            "day_of_week", "day_of_year", "days_in_month", "deg", "delta", "deriv", "double_exponential_smoothing",
            "exp", "floor", "histogram_avg", "histogram_count", "histogram_fraction", "histogram_quantile",
            "histogram_stddev", "histogram_stdvar", "histogram_sum", "holt_winters", "hour", "idelta", "increase",
            "info", "irate", "label_join", "label_replace", "last_over_time", "ln", "log10", "log2",
            "mad_over_time", "max_over_time", "min_over_time", "minute", "month", "pi", "predict_linear",
            "present_over_time", "quantile_over_time", "rad", "rate", "resets", "round", "scalar", "sgn", "sin",
            "sinh", "sort", "sort_by_label", "sort_by_label_desc", "sort_desc", "sqrt", "stddev_over_time",
            "stdvar_over_time", "sum_over_time", "tan", "tanh", "time", "timestamp", "vector", "year",
            // @ start() / @ end()
            "start", "end");

    /** Keywords and word operators; PromQL reads them case-insensitively. */
    static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "atan2", "by", "without", "on", "ignoring",
            "group_left", "group_right", "bool", "offset", "inf", "nan");

    private static final Pattern GRAFANA_VARIABLE = Pattern.compile("\\$\\{[^}]*}|\\$\\w+");
    private static final Pattern LABEL_MATCHERS = Pattern.compile("\\{[^{}]*}");
    private static final Pattern RANGE = Pattern.compile("\\[[^\\[\\]]*]");
    private static final Pattern GROUPING = Pattern.compile(
            "\\b(?i:by|without|on|ignoring|group_left|group_right)\\s*\\([^()]*\\)");
    private static final Pattern TOKEN = Pattern.compile(
            "(?<number>0[xX][0-9a-fA-F]+|[0-9]*\\.?[0-9]+(?:[eE][+-]?[0-9]+)?[a-zA-Z0-9_]*)"
                    + "|(?<identifier>[a-zA-Z_:][a-zA-Z0-9_:]*)"
                    + "|(?<other>\\S)");

    private static final Pattern LABEL_VALUES = Pattern.compile(
            "\\s*label_values\\s*\\((?<query>.*),\\s*[a-zA-Z_][a-zA-Z0-9_]*\\s*\\)\\s*", Pattern.DOTALL);
    private static final Pattern LABEL_VALUES_OF_LABEL = Pattern.compile(
            "\\s*label_values\\s*\\(\\s*[a-zA-Z_][a-zA-Z0-9_]*\\s*\\)\\s*");
    private static final Pattern QUERY_RESULT = Pattern.compile(
            "\\s*query_result\\s*\\((?<query>.*)\\)\\s*", Pattern.DOTALL);
    private static final Pattern OTHER_VARIABLE_FUNCTION = Pattern.compile(
            "\\s*(?:label_names|metrics)\\s*\\(.*\\)\\s*", Pattern.DOTALL);

    private PromQlMetricNames() {
    }

    /**
     * The metric names {@code promql} reads, in order of first use.
     *
     * @throws IllegalArgumentException if it calls something that is not a PromQL function, or selects by
     *                                  {@code __name__}
     */
    public static Set<String> in(String promql) {
        String code = withoutStringsAndComments(promql);
        if (code.contains("__name__")) {
            throw new IllegalArgumentException("selecting metrics by __name__ is not supported: " + promql);
        }
        code = GRAFANA_VARIABLE.matcher(code).replaceAll(" ");
        code = LABEL_MATCHERS.matcher(code).replaceAll(" ");
        code = RANGE.matcher(code).replaceAll(" ");
        code = GROUPING.matcher(code).replaceAll(" ");

        Set<String> names = new LinkedHashSet<>();
        Matcher token = TOKEN.matcher(code);
        while (token.find()) {
            String identifier = token.group("identifier");
            if (identifier == null) {
                continue;
            }
            if (KEYWORDS.contains(identifier.toLowerCase(Locale.ROOT))) {
                continue;
            }
            if (nextNonBlank(code, token.end()) == '(') {
                if (!FUNCTIONS.contains(identifier)) {
                    throw new IllegalArgumentException("'" + identifier + "' is not a PromQL function: " + promql);
                }
            } else {
                names.add(identifier);
            }
        }
        return names;
    }

    /**
     * The metric names a Grafana Prometheus variable query reads: {@code label_values(metric{...}, label)} reads
     * {@code metric}, {@code query_result(promql)} what {@code promql} reads, {@code label_values(label)},
     * {@code label_names()} and {@code metrics(regex)} none; anything else is taken as PromQL.
     */
    public static Set<String> inVariableQuery(String query) {
        Matcher labelValues = LABEL_VALUES.matcher(query);
        if (labelValues.matches()) {
            return in(labelValues.group("query"));
        }
        Matcher queryResult = QUERY_RESULT.matcher(query);
        if (queryResult.matches()) {
            return in(queryResult.group("query"));
        }
        if (LABEL_VALUES_OF_LABEL.matcher(query).matches() || OTHER_VARIABLE_FUNCTION.matcher(query).matches()) {
            return Set.of();
        }
        return in(query);
    }

    /** Replaces string literals ("...", '...', `...`) and {@code #} comments by a blank. */
    private static String withoutStringsAndComments(String promql) {
        StringBuilder code = new StringBuilder(promql.length());
        int i = 0;
        while (i < promql.length()) {
            char c = promql.charAt(i);
            if (c == '"' || c == '\'' || c == '`') {
                int end = i + 1;
                while (end < promql.length() && promql.charAt(end) != c) {
                    end += c != '`' && promql.charAt(end) == '\\' ? 2 : 1;
                }
                if (end >= promql.length()) {
                    throw new IllegalArgumentException("unterminated string literal: " + promql);
                }
                code.append(' ');
                i = end + 1;
            } else if (c == '#') {
                int end = promql.indexOf('\n', i);
                code.append(' ');
                i = end < 0 ? promql.length() : end;
            } else {
                code.append(c);
                i++;
            }
        }
        return code.toString();
    }

    private static char nextNonBlank(String code, int from) {
        for (int i = from; i < code.length(); i++) {
            if (!Character.isWhitespace(code.charAt(i))) {
                return code.charAt(i);
            }
        }
        return 0;
    }
}
