package errand.tests.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * POSIX signals to one app process by its pid, through {@code kill}: {@code SIGSTOP} freezes it as a long GC pause,
 * a VM migration or a laptop lid would ({@code SIGCONT} resumes it), {@code SIGTERM} asks it to shut down without
 * waiting for it. Only ever signals the pid of a process the test started.
 */
public final class ProcessSignals {

    private ProcessSignals() {
    }

    /** {@code kill -STOP}: the process stops running at once, sockets open, timers frozen. */
    public static void pause(AppProcess app) {
        signal(app, "STOP");
    }

    /** {@code kill -CONT}: a paused process runs on as if nothing happened. */
    public static void resume(AppProcess app) {
        signal(app, "CONT");
    }

    /** {@code kill -TERM}, returning at once: the app begins its graceful shutdown. */
    public static void terminate(AppProcess app) {
        signal(app, "TERM");
    }

    /** Whether the process is paused ({@code T} state in {@code /proc/<pid>/stat}), where that file exists. */
    public static boolean isPaused(AppProcess app) {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + app.pid() + "/stat"),
                    StandardCharsets.US_ASCII);
            String afterName = stat.substring(stat.lastIndexOf(')') + 2);
            return afterName.startsWith("T");
        } catch (IOException e) {
            return false;
        }
    }

    private static void signal(AppProcess app, String signal) {
        if (!app.isAlive()) {
            throw new IllegalStateException(app + " is not running; cannot send SIG" + signal);
        }
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(app.pid()))
                    .redirectErrorStream(true).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + app.pid() + " failed: "
                        + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run kill -" + signal, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
