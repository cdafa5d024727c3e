// The local AWS endpoints in a process of their own, driven over IPC, so the
// bench process's socket counts are its client sockets alone and the
// server's CPU is not charged to the client being measured.
import { type LocalServiceName, startLocalAws } from '@dbp/aws-testkit';
import type { ServerReply, ServerRequest, ServerStart } from './lib/localAws.js';

const send = (message: unknown): void => {
  process.send?.(message);
};

const start = JSON.parse(process.argv[2] ?? '{}') as ServerStart;
const local = await startLocalAws({ services: start.services, verifySignatures: start.verifySignatures });
const options: Partial<Record<LocalServiceName, unknown>> = {};
for (const service of start.services) options[service] = local.clientOptions(service);
send({ type: 'ready', region: local.region, credentials: local.credentials, endpoints: local.endpoints, options });

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await local.stop();
  if (process.connected) process.disconnect();
}

process.on('disconnect', () => {
  void stop();
});
process.on('message', (raw) => {
  const message = raw as ServerRequest;
  const reply = (body: Omit<ServerReply, 'id'>): void => send({ id: message.id, ...body });
  try {
    switch (message.type) {
      case 'addCredentials':
        for (const pair of message.pairs) local.addCredentials(pair);
        reply({ ok: true });
        break;
      case 'requests': {
        const entries = local.requests.entries(message.service);
        const keys = new Set<string>();
        const byStatus: Record<string, number> = {};
        let invalid = 0;
        for (const entry of entries) {
          if (entry.accessKeyId !== undefined) keys.add(entry.accessKeyId);
          byStatus[entry.status] = (byStatus[entry.status] ?? 0) + 1;
          if (entry.signatureValid === false) invalid++;
        }
        reply({ ok: true, total: entries.length, distinctAccessKeys: keys.size, byStatus, invalidSignatures: invalid });
        break;
      }
      case 'reset':
        local.requests.reset();
        reply({ ok: true });
        break;
      case 'stop':
        reply({ ok: true });
        void stop();
        break;
    }
  } catch (error) {
    reply({ ok: false, error: error instanceof Error ? error.message : String(error) });
  }
});
