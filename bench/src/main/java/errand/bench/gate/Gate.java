package errand.bench.gate;

import java.util.Locale;

/**
 * The correctness gate of one Errand workload, from what the client counted and what the job store holds: exactly the
 * submitted jobs are there, all succeeded with the right result, each echo distinct, and no client error.
 */
public final class Gate {

    private Gate() {
    }

    /**
     * What a workload is judged on.
     *
     * @param distinctRequired echo jobs carry a unique {@code n}, so N distinct ones are required; prime-count jobs
     *                         are all alike
     */
    public record Counts(long submitted, long accepted, long rows, long distinct, long succeeded, long correct,
            long failed, long clientErrors, boolean distinctRequired) {
    }

    /** The verdict: passed, and lost = submitted - correct. */
    public record Verdict(boolean passed, long lost) {
    }

    public static Verdict judge(Counts c) {
        long lost = c.submitted() - c.correct();
        boolean distinctOk = !c.distinctRequired() || c.distinct() == c.submitted();
        boolean passed = lost == 0 && c.rows() == c.submitted() && c.accepted() == c.submitted() && distinctOk
                && c.clientErrors() == 0;
        return new Verdict(passed, lost);
    }

    /** The loud line a failed workload prints. */
    public static String failureBanner(String system, String workload, String round, Counts c) {
        return String.format(Locale.ROOT, "%n!!! CORRECTNESS GATE FAILED (%s %s, %s): submitted %d, accepted %d,"
                + " rows %d, distinct %d, succeeded %d, correct results %d, failed %d, client errors %d:"
                + " lost or wrong %d !!!", system, workload, round, c.submitted(), c.accepted(), c.rows(),
                c.distinct(), c.succeeded(), c.correct(), c.failed(), c.clientErrors(), judge(c).lost());
    }
}
