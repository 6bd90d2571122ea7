/**
 * The detail panel's script (browser, no VS Code API but `acquireVsCodeApi`). It draws the model
 * the extension sends with DOM calls and `textContent` only: every string from the API stays
 * text, so a name like `<img src=x onerror=…>` or `[x](command:…)` shows literally.
 * The render functions take the document explicitly so unit tests run them in a DOM library.
 */
import type { ActionButton, Badge, DetailsModel, FromWebview, JobStatus, LocalRef, ResourceRef, Section, TableRow, TextValue, ToWebview } from '../shared/protocol';

export interface Handlers {
  action(action: string): void;
  open(ref: LocalRef): void;
  refresh(): void;
}

/** What the page shows: the last model, a running/ended job, the last error. */
export interface ViewState {
  model?: DetailsModel;
  job: JobStatus | null;
  error?: string;
}

interface Props {
  className?: string;
  text?: string;
  attrs?: Record<string, string>;
}

/** Creates an element; text goes through `textContent`, attributes are fixed names set as values. */
function el<K extends keyof HTMLElementTagNameMap>(doc: Document, tag: K, props: Props = {}, children: Array<Node | undefined> = []): HTMLElementTagNameMap[K] {
  const node = doc.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.text !== undefined) node.textContent = props.text;
  for (const [name, value] of Object.entries(props.attrs ?? {})) node.setAttribute(name, value);
  for (const child of children) if (child) node.appendChild(child);
  return node;
}

/** Codicon ids come from the extension's own tables; anything odd is dropped. */
function icon(doc: Document, id: string, extra = ''): HTMLElement | undefined {
  if (!/^[a-z0-9-]+$/.test(id)) return undefined;
  return el(doc, 'span', { className: `codicon codicon-${id}${extra ? ` ${extra}` : ''}`, attrs: { 'aria-hidden': 'true' } });
}

/** The DOM focus key of a link to another panel (kept across re-renders). */
const linkFocusKey = (ref: LocalRef): string => `open:${ref.kind}:${ref.id}`;

function button(doc: Document, opts: { label: string; icon?: string; className?: string; title?: string; focusKey: string; ariaLabel?: string; disabled?: boolean }, onClick: () => void): HTMLButtonElement {
  const b = el(doc, 'button', {
    className: opts.className ?? 'button',
    attrs: { type: 'button', 'data-focus-key': opts.focusKey, ...(opts.title ? { title: opts.title } : {}), ...(opts.ariaLabel ? { 'aria-label': opts.ariaLabel } : {}) },
  }, [opts.icon ? icon(doc, opts.icon) : undefined, el(doc, 'span', { text: opts.label })]);
  b.disabled = opts.disabled ?? false;
  b.addEventListener('click', (event) => {
    event.stopPropagation();
    onClick();
  });
  return b;
}

/** One value: a link to another panel, a `<time>` with the exact time on hover, or text. */
export function renderValue(doc: Document, value: TextValue, handlers: Handlers): HTMLElement {
  if (value.open) {
    const target = value.open;
    const title = target.kind === 'instance' ? 'Open the instance as JSON' : `Open ${target.kind === 'volume' ? 'volume' : 'snapshot'} details`;
    return button(doc, { label: value.text, className: 'link', focusKey: linkFocusKey(target), title, ...(value.title ? { title: value.title } : {}) }, () => handlers.open(target));
  }
  const attrs: Record<string, string> = {};
  if (value.title) attrs['title'] = value.title;
  if (value.datetime) attrs['datetime'] = value.datetime;
  const className = value.muted ? 'muted' : '';
  return value.datetime ? el(doc, 'time', { className, text: value.text, attrs }) : el(doc, 'span', { className, text: value.text, attrs });
}

function badge(doc: Document, b: Badge): HTMLElement {
  return el(doc, 'span', { className: `badge tone-${b.tone}` }, [
    el(doc, 'span', { className: 'visually-hidden', text: `${b.label}: ` }),
    el(doc, 'span', { text: b.text }),
  ]);
}

function actionButton(doc: Document, a: ActionButton, handlers: Handlers, disabledBecause?: string): HTMLButtonElement {
  return button(doc, {
    label: a.label, icon: a.icon, className: a.destructive ? 'button secondary destructive' : 'button', focusKey: `action:${a.action}`,
    ...(disabledBecause ? { title: disabledBecause, disabled: true } : a.title ? { title: a.title } : {}),
  }, () => handlers.action(a.action));
}

