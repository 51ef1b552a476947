-- The sequencer found staged changes by walking the inbox's primary key from its lowest entry. Every change it moved
-- left a dead entry there until a vacuum came by, so each round walked past all the rounds before it: under load a
-- round read about 3,000 buffers to move 60 rows, more than any other statement of the hot path.
--
-- Now a round starts above a floor below which every staged change has been numbered or rolled back. A change not yet
-- visible belongs to a transaction still running, so the floor may only rise to ids that no running transaction can
-- hold. Each drained round notes the highest id handed out so far, then takes a transaction id of its own: a
-- transaction that took one of those inbox ids had its transaction id before (it wrote its job's row first), so a
-- lower one. A later round whose snapshot, taken before its move, has no running transaction below that mark raises
-- the floor to that id once it has moved everything visible. (A snapshot's xmax is no such mark: it is one past the
-- last transaction to complete, and a newer one may still be running.) This relies on the identity's cache of 1: no
-- session holds ids reserved earlier.
alter table job_event_cursor
    add column inbox_floor          bigint not null default 0,
    add column floor_candidate      bigint,
    add column floor_candidate_xid  xid8;

create or replace function sequence_job_events(max_rows int) returns int language plpgsql as $$
declare
    handed_out bigint;
    snap       pg_snapshot;
    c          job_event_cursor;
    floor_now  bigint;
    moved      int;
begin
    if not pg_try_advisory_xact_lock(hashtext('errand_job_event_sequencer')) then
        return -1;
    end if;
    select case when is_called then last_value else last_value - 1 end into handed_out from job_event_inbox_id_seq;
    -- taken before the move's own snapshot: what ended before it is visible to the move
    select pg_current_snapshot() into snap;
    select * into c from job_event_cursor;
    with staged as (
        delete from job_event_inbox
        where id in (select id from job_event_inbox where id > c.inbox_floor order by id limit max_rows)
        returning *
    )
    insert into job_events (seq, tenant, job_id, type, status, batch_id, attempt, result, error, changed_at,
                            workflow_id)
    select c.last_seq + row_number() over (order by id), tenant, job_id, type, status, batch_id, attempt, result,
           error, changed_at, workflow_id
    from staged;
    get diagnostics moved = row_count;
    floor_now := c.inbox_floor;
    if moved < max_rows then
        -- drained: what was handed out before this round is numbered once nothing older than it still runs
        if c.floor_candidate_xid <= pg_snapshot_xmin(snap) then
            floor_now := c.floor_candidate;
        end if;
    end if;
    if moved > 0 or floor_now <> c.inbox_floor
       or (moved < max_rows and handed_out is distinct from c.floor_candidate) then
        update job_event_cursor
        set last_seq = c.last_seq + moved, inbox_floor = floor_now,
            floor_candidate = case when moved < max_rows then handed_out else c.floor_candidate end,
            floor_candidate_xid = case when moved < max_rows then pg_current_xact_id()
                                        else c.floor_candidate_xid end;
    end if;
    if moved > 0 then
        perform pg_notify('errand_job_events', 'sequenced');
    end if;
    return moved;
end $$;
