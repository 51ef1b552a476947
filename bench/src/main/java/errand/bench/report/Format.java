package errand.bench.report;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Locale;

import errand.bench.report.Summary.Stat;
import org.jspecify.annotations.Nullable;

/** How figures and tables are written: a median with its range, a Markdown table, a terminal table. */
public final class Format {

    private Format() {
    }

    /** {@code 1,234 [1,200–1,300]}, or just the median when the range rounds to one value; "–" for nothing. */
    public static String stat(@Nullable Stat s, int digits, String unit) {
        if (s == null) {
            return "–";
        }
        if (number(s.min(), digits).equals(number(s.max(), digits))) {
            return number(s.median(), digits) + unit;
        }
        return number(s.median(), digits) + " [" + number(s.min(), digits) + "–" + number(s.max(), digits) + "]"
                + unit;
    }

    public static String stat(@Nullable Stat s) {
        return stat(s, 0, "");
    }

    /** Milliseconds: one decimal under 100 ms. */
    public static String ms(@Nullable Stat s) {
        if (s == null) {
            return "–";
        }
        return stat(s, s.median() < 100 ? 1 : 0, "");
    }

    /** With thousands separators and {@code digits} decimals, half-even on the exact value (as Python formats). */
    public static String number(double value, int digits) {
        BigDecimal rounded = new BigDecimal(value).setScale(digits, RoundingMode.HALF_EVEN);
        return String.format(Locale.ROOT, "%,." + digits + "f", rounded);
    }

    public static String fixed(double value, int digits) {
        return String.format(Locale.ROOT, "%." + digits + "f", value);
    }

    public static String markdownTable(List<String> header, List<List<String>> lines) {
        StringBuilder out = new StringBuilder("| " + String.join(" | ", header) + " |\n|");
        out.append("---|".repeat(header.size()));
        for (List<String> line : lines) {
            out.append("\n| ").append(String.join(" | ", line)).append(" |");
        }
        return out.toString();
    }

    public static String terminalTable(List<String> header, List<List<String>> lines) {
        int[] widths = new int[header.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = header.get(i).length();
            for (List<String> line : lines) {
                widths[i] = Math.max(widths[i], line.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder(row(header, widths));
        out.append('\n').append(row(java.util.Arrays.stream(widths).mapToObj("-"::repeat).toList(), widths));
        for (List<String> line : lines) {
            out.append('\n').append(row(line, widths));
        }
        return out.toString();
    }

    private static String row(List<String> cells, int[] widths) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                out.append("  ");
            }
            out.append(cells.get(i)).append(" ".repeat(widths[i] - cells.get(i).length()));
        }
        return out.toString();
    }
}
