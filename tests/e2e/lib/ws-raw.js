'use strict';

/**
 * A minimal RFC 6455 WebSocket client over net.Socket (Node 20 has no global WebSocket and the suite's
 * dependencies bundle their WebSocket stack privately): the opening handshake (with extra request headers,
 * a source address and a path), masked text frames out, text / close / ping frames in (pings are answered).
 * Enough for thousands of plain Pusher protocol connections and for sending hand-made headers through proxies.
 *
 *   const ws = await RawWebSocket.connect({ host, port, path: '/app/app-key?protocol=7', headers, localAddress });
 *   ws.on('message', (text) => ...); ws.send(JSON.stringify(...)); ws.on('close', (code, reason) => ...);
 */

const crypto = require('node:crypto');
const net = require('node:net');
const { EventEmitter } = require('node:events');

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

class RawWebSocket extends EventEmitter {
  constructor(socket) {
    super();
    this.socket = socket;
    this.buffer = Buffer.alloc(0);
    this.fragments = null;
    this.closed = false;
    this.closeCode = null;
    socket.on('data', (chunk) => this._onData(chunk));
    socket.on('close', () => this._finish(this.closeCode ?? 1006, ''));
    socket.on('error', (err) => this.emit('error', err));
  }

  /** Opens the connection and completes the handshake; rejects on anything but 101 with the right accept key. */
  static connect({ host = '127.0.0.1', port, path = '/', headers = {}, localAddress, timeoutMs = 10000 }) {
    return new Promise((resolve, reject) => {
      const key = crypto.randomBytes(16).toString('base64');
      const socket = net.connect({ host, port, localAddress });
      socket.setNoDelay(true);
      let response = Buffer.alloc(0);
      const timer = setTimeout(() => fail(new Error(`WebSocket handshake with ${host}:${port}${path} timed out after ${timeoutMs} ms`)), timeoutMs);
      const fail = (err) => {
        clearTimeout(timer);
        socket.removeAllListeners('data');
        socket.destroy();
        reject(err);
      };
      socket.once('error', fail);
      socket.on('connect', () => {
        const lines = [
          `GET ${path} HTTP/1.1`,
          `Host: ${host}:${port}`,
          'Upgrade: websocket',
          'Connection: Upgrade',
          `Sec-WebSocket-Key: ${key}`,
          'Sec-WebSocket-Version: 13',
          ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
          '',
          '',
        ];
        socket.write(lines.join('\r\n'));
      });
      const onData = (chunk) => {
        response = Buffer.concat([response, chunk]);
        const end = response.indexOf('\r\n\r\n');
        if (end < 0) {
          if (response.length > 16384) fail(new Error('WebSocket handshake response too large'));
          return;
        }
        const head = response.subarray(0, end).toString('latin1');
        const rest = response.subarray(end + 4);
        const [statusLine, ...headerLines] = head.split('\r\n');
        const status = Number(statusLine.split(' ')[1]);
        const got = {};
        for (const line of headerLines) {
          const i = line.indexOf(':');
          if (i > 0) got[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
        }
        if (status !== 101) return fail(Object.assign(new Error(`WebSocket handshake refused: ${statusLine}`), { status }));
        const expected = crypto.createHash('sha1').update(key + GUID).digest('base64');
        if (got['sec-websocket-accept'] !== expected) return fail(new Error('WebSocket handshake: wrong Sec-WebSocket-Accept'));
        clearTimeout(timer);
        socket.removeListener('data', onData);
        socket.removeListener('error', fail);
        const ws = new RawWebSocket(socket);
        ws.responseHeaders = got;
        resolve(ws);
        // Frames that came with the 101 response: handled after the caller's continuation attached its listeners.
        if (rest.length) setImmediate(() => ws._onData(rest));
      };
      socket.on('data', onData);
    });
  }

  send(text) {
    this._frame(0x1, Buffer.from(text, 'utf8'));
  }

  /** Sends a close frame (and ends the socket once the server answers or after 2 s). */
  close(code = 1000, reason = '') {
    if (this.closed) return;
    const payload = Buffer.alloc(2 + Buffer.byteLength(reason));
    payload.writeUInt16BE(code, 0);
    payload.write(reason, 2);
    this._frame(0x8, payload);
    this._closeTimer = setTimeout(() => this.socket.destroy(), 2000);
    this._closeTimer.unref();
  }

  destroy() {
    this.socket.destroy();
  }

  _frame(opcode, payload) {
    if (this.socket.destroyed || !this.socket.writable) return;
    const mask = crypto.randomBytes(4);
    let header;
    if (payload.length < 126) {
      header = Buffer.alloc(2);
      header[1] = 0x80 | payload.length;
    } else if (payload.length < 65536) {
      header = Buffer.alloc(4);
      header[1] = 0x80 | 126;
      header.writeUInt16BE(payload.length, 2);
    } else {
      header = Buffer.alloc(10);
      header[1] = 0x80 | 127;
      header.writeBigUInt64BE(BigInt(payload.length), 2);
    }
    header[0] = 0x80 | opcode;
    const masked = Buffer.alloc(payload.length);
    for (let i = 0; i < payload.length; i++) masked[i] = payload[i] ^ mask[i & 3];
    this.socket.write(Buffer.concat([header, mask, masked]));
  }

  _onData(chunk) {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    for (;;) {
      const b = this.buffer;
      if (b.length < 2) return;
      const fin = (b[0] & 0x80) !== 0;
      const opcode = b[0] & 0x0f;
      const masked = (b[1] & 0x80) !== 0;
      let len = b[1] & 0x7f;
      let offset = 2;
      if (len === 126) {
        if (b.length < 4) return;
        len = b.readUInt16BE(2);
        offset = 4;
      } else if (len === 127) {
        if (b.length < 10) return;
        len = Number(b.readBigUInt64BE(2));
        offset = 10;
      }
      let mask = null;
      if (masked) {
        if (b.length < offset + 4) return;
        mask = b.subarray(offset, offset + 4);
        offset += 4;
      }
      if (b.length < offset + len) return;
      let payload = Buffer.from(b.subarray(offset, offset + len));
      if (mask) for (let i = 0; i < payload.length; i++) payload[i] ^= mask[i & 3];
      this.buffer = b.subarray(offset + len);
      this._onFrame(fin, opcode, payload);
    }
  }

  _onFrame(fin, opcode, payload) {
    if (opcode === 0x8) {
      const code = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
      const reason = payload.length > 2 ? payload.subarray(2).toString('utf8') : '';
      this.closeCode = code;
      if (!this.closed) {
        // Echo the close frame, then end the TCP connection.
        const echo = Buffer.alloc(2);
        echo.writeUInt16BE(code === 1005 ? 1000 : code, 0);
        this._frame(0x8, echo);
        this.socket.end();
      }
      this._finish(code, reason);
      return;
    }
    if (opcode === 0x9) return this._frame(0xa, payload); // ping -> pong
    if (opcode === 0xa) return;
    if (opcode === 0x1 || opcode === 0x2) {
      if (fin) return this.emit('message', payload.toString('utf8'), opcode === 0x2);
      this.fragments = { opcode, parts: [payload] };
      return;
    }
    if (opcode === 0x0 && this.fragments) {
      this.fragments.parts.push(payload);
      if (fin) {
        const { opcode: op, parts } = this.fragments;
        this.fragments = null;
        this.emit('message', Buffer.concat(parts).toString('utf8'), op === 0x2);
      }
    }
  }

  _finish(code, reason) {
    if (this.closed) return;
    this.closed = true;
    if (this._closeTimer) clearTimeout(this._closeTimer);
    this.emit('close', code, reason);
  }
}

/**
 * A Pusher protocol connection on top of RawWebSocket: resolves once pusher:connection_established arrived,
 * with { ws, socketId, events } where events collects every parsed frame.
 */
async function connectPusher({ host = '127.0.0.1', port, key = 'app-key', prefix = '', headers, localAddress, timeoutMs = 10000 }) {
  const ws = await RawWebSocket.connect({ host, port, path: `${prefix}/app/${key}?protocol=7&client=e2e-raw&version=1.0`, headers, localAddress, timeoutMs });
  const conn = { ws, socketId: null, events: [] };
  const established = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no pusher:connection_established within ${timeoutMs} ms`)), timeoutMs);
    ws.on('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`closed with ${code} before pusher:connection_established`));
    });
    ws.on('message', (text) => {
      let frame;
      try {
        frame = JSON.parse(text);
      } catch (_) {
        return;
      }
      conn.events.push(frame);
      if (frame.event === 'pusher:connection_established') {
        clearTimeout(timer);
        conn.socketId = JSON.parse(frame.data).socket_id;
        resolve();
      }
      if (frame.event === 'pusher:ping') ws.send(JSON.stringify({ event: 'pusher:pong', data: {} }));
    });
  });
  ws.on('error', () => {}); // surfaced through close
  await established;
  return conn;
}

module.exports = { RawWebSocket, connectPusher };
