-- The job row is its own outbox: published_at is null until the broker confirmed the job's current attempt.
create table jobs (
    id                  uuid primary key,
    type                text        not null,
    status              text        not null,
    payload             jsonb       not null,
    result              jsonb,
    error               jsonb,
    progress            jsonb,
    attempt             int         not null default 1,  -- the attempt events must belong to (the fence)
    attempts            int         not null default 0,  -- runs started so far
    max_attempts        int         not null,
    timeout_ms          bigint      not null,
    idempotency_key     text unique,
    request_hash        text,
    created_at          timestamptz not null,
    publish_after       timestamptz not null,
    published_at        timestamptz,
    started_at          timestamptz,
    finished_at         timestamptz,
    updated_at          timestamptz not null,
    constraint jobs_status_known check (status in ('QUEUED', 'RUNNING', 'RETRYING', 'SUCCEEDED', 'FAILED', 'CANCELLED'))
);

create index jobs_unpublished on jobs (publish_after) where published_at is null;
create index jobs_newest_first on jobs (created_at desc, id desc);
create index jobs_by_status on jobs (status, created_at desc, id desc);
create index jobs_by_type on jobs (type, created_at desc, id desc);

-- One row per attempt that a worker reported on: who ran it, when, and how it ended.
create table job_attempts (
    job_id      uuid        not null references jobs (id) on delete cascade,
    attempt     int         not null,
    worker_id   text        not null,
    status      text        not null,
    started_at  timestamptz not null,
    finished_at timestamptz,
    error       jsonb,
    primary key (job_id, attempt)
);

-- Task types as workers announced them, so a restarted API still knows them while no worker runs.
create table task_types (
    name          text primary key,
    descriptor    jsonb       not null,
    first_seen_at timestamptz not null,
    last_seen_at  timestamptz not null
);

-- Long-poll and SSE waiters in every API instance learn of changes through LISTEN errand_job_changes.
create function notify_job_change() returns trigger as $$
begin
    perform pg_notify('errand_job_changes', new.id::text);
    return null;
end;
$$ language plpgsql;

create trigger jobs_changed
    after update on jobs
    for each row
    when (old.status is distinct from new.status
          or old.progress is distinct from new.progress
          or old.attempt is distinct from new.attempt)
    execute function notify_job_change();
