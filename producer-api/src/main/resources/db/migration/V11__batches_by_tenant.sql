-- The batch list pages a tenant's batches newest first, cursor on (created_at, id): as workflows_of_tenant (V10).
create index batches_of_tenant on batches (tenant, created_at desc, id desc);
