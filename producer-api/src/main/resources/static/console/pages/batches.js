// Batches: the tenant's batch submits newest first, paged by the API's cursor; each links to its batch page.

import {cursorList} from '../cursor-list.js';
import {el, link, status, time} from '../dom.js';

export function render(ctx) {
    return cursorList(ctx, {
        title: 'Batches', apiPath: '/api/v1/batches', consolePath: '/console/batches', field: 'batches',
        listId: 'batch-list', tableId: 'batches-table',
        headings: ['Id', 'Jobs', 'Status', 'Succeeded', 'Failed', 'Created', 'Finished'],
        row: (batch) => [
            link(`/console/batches/${batch.id}`, el('code', {}, batch.id)),
            String(batch.size),
            status(batch.status),
            String(batch.counts.SUCCEEDED ?? 0),
            String(batch.counts.FAILED ?? 0),
            time(batch.createdAt),
            time(batch.finishedAt)],
    });
}
