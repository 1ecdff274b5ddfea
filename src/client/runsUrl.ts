// Open a kept run: the page's URL becomes the run's config, so the page loads with its settings. The
// backend the current page was forced onto (?backend=…) is a choice about this browser, not about
// the run, so it is kept.

export function openRunSearch(recordUrl: string, currentSearch: string): string {
  const params = new URLSearchParams(recordUrl);
  const backend = new URLSearchParams(currentSearch).get('backend');
  if (backend !== null) params.set('backend', backend);
  return `?${params.toString()}`;
}
