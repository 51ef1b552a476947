-- A batch submit is a batch a client can wait on: its jobs carry its id and their place in the request.
create table batches (
    id          uuid primary key,
    tenant      text        not null,
    size        int         not null,
    created_at  timestamptz not null
);

alter table jobs add column batch_id uuid;
alter table jobs add column batch_position int;
create index jobs_by_batch on jobs (batch_id, batch_position) where batch_id is not null;

-- A batch's counts per status are maintained like the tenant's (V5): the same deltas carry the batch.
alter table job_count_deltas add column batch_id uuid;
create table batch_counts (
    batch_id uuid   not null,
    status   text   not null,
    count    bigint not null,
    primary key (batch_id, status)
);

create or replace function job_counts_on_insert() returns trigger language plpgsql as $$
begin
    insert into job_count_deltas (tenant, type, status, delta, batch_id)
    select tenant, type, status, count(*), batch_id from inserted group by tenant, type, status, batch_id;
    return null;
end $$;

create or replace function job_counts_on_delete() returns trigger language plpgsql as $$
begin
    insert into job_count_deltas (tenant, type, status, delta, batch_id)
    select tenant, type, status, -count(*), batch_id from deleted group by tenant, type, status, batch_id;
    return null;
end $$;

create or replace function job_counts_on_status_change() returns trigger language plpgsql as $$
begin
    insert into job_count_deltas (tenant, type, status, delta, finished_minute, batch_id)
    values (old.tenant, old.type, old.status, -1, null, old.batch_id),
           (new.tenant, new.type, new.status, 1,
            case when new.status in ('SUCCEEDED', 'FAILED', 'CANCELLED')
                 then date_trunc('minute', coalesce(new.finished_at, now())) end,
            new.batch_id);
    return null;
end $$;

-- A batch's waiters are woken when one of its jobs becomes terminal: the notification names the batch too.
create or replace function notify_job_change() returns trigger as $$
begin
    perform pg_notify('errand_job_changes', new.id::text);
    if new.batch_id is not null and new.status in ('SUCCEEDED', 'FAILED', 'CANCELLED') then
        perform pg_notify('errand_job_changes', new.batch_id::text);
    end if;
    return null;
end;
$$ language plpgsql;