/** The header: kind icon, name (h1), state badges, size, the allowed actions and Refresh. */
export function renderHeader(doc: Document, model: DetailsModel | undefined, handlers: Handlers): DocumentFragment {
  const fragment = doc.createDocumentFragment();
  const refresh = button(doc, { label: 'Refresh', icon: 'refresh', className: 'button secondary', focusKey: 'refresh', title: 'Load the latest data' }, () => handlers.refresh());
  if (!model) {
    fragment.appendChild(el(doc, 'h1', { text: 'Details' }));
    fragment.appendChild(el(doc, 'div', { className: 'actions', attrs: { role: 'group', 'aria-label': 'Actions' } }, [refresh]));
    return fragment;
  }
  fragment.appendChild(el(doc, 'div', { className: 'title-row' }, [
    icon(doc, model.ref.kind === 'volume' ? 'database' : model.ref.kind === 'project' ? 'project' : 'device-camera', 'kind-icon'),
    el(doc, 'h1', { text: model.name }),
  ]));
  fragment.appendChild(el(doc, 'p', { className: 'subtitle' }, [
    el(doc, 'span', { className: 'kind', text: model.kindLabel }),
    model.connectionLabel ? el(doc, 'span', { className: 'connection', text: model.connectionLabel, attrs: { title: 'Connection' } }) : undefined,
    ...model.badges.map((b) => badge(doc, b)),
    el(doc, 'span', { className: 'size', text: model.size }),
  ]));
  const actions = model.actions.map((a) => actionButton(doc, a, handlers, model.disconnected));
  fragment.appendChild(el(doc, 'div', { className: 'actions', attrs: { role: 'group', 'aria-label': `${model.kindLabel} actions` } }, [...actions, refresh]));
  if (model.disconnected) {
    fragment.appendChild(el(doc, 'p', { className: 'hint disconnected', attrs: { role: 'status' } }, [icon(doc, 'debug-disconnect'), el(doc, 'span', { text: model.disconnected })]));
  } else if (!model.actions.length) {
    fragment.appendChild(el(doc, 'p', { className: 'muted hint', text: model.actionsNote ?? (model.busy ? 'Actions are available again when the current operation is done.' : 'No actions are possible in this state.') }));
  }
  return fragment;
}

function renderTableRow(doc: Document, row: TableRow, handlers: Handlers): HTMLTableRowElement {
  const tr = el(doc, 'tr', { className: row.open ? 'clickable' : '' }, row.cells.map((cell, i) =>
    el(doc, i === 0 ? 'th' : 'td', i === 0 ? { attrs: { scope: 'row' } } : {}, [renderValue(doc, cell, handlers)])));
  const target = row.open;
  // The first cell's button is the keyboard path; a click anywhere on the row does the same.
  if (target) tr.addEventListener('click', () => handlers.open(target));
  return tr;
}

/** The filled part of a bar; its width set through the CSSOM (the page's CSP allows no style attribute). */
function meterFill(doc: Document, fill: number): HTMLElement {
  const span = el(doc, 'span', { className: 'meter-fill' });
  span.style.width = `${Math.round(Math.min(1, Math.max(0, Number.isFinite(fill) ? fill : 0)) * 100)}%`;
  return span;
}

