// `npm run bench -- --trace`: what observability costs on getUser at 64 in flight (issue #12),
// every variant on the same storage, round-robin over the rounds, in one run:
//   - the wrapper as it was before #12 (native method + the caller's-stack settle, no hooks):
//     the baseline, and its per-round spread is the run-to-run noise;
//   - no subscriber (what every call pays now: the hasSubscribers check and the per-method
//     histogram of storage.stats());
//   - a no-op `admin-pg-native:query` tracingChannel subscriber (a context per call, 4 events);
//   - OpenTelemetry's AsyncLocalStorage context manager alone, in use (what an app using
//     OpenTelemetry pays already: on Node 20, async hooks on every promise), the
//     instrumentation off;
//   - the instrumentation on @opentelemetry/api alone (no SDK registered: spans are not
//     recorded), which is this package's own share of the cost;
//   - the OpenTelemetry instrumentation (AsyncLocalStorage context manager, as the NodeSDK
//     sets up; the calls inside one active span) into an in-memory exporter, through a
//     BatchSpanProcessor (what production uses) and through a SimpleSpanProcessor (one export
//     per span).
import diagnostics from 'node:diagnostics_channel';
import { createRequire } from 'node:module';
import { timed } from './workloads.mjs';

const require = createRequire(import.meta.url);
const IN_FLIGHT = 64;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** The variants: `on()` before a variant's round, `off()` after; `call(id)` is one getUser. */
function variants(storage) {
  const api = require('@opentelemetry/api');
  const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
  const { BasicTracerProvider, BatchSpanProcessor, InMemorySpanExporter, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
  const { AdminPgNativeInstrumentation } = require('../otel.js');
  const { restack } = require('../lib/wrap.js');
  const native = Object.getPrototypeOf(storage).getUser[Symbol.for('admin-pg-native.wrapped')];
  // lib/wrap.js's wrapper before #12, verbatim in effect: native call, errors re-stamped.
  async function settle(promise) {
    try {
      return await promise;
    } catch (error) {
      throw restack(error);
    }
  }
  const before12 = (id) => {
    const r = native.call(storage, id);
    return r instanceof Promise ? settle(r) : r;
  };
  const channel = diagnostics.tracingChannel('admin-pg-native:query');
  const noop = { start() {}, end() {}, asyncStart() {}, asyncEnd() {}, error() {} };
  const contextManager = new AsyncLocalStorageContextManager();
  const otel = (processor) => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [processor(exporter)] });
    const instrumentation = new AdminPgNativeInstrumentation({ tracerProvider: provider, enabled: false });
    // The exporter is emptied every 100 ms, as a real one ships its spans and forgets them
    // (holding 20,000 spans a round would make this a benchmark of the garbage collector).
    let exported = 0;
    let timer = null;
    const harvest = () => {
      exported += exporter.getFinishedSpans().length;
      exporter.reset();
    };
    return {
      // The calls run inside one active span, as an application's request handler would make
      // them (their spans are its children).
      around: (run) => {
        const parent = provider.getTracer('bench').startSpan('request');
        return api.context.with(api.trace.setSpan(api.context.active(), parent), run).finally(() => parent.end());
      },
      on() {
        exported = 0;
        useContext();
        instrumentation.enable();
        timer = setInterval(harvest, 100);
      },
      async off() {
        instrumentation.disable();
        clearInterval(timer);
        await provider.forceFlush();
        harvest();
        api.context.disable();
        return exported;
      },
    };
  };
  // What an application with OpenTelemetry already pays before this instrumentation: the
  // AsyncLocalStorage context manager, in use (Node 20's AsyncLocalStorage turns its async hooks
  // on at its first `run`, which an app's HTTP spans or the span processor's export do).
  const useContext = () => {
    api.context.setGlobalContextManager(contextManager.enable());
    api.context.with(api.context.active(), () => {});
  };
  const contextOnly = { on: useContext, off: () => api.context.disable() };
  // The instrumentation with the API alone (no SDK: non-recording spans): its own share.
  const apiOnly = (() => {
    const instrumentation = new AdminPgNativeInstrumentation({ enabled: false });
    return {
      on() {
        useContext();
        instrumentation.enable();
      },
      off() {
        instrumentation.disable();
        api.context.disable();
      },
    };
  })();
  const batch = otel((e) => new BatchSpanProcessor(e, { maxQueueSize: 1 << 20, maxExportBatchSize: 512, scheduledDelayMillis: 100 }));
  const simple = otel((e) => new SimpleSpanProcessor(e));
  const flat = (id) => storage.getUser(id);
  return [
    { name: 'before #12: wrapper without hooks (baseline)', call: before12 },
    { name: 'the same baseline again (its spread is the run-to-run noise)', call: before12 },
    { name: 'no subscriber (per-method figures only)', call: flat },
    { name: 'no-op tracingChannel subscriber', call: flat, on: () => channel.subscribe(noop), off: () => channel.unsubscribe(noop) },
    { name: 'OpenTelemetry context manager alone (instrumentation off)', call: flat, on: contextOnly.on, off: contextOnly.off },
    { name: 'instrumentation on the API alone (no SDK: spans not recorded)', call: flat, ...apiOnly },
    { name: 'OpenTelemetry, BatchSpanProcessor → in-memory exporter', call: flat, ...batch, spans: true },
    { name: 'OpenTelemetry, SimpleSpanProcessor → in-memory exporter', call: flat, ...simple, spans: true },
  ];
}

/** The q-quantile of xs (linear between neighbours). */
function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  const at = q * (s.length - 1);
  const lo = Math.floor(at);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (at - lo);
}

