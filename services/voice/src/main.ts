import { createServer } from 'node:http';

// Placeholder entry point: replaced by the full voice service (issue 2). Kept minimal so the
// bundle/Dockerfile work can proceed against the agreed contract: PORT, GET /health -> 200.
const port = Number(process.env.PORT ?? 8080);
const server = createServer((req, res) => {
  if (req.url === '/health') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'ok' }));
    return;
  }
  res.writeHead(404).end();
});
server.listen(port, () => process.stdout.write(`listening on ${port}\n`));
