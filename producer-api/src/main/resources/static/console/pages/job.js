// A job: everything GET /api/v1/jobs/{id} tells, kept live through the job's own event stream, with cancel and
// retry for keys that hold jobs:manage.

import {api} from '../api.js';
import {el, fact, fill, isTerminal, json, link, notice, status, table, time} from '../dom.js';
import {readEvents} from '../sse.js';

/** How long to wait before following again when the job's stream failed. */
const RETRY_MS = 2000;

export async function render(ctx) {
    const id = ctx.params.id;
    const path = `/api/v1/jobs/${encodeURIComponent(id)}`;
    const view = el('div', {id: 'job'});
    const message = el('div', {id: 'job-message'});
    ctx.main.append(el('h1', {}, 'Job ', el('code', {}, id)), message, view);
    let following = false;
    let shown = null;

    const reload = async () => {
        const job = await api(path, {signal: ctx.signal});
        const text = JSON.stringify(job);
        if (text !== shown) {
            // redrawn only when something changed, so focus and selection survive the events that change nothing
            shown = text;
            draw(view, job, ctx, act);
        }
        if (!isTerminal(job.status) && !following) {
            following = true;
            // one event per change, the job as data; the stream ends after the terminal event, and a retry's new
            // attempt is followed by a new stream
            readEvents(`${path}/events`, {signal: ctx.signal, onEvent: () => reload().catch(ctx.failed)})
                .then(() => 0, () => RETRY_MS)
                .then((wait) => setTimeout(() => {
                    following = false;
                    if (!ctx.signal.aborted) {
                        reload().catch(ctx.failed);
                    }
                }, wait));
        }
    };

    const act = async (verb) => {
        fill(message);
        try {
            await api(`${path}/${verb}`, {method: 'POST', signal: ctx.signal});
            message.append(notice(verb === 'cancel' ? 'Cancel requested.' : 'Queued again as a new attempt.'));
        } catch (error) {
            message.append(notice(error.message, 'error'));
        }
        await reload();
    };
    await reload();
}

function draw(view, job, ctx, act) {
    const manage = ctx.can('jobs:manage');
    const actions = manage ? el('div', {class: 'actions', id: 'job-actions'},
        isTerminal(job.status) ? null
            : el('button', {type: 'button', id: 'cancel-job', onclick: () => act('cancel')}, 'Cancel'),
        ['FAILED', 'CANCELLED'].includes(job.status)
            ? el('button', {type: 'button', id: 'retry-job', onclick: () => act('retry')}, 'Retry') : null) : null;
    fill(view,
        el('dl', {class: 'facts'},
            fact('Status', status(job.status), 'job-status'),
            fact('Type', link(`/console/task-types/${encodeURIComponent(job.type)}`, job.type), 'job-type'),
            fact('Attempts', `${job.attempts} of at most ${job.maxAttempts}`, 'job-attempts'),
            fact('Progress', progress(job.progress), 'job-progress'),
            fact('Created', time(job.createdAt)),
            fact('Started', time(job.startedAt)),
            fact('Finished', time(job.finishedAt)),
            fact('Timeout', job.timeout),
            fact('Trace id', job.traceId ? el('code', {}, job.traceId) : '–', 'job-trace'),
            job.batchId ? fact('Batch', link(`/console/batches/${job.batchId}`, el('code', {}, job.batchId))) : null,
            job.workflowId ? fact('Workflow step', link(`/console/workflows/${job.workflowId}`,
                el('code', {}, job.stepId ?? job.workflowId)), 'job-workflow') : null),
        actions,
        section('Payload', json(job.payload, 'Payload'), 'job-payload'),
        section('Result', json(job.result, 'Result'), 'job-result'),
        section('Error', json(job.error, 'Error'), 'job-error'),
        section('Attempts', attempts(job.attemptHistory || []), 'job-attempt-history'));
}

function progress(value) {
    if (!value || typeof value.fraction !== 'number') {
        return '–';
    }
    const percent = Math.round(value.fraction * 100);
    return el('span', {},
        el('progress', {max: 100, value: percent, 'aria-label': 'Progress'}),
        ` ${percent} %`, value.message ? ` – ${value.message}` : '');
}

function attempts(history) {
    if (history.length === 0) {
        return el('p', {class: 'muted'}, 'No attempt has started.');
    }
    return table('Every attempt, first to last', ['Attempt', 'Worker', 'Status', 'Started', 'Finished', 'Error'],
        history.map((a) => [String(a.attempt), a.workerId || '–', status(a.status), time(a.startedAt),
            time(a.finishedAt), a.error ? errorText(a.error) : '–']), {id: 'attempts-table'});
}

function errorText(error) {
    return error.message ? `${error.type}: ${error.message}` : JSON.stringify(error);
}

function section(title, content, id) {
    return el('section', {id}, el('h2', {}, title), content);
}
