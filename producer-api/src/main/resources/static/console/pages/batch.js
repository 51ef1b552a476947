// A batch: its counts per status (maintained by the API) and its jobs in submission order, paged by cursor.

import {api, query} from '../api.js';
import {el, fact, fill, JOB_STATUSES, link, status, table, time} from '../dom.js';
import {every} from '../live.js';

export async function render(ctx) {
    const id = ctx.params.id;
    const after = ctx.search.get('after') || '';
    const body = el('div', {id: 'batch'});
    ctx.main.append(el('h1', {}, 'Batch ', el('code', {}, id)), body);
    await every(3000, async () => {
        const path = `/api/v1/batches/${encodeURIComponent(id)}`;
        const [batch, page] = await Promise.all([api(path, {signal: ctx.signal}),
            api(`${path}/jobs${query({after, limit: 50})}`, {signal: ctx.signal})]);
        draw(body, batch, page, id, after);
    }, ctx.signal, ctx.failed);
}

function draw(body, batch, page, id, after) {
    fill(body,
        el('dl', {class: 'facts'},
            fact('Status', batch.status, 'batch-status'),
            fact('Jobs', String(batch.size)),
            fact('Created', time(batch.createdAt)),
            fact('Finished', time(batch.finishedAt))),
        table('Jobs per status', ['Status', 'Jobs'], JOB_STATUSES.map((name) => [status(name),
            String(batch.counts[name] ?? 0)])),
        table('Its jobs, in submission order', ['Id', 'Type', 'Status', 'Finished'], page.jobs.map((job) => [
            link(`/console/jobs/${job.id}`, el('code', {}, job.id)), job.type, status(job.status),
            time(job.finishedAt)]), {id: 'batch-jobs'}),
        el('nav', {class: 'pager', 'aria-label': 'Pages'},
            after ? link(`/console/batches/${id}`, 'First') : null,
            page.next ? link(`/console/batches/${id}?after=${page.next}`, 'Next') : null));
}
