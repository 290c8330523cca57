// Shardline testkit preload, loaded with `node --require preload.js` before a test server's own
// code runs. It does three things:
// 1. Every TCP server of this node process listens on 127.0.0.1 only: the Kinesis test servers
//    have no host option and would otherwise listen on every interface.
// 2. Each such listen is reported on stdout (the server's log), by this very process:
//      shardline-listening pid=<pid> port=<port>
//      shardline-listen-error pid=<pid> port=<port> code=<EADDRINUSE...>
//    so the testkit knows that the ports it handed out are served by its own process, all of
//    them, and sees at once when one was taken (and starts again on new ports).
// 3. SIGTERM and SIGINT end the process at once. kinesis-local (a Cats Effect app) turns them,
//    and process.exit itself, into a graceful shutdown that waits for every open keep-alive
//    connection, so a test's pooled client keeps it alive; a test server holds nothing worth
//    saving. The real process.exit is captured here, before the server replaces it.
// 4. With SHARDLINE_TESTKIT_STDIN_LIFELINE=1, the end of standard input ends the process too. The
//    testkit's JVM makes stdin a pipe it never writes to nor closes, so the pipe ends only when
//    that JVM is gone: also when it was SIGKILLed (a surefire fork timeout, a cancelled CI job)
//    and its shutdown hook, which stops servers otherwise, never ran. Without this the server
//    would be orphaned, burning a core.
// 5. A client that closes its connection in the middle of a request (a timed-out call, a test JVM
//    or child JVM killed with SIGKILL while a request was on the wire) does not end the server.
//    kinesalite rethrows the request's 'error' event ("aborted", ECONNRESET), which would end the
//    whole process and fail every later test of the class. That one error is reported on stdout
//      shardline-request-aborted pid=<pid>
//    and dropped with its request; any other uncaught exception ends the process as node would
//    (its stack on stderr, exit code 1).
'use strict';
const fs = require('fs');
const net = require('net');

const LOOPBACK = '127.0.0.1';
const listen = net.Server.prototype.listen;

function report(line) {
  try {
    fs.writeSync(1, line + '\n');
  } catch (e) {
    // stdout is gone: there is no one left to tell
  }
}

// Reports the outcome of the listen about to happen on `server` (asked for `port`).
function watch(server, port) {
  server.once('listening', () => {
    const address = server.address();
    if (address !== null && typeof address === 'object') {
      report(`shardline-listening pid=${process.pid} port=${address.port}`);
    }
  });
  if (server.shardlineWatched) {
    return;
  }
  server.shardlineWatched = true;
  // Wrapping emit, not adding an 'error' listener: a listener would make an unhandled listen
  // error handled, and change what the server does about it (node ends the process otherwise).
  const emit = server.emit;
  server.emit = function shardlineEmit(event, ...rest) {
    if (event === 'error' && !this.listening) {
      const error = rest[0] || {};
      const failedPort = error.port !== undefined ? error.port : port;
      report(`shardline-listen-error pid=${process.pid} port=${failedPort} code=${error.code || 'unknown'}`);
    }
    return emit.call(this, event, ...rest);
  };
}

function isPort(value) {
  return typeof value === 'number' || (typeof value === 'string' && /^\d+$/.test(value));
}

net.Server.prototype.listen = function shardlineLoopbackListen(...args) {
  const first = args[0];
  if (first === undefined || typeof first === 'function') {
    // listen() or listen(callback): a random port on every interface
    watch(this, 0);
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
    watch(this, options.port);
    return listen.call(this, options, ...rest.filter((a) => typeof a === 'function'));
  }
  if (first !== null && typeof first === 'object' && first.path === undefined
      && first.fd === undefined && first._handle === undefined && first.handle === undefined) {
    // listen(options[, callback]) with a TCP port
    const options = Object.assign({}, first, { host: LOOPBACK });
    delete options.ipv6Only;
    watch(this, options.port === undefined ? 0 : Number(options.port));
    return listen.call(this, options, ...args.slice(1));
  }
  // a Unix socket path, a named pipe or an inherited handle: nothing to rebind
  return listen.apply(this, args);
};

const exit = process.exit.bind(process);
process.on('SIGTERM', () => exit(143));
process.on('SIGINT', () => exit(130));

if (process.env.SHARDLINE_TESTKIT_STDIN_LIFELINE === '1') {
  process.stdin.on('end', () => exit(0));
  process.stdin.on('error', () => exit(0));
  process.stdin.resume();
}

process.on('uncaughtException', (error) => {
  if (error && error.code === 'ECONNRESET' && error.message === 'aborted') {
    report(`shardline-request-aborted pid=${process.pid}`);
    return;
  }
  try {
    fs.writeSync(2, `${error && error.stack ? error.stack : String(error)}\n`);
  } catch (e) {
    // stderr is gone too
  }
  exit(1);
});
