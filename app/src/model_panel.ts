/**
 * Screen 1's model section: the card of the loaded model and the list of models to switch to
 * (the built-in one and the catalog), each with its size, input size and precision, a Download /
 * Use button and, while downloading, a progress bar.
 */
import { formatBytes, h } from './dom.js';
import type { CatalogModel } from './model_catalog.js';
import type { ModelInfo } from './worker_protocol.js';

/** What the build says about the built-in model (see app/tools/pwa_plugin.ts). */
export interface BuiltInModel {
  url: string;
  fileName: string;
  name: string;
  bytes: number;
  sha256: string;
  input: { width: number; height: number; channels: number };
  precision: string;
}

/** Per-entry UI state of the list. */
export interface ListItemState {
  progress?: { loaded: number; total: number | undefined };
  cached?: boolean;
  verified?: 'published' | 'first-use';
}

/** Fills `el` with the loaded model's name, size, input, precision and labels. */
export function renderModelCard(el: HTMLElement, info: ModelInfo, tag?: string): void {
  const color = info.channels === 1 ? 'grayscale' : 'RGB';
  const labels =
    info.labelSource === 'none'
      ? 'no labels'
      : `${info.classes} labels${info.labelSource === 'file' ? ' (from file)' : ''}`;
  el.replaceChildren(
    h(
      'p',
      { class: 'model-name' },
      info.name,
      ' ',
      h('span', { class: info.quantized ? 'badge quant' : 'badge' }, info.precision),
      ...(tag ? [' ', h('span', { class: 'badge' }, tag)] : []),
    ),
    h(
      'p',
      { class: 'model-facts' },
      `${formatBytes(info.bytes)} · input ${info.inputWidth}×${info.inputHeight} ${color} · ${labels}` +
        ` · ${info.threads} thread${info.threads === 1 ? '' : 's'}`,
    ),
    ...(info.description ? [h('p', { class: 'model-desc' }, info.description)] : []),
  );
}

interface ListItems {
  builtIn: BuiltInModel | null;
  catalog: readonly CatalogModel[];
  selected: string | undefined;
}

function item(
  id: string,
  title: string,
  facts: string,
  badge: string,
  state: ListItemState,
  selected: boolean,
  downloadable: boolean,
  onAction: (id: string) => void,
): HTMLLIElement {
  const p = state.progress;
  const label = selected ? 'In use' : downloadable && !state.cached ? 'Download' : 'Use';
  const button = h(
    'button',
    { class: 'btn small', type: 'button', 'aria-label': `${label}: ${title} (${badge})` },
    label,
  );
  button.disabled = selected || p !== undefined;
  button.addEventListener('click', () => onAction(id));
  const li = h(
    'li',
    { class: selected ? 'model-item selected' : 'model-item', 'data-model': id },
    h(
      'div',
      { class: 'model-item-text' },
      h('strong', {}, title),
      ' ',
      h('span', { class: 'badge' }, badge),
      h('small', {}, facts),
    ),
    button,
  );
  if (p) {
    const bar = h('progress', { 'aria-label': `Downloading ${title}`, max: String(p.total ?? 1) });
    if (p.total) bar.value = Math.min(p.loaded, p.total);
    else bar.removeAttribute('value'); // indeterminate
    li.append(
      h(
        'div',
        { class: 'progress' },
        bar,
        h(
          'small',
          {},
          p.total ? `${formatBytes(p.loaded)} of ${formatBytes(p.total)}` : formatBytes(p.loaded),
        ),
      ),
    );
  }
  return li;
}

/** Renders the list of models into `ul`; `onAction(id)` is called with 'default' or a catalog id. */
export function renderModelList(
  ul: HTMLElement,
  items: ListItems,
  state: ReadonlyMap<string, ListItemState>,
  onAction: (id: string) => void,
): void {
  const rows: HTMLLIElement[] = [];
  const b = items.builtIn;
  if (b) {
    const color = b.input.channels === 1 ? 'grayscale' : 'RGB';
    rows.push(
      item(
        'default',
        `${b.name} (built in)`,
        `${formatBytes(b.bytes)} · ${b.input.width}×${b.input.height} ${color} · works offline`,
        b.precision,
        state.get('default') ?? {},
        items.selected === 'default',
        false,
        onAction,
      ),
    );
  }
  for (const m of items.catalog) {
    const s = state.get(m.id) ?? {};
    const check = m.sha256 ? 'sha256 checked' : 'hash pinned at first download';
    const where = s.cached ? 'saved offline' : check;
    rows.push(
      item(
        m.id,
        m.name,
        `${formatBytes(m.bytes, m.bytesApprox)} · ${m.input}×${m.input} RGB · ${where}`,
        m.precision === 'float32' ? 'float32' : `${m.precision} quantized`,
        s,
        items.selected === m.id,
        true,
        onAction,
      ),
    );
  }
  // Keep focus on the same button across re-renders (progress updates re-render the list).
  const focused = (document.activeElement?.closest('[data-model]') as HTMLElement | null)?.dataset.model;
  ul.replaceChildren(...rows);
  if (focused) ul.querySelector<HTMLButtonElement>(`[data-model="${CSS.escape(focused)}"] button`)?.focus();
}
