// Shardline testkit preload, loaded with `node --require preload.js` before a test server's own
// code runs. It does two things:
// 1. Every TCP server of this node process listens on 127.0.0.1 only: the Kinesis test servers
//    have no host option and would otherwise listen on every interface.
// 2. SIGTERM and SIGINT end the process at once. kinesis-local (a Cats Effect app) turns them,
//    and process.exit itself, into a graceful shutdown that waits for every open keep-alive
//    connection, so a test's pooled client keeps it alive; a test server holds nothing worth
//    saving. The real process.exit is captured here, before the server replaces it.
'use strict';
const net = require('net');

const LOOPBACK = '127.0.0.1';
const listen = net.Server.prototype.listen;

function isPort(value) {
  return typeof value === 'number' || (typeof value === 'string' && /^\d+$/.test(value));
}

net.Server.prototype.listen = function shardlineLoopbackListen(...args) {
  const first = args[0];
  if (first === undefined || typeof first === 'function') {
    // listen() or listen(callback): a random port on every interface
    return listen.call(this, { port: 0, host: LOOPBACK }, ...args.filter((a) => typeof a === 'function'));
  }
  if (isPort(first)) {
    // listen(port[, host][, backlog][, callback])
    const options = { port: Number(first), host: LOOPBACK };
    let rest = args.slice(1);
    if (rest.length > 0 && (typeof rest[0] === 'string' || rest[0] === null || rest[0] === undefined)) {
      rest = rest.slice(1);
    }
    if (rest.length > 0 && typeof rest[0] === 'number') {
      options.backlog = rest[0];
      rest = rest.slice(1);
    }
    return listen.call(this, options, ...rest.filter((a) => typeof a === 'function'));
  }
  if (first !== null && typeof first === 'object' && first.path === undefined
      && first.fd === undefined && first._handle === undefined && first.handle === undefined) {
    // listen(options[, callback]) with a TCP port
    const options = Object.assign({}, first, { host: LOOPBACK });
    delete options.ipv6Only;
    return listen.call(this, options, ...args.slice(1));
  }
  // a Unix socket path, a named pipe or an inherited handle: nothing to rebind
  return listen.apply(this, args);
};

const exit = process.exit.bind(process);
process.on('SIGTERM', () => exit(143));
process.on('SIGINT', () => exit(130));
