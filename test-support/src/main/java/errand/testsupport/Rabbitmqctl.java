package errand.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * The one way tests run {@code rabbitmqctl}: reading and changing global settings of the running test broker's
 * {@code rabbit} application with {@code rabbitmqctl eval}, and putting back what was there before. The command comes
 * from {@code ERRAND_TEST_RABBITMQCTL} (default {@code rabbitmqctl}); it must reach the broker that
 * {@link ErrandTestServices} chose, which only local services give (a container's broker is not reachable this way).
 *
 * <p>On RabbitMQ 3.10 a channel reads {@code consumer_timeout} and {@code channel_tick_interval} when it opens, so a
 * change reaches only channels opened afterwards, on every vhost; the timeout is checked on every channel tick (60 s by
 * default). Keep a change short and close it in a {@code finally} (try-with-resources).
 */
public final class Rabbitmqctl {

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

    private Rabbitmqctl() {
    }

    /**
     * Fails, with what {@code rabbitmqctl} answered, unless it can reach the test broker: a test that changes the
     * broker's settings proves nothing without it, so it must fail, never be skipped. {@code .ci/run} checks it before
     * the build.
     */
    public static void requireReachable() {
        try {
            eval("ok.");
        } catch (RuntimeException e) {
            throw new AssertionError("This test changes the broker's settings with rabbitmqctl "
                    + "(ERRAND_TEST_RABBITMQCTL, default rabbitmqctl), which cannot reach the test broker from here: "
                    + e.getMessage(), e);
        }
    }

    /** A global setting of the {@code rabbit} application as an Erlang term, empty when unset. */
    public static Optional<String> setting(String key) {
        String answer = eval("application:get_env(rabbit, " + key + ").");
        if (answer.equals("undefined")) {
            return Optional.empty();
        }
        if (!answer.startsWith("{ok,") || !answer.endsWith("}")) {
            throw new IllegalStateException("unexpected answer for " + key + ": " + answer);
        }
        return Optional.of(answer.substring("{ok,".length(), answer.length() - 1).strip());
    }

    /** The broker's global {@code consumer_timeout}, or null when unset (no timeout). */
    public static @Nullable Duration consumerTimeout() {
        return setting("consumer_timeout").map(millis -> Duration.ofMillis(Long.parseLong(millis))).orElse(null);
    }

    /**
     * Sets each {@code rabbit} application setting to the Erlang term given, remembering the old values first; closing
     * the answer puts back exactly those (unsetting what was unset). If a change fails, what was changed is put back
     * before the exception is thrown.
     */
    public static BrokerSettings change(Map<String, String> settings) {
        BrokerSettings changed = new BrokerSettings();
        try {
            for (Map.Entry<String, String> setting : settings.entrySet()) {
                changed.remember(setting.getKey(), setting(setting.getKey()));
                set(setting.getKey(), Optional.of(setting.getValue()));
            }
        } catch (RuntimeException e) {
            try {
                changed.close();
            } catch (RuntimeException restoring) {
                e.addSuppressed(restoring);
            }
            throw e;
        }
        return changed;
    }

    /**
     * Sets a global integer setting of the {@code rabbit} application until the answer is closed, which restores the
     * value read before (or unsets it, if none was set).
     *
     * <p>Another test run on the same broker may be overriding the same setting right now (the local services are
     * shared). If the value read before is already {@code value}, it is someone else's override, not the broker's
     * configuration: closing then restores {@code brokerDefault} rather than leaving the override in place for good.
     */
    public static BrokerSettings override(String key, long value, long brokerDefault) {
        Optional<String> previous = setting(key);
        Optional<String> restore = previous.filter(term -> !term.equals(Long.toString(value)))
                .or(() -> previous.map(term -> Long.toString(brokerDefault)));
        BrokerSettings changed = new BrokerSettings();
        changed.remember(key, restore);
        try {
            set(key, Optional.of(Long.toString(value)));
        } catch (RuntimeException e) {
            try {
                changed.close();
            } catch (RuntimeException restoring) {
                e.addSuppressed(restoring);
            }
            throw e;
        }
        return changed;
    }

    /** Runs {@code rabbitmqctl -q eval expression} and answers its output; throws if it fails or times out. */
    public static String eval(String expression) {
        String command = System.getenv().getOrDefault("ERRAND_TEST_RABBITMQCTL", "rabbitmqctl");
        return run(List.of(command, "-q", "eval", expression), Map.of(), COMMAND_TIMEOUT);
    }

    /**
     * Runs a RabbitMQ command line ({@code rabbitmqctl}, {@code rabbitmq-server}, ...) with extra environment
     * variables and answers its output (stderr included); throws if it fails or outlasts {@code timeout}.
     */
    public static String run(List<String> line, Map<String, String> environment, Duration timeout) {
        ProcessBuilder builder = new ProcessBuilder(line).redirectErrorStream(true);
        builder.environment().putAll(environment);
        try {
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", line) + " timed out: " + output);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", line) + " failed (" + process.exitValue() + "): "
                        + output);
            }
            return output;
        } catch (IOException e) {
            throw new IllegalStateException("Cannot run " + String.join(" ", line) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + String.join(" ", line), e);
        }
    }

    private static void set(String key, Optional<String> value) {
        String answer = eval(value.map(term -> "application:set_env(rabbit, " + key + ", " + term + ").")
                .orElse("application:unset_env(rabbit, " + key + ")."));
        if (!answer.equals("ok")) {
            throw new IllegalStateException("setting " + key + " answered " + answer);
        }
    }

    /** Settings changed by {@link #change} or {@link #override}; closing puts back what they were before. */
    public static final class BrokerSettings implements AutoCloseable {

        private final Map<String, Optional<String>> restore = new LinkedHashMap<>();
        private boolean closed;

        private BrokerSettings() {
        }

        private void remember(String key, Optional<String> value) {
            restore.put(key, value);
        }

        /** What closing puts back for {@code key}, as an Erlang term; empty for unset. */
        public Optional<String> restores(String key) {
            return restore.getOrDefault(key, Optional.empty());
        }

        /** Puts every setting back; tries them all and checks each, then throws the first failure. */
        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            List<RuntimeException> failures = new ArrayList<>();
            for (Map.Entry<String, Optional<String>> setting : restore.entrySet()) {
                try {
                    set(setting.getKey(), setting.getValue());
                    if (!setting(setting.getKey()).equals(setting.getValue())) {
                        throw new IllegalStateException(setting.getKey() + " was not restored to "
                                + setting.getValue());
                    }
                } catch (RuntimeException e) {
                    failures.add(e);
                }
            }
            if (!failures.isEmpty()) {
                IllegalStateException failed = new IllegalStateException("could not restore the broker's settings "
                        + restore);
                failures.forEach(failed::addSuppressed);
                throw failed;
            }
            closed = true;
        }
    }
}
