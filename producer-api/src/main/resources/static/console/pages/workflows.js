// Workflows: the tenant's workflows newest first, paged by the API's cursor; each links to its graph.

import {api, query} from '../api.js';
import {el, fill, link, notice, status, table, time} from '../dom.js';
import {every} from '../live.js';

const POLL_MS = 3000;

export async function render(ctx) {
    const after = ctx.search.get('after') || '';
    const list = el('div', {id: 'workflow-list', 'aria-live': 'polite'});
    ctx.main.append(el('h1', {}, 'Workflows'), list);
    await every(POLL_MS, async () => draw(list, after,
        await api(`/api/v1/workflows${query({after, limit: 50})}`, {signal: ctx.signal})), ctx.signal, ctx.failed);
}

function draw(list, after, page) {
    const rows = page.workflows.map((workflow) => [
        link(`/console/workflows/${workflow.id}`, el('code', {}, workflow.id)),
        workflow.name ?? '–',
        status(workflow.status),
        String(workflow.steps),
        time(workflow.createdAt),
        time(workflow.finishedAt)]);
    const caption = after ? 'Workflows, an older page' : 'Workflows, newest first';
    fill(list,
        rows.length === 0 ? notice('No workflows.') : table(caption,
            ['Id', 'Name', 'Status', 'Steps', 'Created', 'Finished'], rows, {id: 'workflows-table'}),
        el('nav', {class: 'pager', 'aria-label': 'Pages'},
            after ? link('/console/workflows', 'Newest') : null,
            page.next ? link(`/console/workflows${query({after: page.next})}`, 'Older') : null));
}
