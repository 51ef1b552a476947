-- The outbox moves out of the job row into a narrow table of its own. Marking a job published used to rewrite the
-- whole row (payload included) with a new entry in every one of its indexes: about a quarter of the buffers
-- PostgreSQL touched per job on the hot path. Now a job whose attempt waits to be published has a row here, written
-- in the same statement as the job (by the triggers below), and the relay deletes it once the broker confirmed that
-- attempt. A job cancelled before it was published takes its row with it. A row whose job has otherwise left QUEUED
-- or moved to another attempt (a relay that died between the broker's confirm and its delete) is never claimed, and
-- the relay prunes it when it is idle.
create table job_outbox (
    job_id        uuid        not null,
    attempt       int         not null,
    publish_after timestamptz not null,
    primary key (job_id, attempt)
);
create index job_outbox_due on job_outbox (publish_after);

-- A queue table: every row is deleted within moments of its insert, so it is vacuumed by count, not by its size.
alter table job_outbox set (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 2000,
                            autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_insert_threshold = 2000);

insert into job_outbox (job_id, attempt, publish_after)
select id, attempt, publish_after from jobs where published_at is null and status = 'QUEUED';

create function job_outbox_on_insert() returns trigger language plpgsql as $$
begin
    insert into job_outbox (job_id, attempt, publish_after)
    select id, attempt, publish_after from inserted where status = 'QUEUED';
    return null;
end $$;

create trigger jobs_queued_on_insert after insert on jobs
    referencing new table as inserted for each statement execute function job_outbox_on_insert();

-- As V14's, plus: a job that enters QUEUED, or takes a new attempt in it, waits to be published; one cancelled while it
-- waited does not (a row a relay holds is skipped: that relay is publishing it and deletes it); and the change hub's
-- notifications carry up to 200 ids each, a batch's once, instead of one call per job and one per job of a batch (each
-- pg_notify call costs, duplicates or not, and so does each notification the listeners read).
create or replace function jobs_on_update() returns trigger language plpgsql as $$
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

    insert into job_outbox (job_id, attempt, publish_after)
    select n.id, n.attempt, n.publish_after
    from old_rows o join new_rows n on n.id = o.id
    where n.status = 'QUEUED' and (o.status <> 'QUEUED' or o.attempt <> n.attempt)
    on conflict (job_id, attempt) do nothing;

    delete from job_outbox where ctid in (
        select q.ctid
        from old_rows o join new_rows n on n.id = o.id join job_outbox q on q.job_id = o.id and q.attempt = o.attempt
        where o.status = 'QUEUED' and n.status = 'CANCELLED'
        for update of q skip locked);

    insert into job_event_inbox (tenant, job_id, type, status, batch_id, attempt, result, error, workflow_id)
    select n.tenant, n.id, n.type, n.status, n.batch_id, n.attempt, n.result, n.error, n.workflow_id
    from old_rows o join new_rows n on n.id = o.id
    where o.status <> n.status
    order by n.id;
    if found then
        perform pg_notify('errand_job_events', 'staged');
    end if;

    -- long-poll and SSE waiters in every API instance: the job, and a batch when one of its jobs became terminal; up to
    -- 200 ids to a notification (a payload holds 7,999 bytes)
    perform pg_notify('errand_job_changes', string_agg(topic, ','))
    from (select topic, (row_number() over () - 1) / 200 as chunk
          from (select n.id::text as topic
                from old_rows o join new_rows n on n.id = o.id
                where o.status <> n.status or o.progress is distinct from n.progress or o.attempt <> n.attempt
                union
                select n.batch_id::text
                from old_rows o join new_rows n on n.id = o.id
                where o.status <> n.status and n.batch_id is not null
                  and n.status in ('SUCCEEDED', 'FAILED', 'CANCELLED')) as topics) as numbered
    group by chunk;
    return null;
end $$;

-- V10's, without published_at: the revived jobs' new attempts reach the outbox through jobs_on_update.
create or replace function workflow_step_resumed(wf uuid, step text) returns void language plpgsql as $$
declare
    revived int;
    waiting text;
begin
    update workflow_steps set reason = null, error = null where workflow_id = wf and step_id = step;
    if (select status from workflows where id = wf) = 'CANCELLED' then
        update workflows set steps_open = steps_open + 1, steps_failed = steps_failed - 1 where id = wf;
        return;
    end if;
    update workflows set status = 'RUNNING', finished_at = null, steps_open = steps_open + 1,
                         steps_failed = steps_failed - 1
    where id = wf;
    update workflow_steps set state = 'WAITING', reason = null
    where workflow_id = wf and state = 'CANCELLED' and reason is not null;
    get diagnostics revived = row_count;
    update workflows set steps_open = steps_open + revived, steps_failed = steps_failed - revived where id = wf;
    for waiting in
        select step_id from workflow_steps
        where workflow_id = wf and state = 'WAITING' and waiting_on = 0 order by position
    loop
        perform workflow_start_step(wf, waiting);
    end loop;
    -- steps whose job the engine cancelled run again as their job's next attempt
    update jobs j set status = 'QUEUED', attempt = j.attempt + 1, result = null, progress = null, finished_at = null,
                      publish_after = now(), updated_at = now(),
                      max_attempts = greatest(j.max_attempts, j.attempt + 1)
    from workflow_steps s
    where s.workflow_id = wf and s.reason is not null and s.job_id = j.id and j.status = 'CANCELLED';
    perform pg_notify('errand_outbox', '');
end $$;

drop index jobs_unpublished;
alter table jobs drop column published_at;

-- Most jobs carry no Idempotency-Key: they need no entry in its unique index, on insert or on any later rewrite of
-- the row. On a large existing store, build this index first with CREATE INDEX CONCURRENTLY under this name: this
-- migration then finds it (as V12 does).
create unique index if not exists jobs_idempotency_key_given on jobs (tenant, idempotency_key)
    where idempotency_key is not null;
drop index jobs_idempotency_key;
