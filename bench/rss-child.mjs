// Child process of workload (h): one comparator alone in a fresh node process, RSS after
// `few` getUser calls and after `many`, 64 in flight, measured after a full GC.
const { comparator, url, schema, ids, few, many } = JSON.parse(process.env.BENCH_RSS);
const { open } = await import(`./comparators/${comparator}`);
const c = await open({ url, schema });
let k = 0;
const run = async (n) => {
  let next = 0;
  await Promise.all(Array.from({ length: 64 }, async () => {
    while (next++ < n) await c.getUser(ids[k++ % ids.length]);
  }));
};
const settle = () => {
  for (let i = 0; i < 3; i++) globalThis.gc?.();
  return process.memoryUsage();
};
await run(few);
const a = settle();
const t0 = performance.now();
await run(many - few);
const elapsed = performance.now() - t0;
const b = settle();
await c.close();
console.log(JSON.stringify({ rssFew: a.rss, rssMany: b.rss, heapFew: a.heapUsed, heapMany: b.heapUsed, opsPerSec: ((many - few) * 1000) / elapsed }));
