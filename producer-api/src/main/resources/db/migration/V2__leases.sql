-- A job longer than the broker's consumer timeout runs under a lease: the worker acknowledged its delivery and
-- renews the lease with its heartbeats; the rescuer requeues the job as a new attempt when the lease lapses.
alter table jobs add column lease_until timestamptz;
alter table jobs add column leased_by text;

create index jobs_leased on jobs (lease_until) where lease_until is not null;
