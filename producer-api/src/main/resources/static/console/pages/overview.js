// Overview: the tenant's jobs per status and per type, and what finished in the last hour, from GET /api/v1/stats
// (maintained counts: cheap with millions of jobs).

import {api} from '../api.js';
import {el, fill, JOB_STATUSES, link, status, table, time} from '../dom.js';
import {every} from '../live.js';

export async function render(ctx) {
    ctx.main.append(el('h1', {}, 'Overview'));
    const body = el('div', {id: 'overview'});
    ctx.main.append(body);
    await every(5000, async () => draw(body, await api('/api/v1/stats', {signal: ctx.signal})), ctx.signal,
        ctx.failed);
}

function draw(body, stats) {
    const hour = stats.lastHour;
    const types = Object.keys(stats.byType).sort();
    fill(body,
        el('section', {'aria-labelledby': 'last-hour'},
            el('h2', {id: 'last-hour'}, 'Last hour'),
            el('dl', {class: 'figures'},
                figure('Finished', hour.finished, 'last-hour-finished'),
                figure('Succeeded', hour.succeeded, 'last-hour-succeeded'),
                figure('Failed', hour.failed, 'last-hour-failed'),
                figure('Cancelled', hour.cancelled, 'last-hour-cancelled'))),
        el('section', {'aria-labelledby': 'by-status'},
            el('h2', {id: 'by-status'}, 'Jobs by status'),
            table(`${stats.total} jobs in all`, ['Status', 'Jobs'], JOB_STATUSES.map((name) => [
                link(`/console/jobs?status=${name}`, status(name)), String(stats.byStatus[name] ?? 0)]),
            {id: 'by-status-table'})),
        el('section', {'aria-labelledby': 'by-type'},
            el('h2', {id: 'by-type'}, 'Jobs by type'),
            types.length === 0 ? el('p', {}, 'No jobs yet.')
                : table('Jobs per type and status', ['Type', ...JOB_STATUSES], types.map((type) => [
                    link(`/console/jobs?type=${encodeURIComponent(type)}`, type),
                    ...JOB_STATUSES.map((name) => String(stats.byType[type][name] ?? 0))]),
                {id: 'by-type-table'})),
        el('p', {class: 'muted'}, 'As of ', time(stats.asOf)));
}

function figure(label, value, id) {
    return el('div', {}, el('dt', {}, label), el('dd', {id}, String(value)));
}
