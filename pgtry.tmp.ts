import { startPostgres } from './server/test/support/engines.ts';

const pg = await startPostgres();
console.log(pg.url);
await new Promise((r) => setTimeout(r, Number(process.env.HOLD ?? 60000)));
await pg.remove();
