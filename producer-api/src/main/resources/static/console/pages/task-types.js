// Task types: what the workers serve, with their live workers.

import {api} from '../api.js';
import {el, link, table} from '../dom.js';

export async function render(ctx) {
    const types = await api('/api/v1/task-types', {signal: ctx.signal});
    ctx.main.append(el('h1', {}, 'Task types'),
        table('The task types workers announced', ['Type', 'Kind', 'Live workers', 'Timeout', 'Description'],
            types.map((t) => [link(`/console/task-types/${encodeURIComponent(t.name)}`, t.name), t.kind,
                String(t.liveWorkers), t.timeout, t.description || '']), {id: 'task-types-table'}));
}
