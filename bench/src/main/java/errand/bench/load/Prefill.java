package errand.bench.load;

/**
 * The SQL that pre-fills Errand's job store with terminal jobs, one chunk of row numbers per statement
 * ({@code generate_series}), each job with its one attempt in {@code job_attempts}.
 *
 * <p>What the rows look like: ids UUIDv7 of their creation time, as the API's ({@code JobIds.newId()}); types
 * mostly {@code echo} (half), the rest {@code prime-count}, {@code thumbnail}, {@code report}, {@code webhook};
 * statuses 93% SUCCEEDED, 5% FAILED, 2% CANCELLED; tenants half {@code default} (the bootstrap key's, the one the
 * workloads read), the rest {@code acme}, {@code globex}, {@code initech}; an echo-sized payload ({@code n},
 * {@code run} and a short note, about 60 bytes), the result equal to the payload when SUCCEEDED, an error object
 * when FAILED. Row i of N is created at a time that grows with i: the first {@link #OLD_SHARE} of the rows over the
 * 29 days before the last day (what a retention of one day deletes), the rest over the last day but one hour, so
 * every pre-filled job is older than the workloads' ones and the jobs are, as in a real store, in creation order in
 * the table.
 */
public final class Prefill {

    /** The share of the pre-filled rows finished more than one day ago. */
    public static final double OLD_SHARE = 0.15;

    /** Parameters: the total number of rows N, the first and the last row number of the chunk. */
    static final String SQL = """
            with p as (select ?::bigint as n, ?::bigint as lo, ?::bigint as hi),
            g as (
                select i,
                       (array['echo','echo','echo','echo','prime-count','thumbnail','report','webhook'])
                           [1 + (i %% 8)::int] as type,
                       case when i %% 20 = 7 then 'FAILED' when i %% 50 = 3 then 'CANCELLED' else 'SUCCEEDED' end
                           as status,
                       (array['default','default','default','acme','globex','initech'])[1 + ((i / 8) %% 6)::int]
                           as tenant,
                       now() - case when i < p.n * %1$s
                           then interval '1 day' + ((p.n * %1$s - i) / (p.n * %1$s)) * interval '29 days'
                           else interval '1 hour' + ((p.n - i) / (p.n * (1 - %1$s))) * interval '22 hours' end
                           as created
                from p, generate_series(p.lo, p.hi) i
            ),
            ins as (
                insert into jobs (id, type, status, payload, result, error, attempt, attempts, max_attempts, timeout_ms,
                                  created_at, publish_after, started_at, finished_at, updated_at, tenant)
                select encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) placing substring(
                           int8send(floor(extract(epoch from created) * 1000)::bigint) from 3) from 1 for 6), 52, 1),
                           53, 1), 'hex')::uuid, type, status, payload,
                       case when status = 'SUCCEEDED' then payload end,
                       case when status = 'FAILED' then jsonb_build_object('type', 'java.lang.IllegalStateException',
                           'message', 'prefilled failure ' || i, 'retryable', false) end,
                       1, 1, 3, 30000, created, created, created + interval '4 ms', created + interval '9 ms',
                       created + interval '9 ms', tenant
                from (select g.*, jsonb_build_object('n', i, 'run', 'prefill', 'note', repeat('x', (10 + i %% 40)::int))
                          as payload from g) j
                returning id, status, started_at, finished_at, error
            )
            insert into job_attempts (job_id, attempt, worker_id, status, started_at, finished_at, error)
            select id, 1, 'prefill-worker', status, started_at, finished_at, error from ins
            """.formatted("(" + OLD_SHARE + ")::float8");

    private Prefill() {
    }
}
