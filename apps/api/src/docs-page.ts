/**
 * The interactive docs at `/docs`: one self-contained page (no CDN, no external asset) that reads
 * `/openapi.json` and lists every operation with its parameters, body schema, permissions and responses, with
 * a small form to try each one (a bearer token can be given once for all).
 */
export const docsPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Slicewise API</title>
<style>
body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem 1.5rem;color:#1d1d1f}
h1{margin:.2rem 0}details{border:1px solid #ccd;border-radius:6px;margin:.6rem 0;padding:.4rem .8rem}
summary{cursor:pointer}code,pre,input,textarea{font:13px ui-monospace,monospace}
pre{background:#f5f5f8;padding:.5rem;overflow:auto;max-height:20rem}
.m{display:inline-block;min-width:4.5rem;font-weight:700}.GET{color:#0a6}.POST{color:#06c}.PUT,.PATCH{color:#a60}.DELETE{color:#c22}
label{display:block;margin:.2rem 0}input[type=text]{width:18rem}textarea{width:100%;height:6rem}.lock{color:#a60}
</style>
</head>
<body>
<h1 id="title">Slicewise API</h1>
<p id="about"></p>
<p><label>Bearer token <input type="text" id="token" autocomplete="off" placeholder="for operations marked 🔒"></label>
<a href="openapi.json">openapi.json</a></p>
<div id="ops">Loading…</div>
<script>
const el = (tag, props = {}, ...children) => { const e = Object.assign(document.createElement(tag), props); e.append(...children); return e; };
const show = (value) => JSON.stringify(value, null, 2);
async function main() {
  const doc = await (await fetch('openapi.json')).json();
  document.getElementById('title').textContent = doc.info.title + ' ' + doc.info.version;
  document.getElementById('about').textContent = doc.info.description || '';
  const ops = document.getElementById('ops');
  ops.textContent = '';
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const verb = method.toUpperCase();
      const head = el('summary', {}, el('span', { className: 'm ' + verb, textContent: verb }), el('code', { textContent: path }), ' ' + (op.summary || ''), op.security ? el('span', { className: 'lock', textContent: ' 🔒 ' + (op['x-permissions'] || []).join(', ') }) : '');
      const form = el('form');
      const inputs = {};
      for (const p of op.parameters || []) {
        inputs[p.name] = el('input', { type: 'text', name: p.name, placeholder: p.in + (p.required ? ', required' : '') });
        form.append(el('label', {}, p.name + ' ', inputs[p.name]));
      }
      const bodyType = op.requestBody && Object.keys(op.requestBody.content)[0];
      const body = bodyType ? el('textarea', { placeholder: bodyType }) : null;
      if (body) form.append(el('label', {}, 'body (' + bodyType + ')', body));
      const out = el('pre', { textContent: '' });
      form.append(el('button', { type: 'submit', textContent: 'Send' }));
      form.onsubmit = async (event) => {
        event.preventDefault();
        let url = path;
        const query = new URLSearchParams();
        for (const p of op.parameters || []) {
          const v = inputs[p.name].value;
          if (p.in === 'path') url = url.replace('{' + p.name + '}', encodeURIComponent(v));
          else if (v !== '') query.set(p.name, v);
        }
        const headers = {};
        const token = document.getElementById('token').value.trim();
        if (token) headers.authorization = 'Bearer ' + token;
        if (body && body.value) headers['content-type'] = bodyType;
        const response = await fetch(url + (query.size ? '?' + query : ''), { method: verb, headers, body: body && body.value ? body.value : undefined });
        out.textContent = response.status + ' ' + (response.headers.get('content-type') || '') + '\\n\\n' + await response.text();
      };
      const details = el('details', {}, head);
      if (op.description) details.append(el('p', { textContent: op.description }));
      if (op.requestBody) details.append(el('p', { textContent: 'Request body' }), el('pre', { textContent: show(op.requestBody.content) }));
      details.append(el('p', { textContent: 'Responses' }), el('pre', { textContent: show(op.responses) }), form, out);
      ops.append(details);
    }
  }
}
main().catch((error) => { document.getElementById('ops').textContent = 'Could not load openapi.json: ' + error; });
</script>
</body>
</html>
`;
