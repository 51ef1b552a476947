// A schedule: its plan, its job, and its fire times newest first (each enqueued job with its status), re-read every
// few seconds so new fire times fill in. Keys with the schedules scope get pause or resume, and a trigger that asks
// first: it enqueues a job at once.

import {api, query} from '../api.js';
import {askFirst, el, fact, fill, json, link, notice, pager, status, table, time} from '../dom.js';
import {every} from '../live.js';

const POLL_MS = 2000;

export async function render(ctx) {
    const id = ctx.params.id;
    const after = ctx.search.get('after') || '';
    const path = `/api/v1/schedules/${encodeURIComponent(id)}`;
    const message = el('div', {id: 'schedule-message'});
    const view = el('div', {id: 'schedule'});
    const runs = el('div', {id: 'schedule-runs', 'aria-live': 'polite'});
    const refresh = async () => {
        const [schedule, page] = await Promise.all([api(path, {signal: ctx.signal}),
            api(`${path}/runs${query({after, limit: 50})}`, {signal: ctx.signal})]);
        drawSchedule(view, schedule);
        drawRuns(runs, id, after, page);
        actions?.show(schedule.paused);
    };
    // outside the redrawn view, so an open confirmation survives each re-read
    const actions = ctx.can('schedules') ? scheduleActions(ctx, path, message, refresh) : null;
    ctx.main.append(el('h1', {}, 'Schedule ', el('code', {}, id)), message, el('div', {}, actions?.element), view,
        runs);
    await every(POLL_MS, refresh, ctx.signal, ctx.failed);
}

function drawSchedule(view, schedule) {
    fill(view,
        el('dl', {class: 'facts'},
            fact('Name', schedule.name, 'schedule-name'),
            fact('Cron', el('code', {}, schedule.cron)),
            fact('Zone', schedule.timeZone),
            fact('State', schedule.paused ? 'paused' : 'active', 'schedule-state'),
            fact('Next fire', time(schedule.nextFireAt)),
            fact('Overlap', schedule.overlap),
            fact('Missed', schedule.missed),
            fact('Jobs', link(`/console/jobs${query({schedule: schedule.id})}`, 'its jobs'))),
        el('section', {}, el('h2', {}, 'Job'), json(schedule.job, 'The job each fire time enqueues')));
}

function drawRuns(runs, id, after, page) {
    const rows = page.runs.map((run) => [
        time(run.scheduledFor),
        run.triggered ? `${run.outcome} (triggered)` : run.outcome,
        run.jobId ? link(`/console/jobs/${run.jobId}`, el('code', {}, run.jobId)) : '–',
        run.status ? status(run.status) : '–']);
    fill(runs,
        el('h2', {}, 'Fire times'),
        rows.length === 0 ? notice('No fire times yet.') : table(after ? 'Fire times, an older page'
            : 'Fire times, newest first', ['Scheduled for', 'Outcome', 'Job', 'Job status'], rows,
        {id: 'runs-table'}),
        pager(`/console/schedules/${id}`, after, page.next));
}

/** Pause or resume (whichever applies) and trigger, which asks first; each re-reads the page when done. */
function scheduleActions(ctx, path, message, refresh) {
    const post = async (verb, done) => {
        fill(message);
        try {
            const answer = await api(`${path}/${verb}`, {method: 'POST', signal: ctx.signal});
            message.append(done(answer));
        } catch (error) {
            message.append(notice(error.message, 'error'));
        }
        await refresh().catch(ctx.failed);
    };
    const pause = el('button', {type: 'button', id: 'pause-schedule', hidden: true,
        onclick: () => post('pause', () => notice('Schedule paused.'))}, 'Pause');
    const resume = el('button', {type: 'button', id: 'resume-schedule', hidden: true,
        onclick: () => post('resume', () => notice('Schedule resumed.'))}, 'Resume');
    const box = el('div', {id: 'schedule-confirm'});
    const triggered = (job) => el('p', {class: 'notice notice-info', role: 'status'}, 'Job enqueued: ',
        link(`/console/jobs/${job.id}`, el('code', {id: 'triggered-job'}, job.id)));
    const ask = () => askFirst(box, 'trigger', 'Enqueue this schedule\'s job now, besides its plan?',
        'Yes, enqueue it now', () => post('trigger', triggered));
    return {
        element: el('div', {class: 'actions', id: 'schedule-actions'}, pause, resume,
            el('button', {type: 'button', id: 'trigger-schedule', onclick: ask}, 'Trigger now'), box),
        show: (paused) => {
            pause.hidden = paused;
            resume.hidden = !paused;
        },
    };
}
