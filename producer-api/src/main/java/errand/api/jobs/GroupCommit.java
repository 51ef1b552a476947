package errand.api.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import org.jspecify.annotations.Nullable;
import org.springframework.dao.NonTransientDataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Commits single submits that arrive together in one transaction (group commit). A submit queues its job; if no
 * transaction is under way it leads: it inserts every job queued so far in one transaction and hands each waiting
 * submit its outcome. While one transaction commits, the submits arriving meanwhile queue up and go in the next, so
 * under load N concurrent submits cost one transaction and one WAL flush instead of N, and a lone submit waits for
 * nothing but its own transaction.
 *
 * <p>A waiting submit parks until its own outcome is in, or until the leader that just finished asks it to lead the
 * next transaction: one wake-up per transaction passes the lead on. (Each finished submit taking a lock in turn,
 * only to learn it was done, put a queue of wake-ups before every next transaction; under load that queue, not the
 * database, set the submit latency.)
 *
 * <p>Every job is committed before its submit returns, so a {@code 202} still means committed. A transaction that
 * fails for a reason that lies in the data ({@link NonTransientDataAccessException}) is retried job by job, so one
 * job's problem is not its neighbours'; any other failure (the database unreachable) fails every job of the
 * transaction, each submit answering {@code 503}.
 *
 * <p><b>Threads:</b> the request threads (virtual) of concurrent submits; one at a time leads and works for the
 * others, which wait parked.
 */
@Component
class GroupCommit {

    /** Jobs in one transaction at most, as many as a batch submit may hold by default. */
    static final int MAX_JOBS = 1000;

    private final JobStore store;
    private final TransactionTemplate transactions;
    private final Queue<Pending> queued = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean leading = new AtomicBoolean();

    GroupCommit(JobStore store, TransactionTemplate transactions) {
        this.store = store;
        this.transactions = transactions;
    }

    /**
     * Returns once the job is committed.
     *
     * @throws RuntimeException what the job's transaction threw
     */
    void insert(NewJob job) {
        Pending mine = new Pending(job, Thread.currentThread());
        queued.add(mine);
        // more than MAX_JOBS may be queued ahead of this one: then it waits, or leads, again
        while (!mine.done) {
            if (leading.compareAndSet(false, true)) {
                try {
                    commit(drain());
                } finally {
                    leading.set(false);
                    // Whoever queued while this transaction ran and found the lead taken is parked: wake the first
                    // to lead the next one. Queued before the lead was given up, so seen here: none is left behind.
                    Pending next = queued.peek();
                    if (next != null) {
                        LockSupport.unpark(next.submitter);
                    }
                }
            } else {
                // woken when done, or to try to lead; a spurious return tries too, harmlessly
                LockSupport.park(this);
            }
        }
        if (mine.failure != null) {
            throw mine.failure;
        }
    }

    /** Jobs waiting for a transaction right now. */
    int queuedJobs() {
        return queued.size();
    }

    private List<Pending> drain() {
        List<Pending> batch = new ArrayList<>();
        for (Pending next = queued.poll(); next != null; next = batch.size() < MAX_JOBS ? queued.poll() : null) {
            batch.add(next);
        }
        return batch;
    }

    private void commit(List<Pending> batch) {
        try {
            transactions.executeWithoutResult(tx -> store.insertAll(batch.stream().map(Pending::job).toList()));
            batch.forEach(pending -> pending.finish(null));
        } catch (NonTransientDataAccessException e) {
            if (batch.size() == 1) {
                batch.getFirst().finish(e);
            } else {
                batch.forEach(pending -> commit(List.of(pending)));
            }
        } catch (RuntimeException e) {
            batch.forEach(pending -> pending.finish(e));
        } finally {
            // an Error past the clauses above must not leave the batch's other submits waiting for good
            batch.stream().filter(pending -> !pending.done).forEach(pending -> pending.finish(
                    new IllegalStateException("the transaction of job " + pending.job.id() + " ended abnormally")));
        }
    }

    /** A queued job, its submitter and, once its transaction ended, how: the failure is written before done. */
    private static final class Pending {

        private final NewJob job;
        private final Thread submitter;
        private volatile boolean done;
        private @Nullable RuntimeException failure;

        Pending(NewJob job, Thread submitter) {
            this.job = job;
            this.submitter = submitter;
        }

        NewJob job() {
            return job;
        }

        void finish(@Nullable RuntimeException failed) {
            failure = failed;
            done = true;
            LockSupport.unpark(submitter);
        }
    }
}
