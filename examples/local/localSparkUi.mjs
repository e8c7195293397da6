// LOCAL ONLY: what a run's "Spark UI" link opens on `npm start`'s stack.
// EMR's persistent app UI would show the Spark history server of the run;
// the job-run simulator has none, so its presigned URLs lead to this small
// page, which says so and shows which run and UI the link was for.

/** Where the simulator serves the page: `<path><persistent app UI id>`. */
export const LOCAL_SPARK_UI_PATH = '/local-spark-ui/';

const escapeHtml = text =>
  String(text).replace(
    /[&<>"']/g,
    character =>
      ({
        '&': '&amp;',
        '<': '&lt;',
        '>': '&gt;',
        '"': '&quot;',
        "'": '&#39;',
      }[character]),
  );

/**
 * Answers a GET of the page for one persistent app UI, or 404.
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {{ get(id: string): { id: string, jobRunId: string, virtualClusterId: string } | undefined }} uis
 */
export function serveLocalSparkUi(req, res, uis) {
  const id = decodeURIComponent(
    new URL(req.url ?? '/', 'http://localhost').pathname.slice(
      LOCAL_SPARK_UI_PATH.length,
    ),
  );
  const ui = req.method === 'GET' ? uis.get(id) : undefined;
  if (!ui) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('No such Spark UI on the local job-run simulator.\n');
    return;
  }
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
  });
  res.end(`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Spark UI (local stand-in)</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 3em auto">
<h1>Spark UI: local stand-in</h1>
<p>This page is served by the local job-run simulator of <code>npm start</code>.
On AWS, this link opens EMR's persistent Spark history server of the run.</p>
<ul>
<li>EMR job run: <code>${escapeHtml(ui.jobRunId)}</code></li>
<li>Virtual cluster: <code>${escapeHtml(ui.virtualClusterId)}</code></li>
<li>Persistent app UI: <code>${escapeHtml(ui.id)}</code></li>
</ul>
</body>
</html>
`);
}
