// Network for tenants: default-deny (EACCES), a policy that sees the decoded socket address
// (the rule "remote hosts only" refuses loopback), and when allowed, TCP client sockets that
// work through the descriptor table (connect parks the process, then read, write, send, recv,
// poll, shutdown, getsockname, getpeername, close), non-blocking connects, socketcall(2) as
// well as the direct calls, AF_UNIX socket pairs, and bulk transfers in both directions with
// bounded buffering. The guest is guests/hostile-net.c; the servers are node:net, in this test.

import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { isLocalHost, isLoopback, Sandbox, type NetworkRequest, type SyscallRequest, type TenantPolicy, type TenantResult } from '../src/index';

const NET = join(__dirname, '..', 'guests', 'bin', 'hostile-net-musl');
const sandbox = new Sandbox();

async function run(args: string[], policy?: TenantPolicy): Promise<{ out: string; r: TenantResult }> {
  const t = sandbox.spawn(NET, { argv: ['hostile-net', ...args], policy });
  const chunks: Buffer[] = [];
  t.stdout.on('data', (b: Buffer) => chunks.push(b));
  t.stderr.resume();
  const r = await t.exited;
  return { out: Buffer.concat(chunks).toString('latin1'), r };
}

/** A server on 127.0.0.1 (or `host`): `onConn` handles each connection. */
async function server(onConn: (s: Socket) => void, host = '127.0.0.1'): Promise<{ srv: Server; port: number }> {
  const srv = createServer(onConn);
  await new Promise<void>((resolve, reject) => { srv.once('error', reject); srv.listen(0, host, resolve); });
  return { srv, port: (srv.address() as { port: number }).port };
}

/** Replies "echo:" + everything received once the client half-closes. */
const echo = (s: Socket): void => {
  const got: Buffer[] = [];
  s.on('data', (b) => got.push(b));
  s.on('end', () => s.end(`echo:${Buffer.concat(got).toString('latin1')}`));
  s.on('error', () => undefined);
};

const allowAll: TenantPolicy = { network: () => 'allow' };

let echoServer: { srv: Server; port: number };
beforeAll(async () => { echoServer = await server(echo); });
afterAll(() => new Promise<void>((r) => echoServer.srv.close(() => r())));

const clientOutput = (port: number, reply: string): string => [
  'socket: ok', 'connect: ok', `peer: 127.0.0.1 ${port}`, 'local family: same', 'send: 5', 'shutdown: ok', 'poll: 1 POLLIN',
  `reply: ${reply}`, 'close: ok', '',
].join('\n');

describe('allowed by a policy', () => {
  test('connect, send, half-close, poll, read the reply: direct socket calls (musl)', async () => {
    const seen: NetworkRequest[] = [];
    const { out, r } = await run(['connect', '127.0.0.1', String(echoServer.port), 'hello'], { network: (q) => { seen.push(q); return 'allow'; } });
    expect(out).toBe(clientOutput(echoServer.port, 'echo:hello'));
    expect(r.code).toBe(0);
    expect(seen).toEqual([
      { pid: 1, op: 'socket', family: 'inet', domain: 2, type: 'stream', sockType: 1, protocol: 0 },
      { pid: 1, op: 'connect', family: 'inet', domain: 2, type: 'stream', sockType: 1, protocol: 6, fd: 3, address: { family: 'inet', address: '127.0.0.1', port: echoServer.port } },
    ]);
  });

  test('the same through socketcall(2): judged and run as the call it stands for', async () => {
    const calls: SyscallRequest[] = [];
    const { out } = await run(['raw', '127.0.0.1', String(echoServer.port), 'hello'], {
      syscall: (c) => { if (c.via !== null) calls.push(c); },
      network: () => true,
    });
    expect(out).toBe(clientOutput(echoServer.port, 'echo:hello'));
    expect(calls.map((c) => [c.nr, c.name, c.via])).toEqual([
      [359, 'socket', 'socketcall'], [362, 'connect', 'socketcall'], [368, 'getpeername', 'socketcall'], [367, 'getsockname', 'socketcall'],
      [369, 'sendto', 'socketcall'], [373, 'shutdown', 'socketcall'], [371, 'recvfrom', 'socketcall'], [371, 'recvfrom', 'socketcall'],
    ]);
    const connect = calls[1];
    expect(connect.decoded).toEqual([
      { name: 'sockfd', kind: 'fd', value: 3 },
      { name: 'addr', kind: 'sockaddr', value: { family: 'inet', address: '127.0.0.1', port: echoServer.port } },
      { name: 'addrlen', kind: 'uint', value: 16 },
    ]);
    expect(connect.network).toMatchObject({ op: 'connect', address: { port: echoServer.port } });
  });

  test('IPv6 loopback', async () => {
    let v6: { srv: Server; port: number };
    try {
      v6 = await server(echo, '::1');
    } catch {
      return; // no IPv6 on this host
    }
    try {
      const { out } = await run(['connect', '::1', String(v6.port), 'hello'], allowAll);
      expect(out).toBe(clientOutput(v6.port, 'echo:hello').replace(`127.0.0.1 ${v6.port}`, `::1 ${v6.port}`));
    } finally {
      v6.srv.close();
    }
  });

  test('non-blocking connect: EINPROGRESS, POLLOUT, SO_ERROR 0; to a closed port: POLLERR, ECONNREFUSED, then EOF', async () => {
    expect((await run(['nb', '127.0.0.1', String(echoServer.port)], allowAll)).out)
      .toBe('socket: ok\nconnect: EINPROGRESS\npoll: 1 POLLOUT\nSO_ERROR: ok\nread: EAGAIN\n');
    const closed = await server(() => undefined);
    const port = closed.port;
    await new Promise<void>((r) => closed.srv.close(() => r()));
    // As Linux (and qemu-i386) answer: the failed socket reads EOF.
    expect((await run(['nb', '127.0.0.1', String(port)], allowAll)).out)
      .toBe('socket: ok\nconnect: EINPROGRESS\npoll: 1 POLLOUT POLLERR\nSO_ERROR: ECONNREFUSED\nread: eof\n');
    expect((await run(['connect', '127.0.0.1', String(port), 'x'], allowAll)).out).toBe('socket: ok\nconnect: ECONNREFUSED\n');
  });

  test('AF_UNIX socket pair: data, EOF after the peer closes, EPIPE on send', async () => {
    expect((await run(['pair'], allowAll)).out).toBe('socketpair: ok\nwrite: 4\nread: 4 ping\nread after close: 0\nsend after close: EPIPE\n');
  });

  test('1 MiB from the server and 8 MiB to it arrive whole (bounded buffering, backpressure)', async () => {
    // The guest checksums every byte it reads: 1 MiB keeps that quick.
    const data = Buffer.alloc(1 << 20);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7 + (i >> 11)) & 0xff;
    let sum = 0;
    for (const b of data) sum = (Math.imul(sum, 31) + b) >>> 0;
    const big = await server((s) => { s.end(data); s.on('error', () => undefined); });
    let received = 0;
    const sink = await server((s) => {
      s.on('data', (b: Buffer) => { received += b.length; });
      s.on('end', () => s.end(`got ${received}`));
      s.on('error', () => undefined);
    });
    try {
      expect((await run(['count', '127.0.0.1', String(big.port)], allowAll)).out).toBe(`bytes: ${data.length}\nsum: ${sum}\n`);
      expect((await run(['blast', '127.0.0.1', String(sink.port), '8'], allowAll)).out).toBe(`sent: ${8 << 20}\nreply: got ${8 << 20}\n`);
    } finally {
      big.srv.close();
      sink.srv.close();
    }
  });
});

