// Headless Chromium for the page benchmark and the browser tests: Debian's `chromium` package
// driven by playwright-core (a dev dependency: nothing here runs in production), pages watched so
// that no request leaves the machine, and the moment a view has drawn.
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

/** Debian's binary unless HAP_CHROMIUM names another (playwright-core downloads none). */
export const CHROMIUM = process.env.HAP_CHROMIUM || '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM });
}

const LOCAL = /^(blob:)?https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\//;
const INLINE = /^(data|about):/;

export interface RequestWatch {
  /** every URL the pages asked for */
  readonly urls: string[];
  /** those not on this machine (aborted before they left) */
  readonly offsite: string[];
}

/** Records every request of the context and aborts any that would leave the machine. */
export async function watchRequests(context: BrowserContext): Promise<RequestWatch> {
  const watch: RequestWatch = { urls: [], offsite: [] };
  context.on('request', (request) => {
    const url = request.url();
    watch.urls.push(url);
    if (!LOCAL.test(url) && !INLINE.test(url)) watch.offsite.push(url);
  });
  await context.route('**/*', (route) => (LOCAL.test(route.request().url()) ? route.continue() : route.abort('blockedbyclient')));
  return watch;
}

/**
 * Waits until the view has drawn: app.js sets aria-busy on #panels while a selection loads and
 * clears it once every panel has rendered (its table, chart or message).
 */
export async function viewDrawn(page: Page, timeout = 30_000): Promise<void> {
  await page.locator('#panels[aria-busy="false"]').waitFor({ state: 'attached', timeout });
}
