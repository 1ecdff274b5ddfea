// Fetches a file under the app's base URL for a worker; null when it does not exist. (worker.ts has
// the same function inline; it could import this one.)

export async function fetchAsset(url: string): Promise<Uint8Array | null> {
  const res = await fetch(url);
  if (!res.ok) return null;
  // A dev server answers unknown paths with index.html: that is "absent" too.
  if ((res.headers.get('content-type') ?? '').includes('text/html')) return null;
  return new Uint8Array(await res.arrayBuffer());
}
