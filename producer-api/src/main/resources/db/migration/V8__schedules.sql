-- Cron schedules. Every API instance claims the due ones (next_fire_at <= now) with FOR UPDATE SKIP LOCKED through
-- schedules_due, so no scheduler process is needed and finding them never scans every schedule.
create table schedules (
    id            uuid primary key,
    tenant        text        not null,
    name          text        not null,
    cron          text        not null,
    time_zone     text        not null,
    job           jsonb       not null,  -- the job template: type, payload, timeout?, maxAttempts?
    overlap       text        not null,
    missed        text        not null,
    paused        boolean     not null,
    next_fire_at  timestamptz not null,
    last_job_id   uuid,                  -- the newest job it enqueued: what overlap SKIP waits on
    created_at    timestamptz not null,
    updated_at    timestamptz not null,
    constraint schedules_overlap_known check (overlap in ('SKIP', 'ALLOW')),
    constraint schedules_missed_known check (missed in ('LATEST', 'NONE'))
);

create index schedules_due on schedules (next_fire_at);
create index schedules_by_tenant on schedules (tenant, created_at desc, id desc);

-- One row per fire time: the primary key is what makes a fire time enqueue at most one job, whatever instance fires
-- it and however often. A run goes with its schedule; it keeps its job's id after retention deleted the job (no
-- foreign key to jobs), and the job keeps its schedule's id after the schedule was deleted.
create table schedule_runs (
    schedule_id   uuid        not null references schedules (id) on delete cascade,
    scheduled_for timestamptz not null,
    outcome       text        not null,
    job_id        uuid,
    triggered     boolean     not null default false,
    recorded_at   timestamptz not null,
    primary key (schedule_id, scheduled_for),
    constraint schedule_runs_outcome_known
        check (outcome in ('ENQUEUED', 'SKIPPED_OVERLAP', 'SKIPPED_MISSED', 'SKIPPED_PAUSED'))
);

-- Run retention deletes the oldest runs first.
create index schedule_runs_by_age on schedule_runs (recorded_at);

alter table jobs add column schedule_id uuid;
alter table jobs add column scheduled_for timestamptz;
create index jobs_by_schedule on jobs (schedule_id, created_at desc, id desc) where schedule_id is not null;
