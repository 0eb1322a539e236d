// Opening a URL in the user's browser (package open), honestly: a machine with no display or no
// opener says so instead of claiming a browser opened.
import open from 'open';

export async function openInBrowser(url: string, waitMs = 3000): Promise<{ ok: true } | { ok: false; why: string }> {
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return { ok: false, why: 'no display: neither DISPLAY nor WAYLAND_DISPLAY is set' };
  let child;
  try {
    child = await open(url);
  } catch (err) {
    return { ok: false, why: err instanceof Error ? err.message : String(err) };
  }
  // The opener (xdg-open…) exits 0 once it handed the URL on; an error or another code means it did not.
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ ok: true }), waitMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      resolve({ ok: false, why: err.message });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code === 0 ? { ok: true } : { ok: false, why: `the opener exited with code ${code}` });
    });
  });
}
