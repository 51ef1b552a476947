package errand.tests.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The README's runnable examples: every {@code ```bash} block that follows a {@code <!-- checked -->} line. A block
 * is a list of {@link Step}s: a command (with its {@code \}-continued lines) and the answer it is documented to give,
 * written below it as {@code # → …} with {@code #   …} continuation lines. Other comment lines are prose.
 *
 * <p>A documented answer is compared with what the command printed, ignoring whitespace (the README wraps long
 * answers); {@code …} in it stands for any text, so an example can leave out ids and timestamps.
 */
public final class ReadmeExamples {

    static final String MARKER = "<!-- checked -->";

    private static final String ANSWER = "# → ";
    private static final Pattern ANSWER_CONTINUATION = Pattern.compile("^#\\s{2,}\\S.*");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    /** One command of an example and the answer the README says it gives, if it says. */
    public record Step(String command, String answer) {

        public boolean hasAnswer() {
            return !answer.isEmpty();
        }

        /** Whether {@code output} is the documented answer, up to whitespace and the {@code …} wildcards. */
        public boolean answeredBy(String output) {
            return pattern(answer).matcher(WHITESPACE.matcher(output).replaceAll("")).matches();
        }

        private static Pattern pattern(String answer) {
            String[] literal = WHITESPACE.matcher(answer).replaceAll("").split("…", -1);
            StringBuilder regex = new StringBuilder();
            for (int i = 0; i < literal.length; i++) {
                if (i > 0) {
                    regex.append(".*");
                }
                regex.append(Pattern.quote(literal[i]));
            }
            return Pattern.compile(regex.toString(), Pattern.DOTALL);
        }
    }

    private ReadmeExamples() {
    }

    /** The checked blocks of {@code readme}, in order, each as its steps. */
    public static List<List<Step>> checkedBlocks(Path readme) {
        try {
            return checkedBlocks(Files.readAllLines(readme));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<List<Step>> checkedBlocks(List<String> lines) {
        List<List<Step>> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().equals(MARKER)) {
                int open = i + 1;
                while (open < lines.size() && lines.get(open).isBlank()) {
                    open++;
                }
                if (open == lines.size() || !lines.get(open).strip().equals("```bash")) {
                    throw new IllegalStateException("README line " + (i + 1) + ": " + MARKER
                            + " must be followed by a ```bash block");
                }
                int close = open + 1;
                while (close < lines.size() && !lines.get(close).strip().equals("```")) {
                    close++;
                }
                blocks.add(steps(lines.subList(open + 1, close)));
                i = close;
            }
        }
        return blocks;
    }

    private static List<Step> steps(List<String> block) {
        List<Step> steps = new ArrayList<>();
        StringBuilder command = new StringBuilder();
        StringBuilder answer = new StringBuilder();
        boolean inAnswer = false;
        for (String line : block) {
            if (line.startsWith(ANSWER)) {
                answer.append(line.substring(ANSWER.length())).append('\n');
                inAnswer = true;
            } else if (inAnswer && ANSWER_CONTINUATION.matcher(line).matches()) {
                answer.append(line.substring(1)).append('\n');
            } else if (line.isBlank() || line.startsWith("#")) {
                inAnswer = false;
            } else {
                if (!command.isEmpty() && !continues(command)) {
                    steps.add(new Step(command.toString(), answer.toString()));
                    command.setLength(0);
                    answer.setLength(0);
                }
                command.append(line).append('\n');
                inAnswer = false;
            }
        }
        if (!command.isEmpty()) {
            steps.add(new Step(command.toString(), answer.toString()));
        }
        return steps;
    }

    private static boolean continues(StringBuilder command) {
        return command.toString().stripTrailing().endsWith("\\");
    }
}
