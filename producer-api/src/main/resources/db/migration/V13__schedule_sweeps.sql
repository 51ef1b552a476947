-- A fire time counts as missed only when it passed while no API instance ran, not when the instances that ran were
-- busy. schedule_sweeps: when each instance last swept the schedules (a row per instance, so instances never wait on
-- each other). schedule_outages: a sweep that finds no sweep by any instance within missed-after records the gap;
-- the fire times in it (but the last missed-after of it) are the missed ones. Old rows go with old runs.
create table schedule_sweeps (
    instance uuid primary key,
    swept_at timestamptz not null
);

create table schedule_outages (
    ended_at timestamptz primary key,
    began_at timestamptz
);
