-- V16's jobs_on_update joined the statement's old and new rows five times, and PL/pgSQL planned each of those
-- statements once per session, with the transition tables as large as at that first call. A pooled connection's first
-- update of jobs is often one row (a start, a cancel, a progress report), so its plans joined the transition tables in
-- a nested loop that reads one of them once per row of the other: quadratic in the rows the statement changed. An
-- outcomes' statement of 250 jobs compared 62,250 pairs per join, and in the benchmark these five statements took
-- about as much of PostgreSQL's time as the outcomes' update itself.
--
-- Now the trigger joins the two once, in one statement that does everything the five did, and runs it with EXECUTE:
-- planned at every call for the rows the transition tables hold, so a large statement's rows meet in a hash join, each
-- read once. Planning once per trigger call costs less than the five cached executions it replaces on a small one.
create or replace function jobs_on_update() returns trigger language plpgsql as $$
declare
    staged        bigint;
    notifications bigint;
begin
    execute $changes$
        with changed as materialized (
            select n.id, n.tenant, n.type, n.status, n.batch_id, n.attempt, n.result, n.error, n.workflow_id,
                   n.finished_at, n.publish_after, n.progress,
                   o.tenant as was_tenant, o.type as was_type, o.status as was_status, o.batch_id as was_batch_id,
                   o.attempt as was_attempt, o.progress as was_progress
            from old_rows o join new_rows n on n.id = o.id),
        counted as (
            insert into job_count_deltas (tenant, type, status, delta, finished_minute, batch_id)
            select tenant, type, status, sum(delta), finished_minute, batch_id
            from (select was_tenant as tenant, was_type as type, was_status as status, -1 as delta,
                         null::timestamptz as finished_minute, was_batch_id as batch_id
                  from changed
                  where was_status <> status
                  union all
                  select tenant, type, status, 1,
                         case when status in ('SUCCEEDED', 'FAILED', 'CANCELLED')
                              then date_trunc('minute', coalesce(finished_at, now())) end,
                         batch_id
                  from changed
                  where was_status <> status) as change
            group by tenant, type, status, finished_minute, batch_id),
        queued as (
            insert into job_outbox (job_id, attempt, publish_after)
            select id, attempt, publish_after
            from changed
            where status = 'QUEUED' and (was_status <> 'QUEUED' or was_attempt <> attempt)
            on conflict (job_id, attempt) do nothing),
        unqueued as (
            delete from job_outbox where ctid in (
                select q.ctid
                from changed c join job_outbox q on q.job_id = c.id and q.attempt = c.was_attempt
                where c.was_status = 'QUEUED' and c.status = 'CANCELLED'
                for update of q skip locked)),
        staging as (
            insert into job_event_inbox (tenant, job_id, type, status, batch_id, attempt, result, error, workflow_id)
            select tenant, id, type, status, batch_id, attempt, result, error, workflow_id
            from changed
            where was_status <> status
            order by id
            returning id),
        -- long-poll and SSE waiters in every API instance: the job, and a batch when one of its jobs became
        -- terminal; up to 200 ids to a notification (a payload holds 7,999 bytes)
        topics as (
            select id::text as topic
            from changed
            where was_status <> status or was_progress is distinct from progress or was_attempt <> attempt
            union
            select batch_id::text
            from changed
            where was_status <> status and batch_id is not null and status in ('SUCCEEDED', 'FAILED', 'CANCELLED')),
        notified as (
            select pg_notify('errand_job_changes', string_agg(topic, ','))
            from (select topic, (row_number() over () - 1) / 200 as chunk from topics) as numbered
            group by chunk)
        -- notified is read only so that it runs: unlike a data-modifying CTE, a plain one that nothing reads is skipped
        select (select count(*) from staging), (select count(*) from notified)
    $changes$ into staged, notifications;
    if staged > 0 then
        perform pg_notify('errand_job_events', 'staged');
    end if;
    return null;
end $$;
