-- What a status change sets off (a count delta, an outcome-stream event, the change hub's notifications) now runs
-- once per statement over its transition tables instead of once per row: the results path applies a whole batch of
-- outcomes in one statement, and three plpgsql calls per job cost PostgreSQL more than the update itself. Deltas
-- come out summed per tenant, type, status, minute and batch, so the fold has fewer rows to fold.
drop trigger jobs_changed on jobs;
drop trigger jobs_counted_on_status_change on jobs;
drop trigger jobs_staged_on_status_change on jobs;
drop function notify_job_change();
drop function job_counts_on_status_change();
drop function job_events_on_status_change();

create function jobs_on_update() returns trigger language plpgsql as $$
begin
    insert into job_count_deltas (tenant, type, status, delta, finished_minute, batch_id)
    select tenant, type, status, sum(delta), finished_minute, batch_id
    from (select o.tenant, o.type, o.status, -1 as delta, null::timestamptz as finished_minute, o.batch_id
          from old_rows o join new_rows n on n.id = o.id
          where o.status <> n.status
          union all
          select n.tenant, n.type, n.status, 1,
                 case when n.status in ('SUCCEEDED', 'FAILED', 'CANCELLED')
                      then date_trunc('minute', coalesce(n.finished_at, now())) end,
                 n.batch_id
          from old_rows o join new_rows n on n.id = o.id
          where o.status <> n.status) as change
    group by tenant, type, status, finished_minute, batch_id;

    insert into job_event_inbox (tenant, job_id, type, status, batch_id, attempt, result, error, workflow_id)
    select n.tenant, n.id, n.type, n.status, n.batch_id, n.attempt, n.result, n.error, n.workflow_id
    from old_rows o join new_rows n on n.id = o.id
    where o.status <> n.status
    order by n.id;
    if found then
        perform pg_notify('errand_job_events', 'staged');
    end if;

    -- long-poll and SSE waiters in every API instance: the job, and a batch when one of its jobs became terminal
    perform pg_notify('errand_job_changes', n.id::text)
    from old_rows o join new_rows n on n.id = o.id
    where o.status <> n.status or o.progress is distinct from n.progress or o.attempt <> n.attempt;
    perform pg_notify('errand_job_changes', n.batch_id::text)
    from old_rows o join new_rows n on n.id = o.id
    where o.status <> n.status and n.batch_id is not null and n.status in ('SUCCEEDED', 'FAILED', 'CANCELLED');
    return null;
end $$;

create trigger jobs_changed after update on jobs
    referencing old table as old_rows new table as new_rows
    for each statement execute function jobs_on_update();
