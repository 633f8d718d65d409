// The scenario of bench/acceptLatency.ts: its draft, the changes made to it, and the people who
// suggest and accept them over the API.
import type * as Y from 'yjs';
import { anchorIn } from '../server/test/support/anchors.ts';
import { CONTENT_FIELD } from '../shared/drafts.ts';
import type { BenchServer } from './servers.ts';

export const ACCEPT_DRAFT_ID = 'accept-bench';

/**
 * Paragraph `p`'s passage after `revision` changes. Each change (an accept or a direct edit)
 * replaces a paragraph's passage with its next revision, whose marker word is how a client sees
 * that the change arrived. An accept and the direct edit beside it change two paragraphs of the
 * same revision, so both replace as much text with as much text.
 */
const wording = (p: number, revision: number) =>
  revision === 0
    ? `the budget of clause ${pad(p)} every year`
    : `the budget of clause ${pad(p)} each quarter, marker ${marker(p, revision)}`;
/**
 * Unique in the draft, and its first and last letters differ from the previous revision's: the
 * binding writes only what differs between the old and new text, and the whole marker must be in it.
 */
const marker = (p: number, revision: number) => {
  const letter = revision % 2 === 1 ? 'q' : 'z';
  return `${letter}${pad(p)}r${revision}${letter}`;
};
const pad = (p: number) => String(p).padStart(3, '0');

/** One change to make: paragraph `p`'s passage from `before` to `after`. */
export interface Change {
  p: number;
  before: string;
  after: string;
  marker: string;
}

/** Hands out changes paragraph after paragraph, round and round the draft. */
export function changes(paragraphs: number): () => Change {
  const revisions = new Array<number>(paragraphs).fill(0);
  let next = 0;
  return () => {
    const p = next++ % paragraphs;
    const revision = revisions[p] ?? 0;
    revisions[p] = revision + 1;
    return {
      p,
      before: wording(p, revision),
      after: wording(p, revision + 1),
      marker: marker(p, revision + 1),
    };
  };
}

/** The bench draft: a heading every ten paragraphs, each paragraph with its passage. */
export function acceptDraft(paragraphs: number): string {
  const blocks = Array.from({ length: paragraphs }, (_, p) => {
    const text = `Clause ${pad(p)}: the council publishes ${wording(p, 0)}, with the reasons for each line and the office that answers for it.`;
    return p % 10 === 0 ? `## Part ${p / 10 + 1}\n\n${text}` : text;
  });
  return `---\ntitle: Accept latency bench\nlanguage: en\n---\n\n# Accept latency bench\n\n${blocks.join('\n\n')}\n`;
}

export interface People {
  base: string;
  taskForce: string;
  /** Several: each may post 30 times a minute, and a round with its re-run suggests 30 times. */
  stakeholders: string[];
}

/** A stakeholder suggests the change's new wording, anchored in `doc` as a browser would. */
export async function suggest(people: People, cookie: string, doc: Y.Doc | undefined, change: Change) {
  if (!doc) throw new Error('no client to anchor in');
  const anchor = anchorIn(doc.getXmlFragment(CONTENT_FIELD), change.before);
  const response = await post(people.base, cookie, 'suggestions', { anchor, text: change.after });
  const body = (await response.json()) as { id?: string };
  if (response.status !== 201 || !body.id) {
    throw new Error(`suggesting answered ${response.status}: ${JSON.stringify(body)}`);
  }
  return body.id;
}

/** An admin (the bench's own), a task-force member by invitation and six signed-up stakeholders. */
export async function setUpPeople(server: BenchServer): Promise<People> {
  const url = new URL(server.wsBase);
  const base = `http://${url.host}`;
  const admin = server.headers.cookie ?? '';
  const invite = await request(base, admin, '/api/admin/invites', { role: 'taskforce' });
  const { path: invitePath } = (await invite.json()) as { path: string };
  const taskForce = await sessionOf(
    await request(base, '', `/api${invitePath.replace('/invite/', '/invites/')}/accept`, {
      name: 'Tom Okafor',
      email: 'tom@bench.test',
      password: 'bench-password-not-secret',
    }),
  );
  const stakeholders: string[] = [];
  const names = ['Alice Martin', 'Amina Diallo', 'Ana Souza', 'Bao Tran', 'Chidi Eze', 'Dana Levi'];
  for (const name of names) {
    const email = `${name.split(' ')[0]?.toLowerCase()}@bench.test`;
    const signedUp = await request(base, '', '/api/auth/register', {
      name,
      email,
      password: 'bench-password-not-secret',
      organisation: 'Bench Collective',
    });
    stakeholders.push(await sessionOf(signedUp));
  }
  return { base, taskForce, stakeholders };
}

async function sessionOf(response: Response): Promise<string> {
  const cookie = response.headers.getSetCookie()[0]?.split(';')[0];
  if (!response.ok || !cookie)
    throw new Error(`no session: HTTP ${response.status} ${await response.text()}`);
  return cookie;
}

export function post(base: string, cookie: string, path: string, body: unknown): Promise<Response> {
  return request(base, cookie, `/api/drafts/${ACCEPT_DRAFT_ID}/${path}`, body);
}

/** A JSON POST as the web client sends it: same-origin, with the session cookie. */
function request(base: string, cookie: string, path: string, body: unknown): Promise<Response> {
  return fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: base, ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  });
}
