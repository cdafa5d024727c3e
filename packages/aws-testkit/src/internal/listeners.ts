import { type ChildProcess, spawn } from 'node:child_process';
import * as net from 'node:net';
import type { LocalListener } from '../types.js';

/** A listener that accepts connections, reads and discards what arrives, and never answers. */
export async function startBlackhole(): Promise<LocalListener> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.resume();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1' }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as net.AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}

/**
 * The child's program: listen with a backlog of 1, print the port, then block the thread forever
 * (Atomics.wait) before the event loop ever polls the listening socket, so nothing is accepted.
 * It wakes once a second only to exit if its parent has gone.
 */
const NEVER_ACCEPT_PROGRAM = `
'use strict';
const net = require('node:net');
const fs = require('node:fs');
const parent = process.ppid;
const server = net.createServer();
server.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
  fs.writeSync(1, 'PORT ' + server.address().port + '\\n');
  const cell = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    Atomics.wait(cell, 0, 0, 1000);
    if (process.ppid !== parent) process.exit(0);
  }
});
`;

/** How many connections fill the accept queue of a backlog-1 listener on Linux (`> backlog` is full). */
const FILLERS = 2;

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/**
 * A listener that never accepts: a child process whose thread is blocked before it accepts
 * anything, with its accept queue filled by our own connections, so the kernel drops further SYNs
 * and a TCP connect hangs until the client's connect timeout. (Linux semantics.)
 */
export async function startUnresponsive(): Promise<LocalListener> {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const child: ChildProcess = spawn(process.execPath, ['-e', NEVER_ACCEPT_PROGRAM], { stdio: ['ignore', 'pipe', 'pipe'], env });
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  const fillers: net.Socket[] = [];
  const kill = async (): Promise<void> => {
    for (const socket of fillers) socket.destroy();
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    child.stdout?.destroy();
    child.stderr?.destroy();
  };
  let port: number;
  try {
    port = await new Promise<number>((resolve, reject) => {
      let out = '';
      let err = '';
      child.stderr?.on('data', (d: Buffer) => {
        err = (err + d.toString()).slice(-4000);
      });
      child.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        const line = /PORT (\d+)\n/.exec(out);
        if (line) resolve(Number(line[1]));
      });
      child.once('error', reject);
      child.once('exit', (code, signal) => reject(new Error(`unresponsive(): the listener process exited (${code ?? signal}): ${err.trim()}`)));
    });
    for (let i = 0; i < FILLERS; i++) {
      const socket = await connect(port);
      socket.on('error', () => {});
      fillers.push(socket);
    }
  } catch (err) {
    await kill();
    throw err;
  }
  let closing: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close() {
      closing ??= kill();
      return closing;
    },
  };
}
