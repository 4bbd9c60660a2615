/** Small DOM helpers shared by the app's views. */

/** Returns the element with `id`; throws if the page lacks it (a broken build, not a user error). */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`index.html has no #${id}`);
  return el as T;
}

/** Returns a new element with attributes (`class`, `aria-*`, ...) and children (nodes or text). */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | undefined> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) el.setAttribute(k, v);
  el.append(...children);
  return el;
}

/** Returns a byte count for people: "497 KB", "1.9 MB" (decimal units), with "≈" when approximate. */
export function formatBytes(n: number, approx = false): string {
  const s =
    n >= 1e6
      ? `${(n / 1e6).toFixed(n >= 1e7 ? 0 : 1)} MB`
      : n >= 1e3
        ? `${Math.round(n / 1e3)} KB`
        : `${n} B`;
  return approx ? `≈ ${s}` : s;
}

/** Returns a score in [0, 1] as a percentage with one decimal: "87.5%". */
export function formatPercent(score: number): string {
  return `${(Math.round(score * 1000) / 10).toFixed(1)}%`;
}
