// A workflow: its graph, each step's state, and cancel for keys that hold jobs:manage. It follows the workflow's
// own event stream (the whole workflow on every change), which closes once the workflow has ended.

import {api} from '../api.js';
import {askFirst, el, fact, fill, link, notice, status, table, time} from '../dom.js';
import {pause} from '../live.js';
import {readEvents} from '../sse.js';
import {graph} from '../workflow-graph.js';

/** How long to wait before following again when the stream dropped while the workflow still ran. */
const RETRY_MS = 2000;

export async function render(ctx) {
    const id = ctx.params.id;
    const path = `/api/v1/workflows/${encodeURIComponent(id)}`;
    const message = el('div', {id: 'workflow-message'});
    const view = el('div', {id: 'workflow'});
    // outside the redrawn view, so an open confirmation survives the steps' changes; gone once the workflow ended
    const actions = el('div', {}, ctx.can('jobs:manage') ? cancelAction(() => cancel(ctx, path, message, show)) : null);
    ctx.main.append(el('h1', {}, 'Workflow ', el('code', {}, id)), message, actions, view);
    let shown = null;
    const show = (workflow) => {
        const text = JSON.stringify(workflow);
        if (text !== shown) {
            shown = text;
            draw(view, workflow);
        }
        const ended = workflow.status !== 'RUNNING';
        if (ended) {
            fill(actions);
        }
        return ended;
    };
    if (!show(await api(path, {signal: ctx.signal}))) {
        follow(ctx, path, show);
    }
}

/** Follows the workflow's stream until it has ended, reconnecting when the stream drops before that. */
async function follow(ctx, path, show) {
    let ended = false;
    while (!ended && !ctx.signal.aborted) {
        try {
            await readEvents(`${path}/events`, {signal: ctx.signal, onEvent: (event) => {
                if (event.event === 'workflow') {
                    ended = show(JSON.parse(event.data));
                }
            }});
        } catch (error) {
            // a refusal (404, 401) will not change by asking again; a dropped connection may
            if (error.status && !ctx.signal.aborted) {
                ctx.failed(error);
                return;
            }
        }
        if (!ended) {
            await pause(RETRY_MS, ctx.signal);
        }
    }
}

async function cancel(ctx, path, message, show) {
    fill(message);
    try {
        await api(`${path}/cancel`, {method: 'POST', signal: ctx.signal});
        message.append(notice('Workflow cancelled.'));
    } catch (error) {
        message.append(notice(error.message, 'error'));
    }
    show(await api(path, {signal: ctx.signal}));
}

function draw(view, workflow) {
    fill(view,
        el('dl', {class: 'facts'},
            fact('Status', status(workflow.status), 'workflow-status'),
            fact('Name', workflow.name ?? '–'),
            fact('On failure', workflow.onFailure),
            fact('Steps', String(workflow.steps.length)),
            fact('Created', time(workflow.createdAt)),
            fact('Finished', time(workflow.finishedAt)),
            fact('Jobs', link(`/console/jobs?workflow=${workflow.id}`, 'its steps\' jobs'))),
        el('section', {id: 'workflow-graph-section'}, el('h2', {}, 'Graph'), graph(workflow.steps)),
        el('section', {id: 'workflow-steps'}, el('h2', {}, 'Steps'),
            table('Each step, in the order submitted', ['Step', 'Depends on', 'Status', 'Job', 'Why'],
                workflow.steps.map((step) => [
                    step.id,
                    step.dependsOn.length === 0 ? '–' : step.dependsOn.join(', '),
                    status(step.status),
                    step.jobId ? link(`/console/jobs/${step.jobId}`, el('code', {}, step.jobId)) : '–',
                    step.reason ?? '–']), {id: 'steps-table'})));
}

/** The cancel button, which asks first: cancelling interrupts running steps and cannot be undone. */
function cancelAction(cancelIt) {
    const box = el('div', {id: 'workflow-confirm'});
    const ask = () => askFirst(box, 'cancel', 'Cancel this workflow? Its running steps are interrupted and the rest '
        + 'never run.', 'Yes, cancel the workflow', cancelIt);
    return el('div', {class: 'actions', id: 'workflow-actions'},
        el('button', {type: 'button', id: 'cancel-workflow', onclick: ask}, 'Cancel workflow'), box);
}
