package errand.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.jspecify.annotations.Nullable;

/**
 * The one place the kit talks to the terminal (a command-line tool's output, so checkstyle's "no System.out" rule is
 * suppressed for this file alone): every line also goes to the run's {@code run.log} once {@link #teeTo} is set.
 */
public final class Console {

    private static @Nullable PrintStream tee;

    private Console() {
    }

    /** From now on, also appends every line to {@code file}. */
    public static synchronized void teeTo(Path file) {
        try {
            tee = new PrintStream(Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND),
                    true, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A line of the kit's own, prefixed {@code [bench]}. */
    public static void log(String message) {
        line("[bench] " + message);
    }

    /** A line as it is (a workload's progress, a table row). */
    public static synchronized void line(String text) {
        System.out.println(text);
        if (tee != null) {
            tee.println(text);
        }
    }

    /** A line on standard error (the gate's failure banner). */
    public static synchronized void error(String text) {
        System.err.println(text);
        if (tee != null) {
            tee.println(text);
        }
    }
}
