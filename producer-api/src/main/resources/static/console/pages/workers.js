// Workers: the live workers from their heartbeats (GET /api/v1/workers, an admin call).

import {api} from '../api.js';
import {el, fill, notice, table, time} from '../dom.js';
import {every} from '../live.js';

export async function render(ctx) {
    ctx.main.append(el('h1', {}, 'Workers'));
    if (!ctx.can('admin')) {
        ctx.main.append(notice('Listing workers needs a key with the admin scope.'));
        return;
    }
    const body = el('div', {id: 'workers'});
    ctx.main.append(body);
    await every(5000, async () => draw(body, await api('/api/v1/workers', {signal: ctx.signal})), ctx.signal,
        ctx.failed);
}

function draw(body, workers) {
    fill(body, workers.length === 0 ? notice('No worker has sent a heartbeat.')
        : table('Workers, from their heartbeats', ['Worker', 'Host', 'Status', 'Task types', 'Concurrency',
            'In flight', 'Last heartbeat'], workers.map((w) => [
            el('code', {}, w.id), w.host, w.status, w.taskTypes.join(', '),
            Object.entries(w.concurrency).sort(([a], [b]) => a.localeCompare(b))
                .map(([type, n]) => `${type}: ${n}`).join(', '),
            String(w.inFlight), time(w.lastHeartbeatAt)]), {id: 'workers-table'}));
}
