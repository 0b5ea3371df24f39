// The floor for ack latency: a bare node:http server that does what the app's ack path
// must do and nothing else: read the body, check Slack's signature (v0 HMAC-SHA256 of
// `v0:{timestamp}:{body}`, timestamp within 5 minutes, constant-time compare), parse the
// form, answer 200. It prints its URL on stdout and serves until killed.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';

const secret = process.env.SLACK_SIGNING_SECRET;
if (!secret) throw new Error('SLACK_SIGNING_SECRET is not set');

const server = createServer(async (req, res) => {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const body = Buffer.concat(chunks).toString('utf8');
  const timestamp = Number(req.headers['x-slack-request-timestamp']);
  const given = Buffer.from(String(req.headers['x-slack-signature'] ?? ''));
  const expected = Buffer.from(`v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`);
  const fresh = Math.abs(Date.now() / 1000 - timestamp) < 300;
  if (!fresh || given.length !== expected.length || !timingSafeEqual(given, expected)) {
    res.writeHead(401).end();
    return;
  }
  new URLSearchParams(body);
  res.writeHead(200).end();
});
server.listen(0, '127.0.0.1', () => console.log(`floor listening on http://127.0.0.1:${server.address().port}/slack/events`));
