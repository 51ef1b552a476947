-- Workflows: steps are ordinary jobs, created when their last dependency succeeds. The engine is this trigger on the
-- jobs table, so whatever changes a step's job (a result, a dead letter, a lease rescue, a cancel, a retry) advances
-- its workflow in the same transaction: no poller decides, and no crash can fall between a result and its effect.

create table workflows (
    id                uuid primary key,
    tenant            text        not null,
    name              text,
    status            text        not null check (status in ('RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
    on_failure        text        not null check (on_failure in ('FAIL_FAST', 'CONTINUE')),
    steps             int         not null,
    -- steps not ended yet, and steps ended otherwise than SUCCEEDED: the workflow ends when the first reaches 0
    steps_open        int         not null,
    steps_failed      int         not null default 0,
    max_payload_bytes int         not null,
    created_at        timestamptz not null,
    finished_at       timestamptz
);
create index workflows_of_tenant on workflows (tenant, created_at desc, id desc);

create table workflow_steps (
    workflow_id    uuid    not null references workflows (id) on delete cascade,
    step_id        text    not null,
    position       int     not null,
    type           text    not null,
    payload        jsonb   not null,  -- as submitted, references included
    has_references boolean not null,
    timeout_ms     bigint  not null,
    max_attempts   int     not null,
    depends_on     text[]  not null,
    waiting_on     int     not null,  -- dependencies that have not succeeded (a counter, so fan-in reads no rows)
    -- WAITING until its job exists; CANCELLED or FAILED when it ended without one; RUNNABLE once it has a job
    state          text    not null check (state in ('WAITING', 'RUNNABLE', 'CANCELLED', 'FAILED')),
    -- set when the engine cancelled the step (a failure elsewhere, a workflow cancel): a resume revives it
    reason         text,
    error          jsonb,
    job_id         uuid,
    primary key (workflow_id, step_id)
);

create table workflow_edges (
    workflow_id uuid not null references workflows (id) on delete cascade,
    from_step   text not null,
    to_step     text not null,
    primary key (workflow_id, from_step, to_step)
);

alter table jobs add column workflow_id uuid;
alter table jobs add column step_id text;
create index jobs_by_workflow on jobs (workflow_id, created_at desc, id desc) where workflow_id is not null;

-- A UUIDv7 (time-ordered, as the API's job ids are), so steps list in creation order like every other job.
create function workflow_uuid_v7() returns uuid language sql volatile as $$
    select encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) placing
        substring(int8send(floor(extract(epoch from clock_timestamp()) * 1000)::bigint) from 3) from 1 for 6),
        52, 1), 53, 1), 'hex')::uuid
$$;

-- '/a/0/b~1c' → {a,0,b/c}
create function workflow_pointer_path(pointer text) returns text[] language sql immutable as $$
    select case when pointer = '' then '{}'::text[]
           else array(select replace(replace(part, '~1', '/'), '~0', '~')
                      from unnest(string_to_array(substr(pointer, 2), '/')) with ordinality as p(part, i)
                      order by i) end
$$;

create function workflow_step_result(wf uuid, step text) returns jsonb language sql stable as $$
    select j.result from workflow_steps s join jobs j on j.id = s.job_id where s.workflow_id = wf and s.step_id = step
$$;

-- The payload with every {"$from": "a"}, {"$from": "a", "at": "/p"} and {"$from": ["a", "b"]} replaced.
create function workflow_resolve(template jsonb, wf uuid) returns jsonb language plpgsql stable as $$
declare
    resolved jsonb;
