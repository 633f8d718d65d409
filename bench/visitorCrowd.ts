import * as encoding from 'lib0/encoding';
import { WebSocket } from 'ws';
import { encodeAwarenessUpdate } from '../server/src/collab/awarenessUpdate.ts';
import { MessageType, SyncStep } from '../shared/protocol.ts';

// A child process of the presence-flood bench: `count` anonymous visitor sockets on one draft,
// each changing its presence once a second (a caret moving, and a field of its own), reading
// whatever the server sends. Prints "ready <n>" once all are open; runs until killed.
const [url, countText] = process.argv.slice(2);
if (!url || !countText) throw new Error('usage: visitorCrowd.ts <ws url of the draft> <count>');
const count = Number(countText);
const sockets: WebSocket[] = [];
let open = 0;
let received = 0;

function frame(type: number, write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, type);
  write(encoder);
  return encoding.toUint8Array(encoder);
}

for (let i = 0; i < count; i++) {
  const ws = new WebSocket(url);
  const clientId = 1_000_000 + i;
  let clock = 0;
  ws.on('open', () => {
    open++;
    // Asks for the document, as a reader's page does.
    ws.send(
      frame(MessageType.Sync, (encoder) => {
        encoding.writeVarUint(encoder, SyncStep.Step1);
        encoding.writeVarUint8Array(encoder, new Uint8Array([0]));
      }),
    );
    const move = () => {
      if (ws.readyState !== WebSocket.OPEN) return;
      clock++;
      const state = JSON.stringify({
        cursor: { anchor: { type: 'x', tname: null, item: null, assoc: clock % 7 }, head: null },
        note: `visitor ${i} at ${clock}`,
      });
      ws.send(
        frame(MessageType.Awareness, (encoder) =>
          encoding.writeVarUint8Array(encoder, encodeAwarenessUpdate([{ clientId, clock, state }])),
        ),
      );
    };
    move();
    // Spread over the second, so that the flood is steady rather than one spike.
    setTimeout(() => setInterval(move, 1000), Math.random() * 1000);
    if (open === count) console.log(`ready ${open}`);
  });
  ws.on('message', () => {
    received++;
  });
  ws.on('error', () => {});
  ws.on('close', (code) => {
    if (code !== 1000 && code !== 1005) console.error(`visitor ${i} closed with ${code}`);
  });
  sockets.push(ws);
}

setInterval(() => console.log(`received ${received}`), 5000).unref();
