/**
 * A minimal cookie-keeping, form-submitting HTTP client: enough to walk the OAuth pages in
 * fast tests. The real-browser tests (Chromium) cover what this cannot (scripts, rendering).
 */
export interface Page {
  status: number;
  url: string;
  html: string;
}

interface Form {
  id?: string;
  action: string;
  method: string;
  fields: Record<string, string>;
}

const attribute = (tag: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
const decode = (text: string) => text.replace(/&#(\d+);/g, (_m, code) => String.fromCharCode(Number(code))).replace(/&amp;/g, '&').replace(/&quot;/g, '"');

export function formsOf(html: string): Form[] {
  return [...html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)].map(([, attrs, inner]) => {
    const fields: Record<string, string> = {};
    for (const [input] of inner.matchAll(/<input\b[^>]*>/g)) {
      const name = attribute(input, 'name');
      if (name) fields[name] = decode(attribute(input, 'value') ?? '');
    }
    return { id: attribute(attrs, 'id'), action: decode(attribute(attrs, 'action') ?? ''), method: (attribute(attrs, 'method') ?? 'get').toUpperCase(), fields };
  });
}

export class FormBrowser {
  private cookies = new Map<string, string>();

  /** `headers` go with every request (e.g. `x-forwarded-for` behind a trusted proxy). */
  constructor(
    private readonly origin: string,
    private readonly headers: Record<string, string> = {},
  ) {}

  private remember(response: Response): void {
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const index = pair.indexOf('=');
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(cookie) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  private async request(url: string, init: RequestInit = {}, hops = 0): Promise<Page> {
    const absolute = new URL(url, this.origin).toString();
    const headers = new Headers({ ...this.headers, ...Object.fromEntries(new Headers(init.headers)) });
    if (this.cookies.size) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const response = await fetch(absolute, { ...init, headers, redirect: 'manual' });
    this.remember(response);
    const location = response.headers.get('location');
    if (location && response.status >= 300 && response.status < 400) {
      if (hops > 20) throw new Error('too many redirects');
      const next = new URL(location, absolute).toString();
      // Loopback redirects to the CLI are not followed: the test inspects them.
      if (!next.startsWith(this.origin)) return { status: response.status, url: next, html: '' };
      return this.request(next, {}, hops + 1);
    }
    const page = { status: response.status, url: absolute, html: await response.text() };
    // oidc-provider's auto-submitting pages (form_post, device resume) need a script; do it here.
    if (/document\.forms\[0\]\.submit\(\)/.test(page.html)) return this.submit(page, 0, {});
    return page;
  }

  get(url: string): Promise<Page> {
    return this.request(url);
  }

  /** Submits a form of the page (by index or id), with extra or replaced fields. */
  submit(page: Page, which: number | string, values: Record<string, string>): Promise<Page> {
    const forms = formsOf(page.html);
    const form = typeof which === 'number' ? forms[which] : forms.find((f) => f.id === which);
    if (!form) throw new Error(`no form ${which} on ${page.url}:\n${page.html.slice(0, 500)}`);
    const body = new URLSearchParams({ ...form.fields, ...values });
    const action = form.action || page.url;
    if (form.method === 'GET') return this.request(`${action}?${body}`);
    return this.request(new URL(action, page.url).toString(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
  }
}