/** One section: an h2 and a definition list, a table, or an error with the traceback folded away. */
export function renderSection(doc: Document, section: Section, handlers: Handlers): HTMLElement {
  const headingId = `h-${section.id.replace(/[^a-z0-9-]/gi, '')}`;
  const heading = el(doc, 'h2', { text: section.heading, attrs: { id: headingId } });
  const attrs = { 'aria-labelledby': headingId, 'data-section': section.id.replace(/[^a-z0-9-]/gi, '') };
  switch (section.type) {
    case 'fields':
      return el(doc, 'section', { attrs }, [heading, el(doc, 'dl', { className: 'fields' }, section.fields.flatMap((f) => [
        el(doc, 'dt', { text: f.label }),
        el(doc, 'dd', {}, [renderValue(doc, f.value, handlers)]),
      ]))]);
    case 'table': {
      if (!section.rows.length) return el(doc, 'section', { attrs }, [heading, el(doc, 'p', { className: 'muted', text: section.empty })]);
      const head = el(doc, 'thead', {}, [el(doc, 'tr', {}, section.columns.map((c) => el(doc, 'th', { text: c, attrs: { scope: 'col' } })))]);
      const body = el(doc, 'tbody', {}, section.rows.map((r) => renderTableRow(doc, r, handlers)));
      return el(doc, 'section', { attrs }, [heading, el(doc, 'div', { className: 'table-wrap' }, [el(doc, 'table', { attrs: { 'aria-labelledby': headingId } }, [head, body])])]);
    }
    case 'meters':
      return el(doc, 'section', { attrs }, [
        heading,
        section.meters.length ? el(doc, 'dl', { className: 'meters' }, section.meters.flatMap((m) => [
          el(doc, 'dt', { text: m.label }),
          el(doc, 'dd', { className: `tone-${m.tone}` }, [
            m.fill !== undefined
              ? el(doc, 'span', { className: 'meter', attrs: { role: 'meter', 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': String(Math.round(m.fill * 100)), 'aria-label': `${m.label}: ${m.text}` } }, [
                meterFill(doc, m.fill),
              ])
              : undefined,
            el(doc, 'span', { className: 'meter-text', text: m.text }),
          ]),
        ])) : undefined,
        section.note ? el(doc, 'p', { className: 'muted', text: section.note }) : undefined,
      ]);
    case 'error':
      return el(doc, 'section', { className: 'error', attrs }, [
        el(doc, 'h2', { attrs: { id: headingId } }, [icon(doc, 'error'), el(doc, 'span', { text: section.heading })]),
        el(doc, 'p', { className: 'error-message', text: section.message }),
        section.traceback
          ? el(doc, 'details', {}, [el(doc, 'summary', { text: 'Traceback' }), el(doc, 'pre', { text: section.traceback })])
          : undefined,
      ]);
  }
}

/** The status line (an aria-live region): a running job, the busy state, or the last error. */
export function renderStatus(doc: Document, state: ViewState): DocumentFragment {
  const fragment = doc.createDocumentFragment();
  if (state.error) {
    fragment.appendChild(el(doc, 'p', { className: 'status-line tone-error' }, [icon(doc, 'error'), el(doc, 'span', { text: state.error })]));
  }
  const job: JobStatus | null = state.job?.running || !state.model?.busyText ? state.job : { running: true, text: state.model.busyText, tone: 'info' };
  if (job) {
    const glyph = job.running ? icon(doc, 'loading', 'codicon-modifier-spin') : icon(doc, job.tone === 'error' ? 'error' : job.tone === 'ok' ? 'pass' : 'info');
    fragment.appendChild(el(doc, 'p', { className: `status-line tone-${job.tone}` }, [glyph, el(doc, 'span', { text: job.text })]));
  }
  return fragment;
}

function focusKeyOf(doc: Document): string | undefined {
  const active = doc.activeElement;
  return active?.getAttribute('data-focus-key') ?? undefined;
}

function replaceChildren(target: Element, content: Node): void {
  while (target.firstChild) target.removeChild(target.firstChild);
  target.appendChild(content);
}

/** Draws `state` into the page's three regions, keeping keyboard focus on the same control. */
export function render(doc: Document, state: ViewState, handlers: Handlers): void {
  const header = doc.getElementById('header');
  const status = doc.getElementById('status');
  const content = doc.getElementById('content');
  if (!header || !status || !content) return;
  const focused = focusKeyOf(doc);

  replaceChildren(header, renderHeader(doc, state.model, handlers));
  header.removeAttribute('aria-busy');
  // Only touch the live region when its text changes, so nothing is announced twice.
  const nextStatus = renderStatus(doc, state);
  if ((status.textContent ?? '') !== (nextStatus.textContent ?? '')) replaceChildren(status, nextStatus);
  const sections = doc.createDocumentFragment();
  for (const section of state.model?.sections ?? []) sections.appendChild(renderSection(doc, section, handlers));
  replaceChildren(content, sections);

  if (focused) {
    const again = Array.from(doc.querySelectorAll('[data-focus-key]')).find((n) => n.getAttribute('data-focus-key') === focused);
    (again as HTMLElement | undefined)?.focus();
  }
}

interface VsCodeApi {
  postMessage(message: FromWebview): void;
  setState(state: ResourceRef): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

function start(api: VsCodeApi): void {
  const state: ViewState = { job: null };
  const handlers: Handlers = {
    action: (action) => api.postMessage({ type: 'action', action }),
    open: (ref) => {
      if (ref.kind === 'volume' || ref.kind === 'snapshot') api.postMessage({ type: 'open', kind: ref.kind, id: ref.id });
    },
    refresh: () => api.postMessage({ type: 'refresh' }),
  };
  window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
    const msg = event.data;
    if (!msg || typeof msg !== 'object') return;
    switch (msg.type) {
      case 'show':
        state.model = msg.model;
        state.error = undefined;
        // Saved so VS Code can restore this panel after a window reload.
        api.setState({ connectionId: msg.model.ref.connectionId, kind: msg.model.ref.kind, id: msg.model.ref.id });
        break;
      case 'job':
        state.job = msg.job;
        break;
      case 'error':
        state.error = msg.message;
        if (msg.ref) api.setState({ connectionId: msg.ref.connectionId, kind: msg.ref.kind, id: msg.ref.id });
        break;
      default:
        return;
    }
    render(document, state, handlers);
  });
  api.postMessage({ type: 'ready' });
}

// Only inside a webview; unit tests import the render functions without it.
if (typeof acquireVsCodeApi === 'function') start(acquireVsCodeApi());
