package errand.bench.gate;

import java.util.ArrayList;
import java.util.List;

/** The run's gate: every workload that failed or could not run, counted; the run exits 1 if there is any. */
public final class RunGate {

    private final List<String> failures = new ArrayList<>();

    public synchronized void fail(String what) {
        failures.add(what);
    }

    public synchronized int failures() {
        return failures.size();
    }

    public synchronized List<String> failed() {
        return List.copyOf(failures);
    }

    public boolean passed() {
        return failures() == 0;
    }
}
