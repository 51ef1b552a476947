package errand.worker.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Changes application settings of the running test broker with {@code rabbitmqctl eval}, and puts back exactly what
 * was there before ({@link #close()}), unsetting what was unset. The command comes from
 * {@code ERRAND_TEST_RABBITMQCTL} (default {@code rabbitmqctl}); it must reach the broker of
 * {@code ERRAND_TEST_RABBITMQ_URI}.
 *
 * <p>On RabbitMQ 3.10 a channel reads {@code consumer_timeout} and {@code channel_tick_interval} when it opens, so a
 * change reaches only channels opened afterwards; the timeout is checked on every channel tick (60 s by default).
 */
final class BrokerSettings implements AutoCloseable {

    private final Map<String, Optional<String>> previous = new LinkedHashMap<>();

    private BrokerSettings() {
    }

    /**
     * Fails, with what {@code rabbitmqctl} answered, unless it can reach the test broker: a test that needs to change
     * the broker's settings cannot prove anything without it, so it must fail rather than be skipped.
     */
    static void requireReachable() {
        try {
            eval("ok.");
        }
        catch (IOException ex) {
            throw new AssertionError("This test changes the broker's settings with rabbitmqctl "
                    + "(ERRAND_TEST_RABBITMQCTL, default rabbitmqctl), which cannot reach the test broker: "
                    + ex.getMessage(), ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted while checking rabbitmqctl", ex);
        }
    }

    /**
     * Sets each {@code rabbit} application setting to the Erlang term given, remembering the old values first. If a
     * change fails, what was changed is put back before the exception is thrown.
     */
    static BrokerSettings change(Map<String, String> settings) throws IOException, InterruptedException {
        BrokerSettings changed = new BrokerSettings();
        try {
            for (Map.Entry<String, String> setting : settings.entrySet()) {
                changed.previous.put(setting.getKey(), current(setting.getKey()));
                set(setting.getKey(), Optional.of(setting.getValue()));
            }
        }
        catch (IOException | InterruptedException | RuntimeException ex) {
            changed.close();
            throw ex;
        }
        return changed;
    }

    /** The setting's value as an Erlang term, empty when unset. */
    static Optional<String> current(String key) throws IOException, InterruptedException {
        String answer = eval("application:get_env(rabbit, " + key + ").");
        if (answer.equals("undefined")) {
            return Optional.empty();
        }
        if (!answer.startsWith("{ok,") || !answer.endsWith("}")) {
            throw new IOException("unexpected answer for " + key + ": " + answer);
        }
        return Optional.of(answer.substring("{ok,".length(), answer.length() - 1));
    }

    /** Puts every setting back as it was; tries them all, then throws the first failure. */
    @Override
    public void close() throws IOException, InterruptedException {
        List<Exception> failures = new ArrayList<>();
        for (Map.Entry<String, Optional<String>> setting : previous.entrySet()) {
            try {
                set(setting.getKey(), setting.getValue());
                if (!current(setting.getKey()).equals(setting.getValue())) {
                    throw new IOException(setting.getKey() + " was not restored to " + setting.getValue());
                }
            }
            catch (IOException | RuntimeException ex) {
                failures.add(ex);
            }
        }
        if (!failures.isEmpty()) {
            IOException failed = new IOException("could not restore the broker's settings " + previous);
            failures.forEach(failed::addSuppressed);
            throw failed;
        }
    }

    private static void set(String key, Optional<String> value) throws IOException, InterruptedException {
        String answer = eval(value.map(term -> "application:set_env(rabbit, " + key + ", " + term + ").")
                .orElse("application:unset_env(rabbit, " + key + ")."));
        if (!answer.equals("ok")) {
            throw new IOException("setting " + key + " answered " + answer);
        }
    }

    private static String eval(String expression) throws IOException, InterruptedException {
        String command = System.getenv().getOrDefault("ERRAND_TEST_RABBITMQCTL", "rabbitmqctl");
        Process process = new ProcessBuilder(command, "eval", expression).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroy();
            throw new IOException(command + " eval '" + expression + "' failed: " + output);
        }
        return output;
    }
}
