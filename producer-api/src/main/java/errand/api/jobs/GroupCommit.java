package errand.api.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;
import org.springframework.dao.NonTransientDataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Commits single submits that arrive together in one transaction (group commit). A submit queues its job, then takes
 * the commit lock; whoever holds it inserts every job queued so far in one transaction and hands each waiting submit
 * its outcome. While one transaction commits, the submits arriving meanwhile queue up and go in the next, so under
 * load N concurrent submits cost one transaction and one WAL flush instead of N, and a lone submit waits for nothing
 * but its own transaction.
 *
 * <p>Every job is committed before its submit returns, so a {@code 202} still means committed. A transaction that
 * fails for a reason that lies in the data ({@link NonTransientDataAccessException}) is retried job by job, so one
 * job's problem is not its neighbours'; any other failure (the database unreachable) fails every job of the
 * transaction, each submit answering {@code 503}.
 *
 * <p><b>Threads:</b> the request threads (virtual) of concurrent submits; the one holding the lock works for the
 * others, which wait on the lock.
 */
@Component
class GroupCommit {

    /** Jobs in one transaction at most, as many as a batch submit may hold by default. */
    static final int MAX_JOBS = 1000;

    private final JobStore store;
    private final TransactionTemplate transactions;
    private final Queue<Pending> queued = new ConcurrentLinkedQueue<>();
    private final ReentrantLock commitLock = new ReentrantLock();

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
        Pending mine = new Pending(job);
        queued.add(mine);
        commitLock.lock();
        try {
            // more than MAX_JOBS may be queued ahead of this one
            while (!mine.done) {
                commit(drain());
            }
        } finally {
            commitLock.unlock();
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

    /** A queued job and, once its transaction ended, how: written under the commit lock, read after taking it. */
    private static final class Pending {

        private final NewJob job;
        private boolean done;
        private @Nullable RuntimeException failure;

        Pending(NewJob job) {
            this.job = job;
        }

        NewJob job() {
            return job;
        }

        void finish(@Nullable RuntimeException failed) {
            failure = failed;
            done = true;
        }
    }
}
