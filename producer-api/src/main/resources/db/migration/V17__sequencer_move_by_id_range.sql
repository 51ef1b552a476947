-- The sequencer's move picked its rows with `where id in (select … limit max_rows)`. PL/pgSQL caches a statement's
-- plan, and a plan made while the inbox was nearly empty (as it mostly is) joins the inbox with that subquery row by
-- row: a nested loop that runs the subquery once per inbox row. Harmless on a few rows, quadratic once a backlog
-- builds: in the benchmark one round over 36,504 staged changes ran the subquery 36,504 times (36 million rows
-- filtered, 1.3 million buffers, 23.5 s), so the sequencer fell further behind the longer it was behind.
--
-- Now the move deletes a range of ids: above the floor, up to the highest of the rows it picks, computed once before
-- the delete. The delete and its subquery read the inbox with one snapshot, so the visible rows in that range are
-- exactly the picked ones (only the sequencer deletes from the inbox, under its lock). Whatever plan the statistics
-- lead to, each row is read once.
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
        where id > c.inbox_floor
          and id <= (select max(id) from (select id from job_event_inbox where id > c.inbox_floor
                                           order by id limit max_rows) picked)
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
