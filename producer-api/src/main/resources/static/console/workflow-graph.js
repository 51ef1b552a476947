// A workflow drawn as its graph, in inline SVG: steps in columns by dependency depth (a step sits one column right of
// its deepest dependency), in submission order within a column, edges from each dependency to its dependent. Each
// node shows its step id and state as text, with a symbol and a colour per state that only repeat the word; a node
// whose step has a job links to the job's page.

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 150;
const HEIGHT = 48;
const GAP_X = 56;
const GAP_Y = 16;
const LONGEST_ID = 16;
const MARGIN = 3;
const SYMBOLS = {SUCCEEDED: '✓', FAILED: '✗', CANCELLED: '⊘', RUNNING: '▶', WAITING: '…'};

/** The steps' graph as an SVG element; steps as the workflow answer gives them (id, dependsOn, status, jobId). */
export function graph(steps) {
    const depth = depths(steps);
    const columns = [];
    for (const step of steps) {
        (columns[depth.get(step.id)] ??= []).push(step);
    }
    const place = new Map();
    columns.forEach((column, x) => column.forEach((step, y) => place.set(step.id,
        {x: x * (WIDTH + GAP_X), y: y * (HEIGHT + GAP_Y)})));
    // a margin, so the outer nodes' borders are not clipped
    const width = columns.length * (WIDTH + GAP_X) - GAP_X + 2 * MARGIN;
    const height = Math.max(...columns.map((c) => c.length)) * (HEIGHT + GAP_Y) - GAP_Y + 2 * MARGIN;
    return svg('svg', {id: 'workflow-graph', class: 'graph', role: 'group', width, height,
        viewBox: `${-MARGIN} ${-MARGIN} ${width} ${height}`, 'aria-label': 'The steps as a graph: each step after those it depends on'},
    steps.flatMap((step) => step.dependsOn.map((from) => edge(place.get(from), place.get(step.id)))),
    steps.map((step) => node(step, place.get(step.id))));
}

/** Each step's column: 0 without dependencies, else one more than its deepest dependency (the API refuses cycles). */
function depths(steps) {
    const byId = new Map(steps.map((step) => [step.id, step]));
    const depth = new Map();
    const of = (id) => {
        if (!depth.has(id)) {
            depth.set(id, Math.max(-1, ...byId.get(id).dependsOn.map(of)) + 1);
        }
        return depth.get(id);
    };
    steps.forEach((step) => of(step.id));
    return depth;
}

function edge(from, to) {
    const x1 = from.x + WIDTH;
    const y1 = from.y + HEIGHT / 2;
    const x2 = to.x;
    const y2 = to.y + HEIGHT / 2;
    const middle = (x1 + x2) / 2;
    return svg('path', {class: 'edge', d: `M${x1},${y1} C${middle},${y1} ${middle},${y2} ${x2},${y2}`});
}

function node(step, at) {
    const state = String(step.status);
    const label = step.id.length > LONGEST_ID ? `${step.id.slice(0, LONGEST_ID - 1)}…` : step.id;
    const shape = [
        svg('title', {}, `${step.id}: ${state}${step.reason ? ` (${step.reason})` : ''}`),
        svg('rect', {class: 'node-box', width: WIDTH, height: HEIGHT, rx: 6}),
        svg('text', {class: 'node-id', x: 10, y: 20}, label),
        svg('text', {class: 'node-state', x: 10, y: 38}, `${SYMBOLS[state] ?? ''} ${state}`.trim())];
    const body = step.jobId ? svg('a', {href: `/console/jobs/${step.jobId}`, 'data-link': true}, shape) : shape;
    return svg('g', {class: `node node-${state.toLowerCase()}`, 'data-step': step.id, 'data-status': state,
        transform: `translate(${at.x},${at.y})`}, body);
}

/** An SVG element; children are elements or text, set as text (never parsed). */
function svg(tag, attributes, ...children) {
    const element = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attributes)) {
        element.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children.flat(Infinity)) {
        element.append(typeof child === 'string' ? document.createTextNode(child) : child);
    }
    return element;
}