/**
 * Runs the variants in many short rounds, each variant once per round in a shuffled order, and
 * compares each variant with the baseline *of the same round* (paired ratios cancel the drift of
 * a shared machine's load). A second copy of the baseline gives the run-to-run spread: its
 * paired ratios are pure noise. Returns one row per variant.
 */
export async function traceOverhead(ctx) {
  const { userIds } = ctx.data;
  const storage = ctx.ours.storage;
  const full = ctx.size.rounds > 2;
  const n = ctx.size.trace ?? (full ? 4_000 : 1_000);
  const rounds = full ? 31 : 2;
  const list = variants(storage);
  const rates = list.map(() => []);
  const cpu = list.map(() => []); // process CPU (all threads) per call, µs
  const spans = list.map(() => 0);
  const pick = (i) => userIds[(i * 7919) % userIds.length];
  for (const v of list) {
    // Warm-up (and a check: the variant returns users).
    await v.on?.();
    const u = await v.call(pick(0));
    if (!u || typeof u.email !== 'string') throw new Error(`result check failed: ${v.name}`);
    await timed((i) => v.call(pick(i)), Math.min(2_000, n), IN_FLIGHT);
    await v.off?.();
  }
  for (let r = 0; r < rounds; r++) {
    const order = list.map((_, k) => k);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (const k of order) {
      const v = list[k];
      await v.on?.();
      globalThis.gc?.();
      const c0 = process.cpuUsage();
      const run = () => timed((i) => v.call(pick(i)), n, IN_FLIGHT);
      const res = await (v.around ? v.around(run) : run());
      const used = process.cpuUsage(c0);
      cpu[k].push((used.user + used.system) / n);
      const made = await v.off?.();
      if (v.spans) {
        if (made !== n + 1) throw new Error(`${v.name}: ${made} spans for ${n} calls and their parent`);
        spans[k] += made;
      }
      rates[k][r] = (res.ops * 1000) / res.elapsedMs;
    }
    if ((r + 1) % 5 === 0 || r + 1 === rounds) ctx.log(`  trace round ${r + 1}/${rounds} done`);
  }
  return list.map((v, k) => {
    const paired = rates[k].map((x, r) => x / rates[0][r]);
    const pairedCpu = cpu[k].map((x, r) => x / cpu[0][r]);
    return {
      variant: v.name,
      throughput: median(rates[k]),
      ratio: median(paired),
      ratioP10: quantile(paired, 0.1),
      ratioP90: quantile(paired, 0.9),
      cpuUs: median(cpu[k]),
      cpuRatio: median(pairedCpu),
      rounds,
      calls: n,
      spans: spans[k],
    };
  });
}

/**
 * Goal checks: no subscriber within the run-to-run spread (the 10th–90th percentile of the
 * second baseline's paired ratios); the instrumentation (batch) ≤ 10 % slower, against the
 * baseline and against an application that already runs OpenTelemetry's context manager.
 */
export function traceGoals(rows) {
  const [, again, none, , ctxOnly, , batch] = rows;
  return {
    noise: [again.ratioP10, again.ratioP90],
    noSubscriber: {
      pass: none.ratio >= again.ratioP10,
      text: `no subscriber (${none.ratio.toFixed(3)}×) within the run-to-run spread (${again.ratioP10.toFixed(3)}–${again.ratioP90.toFixed(3)}×)`,
    },
    otel: { pass: batch.ratio >= 0.9, text: `OpenTelemetry (batch) ≤ 10 % slower than the baseline (${((1 - batch.ratio) * 100).toFixed(1)} %)` },
    otelMarginal: {
      pass: batch.ratio / ctxOnly.ratio >= 0.9,
      text: `the instrumentation ≤ 10 % slower than OpenTelemetry's context manager alone (${((1 - batch.ratio / ctxOnly.ratio) * 100).toFixed(1)} %)`,
    },
  };
}

const fmtRate = (x) => `${Math.round(x).toLocaleString('en-US')} ops/s`;

/** The BENCHMARKS.md section (also printed). */
export function traceMarkdown(rows, meta) {
  const goals = traceGoals(rows);
  const mark = (g) => `${g.pass ? '✓' : '✗'} ${g.text}`;
  const lines = [
    `Latest run: ${meta.date}, ${meta.profile}; node ${process.version}; ${rows[0].rounds} rounds, each running every variant once (${rows[0].calls.toLocaleString('en-US')} getUser calls, 64 in flight) in a shuffled order; load average ${meta.loadStart} at start, ${meta.loadEnd} at end.`,
    '',
    '| variant | throughput (median) | vs baseline, same round (median) | 10th–90th percentile | CPU per call (process, median) | CPU vs baseline (median) |',
    '|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.variant} | ${fmtRate(r.throughput)} | ${r.ratio.toFixed(3)}× | ${r.ratioP10.toFixed(3)}–${r.ratioP90.toFixed(3)}× | ${r.cpuUs.toFixed(1)} µs | ${r.cpuRatio.toFixed(3)}× |`,
    ),
    '',
    `Goals: ${mark(goals.noSubscriber)}; ${mark(goals.otel)}; ${mark(goals.otelMarginal)}.`,
  ];
  return lines.join('\n');
}

/** Replaces the generated trace block of BENCHMARKS.md's "Observability overhead" section. */
export function writeTraceSection(fs, file, section) {
  const BEGIN = '<!-- bench:trace:begin (generated by `npm run bench -- --trace`, do not edit by hand) -->';
  const END = '<!-- bench:trace:end -->';
  const old = fs.readFileSync(file, 'utf8');
  const a = old.indexOf(BEGIN);
  const b = old.indexOf(END);
  if (a < 0 || b < a) throw new Error(`${file} has no ${BEGIN} … ${END} block`);
  fs.writeFileSync(file, `${old.slice(0, a)}${BEGIN}\n${section}\n${old.slice(b)}`);
}
