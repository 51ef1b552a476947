-- Every job belongs to the tenant of the API key that submitted it (the API always names it); jobs stored before
-- tenants existed, and rows written by hand, are the default tenant's, the bootstrap key's.
alter table jobs add column tenant text not null default 'default';

-- An Idempotency-Key is per tenant: the same key in two tenants gives two jobs.
alter table jobs drop constraint jobs_idempotency_key_key;
create unique index jobs_idempotency_key on jobs (tenant, idempotency_key);

-- Every list a client reads is one tenant's, so the list indexes lead with the tenant.
drop index jobs_newest_first;
drop index jobs_by_status;
drop index jobs_by_type;
create index jobs_newest_first on jobs (tenant, created_at desc, id desc);
create index jobs_by_status on jobs (tenant, status, created_at desc, id desc);
create index jobs_by_type on jobs (tenant, type, created_at desc, id desc);

-- API keys. The secret itself is never stored: only its SHA-256 (the secrets are 256 random bits, so a fast hash is
-- as strong as a slow one here, and keeps authentication off the request's critical path).
create table api_keys (
    id           uuid primary key,
    name         text        not null,
    tenant       text        not null,
    scopes       text[]      not null,
    secret_hash  bytea       not null unique,
    created_at   timestamptz not null,
    expires_at   timestamptz,
    last_used_at timestamptz
);
