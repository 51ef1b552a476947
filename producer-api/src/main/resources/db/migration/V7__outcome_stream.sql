-- The outcome stream: every status change of a job, numbered so that a client resuming after event N gets every later
-- one exactly once and in order, whichever API instance it reads from.
--
-- A number taken when a change is written cannot be that order: transactions commit in another order than they
-- started, so a reader could pass number 11 before number 10 commits. Changes are therefore staged, by a trigger in
-- the transaction that makes them, and numbered later by one sequencer at a time (any API instance, under an
-- advisory lock), which only ever sees committed changes and numbers them after everything it numbered before.

create table job_event_inbox (
    id         bigint generated always as identity primary key,
    tenant     text        not null,
    job_id     uuid        not null,
    type       text        not null,
    status     text        not null,
    batch_id   uuid,
    attempt    int         not null,
    result     jsonb,
    error      jsonb,
    changed_at timestamptz not null default now()
);

create table job_events (
    seq          bigint primary key,
    tenant       text        not null,
    job_id       uuid        not null,
    type         text        not null,
    status       text        not null,
    batch_id     uuid,
    attempt      int         not null,
    result       jsonb,
    error        jsonb,
    changed_at   timestamptz not null,
    sequenced_at timestamptz not null default now()
);

create index job_events_of_tenant on job_events (tenant, seq);

-- The last number given, and the highest number expired: a client resuming before it may have missed events.
create table job_event_cursor (
    only_row        boolean primary key default true check (only_row),
    last_seq        bigint not null,
    expired_through bigint not null
);
insert into job_event_cursor (last_seq, expired_through) values (0, 0);

create function job_events_on_insert() returns trigger language plpgsql as $$
begin
    insert into job_event_inbox (tenant, job_id, type, status, batch_id, attempt, result, error)
    select tenant, id, type, status, batch_id, attempt, result, error from inserted order by created_at, id;
    perform pg_notify('errand_job_events', 'staged');
    return null;
end $$;

create function job_events_on_status_change() returns trigger language plpgsql as $$
begin
    insert into job_event_inbox (tenant, job_id, type, status, batch_id, attempt, result, error)
    values (new.tenant, new.id, new.type, new.status, new.batch_id, new.attempt, new.result, new.error);
    perform pg_notify('errand_job_events', 'staged');
    return null;
end $$;

create trigger jobs_staged_on_insert after insert on jobs
    referencing new table as inserted for each statement execute function job_events_on_insert();
create trigger jobs_staged_on_status_change after update of status on jobs
    for each row when (old.status is distinct from new.status) execute function job_events_on_status_change();

-- Numbers up to max_rows staged changes, oldest first; answers how many, or -1 when another sequencer is at work.
-- The lock is taken first: every later statement sees what committed before it was granted.
create function sequence_job_events(max_rows int) returns int language plpgsql as $$
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
    insert into job_events (seq, tenant, job_id, type, status, batch_id, attempt, result, error, changed_at)
    select last + row_number() over (order by id), tenant, job_id, type, status, batch_id, attempt, result, error,
           changed_at
    from staged;
    get diagnostics moved = row_count;
    if moved > 0 then
        update job_event_cursor set last_seq = last + moved;
        perform pg_notify('errand_job_events', 'sequenced');
    end if;
    return moved;
end $$;

-- Deletes up to max_rows events numbered longer than kept ago, oldest first, and raises the expiry mark; answers how
-- many went. It takes the sequencer's lock, so the two never race on the cursor row.
create function expire_job_events(kept interval, max_rows int) returns int language plpgsql as $$
declare
    highest bigint;
    gone    int;
begin
    if not pg_try_advisory_xact_lock(hashtext('errand_job_event_sequencer')) then
        return 0;
    end if;
    with expired as (
        delete from job_events
        where seq in (select seq from job_events where sequenced_at < now() - kept order by seq limit max_rows)
        returning seq
    )
    select max(seq), count(*) into highest, gone from expired;
    if gone > 0 then
        update job_event_cursor set expired_through = greatest(expired_through, highest);
    end if;
    return gone;
end $$;
