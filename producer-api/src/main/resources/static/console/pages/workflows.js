// Workflows: the tenant's workflows newest first, paged by the API's cursor; each links to its graph.

import {cursorList} from '../cursor-list.js';
import {el, link, status, time} from '../dom.js';

export function render(ctx) {
    return cursorList(ctx, {
        title: 'Workflows', apiPath: '/api/v1/workflows', consolePath: '/console/workflows', field: 'workflows',
        listId: 'workflow-list', tableId: 'workflows-table',
        headings: ['Id', 'Name', 'Status', 'Steps', 'Created', 'Finished'],
        row: (workflow) => [
            link(`/console/workflows/${workflow.id}`, el('code', {}, workflow.id)),
            workflow.name ?? '–',
            status(workflow.status),
            String(workflow.steps),
            time(workflow.createdAt),
            time(workflow.finishedAt)],
    });
}
