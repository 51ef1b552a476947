// Jobs: the tenant's jobs newest first, filtered by what the URL says (so a filter survives a reload and can be
// shared), paged by the API's cursor. The first page stays current: it follows the outcome stream
// GET /api/v1/events where the API offers it, and re-reads itself every few seconds where it does not.

import {api, ApiError, query} from '../api.js';
import {el, fill, JOB_STATUSES, link, notice, status, table, time} from '../dom.js';
import {every, follow} from '../live.js';

const FILTERS = ['status', 'type', 'batch', 'workflow', 'schedule', 'createdAfter', 'createdBefore', 'id'];
const POLL_MS = 3000;

export async function render(ctx) {
    const filters = Object.fromEntries(FILTERS.map((name) => [name, ctx.search.get(name) || '']));
    const after = ctx.search.get('after') || '';
    ctx.main.append(el('h1', {}, 'Jobs'), filterForm(ctx, filters));
    const list = el('div', {id: 'job-list', 'aria-live': 'polite'});
    ctx.main.append(list);
    const refresh = async () => draw(list, ctx, filters, after, await read(ctx, filters, after));
    if (after || filters.id) {
        await refresh();
        return;
    }
    await refresh();
    keepCurrent(ctx, filters, refresh, list);
}

/**
 * Follows the outcome stream if the API has it; otherwise polls. The list's data-live says which ("stream" or
 * "poll"), so a test can tell the stream is what keeps it current.
 */
async function keepCurrent(ctx, filters, refresh, list) {
    let pending = null;
    const soon = () => {
        pending ??= setTimeout(() => {
            pending = null;
            refresh().catch(ctx.failed);
        }, 250);
    };
    const streamed = await follow(`/api/v1/events${query({type: filters.type, batch: filters.batch})}`,
        (event) => {
            if (event.event === 'job' || event.event === 'reset') {
                soon();
            }
        }, ctx.signal, () => {
            list.dataset.live = 'stream';
        });
    if (!streamed && !ctx.signal.aborted) {
        list.dataset.live = 'poll';
        every(POLL_MS, refresh, ctx.signal, ctx.failed);
    }
}

async function read(ctx, filters, after) {
    if (filters.id) {
        try {
            return {jobs: [await api(`/api/v1/jobs/${encodeURIComponent(filters.id)}`, {signal: ctx.signal})],
                next: null};
        } catch (error) {
            if (error instanceof ApiError && error.status === 404) {
                return {jobs: [], next: null};
            }
            throw error;
        }
    }
    const {id, ...listFilters} = filters;
    return api(`/api/v1/jobs${query({...listFilters, after, limit: 50})}`, {signal: ctx.signal});
}

function draw(list, ctx, filters, after, page) {
    const rows = page.jobs.map((job) => [
        link(`/console/jobs/${job.id}`, el('code', {}, job.id)),
        job.type,
        status(job.status),
        String(job.attempts),
        time(job.createdAt),
        time(job.finishedAt)]);
    const here = (extra) => `/console/jobs${query({...filters, ...extra})}`;
    fill(list,
        rows.length === 0 ? notice('No jobs match.') : table(after ? 'Jobs, an older page' : 'Jobs, newest first',
            ['Id', 'Type', 'Status', 'Attempts', 'Created', 'Finished'], rows, {id: 'jobs-table'}),
        el('nav', {class: 'pager', 'aria-label': 'Pages'},
            after ? link(here({}), 'Newest') : null,
            page.next ? link(here({after: page.next}), 'Older') : null));
}

function filterForm(ctx, filters) {
    const field = (name, label, control) => el('div', {class: 'field'}, el('label', {for: `filter-${name}`}, label),
        control);
    const input = (name, attributes = {}) => el('input', {id: `filter-${name}`, name, value: filters[name],
        ...attributes});
    const statusSelect = el('select', {id: 'filter-status', name: 'status'},
        el('option', {value: ''}, 'any'),
        JOB_STATUSES.map((name) => el('option', {value: name, selected: filters.status === name}, name)));
    const createdAfter = input('createdAfter', {type: 'datetime-local', value: toLocalInput(filters.createdAfter)});
    const createdBefore = input('createdBefore', {type: 'datetime-local',
        value: toLocalInput(filters.createdBefore)});
    const form = el('form', {id: 'job-filters', class: 'filters', role: 'search', onsubmit: (event) => {
        event.preventDefault();
        const data = new FormData(form);
        const chosen = Object.fromEntries(FILTERS.map((name) => [name, String(data.get(name) || '').trim()]));
        chosen.createdAfter = toInstant(chosen.createdAfter);
        chosen.createdBefore = toInstant(chosen.createdBefore);
        ctx.navigate(`/console/jobs${query(chosen)}`);
    }},
    field('status', 'Status', statusSelect),
    field('type', 'Type', input('type', {type: 'text', autocomplete: 'off'})),
    field('batch', 'Batch id', input('batch', {type: 'text', autocomplete: 'off'})),
    field('workflow', 'Workflow id', input('workflow', {type: 'text', autocomplete: 'off'})),
    field('schedule', 'Schedule id', input('schedule', {type: 'text', autocomplete: 'off'})),
    field('createdAfter', 'Created from', createdAfter),
    field('createdBefore', 'Created before', createdBefore),
    field('id', 'Job id', input('id', {type: 'text', autocomplete: 'off'})),
    el('div', {class: 'actions'},
        el('button', {type: 'submit'}, 'Filter'),
        link('/console/jobs', 'Clear')));
    return form;
}

/** A datetime-local value (the browser's zone) as an instant; empty stays empty. */
function toInstant(local) {
    return local ? new Date(local).toISOString() : '';
}

/** An instant as a datetime-local value in the browser's zone. */
function toLocalInput(instant) {
    if (!instant) {
        return '';
    }
    const date = new Date(instant);
    if (Number.isNaN(date.getTime())) {
        return '';
    }
    const local = new Date(date.getTime() - date.getTimezoneOffset() * 60000);
    return local.toISOString().slice(0, 16);
}
