// Failures: the newest failed (and dead-lettered) jobs grouped by type and error, and per type the bulk actions.
// A bulk action first shows how many jobs it would touch (the maintained counts of GET /api/v1/stats) and acts only
// once the user confirms; the API then answers how many matched and changed.

import {api, query} from '../api.js';
import {askFirst, el, fill, link, notice, table, time} from '../dom.js';

const UNFINISHED = ['QUEUED', 'RUNNING', 'RETRYING'];

export async function render(ctx) {
    const type = ctx.search.get('type') || '';
    const message = el('div', {id: 'bulk-message'});
    const body = el('div', {id: 'failures'});
    ctx.main.append(el('h1', {}, 'Failures'), message, body);
    const draw = async () => {
        const [failures, stats] = await Promise.all([
            api(`/api/v1/jobs/failures${query({type})}`, {signal: ctx.signal}),
            api('/api/v1/stats', {signal: ctx.signal})]);
        fill(body, groups(failures), ctx.can('jobs:manage') ? bulkActions(ctx, stats, message, draw) : null);
    };
    await draw();
}

function groups(failures) {
    if (failures.groups.length === 0) {
        return notice('No failed jobs.');
    }
    const caption = failures.complete ? `All ${failures.scanned} failed jobs, by type and error`
        : `The newest ${failures.scanned} failed jobs, by type and error`;
    return el('section', {'aria-labelledby': 'groups-title'},
        el('h2', {id: 'groups-title'}, 'By type and error'),
        table(caption, ['Type', 'Error', 'Message', 'Jobs', 'Newest'], failures.groups.map((g) => [
            link(`/console/jobs?status=FAILED&type=${encodeURIComponent(g.type)}`, g.type),
            g.errorType || '–',
            el('span', {class: 'message'}, g.message || '–'),
            String(g.jobs),
            link(`/console/jobs/${g.newestJobId}`, time(g.newest))]), {id: 'failure-groups'}));
}

function bulkActions(ctx, stats, message, redraw) {
    const rows = Object.entries(stats.byType).sort(([a], [b]) => a.localeCompare(b))
        .map(([type, counts]) => ({type, failed: counts.FAILED || 0,
            unfinished: UNFINISHED.reduce((sum, s) => sum + (counts[s] || 0), 0)}))
        .filter((row) => row.failed > 0 || row.unfinished > 0);
    if (rows.length === 0) {
        return null;
    }
    const confirmBox = el('div', {id: 'bulk-confirm'});
    const ask = (verb, type, count) => {
        const what = verb === 'retry' ? `Retry all ${count} failed jobs of type ${type}?`
            : `Cancel all ${count} unfinished jobs of type ${type}?`;
        askFirst(confirmBox, 'bulk', what, verb === 'retry' ? `Yes, retry ${count}` : `Yes, cancel ${count}`,
            async () => {
                await act(ctx, verb, {type, createdBefore: stats.asOf}, message);
                await redraw();
            });
    };
    return el('section', {'aria-labelledby': 'bulk-title'},
        el('h2', {id: 'bulk-title'}, 'Act on all matching jobs'),
        table('Per type: failed jobs to retry, unfinished jobs to cancel', ['Type', 'Failed', 'Unfinished', 'Act'],
            rows.map((row) => [row.type, String(row.failed), String(row.unfinished), el('span', {class: 'actions'},
                row.failed > 0 ? el('button', {type: 'button', 'data-retry-type': row.type,
                    onclick: () => ask('retry', row.type, row.failed)}, `Retry all matching (${row.failed})`) : null,
                row.unfinished > 0 ? el('button', {type: 'button', 'data-cancel-type': row.type,
                    onclick: () => ask('cancel', row.type, row.unfinished)},
                `Cancel all matching (${row.unfinished})`) : null)]), {id: 'bulk-table'}),
        confirmBox);
}

/** Runs the bulk action on the type's jobs created up to when the count was read, so the count stays honest. */
async function act(ctx, verb, filter, message) {
    fill(message);
    try {
        const outcome = await api(`/api/v1/jobs/${verb}`, {method: 'POST', body: filter, signal: ctx.signal});
        const done = verb === 'retry' ? 'retried' : 'cancelled';
        message.append(notice(`${outcome.changed} of ${outcome.matched} matching jobs of type ${filter.type} `
            + `${done}.`));
    } catch (error) {
        message.append(notice(error.message, 'error'));
    }
}
