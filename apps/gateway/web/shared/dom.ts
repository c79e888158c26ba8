/*
 * DOM building for pages that show untrusted text (mention text, alert reasons, notes, names):
 * text only ever goes in as text nodes or attributes set one by one, never through innerHTML.
 */

type ElementClass<T extends Element> = abstract new (...args: never[]) => T;

/** The element matching `selector` under `root`, of the class the page relies on; throws naming the selector otherwise. */
export function find<T extends Element>(selector: string, type: ElementClass<T>, root: ParentNode = document): T {
  const node = root.querySelector(selector);
  if (!(node instanceof type)) {
    throw new Error(`the page has no ${type.name} matching ${selector} (found ${node ? node.tagName : 'nothing'})`);
  }
  return node;
}

/** Every element matching `selector` under `root` that is of the class asked for. */
export function findAll<T extends Element>(selector: string, type: ElementClass<T>, root: ParentNode = document): T[] {
  return [...root.querySelectorAll(selector)].filter((node): node is T => node instanceof type);
}

export type Child = Node | string | number | null | undefined | false | readonly Child[];

export interface Attributes {
  class?: string;
  text?: string;
  dataset?: Record<string, string>;
  hidden?: boolean;
  onclick?: (event: Event) => void;
  [attribute: string]: string | number | boolean | Record<string, string> | ((event: Event) => void) | undefined;
}

/** `h('span', { class: 'x', dataset: { id } }, 'text', node)`: text always goes in as text nodes. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === undefined || value === false) continue;
    if (name === 'class') node.className = String(value);
    else if (name === 'text') node.textContent = String(value);
    else if (name === 'dataset' && typeof value === 'object') Object.assign(node.dataset, value);
    else if (name === 'hidden') node.hidden = Boolean(value);
    else if (name === 'onclick' && typeof value === 'function') node.addEventListener('click', value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

export function append(node: Node & ParentNode, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces the page's URL query without a navigation, so views can be bookmarked as they are. */
export function replaceQuery(update: (params: URLSearchParams) => void): void {
  const url = new URL(window.location.href);
  update(url.searchParams);
  window.history.replaceState(null, '', url);
}