begin
    if jsonb_typeof(template) = 'object' then
        if template ? '$from' then
            if jsonb_typeof(template -> '$from') = 'array' then
                select coalesce(jsonb_agg(workflow_step_result(wf, ref #>> '{}') order by i), '[]'::jsonb)
                into resolved from jsonb_array_elements(template -> '$from') with ordinality as r(ref, i);
                return resolved;
            end if;
            resolved := workflow_step_result(wf, template ->> '$from');
            if template ? 'at' then
                return coalesce(resolved #> workflow_pointer_path(template ->> 'at'), 'null'::jsonb);
            end if;
            return resolved;
        end if;
        select coalesce(jsonb_object_agg(key, workflow_resolve(value, wf)), '{}'::jsonb)
        into resolved from jsonb_each(template);
        return resolved;
    elsif jsonb_typeof(template) = 'array' then
        select coalesce(jsonb_agg(workflow_resolve(element, wf) order by i), '[]'::jsonb)
        into resolved from jsonb_array_elements(template) with ordinality as e(element, i);
        return resolved;
    end if;
    return template;
end $$;

-- Creates the job of a step whose dependencies all succeeded, unpublished so the outbox relay enqueues it; a payload
-- that resolves past the size limit fails the step instead.
create function workflow_start_step(wf uuid, step text) returns void language plpgsql as $$
declare
    s        workflow_steps;
    w        workflows;
    payload  jsonb;
    job      uuid := workflow_uuid_v7();
begin
    select * into s from workflow_steps where workflow_id = wf and step_id = step;
    select * into w from workflows where id = wf;
    payload := case when s.has_references then workflow_resolve(s.payload, wf) else s.payload end;
    if octet_length(payload::text) > w.max_payload_bytes then
        update workflow_steps set state = 'FAILED', error = jsonb_build_object('type', 'PayloadTooLarge',
            'message', 'the payload, its references resolved, is ' || octet_length(payload::text)
                || ' bytes, over errand.api.jobs.max-request-size (' || w.max_payload_bytes || ')')
        where workflow_id = wf and step_id = step;
        perform workflow_step_ended(wf, step, false);
        return;
    end if;
    update workflow_steps set state = 'RUNNABLE', job_id = job where workflow_id = wf and step_id = step;
    insert into jobs (id, type, status, payload, max_attempts, timeout_ms, created_at, publish_after, updated_at,
                      tenant, workflow_id, step_id)
    values (job, s.type, 'QUEUED', payload, s.max_attempts, s.timeout_ms, now(), now(), now(), w.tenant, wf, step);
    perform pg_notify('errand_outbox', '');
end $$;

-- Cancels, with a reason, every unended step that the engine may cancel: those in `steps` (or all when null).
create function workflow_cancel_steps(wf uuid, steps text[], why text) returns void language plpgsql as $$
declare
    cancelled int;
begin
    update workflow_steps set state = 'CANCELLED', reason = why
    where workflow_id = wf and state = 'WAITING' and (steps is null or step_id = any(steps));
    get diagnostics cancelled = row_count;
    update workflows set steps_open = steps_open - cancelled, steps_failed = steps_failed + cancelled
    where id = wf;
    -- steps with a job: the job is cancelled, and this trigger counts it when it fires for that change
    update workflow_steps set reason = why
    where workflow_id = wf and state = 'RUNNABLE' and (steps is null or step_id = any(steps))
      and job_id in (select id from jobs where workflow_id = wf and status in ('QUEUED', 'RUNNING', 'RETRYING'));
    update jobs set status = 'CANCELLED', finished_at = now(), updated_at = now()
    where workflow_id = wf and status in ('QUEUED', 'RUNNING', 'RETRYING')
      and (steps is null or step_id = any(steps));
end $$;

-- A step ended: count it, start what it enabled, apply the failure policy, and end the workflow when nothing is open.
create function workflow_step_ended(wf uuid, step text, succeeded boolean) returns void language plpgsql as $$
declare
    w           workflows;
    by_engine   boolean;
    next_step   text;
    dependents  text[];
begin
    select reason is not null into by_engine from workflow_steps where workflow_id = wf and step_id = step;
    update workflows set steps_open = steps_open - 1,
                         steps_failed = steps_failed + case when succeeded then 0 else 1 end
    where id = wf returning * into w;
    if succeeded then
        if w.status = 'RUNNING' then
            update workflow_steps s set waiting_on = waiting_on - 1
            from workflow_edges e
            where e.workflow_id = wf and e.from_step = step and s.workflow_id = wf and s.step_id = e.to_step;
            for next_step in
                select s.step_id from workflow_steps s join workflow_edges e
                    on e.workflow_id = wf and e.from_step = step and e.to_step = s.step_id
                where s.workflow_id = wf and s.waiting_on = 0 and s.state = 'WAITING' order by s.position
            loop
                perform workflow_start_step(wf, next_step);
            end loop;
        end if;
    elsif not by_engine and w.status = 'RUNNING' then
        if w.on_failure = 'FAIL_FAST' then
            update workflows set status = 'FAILED', finished_at = now() where id = wf;
            perform workflow_cancel_steps(wf, null, 'step ' || step || ' failed, and the workflow fails fast');
        else
            with recursive reachable(step_id) as (
                select to_step from workflow_edges where workflow_id = wf and from_step = step
                union
                select e.to_step from workflow_edges e join reachable r on e.from_step = r.step_id
                where e.workflow_id = wf
            )
            select array_agg(step_id) into dependents from reachable;
            if dependents is not null then
                perform workflow_cancel_steps(wf, dependents, 'it depends on step ' || step || ', which failed');
            end if;
        end if;
    end if;
    select * into w from workflows where id = wf;
    if w.steps_open = 0 and w.status = 'RUNNING' then
        update workflows set status = case when w.steps_failed = 0 then 'SUCCEEDED' else 'FAILED' end,
                             finished_at = now()
        where id = wf;
    end if;
end $$;

-- A retried step: the workflow runs again, and what the engine cancelled because of the failure is revived. A
-- cancelled workflow stays cancelled: the retried job runs on its own.
create function workflow_step_resumed(wf uuid, step text) returns void language plpgsql as $$
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
                      published_at = null, publish_after = now(), updated_at = now(),
                      max_attempts = greatest(j.max_attempts, j.attempt + 1)
    from workflow_steps s
    where s.workflow_id = wf and s.reason is not null and s.job_id = j.id and j.status = 'CANCELLED';
    perform pg_notify('errand_outbox', '');
end $$;

create function workflow_on_job_status_change() returns trigger language plpgsql as $$
declare
    was_ended boolean := old.status in ('SUCCEEDED', 'FAILED', 'CANCELLED');
    is_ended  boolean := new.status in ('SUCCEEDED', 'FAILED', 'CANCELLED');
begin
    -- the workflow's waiters and streams re-read it on any change of a step
    perform pg_notify('errand_job_changes', new.workflow_id::text);
    if is_ended and not was_ended then
        perform workflow_step_ended(new.workflow_id, new.step_id, new.status = 'SUCCEEDED');
    elsif was_ended and not is_ended then
        perform workflow_step_resumed(new.workflow_id, new.step_id);
    end if;
    return null;
end $$;

create trigger jobs_advance_workflows after update of status on jobs
    for each row when (new.workflow_id is not null and old.status is distinct from new.status)
    execute function workflow_on_job_status_change();

-- The outcome stream carries the workflow of a step's job, so a client can follow one workflow's steps.
alter table job_event_inbox add column workflow_id uuid;
alter table job_events add column workflow_id uuid;

create or replace function job_events_on_insert() returns trigger language plpgsql as $$
begin
    insert into job_event_inbox (tenant, job_id, type, status, batch_id, attempt, result, error, workflow_id)
    select tenant, id, type, status, batch_id, attempt, result, error, workflow_id from inserted
    order by created_at, id;
    perform pg_notify('errand_job_events', 'staged');
    return null;
end $$;

create or replace function job_events_on_status_change() returns trigger language plpgsql as $$
begin
    insert into job_event_inbox (tenant, job_id, type, status, batch_id, attempt, result, error, workflow_id)
    values (new.tenant, new.id, new.type, new.status, new.batch_id, new.attempt, new.result, new.error,
            new.workflow_id);
    perform pg_notify('errand_job_events', 'staged');
    return null;
end $$;

create or replace function sequence_job_events(max_rows int) returns int language plpgsql as $$
declare
    last   bigint;
    moved  int;
begin
    if not pg_try_advisory_xact_lock(hashtext('errand_job_event_sequencer')) then
        return -1;
    end if;
    select last_seq into last from job_event_cursor;
    with staged as (
        delete from job_event_inbox
        where id in (select id from job_event_inbox order by id limit max_rows)
        returning *
    )
    insert into job_events (seq, tenant, job_id, type, status, batch_id, attempt, result, error, changed_at,
                            workflow_id)
    select last + row_number() over (order by id), tenant, job_id, type, status, batch_id, attempt, result, error,
           changed_at, workflow_id
    from staged;
    get diagnostics moved = row_count;
    if moved > 0 then
        update job_event_cursor set last_seq = last + moved;
        perform pg_notify('errand_job_events', 'sequenced');
    end if;
    return moved;
end $$;
