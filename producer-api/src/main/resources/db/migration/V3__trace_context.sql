-- The W3C trace context of the request that submitted the job: published with every attempt, so one trace shows the
-- request, the broker hops, the worker and the result.
alter table jobs add column traceparent text;