describe('denied', () => {
  test('"remote hosts only": loopback and 0.0.0.0 are refused with EACCES, having seen the decoded address', async () => {
    const asked: NetworkRequest[] = [];
    const remoteOnly: TenantPolicy = { network: (q) => { asked.push(q); return q.address === undefined || !isLocalHost(q.address); } };
    expect((await run(['connect', '127.0.0.1', String(echoServer.port), 'hi'], remoteOnly)).out).toBe('socket: ok\nconnect: EACCES\n');
    expect((await run(['connect', '0.0.0.0', String(echoServer.port), 'hi'], remoteOnly)).out).toBe('socket: ok\nconnect: EACCES\n');
    expect((await run(['connect', '::ffff:127.0.0.1', String(echoServer.port), 'hi'], remoteOnly)).out).toBe('socket: ok\nconnect: EACCES\n');
    expect(asked.filter((q) => q.op === 'connect').map((q) => q.address)).toEqual([
      { family: 'inet', address: '127.0.0.1', port: echoServer.port },
      { family: 'inet', address: '0.0.0.0', port: echoServer.port },
      { family: 'inet6', address: '::ffff:127.0.0.1', port: echoServer.port, flowinfo: 0, scopeId: 0 },
    ]);
  });

  test('isLoopback and isLocalHost', () => {
    expect(isLoopback({ family: 'inet', address: '127.1.2.3', port: 1 })).toBe(true);
    expect(isLoopback({ family: 'inet6', address: '::', port: 1, flowinfo: 0, scopeId: 0 })).toBe(true);
    expect(isLoopback({ family: 'inet', address: '93.184.216.34', port: 80 })).toBe(false);
    expect(isLocalHost({ family: 'unix', path: '/x', abstract: false })).toBe(true);
    expect(isLocalHost({ family: 'inet', address: '192.0.2.1', port: 80 })).toBe(false);
  });

  test('a number is the errno; a throwing hook fails closed; the generic hook can allow or refuse', async () => {
    expect((await run(['connect', '127.0.0.1', String(echoServer.port), 'hi'], { network: (q) => (q.op === 'connect' ? 111 : 'allow') })).out)
      .toBe('socket: ok\nconnect: ECONNREFUSED\n');
    expect((await run(['connect', '127.0.0.1', String(echoServer.port), 'hi'], { network: () => { throw new Error('policy bug'); } })).out)
      .toBe('socket: EACCES\n');
    // An explicit 'allow' from the generic hook is permission; returning nothing is not.
    expect((await run(['connect', '127.0.0.1', String(echoServer.port), 'hello'], { syscall: (c) => (c.network !== undefined ? 'allow' : undefined) })).out)
      .toBe(clientOutput(echoServer.port, 'echo:hello'));
    expect((await run(['connect', '127.0.0.1', String(echoServer.port), 'hi'], { syscall: (c) => (c.name === 'connect' ? 'deny' : undefined), network: () => 'allow' })).out)
      .toBe('socket: ok\nconnect: EPERM\n');
  });

  test('a guest flipping the port in shared memory while it connects reaches only the allowed server', async () => {
    const a = await server((s) => { s.end('A'); s.on('error', () => undefined); });
    const b = await server((s) => { s.end('B'); s.on('error', () => undefined); });
    try {
      const { out } = await run(['flip', '127.0.0.1', String(a.port), String(b.port), '40'], { network: (q) => q.op === 'socket' || q.address?.family === 'inet' && q.address.port === a.port });
      expect(out).toBe('from A: 40\nfrom B: 0\nrefused: 0\n');
    } finally {
      a.srv.close();
      b.srv.close();
    }
  });
});
