'use strict';

/**
 * A tiny real HTTP channel-authorization endpoint, shaped like Laravel's
 * POST /broadcasting/auth: form fields socket_id and channel_name, JSON answer
 * produced by the official `pusher` server SDK (authorizeChannel).
 *
 * Per-client behaviour is selected with query parameters on the endpoint URL:
 *   user=<id>        presence user_id (default "anon")
 *   name=<name>      presence user_info.name (default "User <id>")
 *   mode=ok          (default) valid signature
 *   mode=badsig      signature with one hex digit flipped (server must refuse)
 *   mode=wrongkey    correct signature but wrong key prefix (server must refuse)
 *   mode=forbidden   HTTP 403, like Laravel when the channel callback says no
 *   numeric=1        send user_id as a JSON number (older pusher-http-php / Laravel style)
 *   app=2            sign for the second app (app-2 / key-2 / secret-2)
 *   per_socket=1     presence user_id "<user>@<socket_id>": every connection of the client (also
 *                    after a reconnect) is a distinct member, so the old one's removal is observable
 */

const http = require('node:http');
const crypto = require('node:crypto');
const PusherServer = require('pusher');

// 32 random bytes, shared with the SDK instances that trigger encrypted events.
const ENCRYPTION_MASTER_KEY_BASE64 = crypto.randomBytes(32).toString('base64');

function flipLastHexDigit(auth) {
  const last = auth[auth.length - 1];
  const flipped = last === '0' ? '1' : '0';
  return auth.slice(0, -1) + flipped;
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

async function startAuthServer({ appId = 'app-id', key = 'app-key', secret = 'app-secret' } = {}) {
  const sdk = new PusherServer({
    appId,
    key,
    secret,
    host: '127.0.0.1',
    useTLS: false,
    encryptionMasterKeyBase64: ENCRYPTION_MASTER_KEY_BASE64,
  });
  const sdk2 = new PusherServer({ appId: 'app-2', key: 'key-2', secret: 'secret-2', host: '127.0.0.1', useTLS: false });
  const requests = [];

  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url, 'http://127.0.0.1');
      if (req.method === 'POST' && url.pathname === '/pusher/user-auth') {
        // pusher-js signin(): the user comes from the query (?id=42&watchlist=7,8), signed by the SDK.
        const raw = await readBody(req);
        const form = new URLSearchParams(raw);
        const socketId = form.get('socket_id');
        const id = url.searchParams.get('id') || 'anon';
        const watchlist = (url.searchParams.get('watchlist') || '').split(',').filter(Boolean);
        const user = { id, user_info: { name: `User ${id}` } };
        if (watchlist.length > 0) user.watchlist = watchlist;
        requests.push({ socketId, user: id, signin: true, at: Date.now() });
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(sdk.authenticateUser(socketId, user)));
        return;
      }
      if (req.method !== 'POST' || url.pathname !== '/broadcasting/auth') {
        res.writeHead(404, { 'Content-Type': 'text/plain' });
        res.end('not found');
        return;
      }
      const raw = await readBody(req);
      const contentType = req.headers['content-type'] || '';
      const form = contentType.includes('application/json')
        ? new URLSearchParams(Object.entries(JSON.parse(raw || '{}')))
        : new URLSearchParams(raw);
      const socketId = form.get('socket_id');
      const channel = form.get('channel_name');
      const mode = url.searchParams.get('mode') || 'ok';
      const user = url.searchParams.get('user') || 'anon';
      const name = url.searchParams.get('name') || `User ${user}`;
      requests.push({ socketId, channel, mode, user, at: Date.now() });

      if (!socketId || !channel) {
        res.writeHead(400, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ message: 'socket_id and channel_name are required' }));
        return;
      }
      if (mode === 'forbidden') {
        res.writeHead(403, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ message: 'This action is unauthorized.' }));
        return;
      }

      const baseUser = url.searchParams.get('per_socket') === '1' ? `${user}@${socketId}` : user;
      const userId = url.searchParams.get('numeric') === '1' ? Number(baseUser) : baseUser;
      const presenceData = channel.startsWith('presence-') ? { user_id: userId, user_info: { name } } : undefined;
      const signer = url.searchParams.get('app') === '2' ? sdk2 : sdk;
      const body = signer.authorizeChannel(socketId, channel, presenceData);
      if (mode === 'badsig') body.auth = flipLastHexDigit(body.auth);
      if (mode === 'wrongkey') body.auth = 'not-the-key' + body.auth.slice(body.auth.indexOf(':'));

      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    } catch (err) {
      res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ message: String(err && err.message) }));
    }
  });

  await new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const port = server.address().port;

  return {
    port,
    requests,
    masterKeyBase64: ENCRYPTION_MASTER_KEY_BASE64,
    /** User-authentication endpoint for pusher-js signin(), e.g. userEndpoint({ id: '42', watchlist: '7,8' }). */
    userEndpoint(params = {}) {
      const qs = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== null));
      const q = qs.toString();
      return `http://127.0.0.1:${port}/pusher/user-auth${q ? '?' + q : ''}`;
    },
    /** Endpoint URL for one client, e.g. endpoint({ user: '7', name: 'Ann' }). */
    endpoint(params = {}) {
      const qs = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== null));
      const q = qs.toString();
      return `http://127.0.0.1:${port}/broadcasting/auth${q ? '?' + q : ''}`;
    },
    close() {
      return new Promise((resolve) => {
        server.closeAllConnections && server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}

module.exports = { startAuthServer, ENCRYPTION_MASTER_KEY_BASE64, flipLastHexDigit };
