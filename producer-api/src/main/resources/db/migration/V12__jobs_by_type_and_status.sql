-- A list filtered by both type and status (the console's "FAILED prime-count jobs") read jobs_by_status and filtered
-- the type row by row: a pair with few or no matches read the tenant's whole status range (553 ms for no match among
-- 100,000 FAILED jobs of 1,000,000; 0.3 ms with this index). It costs one more index write per insert and per status
-- change. On a large existing store, build it first with CREATE INDEX CONCURRENTLY under this name: this migration
-- then finds it and only records itself (a plain CREATE INDEX blocks writes to jobs while it builds, about 4 s per
-- million rows on 2 cores).
create index if not exists jobs_by_type_and_status on jobs (tenant, type, status, created_at desc, id desc);
