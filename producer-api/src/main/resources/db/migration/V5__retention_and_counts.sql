-- Retention finds the terminal jobs of one status finished before a cut-off, oldest first.
create index jobs_finished on jobs (status, finished_at) where finished_at is not null;

-- Counts without counting: how many jobs each tenant has per type and status, kept up to date instead of counted.
-- Writers never touch job_counts itself (one row per tenant, type and status would serialise every concurrent status
-- change): triggers append deltas, and a chore folds them in. Reading adds the deltas not yet folded, so a count is
-- exact at any moment.
create table job_counts (
    tenant text   not null,
    type   text   not null,
    status text   not null,
    count  bigint not null,
    primary key (tenant, type, status)
);

create table job_count_deltas (
    id              bigint generated always as identity primary key,
    tenant          text        not null,
    type            text        not null,
    status          text        not null,
    delta           bigint      not null,
    -- set when a job became terminal: the minute it finished, for "finished in the last hour"
    finished_minute timestamptz
);

-- Jobs that became terminal, per minute; minutes older than two hours are dropped by the fold.
create table job_finished_minutes (
    tenant text        not null,
    type   text        not null,
    status text        not null,
    minute timestamptz not null,
    count  bigint      not null,
    primary key (tenant, minute, type, status)
);

create function job_counts_on_insert() returns trigger language plpgsql as $$
begin
    insert into job_count_deltas (tenant, type, status, delta)
    select tenant, type, status, count(*) from inserted group by tenant, type, status;
    return null;
end $$;

create function job_counts_on_delete() returns trigger language plpgsql as $$
begin
    insert into job_count_deltas (tenant, type, status, delta)
    select tenant, type, status, -count(*) from deleted group by tenant, type, status;
    return null;
end $$;

create function job_counts_on_status_change() returns trigger language plpgsql as $$
begin
    insert into job_count_deltas (tenant, type, status, delta, finished_minute)
    values (old.tenant, old.type, old.status, -1, null),
           (new.tenant, new.type, new.status, 1,
            case when new.status in ('SUCCEEDED', 'FAILED', 'CANCELLED')
                 then date_trunc('minute', coalesce(new.finished_at, now())) end);
    return null;
end $$;

create trigger jobs_counted_on_insert after insert on jobs
    referencing new table as inserted for each statement execute function job_counts_on_insert();
create trigger jobs_counted_on_delete after delete on jobs
    referencing old table as deleted for each statement execute function job_counts_on_delete();
create trigger jobs_counted_on_status_change after update of status on jobs
    for each row when (old.status is distinct from new.status) execute function job_counts_on_status_change();

insert into job_counts (tenant, type, status, count)
select tenant, type, status, count(*) from jobs group by tenant, type, status;

insert into job_finished_minutes (tenant, type, status, minute, count)
select tenant, type, status, date_trunc('minute', finished_at), count(*) from jobs
where finished_at > now() - interval '2 hours' and status in ('SUCCEEDED', 'FAILED', 'CANCELLED')
group by tenant, type, status, date_trunc('minute', finished_at);
