package errand.bench.systems;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Every process the kit starts, and only those, stopped at the end (by their handle, never by name), plus what
 * {@code /proc} says about processes: CPU ticks and peak RSS.
 */
public final class Processes {

    private final List<ProcessHandle> started = new ArrayList<>();

    /** Starts a command with its output in {@code log}; {@code directory} and {@code env} may be null/empty. */
    public synchronized Process start(List<String> command, Path log, Path directory, Map<String, String> env)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        builder.environment().putAll(env);
        Process process = builder.start();
        started.add(process.toHandle());
        return process;
    }

    /** SIGTERM to every process started, up to 20 s each to exit, then SIGKILL to it and its children. */
    public synchronized void stopAll() {
        started.forEach(ProcessHandle::destroy);
        for (ProcessHandle handle : started) {
            try {
                handle.onExit().get(20, TimeUnit.SECONDS);
            } catch (Exception e) {
                handle.children().forEach(ProcessHandle::destroyForcibly);
                handle.destroyForcibly();
            }
        }
        started.clear();
    }

    /** SIGTERM to one process started here, up to 20 s to exit, then SIGKILL to it and its children. */
    public synchronized void stop(Process process) {
        ProcessHandle handle = process.toHandle();
        handle.destroy();
        try {
            handle.onExit().get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            handle.children().forEach(ProcessHandle::destroyForcibly);
            handle.destroyForcibly();
        }
        started.remove(handle);
    }

    /** Runs a command to its end; its output (stdout and stderr), or an exception on a non-zero exit. */
    public static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out.strip());
        }
        return out;
    }

    /** Like {@link #run}, but an empty string when the command fails or is missing. */
    public static String quietly(List<String> command) {
        try {
            return run(command).strip();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** User + system CPU ticks of the processes, summed (a process gone counts 0). */
    public static long cpuTicks(List<Long> pids) {
        long sum = 0;
        for (long pid : pids) {
            try {
                sum += ticksOf(Files.readString(Path.of("/proc/" + pid + "/stat")));
            } catch (IOException e) {
                // gone
            }
        }
        return sum;
    }

    /**
     * utime + stime + cutime + cstime of a {@code /proc/<pid>/stat} line (fields 14 to 17; the name in parentheses
     * may hold spaces). The children's share counts what exited processes used once their parent reaped them:
     * PostgreSQL's autovacuum workers and closed backends, whose CPU would otherwise leave the sum between samples.
     */
    static long ticksOf(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]) + Long.parseLong(fields[13])
                + Long.parseLong(fields[14]);
    }

    /** Clock ticks per second ({@code getconf CLK_TCK}), 100 when it cannot say. */
    public static long clockTicks() {
        String ticks = quietly(List.of("getconf", "CLK_TCK"));
        return ticks.matches("\\d+") ? Long.parseLong(ticks) : 100;
    }

    /** Peak RSS ({@code VmHWM}) in KiB, 0 when the process is gone. */
    public static long peakRssKib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException e) {
            // gone
        }
        return 0;
    }

    /** The broker's processes ({@code beam.smp}). */
    public static List<Long> brokerPids() {
        return ProcessHandle.allProcesses().filter(p -> p.info().command().orElse("").endsWith("beam.smp"))
                .map(ProcessHandle::pid).toList();
    }

    /** PostgreSQL's processes (every one of user postgres: the job store's backends are pooled). */
    public static List<Long> postgresPids() {
        return ProcessHandle.allProcesses().filter(p -> p.info().user().orElse("").equals("postgres"))
                .map(ProcessHandle::pid).toList();
    }
}
