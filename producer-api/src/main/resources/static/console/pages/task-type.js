// A task type: its schema, example and live workers, and a form built from its payload schema that submits a job.
// The API's 400 problem names each wrong field (/payload/upTo); its message appears beside that field.

import {api, ApiError} from '../api.js';
import {el, fill, json, link, notice} from '../dom.js';
import {payloadForm} from '../schema-form.js';

export async function render(ctx) {
    const types = await api('/api/v1/task-types', {signal: ctx.signal});
    const type = types.find((t) => t.name === ctx.params.name);
    if (!type) {
        ctx.main.append(el('h1', {}, 'Task type not found'), notice(`No worker announced ${ctx.params.name}.`));
        return;
    }
    ctx.main.append(el('h1', {}, 'Task type ', el('code', {}, type.name)),
        el('p', {}, type.description || ''),
        el('dl', {class: 'facts'},
            el('div', {}, el('dt', {}, 'Kind'), el('dd', {}, type.kind)),
            el('div', {}, el('dt', {}, 'Live workers'), el('dd', {id: 'live-workers'}, String(type.liveWorkers))),
            el('div', {}, el('dt', {}, 'Timeout'), el('dd', {}, type.timeout)),
            el('div', {}, el('dt', {}, 'Attempts'), el('dd', {}, String(type.maxAttempts)))));
    if (ctx.can('jobs:submit')) {
        ctx.main.append(submitSection(ctx, type));
    }
    ctx.main.append(
        el('section', {}, el('h2', {}, 'Example payload'), json(type.example, 'Example payload')),
        el('section', {}, el('h2', {}, 'Payload schema'), json(type.inputSchema, 'Payload schema')),
        el('section', {}, el('h2', {}, 'Result schema'), json(type.outputSchema, 'Result schema')));
}

function submitSection(ctx, type) {
    const outcome = el('div', {id: 'submit-outcome'});
    const form = payloadForm(type.inputSchema, type.example, async (payload, showErrors) => {
        fill(outcome);
        try {
            const job = await api('/api/v1/jobs', {method: 'POST', body: {type: type.name, payload},
                signal: ctx.signal});
            outcome.append(el('p', {role: 'status', class: 'notice notice-info'}, 'Submitted job ',
                link(`/console/jobs/${job.id}`, el('code', {}, job.id)), '.'));
        } catch (error) {
            if (error instanceof ApiError && error.status === 400 && error.problem?.errors) {
                const rest = showErrors(error.problem.errors);
                outcome.append(notice(rest.length ? rest.map((e) => `${e.field}: ${e.message}`).join('; ')
                    : 'The API refused the payload: see the fields marked.', 'error'));
            } else {
                outcome.append(notice(error.message, 'error'));
            }
        }
    });
    return el('section', {'aria-labelledby': 'submit-title'}, el('h2', {id: 'submit-title'}, 'Submit a job'), form,
        outcome);
}
